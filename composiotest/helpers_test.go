package composiotest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/triggergen/triggergen/gen"
)

func ptr[T any](v T) *T { return &v }

// client returns a generated client for srv that sends srv's API key.
func client(t testing.TB, srv *Server) *gen.ClientWithResponses {
	t.Helper()
	return clientWithKey(t, srv, srv.APIKey())
}

func clientWithKey(t testing.TB, srv *Server, key string) *gen.ClientWithResponses {
	t.Helper()
	opts := []gen.ClientOption{gen.WithHTTPClient(srv.Client())}
	if key != "" {
		opts = append(opts, gen.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.Header.Set("x-api-key", key)
			return nil
		}))
	}
	c, err := gen.NewClientWithResponses(srv.URL, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// clock is a settable clock for WithClock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// errSlug returns the slug of an Error envelope, or "".
func errSlug(e *gen.Error) string {
	if e == nil || e.Error.Slug == nil {
		return ""
	}
	return *e.Error.Slug
}

// wantError checks an error answer: status, slug, and substrings of the message.
func wantError(t *testing.T, status int, body []byte, e *gen.Error, gotStatus int, slug string, msgParts ...string) {
	t.Helper()
	if gotStatus != status {
		t.Fatalf("status %d, want %d: %s", gotStatus, status, body)
	}
	if e == nil {
		t.Fatalf("no Error envelope decoded: %s", body)
	}
	if e.Error.Status != status {
		t.Errorf("error.status %d, want %d", e.Error.Status, status)
	}
	if got := errSlug(e); got != slug {
		t.Errorf("error.slug %q, want %q (%s)", got, slug, body)
	}
	for _, p := range msgParts {
		if !strings.Contains(e.Error.Message, p) {
			t.Errorf("error.message %q does not contain %q", e.Error.Message, p)
		}
	}
}

// captureTB records Errorf calls instead of failing the test.
type captureTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (c *captureTB) Errorf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.errs = append(c.errs, sprintf(format, args...))
}

func (c *captureTB) errors() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.errs...)
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
