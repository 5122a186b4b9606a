package webhook

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestWebhookMemoryDeduper checks the bounds of the in-memory Deduper (its
// behaviour is in TestWebhookMemoryDeduperConformance) on a fake clock.
func TestWebhookMemoryDeduper(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1_700_000_000, 0)
	clock := WithDedupClock(func() time.Time { return now })
	m := NewMemoryDeduper(3, time.Minute, WithLease(10*time.Second), clock)
	begin := func(id string, want DedupStatus) string {
		t.Helper()
		got, err := m.Begin(ctx, id)
		if err != nil || got.Status != want {
			t.Fatalf("Begin(%s) = %+v, %v; want %v", id, got, err, want)
		}
		return got.Token
	}
	complete := func(ids ...string) {
		t.Helper()
		for _, id := range ids {
			if err := m.Complete(ctx, id, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	wantLen := func(n int) {
		t.Helper()
		if m.Len() != n {
			t.Fatalf("Len = %d; want %d", m.Len(), n)
		}
	}

	// Capacity: the oldest done id goes first.
	begin("a", DedupNew)
	begin("b", DedupNew)
	complete("a", "b")
	begin("c", DedupNew)
	begin("d", DedupNew) // full: evicts a, the oldest done id
	wantLen(3)
	begin("a", DedupNew) // evicts b
	begin("b", DedupNew) // nothing done is left: evicts the oldest lease, c
	begin("c", DedupNew)
	begin("b", DedupInProgress)
	wantLen(3)

	// Leases expire after the lease, done ids after the TTL.
	m = NewMemoryDeduper(10, time.Minute, WithLease(10*time.Second), clock)
	begin("lease", DedupNew)
	begin("done", DedupNew)
	complete("done")
	now = now.Add(9 * time.Second)
	begin("lease", DedupInProgress)
	now = now.Add(time.Second)
	begin("lease", DedupNew) // taken over
	now = now.Add(9 * time.Second)
	wantLen(2) // the new lease of "lease" still runs
	now = now.Add(time.Second)
	wantLen(1) // and now expired
	now = now.Add(39 * time.Second)
	begin("done", DedupDone)
	now = now.Add(time.Second)
	wantLen(0) // done expired after the TTL
	begin("done", DedupNew)
	now = now.Add(time.Hour)
	wantLen(0)

	// Complete moves an id from in progress to done, refreshing it.
	begin("x", DedupNew)
	now = now.Add(5 * time.Second)
	complete("x")
	now = now.Add(59 * time.Second)
	begin("x", DedupDone)

	// Forget releases a lease only with its token, even once it expired.
	m = NewMemoryDeduper(10, time.Minute, WithLease(10*time.Second), clock)
	first := begin("y", DedupNew)
	now = now.Add(10 * time.Second)
	second := begin("y", DedupNew) // taken over
	forget := func(token string) {
		t.Helper()
		if err := m.Forget(ctx, "y", token); err != nil {
			t.Fatal(err)
		}
	}
	forget(first)
	forget("")
	begin("y", DedupInProgress)
	wantLen(1)
	forget(second)
	wantLen(0)

	// Defaults, and the bound under load.
	m = NewMemoryDeduper(0, 0, WithLease(0))
	if m.cap != DefaultDedupCapacity || m.ttl != DefaultDedupTTL || m.lease != DefaultDedupLease {
		t.Errorf("defaults %d %v %v", m.cap, m.ttl, m.lease)
	}
	for i := range DefaultDedupCapacity + 10 {
		id := fmt.Sprint(i)
		m.Begin(ctx, id)
		if i%2 == 0 {
			m.Complete(ctx, id, "")
		}
	}
	if m.Len() != DefaultDedupCapacity || len(m.ids) != m.leased.Len()+m.done.Len() {
		t.Errorf("bounded: Len = %d, map %d, lists %d+%d", m.Len(), len(m.ids), m.leased.Len(), m.done.Len())
	}
}

func TestWebhookDedupStatusString(t *testing.T) {
	for s, want := range map[DedupStatus]string{DedupNew: "new", DedupInProgress: "in progress", DedupDone: "done", 0: "DedupStatus(0)"} {
		if s.String() != want {
			t.Errorf("%d: %q; want %q", int(s), s.String(), want)
		}
	}
}

func TestWebhookNewLeaseToken(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok := NewLeaseToken()
		if len(tok) != 32 || strings.Trim(tok, "0123456789abcdef") != "" {
			t.Fatalf("token %q: want 32 lower-case hex digits", tok)
		}
		if seen[tok] {
			t.Fatalf("token %q repeated", tok)
		}
		seen[tok] = true
	}
	// Begin hands out a fresh token per lease, and none otherwise.
	m := NewMemoryDeduper(0, 0)
	ctx := context.Background()
	a, _ := m.Begin(ctx, "a")
	b, _ := m.Begin(ctx, "b")
	again, _ := m.Begin(ctx, "a")
	if a.Token == "" || a.Token == b.Token || again != (Lease{Status: DedupInProgress}) {
		t.Fatalf("leases %+v, %+v, then %+v", a, b, again)
	}
}

// TestWebhookMemoryDeduperZeroValue: a MemoryDeduper declared as a value
// works, with the defaults NewMemoryDeduper(0, 0) has.
func TestWebhookMemoryDeduperZeroValue(t *testing.T) {
	ctx := context.Background()
	for name, m := range map[string]*MemoryDeduper{"Len first": {}, "Forget first": {}, "Complete first": {}, "Begin first": {}} {
		switch name {
		case "Len first":
			if m.Len() != 0 {
				t.Fatal(m.Len())
			}
		case "Forget first":
			if err := m.Forget(ctx, "a", "t"); err != nil {
				t.Fatal(err)
			}
		case "Complete first":
			if err := m.Complete(ctx, "done", ""); err != nil || m.Len() != 1 {
				t.Fatalf("%v, Len %d", err, m.Len())
			}
		}
		l, err := m.Begin(ctx, "a")
		if err != nil || l.Status != DedupNew || l.Token == "" {
			t.Fatalf("%s: Begin = %+v, %v", name, l, err)
		}
		if l, _ := m.Begin(ctx, "a"); l.Status != DedupInProgress {
			t.Fatalf("%s: second Begin = %+v", name, l)
		}
		if m.cap != DefaultDedupCapacity || m.ttl != DefaultDedupTTL || m.lease != DefaultDedupLease || m.now == nil {
			t.Errorf("%s: defaults %d %v %v", name, m.cap, m.ttl, m.lease)
		}
	}
	// WithDedupClock(nil) keeps time.Now.
	if m := NewMemoryDeduper(0, 0, WithDedupClock(nil)); m.now == nil {
		t.Error("WithDedupClock(nil) left no clock")
	}
}
