package realtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/triggergen/triggergen/catalog/github"
	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/composio/realtime"
	"github.com/triggergen/triggergen/composiotest"
	"github.com/triggergen/triggergen/internal/syncbuf"
	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/trigger"
	"github.com/triggergen/triggergen/webhook"
)

// wait bounds every wait of these tests; nothing is expected to take long.
const wait = 15 * time.Second

func noEnv(string) string { return "" }

// harness is a fake with a user alice who has a GITHUB_COMMIT_EVENT trigger.
type harness struct {
	srv       *composiotest.Server
	client    *composio.Client
	triggerID string
}

func newHarness(t *testing.T, opts ...composiotest.Option) *harness {
	t.Helper()
	srv := composiotest.NewServer(t, opts...)
	srv.AddConnectedAccount(composiotest.ConnectedAccount{ID: "ca_alice", UserID: "alice", Toolkit: "github"})
	h := &harness{srv: srv, client: newClient(t, srv.URL, srv.APIKey(), srv.Client())}
	h.triggerID = h.createTrigger(t, "alice", github.CommitEventConfig{Owner: "octocat", Repo: "hello"})
	return h
}

func newClient(t *testing.T, baseURL, key string, hc *http.Client) *composio.Client {
	t.Helper()
	c, err := composio.NewClient(composio.WithGetenv(noEnv), composio.WithBaseURL(baseURL), composio.WithAPIKey(secret.New(key)),
		composio.WithHTTPClient(hc), composio.WithRetry(composio.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (h *harness) createTrigger(t *testing.T, user string, cfg trigger.Config) string {
	t.Helper()
	tr, err := h.client.CreateTrigger(t.Context(), composio.CreateTriggerParams{UserID: user, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	return tr.ID
}

// publish publishes data for trigger id on the realtime channel only.
func (h *harness) publish(t *testing.T, triggerID string, data any) {
	t.Helper()
	b, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	n, err := h.srv.PublishRealtime(t.Context(), composiotest.Delivery{TriggerID: triggerID, Data: b})
	if err != nil || n != 1 {
		t.Fatalf("publish: %d connections, %v", n, err)
	}
}

// subscription is a running Subscribe.
type subscription struct {
	cancel     context.CancelFunc
	done       chan error
	subscribed chan string
}

func (h *harness) subscribe(t *testing.T, d *webhook.Dispatcher, opts ...realtime.Option) *subscription {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	s := &subscription{cancel: cancel, done: make(chan error, 1), subscribed: make(chan string, 64)}
	base := []realtime.Option{
		realtime.OnSubscribed(func(ch string) { s.subscribed <- ch }),
		realtime.WithBackoff(time.Millisecond, 5*time.Millisecond),
	}
	go func() { s.done <- realtime.Subscribe(ctx, h.client, d, append(base, opts...)...) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(wait):
			t.Error("Subscribe did not return after cancel")
		}
	})
	return s
}

// waitSubscribed waits for the next successful subscription.
func (s *subscription) waitSubscribed(t *testing.T) string {
	t.Helper()
	select {
	case ch := <-s.subscribed:
		return ch
	case err := <-s.done:
		t.Fatalf("Subscribe returned before subscribing: %v", err)
	case <-time.After(wait):
		t.Fatal("not subscribed in time")
	}
	return ""
}

// result waits for Subscribe to return on its own.
func (s *subscription) result(t *testing.T) error {
	t.Helper()
	select {
	case err := <-s.done:
		s.done <- err // for the cleanup
		return err
	case <-time.After(wait):
		t.Fatal("Subscribe did not return")
	}
	return nil
}

// received is what a typed handler got.
type received struct {
	ev      *webhook.Event
	payload *github.CommitEventPayload
	msg     *realtime.Message
}

func commitHandler(d *webhook.Dispatcher) chan received {
	got := make(chan received, 64)
	github.OnCommitEvent(d, func(ctx context.Context, ev *webhook.Event, p *github.CommitEventPayload) error {
		m, _ := realtime.FromContext(ctx)
		got <- received{ev, p, m}
		return nil
	})
	return got
}

func next(t *testing.T, got chan received) received {
	t.Helper()
	select {
	case r := <-got:
		return r
	case <-time.After(wait):
		t.Fatal("no event received")
	}
	return received{}
}

// TestSubscribeTypedSmallAndChunked: a small event published by Deliver
// (with no webhook subscription set) and a 150 KB one, which the fake
// sends in chunks, reach the generated typed handler intact.
func TestSubscribeTypedSmallAndChunked(t *testing.T) {
	h := newHarness(t)
	d := webhook.NewDispatcher(webhook.Strict())
	got := commitHandler(d)
	s := h.subscribe(t, d)
	if ch := s.waitSubscribed(t); ch != h.srv.RealtimeChannel() || ch != "private-pr_test_triggers" {
		t.Fatalf("subscribed to %q", ch)
	}

	small := github.CommitEventPayload{Author: "octocat", ID: "7638417d", Message: "fix", Timestamp: "2026-01-01T00:00:00Z", URL: "https://github.com/o/r/commit/7638417d"}
	b, _ := json.Marshal(small)
	// No webhook subscription: Deliver still publishes on the realtime channel.
	if _, err := h.srv.Deliver(t.Context(), composiotest.Delivery{TriggerID: h.triggerID, Data: b}); !errors.Is(err, composiotest.ErrNoSubscription) {
		t.Fatalf("Deliver without a subscription: %v", err)
	}
	r := next(t, got)
	if *r.payload != small {
		t.Errorf("payload %+v, want %+v", *r.payload, small)
	}
	ev := r.ev
	if ev.Version != webhook.Realtime || ev.Type != webhook.TypeTriggerMessage || ev.TriggerSlug != github.CommitEventSlug ||
		ev.TriggerID != h.triggerID || ev.ConnectedAccountID != "ca_alice" || ev.UserID == nil || *ev.UserID != "alice" || ev.AuthConfigID != "ac_github" {
		t.Errorf("event %+v", ev)
	}
	if r.msg == nil || r.msg.Toolkit != "github" || !strings.Contains(string(r.msg.TriggerConfig), `"octocat"`) {
		t.Errorf("FromContext message %+v", r.msg)
	}

	// Over 100 KB, with multi-byte runes the chunk boundaries must not cut.
	big := small
	big.Message = strings.Repeat("commit message ü€𝄞 ", 150<<10/24)
	if b, _ := json.Marshal(big); len(b) < 100<<10 {
		t.Fatalf("big payload only %d bytes", len(b))
	}
	h.publish(t, h.triggerID, big)
	if r := next(t, got); *r.payload != big {
		t.Errorf("chunked payload differs: %d bytes of message, want %d", len(r.payload.Message), len(big.Message))
	}
}

// TestSubscribeFilters: only events the filter takes reach the handlers.
// Events on one connection arrive in order, so once the last one is in,
// the filtered ones would have been too.
func TestSubscribeFilters(t *testing.T) {
	h := newHarness(t)
	h.srv.AddConnectedAccount(composiotest.ConnectedAccount{ID: "ca_bob", UserID: "bob", Toolkit: "github"})
	bobCommit := h.createTrigger(t, "bob", github.CommitEventConfig{Owner: "bob", Repo: "r"})
	aliceStar := h.createTrigger(t, "alice", github.StarAddedEventConfig{Owner: "octocat", Repo: "hello"})

	d := webhook.NewDispatcher()
	var mu sync.Mutex
	var seen []string
	done := make(chan struct{})
	d.Fallback(func(_ context.Context, ev *webhook.Event) error {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, ev.TriggerID)
		if ev.TriggerID == h.triggerID {
			close(done)
		}
		return nil
	})
	s := h.subscribe(t, d, realtime.WithFilter(realtime.Filter{
		Toolkits: []string{"GitHub"}, TriggerSlugs: []string{"github_commit_event"}, UserIDs: []string{"alice"},
	}))
	s.waitSubscribed(t)
	h.publish(t, bobCommit, map[string]any{})
	h.publish(t, aliceStar, map[string]any{})
	h.publish(t, h.triggerID, map[string]any{})
	select {
	case <-done:
	case <-time.After(wait):
		t.Fatal("the matching event did not arrive")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 {
		t.Errorf("handled %q, want only %s", seen, h.triggerID)
	}
}

// recordSleeps records the backoff waits Subscribe asks for.
type recordSleeps struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (r *recordSleeps) sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	r.waits = append(r.waits, d)
	r.mu.Unlock()
	return ctx.Err()
}

func (r *recordSleeps) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.waits)
}

// TestReconnect: after the server closes with a code of each reconnecting
// range, or the connection goes silent, Subscribe subscribes again, and
// every event published after that arrives, in order. 4200-4299 reconnect
// without a backoff wait, the others after one.
func TestReconnect(t *testing.T) {
	tests := []struct {
		name     string
		drop     func(h *harness)
		opts     []realtime.Option
		backoffs int
	}{
		{name: "4100 backs off", drop: func(h *harness) { h.srv.CloseRealtime(4100, "Over capacity") }, backoffs: 1},
		{name: "4200 at once", drop: func(h *harness) { h.srv.CloseRealtime(4200, "Generic reconnect immediately") }, backoffs: 0},
		{name: "4201 at once", drop: func(h *harness) { h.srv.CloseRealtime(4201, "Pong reply not received") }, backoffs: 0},
		{name: "4301 backs off", drop: func(h *harness) { h.srv.CloseRealtime(4301, "Client event rejected") }, backoffs: 1},
		{name: "1011 backs off", drop: func(h *harness) { h.srv.CloseRealtime(1011, "internal error") }, backoffs: 1},
		{
			name:     "silent server",
			drop:     func(h *harness) { h.srv.SilenceRealtime() },
			opts:     []realtime.Option{realtime.WithActivityTimeout(20 * time.Millisecond), realtime.WithPongTimeout(time.Second)},
			backoffs: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			d := webhook.NewDispatcher()
			got := commitHandler(d)
			var sleeps recordSleeps
			s := h.subscribe(t, d, append(tt.opts, realtime.WithSleep(sleeps.sleep))...)
			s.waitSubscribed(t)
			h.publish(t, h.triggerID, github.CommitEventPayload{ID: "before"})
			if r := next(t, got); r.payload.ID != "before" {
				t.Fatalf("got %q", r.payload.ID)
			}

			tt.drop(h)
			s.waitSubscribed(t)
			for i := range 5 {
				h.publish(t, h.triggerID, github.CommitEventPayload{ID: fmt.Sprint("after-", i)})
			}
			for i := range 5 {
				if r := next(t, got); r.payload.ID != fmt.Sprint("after-", i) {
					t.Fatalf("event %d after the reconnect: %q", i, r.payload.ID)
				}
			}
			if n := sleeps.count(); n != tt.backoffs {
				t.Errorf("%d backoff waits, want %d", n, tt.backoffs)
			}
		})
	}
}

// TestFatalCloseCode: a close code in 4000-4099 ends Subscribe with a
// *CloseError.
func TestFatalCloseCode(t *testing.T) {
	h := newHarness(t)
	s := h.subscribe(t, webhook.NewDispatcher())
	s.waitSubscribed(t)
	h.srv.CloseRealtime(4003, "App is disabled")
	err := s.result(t)
	ce, ok := errors.AsType[*realtime.CloseError](err)
	if !ok || ce.Code != 4003 || ce.Reason != "App is disabled" {
		t.Fatalf("Subscribe = %v, want a *CloseError 4003", err)
	}
	if !strings.Contains(err.Error(), "do not reconnect") {
		t.Errorf("error does not explain itself: %v", err)
	}
}

// TestWrongAPIKey: a wrong key ends Subscribe at once with an error that
// says so.
func TestWrongAPIKey(t *testing.T) {
	h := newHarness(t)
	h.client = newClient(t, h.srv.URL, "wrong-key", h.srv.Client())
	err := h.subscribe(t, webhook.NewDispatcher()).result(t)
	if !errors.Is(err, composio.ErrUnauthorized) || !strings.Contains(err.Error(), "get realtime credentials") || !strings.Contains(err.Error(), "401") {
		t.Fatalf("Subscribe = %v, want a 401 naming the credentials call", err)
	}
	if strings.Contains(err.Error(), "wrong-key") {
		t.Errorf("the API key is in the error: %v", err)
	}
}

// TestChannelAuthRefusedByAPI: a refused channel authorization ends
// Subscribe with the API's error.
func TestChannelAuthRefusedByAPI(t *testing.T) {
	h := newHarness(t)
	h.srv.FailNext(1, composiotest.Fault{Status: 403, Path: "/realtime/auth"})
	err := h.subscribe(t, webhook.NewDispatcher()).result(t)
	ae, ok := errors.AsType[*composio.APIError](err)
	if !ok || ae.Status != 403 || !strings.Contains(err.Error(), "authorize realtime channel") {
		t.Fatalf("Subscribe = %v, want a 403 naming the channel authorization", err)
	}
}

// TestHandlerErrorsAndPanicsAreLogged: neither ends the subscription.
func TestHandlerErrorsAndPanicsAreLogged(t *testing.T) {
	h := newHarness(t)
	var logs syncbuf.Buffer
	d := webhook.NewDispatcher()
	got := make(chan string, 8)
	github.OnCommitEvent(d, func(_ context.Context, _ *webhook.Event, p *github.CommitEventPayload) error {
		switch p.ID {
		case "fail":
			return errors.New("handler says no")
		case "panic":
			panic("handler blew up")
		}
		got <- p.ID
		return nil
	})
	s := h.subscribe(t, d, realtime.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	s.waitSubscribed(t)
	for _, id := range []string{"fail", "panic", "ok"} {
		h.publish(t, h.triggerID, github.CommitEventPayload{ID: id})
	}
	select {
	case id := <-got:
		if id != "ok" {
			t.Fatalf("got %q", id)
		}
	case <-time.After(wait):
		t.Fatal("the subscription did not survive its handlers")
	}
	out := logs.String()
	for _, want := range []string{"handler failed", "handler says no", "handler panicked", "handler blew up"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}
