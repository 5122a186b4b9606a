package composio_test

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/composiotest"
	"github.com/triggergen/triggergen/secret"
)

// TestNilOptionIgnored (issue 18.7): a nil Option, on the client or on a
// call, is skipped rather than called.
func TestNilOptionIgnored(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	c := newClient(t, srv, nil)
	var nilOpt composio.Option
	if _, err := c.TriggerType(ctxT(t), "GITHUB_COMMIT_EVENT", nil, nilOpt); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.NewClient(nil); err != nil {
		t.Fatal(err)
	}
}

// TestClientOnlyOptionsRefusedOnACall: the options that shape the whole
// client fail a call before any request, instead of being ignored.
func TestClientOnlyOptionsRefusedOnACall(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	c := newClient(t, srv)
	for name, opt := range map[string]composio.Option{
		"WithBaseURL":    composio.WithBaseURL("https://elsewhere.invalid"),
		"WithHTTPClient": composio.WithHTTPClient(http.DefaultClient),
		"WithGetenv":     composio.WithGetenv(noEnv),
	} {
		_, err := c.TriggerType(ctxT(t), "GITHUB_COMMIT_EVENT", opt)
		if err == nil || !strings.Contains(err.Error(), name+" applies to NewClient, not to a call") {
			t.Errorf("%s on a call: err = %v", name, err)
		}
	}
	for _, err := range c.TriggerTypes(ctxT(t), composio.TriggerTypesParams{}, composio.WithBaseURL("https://elsewhere.invalid")) {
		if err == nil {
			t.Error("TriggerTypes accepted WithBaseURL")
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// TestCallOptionsApplyToTheCallOnly: a call's header, user agent, key and
// retry policy are that call's; the next call has the client's again.
func TestCallOptionsApplyToTheCallOnly(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	c := newClient(t, srv, composio.WithHeader("X-Team", "payments"))
	ctx := ctxT(t)
	srv.FailNext(2, composiotest.Fault{Status: http.StatusBadGateway})
	_, err := c.TriggerType(ctx, "GITHUB_COMMIT_EVENT",
		composio.WithHeader("X-Trace", "t-1"), composio.WithUserAgent("batch/2"),
		composio.WithRetry(composio.RetryPolicy{MaxAttempts: 1}))
	if err == nil {
		t.Fatal("the call's MaxAttempts 1 was not applied: the 502 was retried")
	}
	if _, err := c.TriggerType(ctx, "GITHUB_COMMIT_EVENT"); err != nil {
		t.Fatalf("the client's policy retries the second 502: %v", err)
	}
	reqs := srv.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 1 then 2", len(reqs))
	}
	first, last := reqs[0].Header, reqs[2].Header
	if first.Get("X-Trace") != "t-1" || first.Get("X-Team") != "payments" || first.Get("User-Agent") != "batch/2" {
		t.Errorf("the call's headers: %v", first)
	}
	if last.Get("X-Trace") != "" || last.Get("X-Team") != "payments" || last.Get("User-Agent") != composio.DefaultUserAgent {
		t.Errorf("the next call's headers: %v", last)
	}

	// A call's key replaces the client's, for that call.
	if _, err := c.TriggerType(ctx, "GITHUB_COMMIT_EVENT", composio.WithAPIKey(secret.New("another-key"))); err == nil {
		t.Error("the call's key was not used")
	}
}

func TestOptionsRefuseBadValues(t *testing.T) {
	t.Parallel()
	for name, opt := range map[string]composio.Option{
		"x-api-key header": composio.WithHeader("X-Api-Key", "k"),
		"empty key":        composio.WithAPIKey(secret.Value{}),
		"no pages":         composio.WithMaxPages(0),
		"no toolkit":       composio.WithToolkitVersion("", "latest"),
		"no version":       composio.WithToolkitVersion("github", " "),
	} {
		if _, err := composio.NewClient(composio.WithGetenv(noEnv), composio.WithAPIKey(secret.New("k")), opt); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestRequestTimeoutBoundsEachAttempt: an attempt that outlives
// WithRequestTimeout is abandoned and retried; the retry gets its own time.
func TestRequestTimeoutBoundsEachAttempt(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	c := newClient(t, srv)
	srv.FailNext(1, composiotest.Fault{Latency: time.Hour}) // ends when the client gives up
	if _, err := c.TriggerType(ctxT(t), "GITHUB_COMMIT_EVENT", composio.WithRequestTimeout(time.Second)); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("%d requests, want the abandoned one and its retry", n)
	}
}

// recordHandler keeps the log records a client writes.
type recordHandler struct {
	mu      sync.Mutex
	records []slog.Record
}

func (h *recordHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *recordHandler) WithGroup(string) slog.Handler            { return h }
func (h *recordHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.records = append(h.records, r.Clone())
	return nil
}

// TestRetryIsLogged: each wait before a retry is one Info record with the
// documented attributes.
func TestRetryIsLogged(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	var h recordHandler
	var sl sleeper
	c := newClient(t, srv, composio.WithLogger(slog.New(&h)), sl.option())
	srv.FailNext(1, composiotest.Fault{Status: http.StatusTooManyRequests, RetryAfter: 2 * time.Second})
	if _, err := c.TriggerType(ctxT(t), "GITHUB_COMMIT_EVENT"); err != nil {
		t.Fatal(err)
	}
	if len(h.records) != 1 {
		t.Fatalf("%d records, want 1", len(h.records))
	}
	r := h.records[0]
	got := map[string]string{}
	r.Attrs(func(a slog.Attr) bool { got[a.Key] = a.Value.String(); return true })
	if r.Message != composio.RetryLogMessage || r.Level != slog.LevelInfo || got["op"] != "get trigger type GITHUB_COMMIT_EVENT" ||
		got["attempt"] != "1" || got["wait"] != "2s" || got["wait_for"] != "Retry-After" || !strings.Contains(got["error"], "429 Too Many Requests") {
		t.Errorf("record %q %v %v", r.Message, r.Level, got)
	}
}
