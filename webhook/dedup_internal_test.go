package webhook

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func TestWebhookMemoryDeduper(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1_700_000_000, 0)
	m := NewMemoryDeduper(3, time.Minute)
	m.now = func() time.Time { return now }
	seen := func(id string, want bool) {
		t.Helper()
		if got, err := m.Seen(ctx, id); err != nil || got != want {
			t.Fatalf("Seen(%s) = %v, %v; want %v", id, got, err, want)
		}
	}
	seen("a", true)
	seen("a", false)
	seen("b", true)
	seen("c", true)
	seen("d", true) // evicts a, the oldest
	if m.Len() != 3 {
		t.Fatalf("Len = %d; want 3", m.Len())
	}
	seen("a", true) // evicts b
	seen("c", false)
	if err := m.Forget(ctx, "c"); err != nil {
		t.Fatal(err)
	}
	seen("c", true)
	if err := m.Forget(ctx, "never"); err != nil {
		t.Fatal(err)
	}
	now = now.Add(59 * time.Second)
	seen("d", false)
	now = now.Add(2 * time.Second) // d expired
	seen("d", true)
	now = now.Add(time.Hour)
	seen("x", true)
	if m.Len() != 1 {
		t.Fatalf("Len after expiry = %d; want 1", m.Len())
	}
	// Defaults.
	m = NewMemoryDeduper(0, 0)
	if m.cap != DefaultDedupCapacity || m.ttl != DefaultDedupTTL {
		t.Errorf("defaults %d %v", m.cap, m.ttl)
	}
	for i := range DefaultDedupCapacity + 10 {
		m.Seen(ctx, fmt.Sprint(i))
	}
	if m.Len() != DefaultDedupCapacity {
		t.Errorf("bounded: Len = %d", m.Len())
	}
}
