package realtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/goleak"

	"github.com/triggergen/triggergen/catalog/github"
	"github.com/triggergen/triggergen/composio/realtime"
	"github.com/triggergen/triggergen/composiotest"
	"github.com/triggergen/triggergen/webhook"
)

// scriptedPusher serves a websocket that runs script against each client,
// for protocol details the fake does not produce. It returns the base URL
// for WithSocketURL.
func scriptedPusher(t *testing.T, script func(ctx context.Context, c *conn)) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(w, r, nil)
		if err != nil {
			t.Error(err)
			return
		}
		defer func() { _ = ws.CloseNow() }()
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		script(ctx, &conn{t: t, ws: ws})
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

type conn struct {
	t  *testing.T
	ws *websocket.Conn
}

func (c *conn) send(ctx context.Context, msg string) {
	if err := c.ws.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
		c.t.Errorf("send %s: %v", msg, err)
	}
}

func (c *conn) sendEvent(ctx context.Context, event, data string) {
	b, _ := json.Marshal(map[string]string{"event": event, "channel": "private-pr_test_triggers", "data": data})
	c.send(ctx, string(b))
}

// expect reads the next message and checks its event name.
func (c *conn) expect(ctx context.Context, event string) map[string]any {
	_, b, err := c.ws.Read(ctx)
	if err != nil {
		c.t.Errorf("waiting for %s: %v", event, err)
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil || m["event"] != event {
		c.t.Errorf("got %s, want %s", b, event)
	}
	return m
}

// TestWireProtocol: against a scripted server, the client subscribes with
// the channel authorization, ignores malformed messages, answers
// pusher:ping, pings after the server's (shorter) activity timeout,
// reassembles chunks sent out of order, and dispatches the real sample.
func TestWireProtocol(t *testing.T) {
	h := newHarness(t)
	sample, err := os.ReadFile("../../testdata/real/realtime/composio-python-sdk-sample-trigger-data.json")
	if err != nil {
		t.Fatal(err)
	}
	scriptDone := make(chan struct{})
	url := scriptedPusher(t, func(ctx context.Context, c *conn) {
		defer close(scriptDone)
		c.send(ctx, `{"event":"pusher:connection_established","data":"{\"socket_id\":\"123.456\",\"activity_timeout\":1}"}`)
		sub := c.expect(ctx, "pusher:subscribe")
		data, _ := sub["data"].(map[string]any)
		if data["channel"] != "private-pr_test_triggers" || !strings.HasPrefix(data["auth"].(string), composiotest.RealtimeKey+":") {
			t.Errorf("subscribe data %v", data)
		}
		c.send(ctx, `not json`)
		c.send(ctx, `{"data":{}}`)
		c.send(ctx, `{"event":"pusher_internal:subscription_succeeded","channel":"private-pr_test_triggers","data":"{}"}`)
		c.send(ctx, `{"event":"pusher:ping","data":{}}`)
		c.expect(ctx, "pusher:pong")
		// The sample, in three chunks sent 2, 0, 1.
		s := string(sample)
		third := len(s) / 3
		parts := []string{s[:third], s[third : 2*third], s[2*third:]}
		for _, i := range []int{2, 0, 1} {
			b, _ := json.Marshal(map[string]any{"id": "c1", "index": i, "chunk": parts[i], "final": i == 2})
			c.sendEvent(ctx, "chunked-trigger_to_client", string(b))
		}
		c.sendEvent(ctx, "trigger_to_client", `{"no":"metadata"}`)
		c.sendEvent(ctx, "trigger_to_client", s)
		// Silence: the client pings after the server's activity timeout (1 s).
		c.expect(ctx, "pusher:ping")
		c.send(ctx, `{"event":"pusher:pong","data":{}}`)
	})
	d := webhook.NewDispatcher(webhook.Strict())
	got := commitHandler(d)
	s := h.subscribe(t, d, realtime.WithSocketURL(url))
	s.waitSubscribed(t)
	for i := range 2 {
		r := next(t, got)
		if r.payload.ID != "a2334682759c4324e911d8f52f8fb6bdf1338d94" || r.ev.TriggerID != "ti_VZEWUqF5fQ6P" || r.msg.Toolkit != "github" {
			t.Errorf("event %d: %+v %+v", i, r.payload, r.ev)
		}
	}
	select {
	case <-scriptDone:
	case <-time.After(wait):
		t.Fatal("script did not finish")
	}
}

// TestSubscriptionRefusedWithPusherError: a pusher:error while subscribing
// (how Pusher answers a bad signature) ends Subscribe with a
// *SubscriptionError.
func TestSubscriptionRefusedWithPusherError(t *testing.T) {
	h := newHarness(t)
	url := scriptedPusher(t, func(ctx context.Context, c *conn) {
		c.send(ctx, `{"event":"pusher:connection_established","data":"{\"socket_id\":\"1.2\",\"activity_timeout\":120}"}`)
		c.expect(ctx, "pusher:subscribe")
		c.send(ctx, `{"event":"pusher:error","data":{"code":null,"message":"Invalid signature: Expected HMAC SHA256 hex digest"}}`)
		_, _, _ = c.ws.Read(ctx) // until the client goes
	})
	err := h.subscribe(t, webhook.NewDispatcher(), realtime.WithSocketURL(url)).result(t)
	se, ok := errors.AsType[*realtime.SubscriptionError](err)
	if !ok || se.Channel != "private-pr_test_triggers" || !strings.Contains(err.Error(), "Invalid signature") {
		t.Fatalf("Subscribe = %v, want a *SubscriptionError", err)
	}
}

// TestSignatureCheckedByTheFake: the fake checks the channel authorization
// as Pusher does; an altered signature is refused with
// pusher:subscription_error, which ends Subscribe. The API key never
// reaches the websocket.
func TestSignatureCheckedByTheFake(t *testing.T) {
	f, err := composiotest.New()
	if err != nil {
		t.Fatal(err)
	}
	var keyOnSocket atomic.Bool
	var altered atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/app/") && r.Header.Get("x-api-key") != "" {
			keyOnSocket.Store(true)
		}
		if r.URL.Path != "/api/v3/internal/sdk/realtime/auth" {
			f.Handler().ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		f.Handler().ServeHTTP(rec, r)
		var a struct {
			Auth string `json:"auth"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil || a.Auth == "" {
			t.Errorf("auth answer %s", rec.Body)
		}
		flipped := byte('0')
		if a.Auth[len(a.Auth)-1] == '0' {
			flipped = '1'
		}
		a.Auth = a.Auth[:len(a.Auth)-1] + string(flipped)
		altered.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(a)
	}))
	t.Cleanup(func() {
		f.CloseRealtime(1001, "test over")
		srv.Close()
	})
	h := &harness{client: newClient(t, srv.URL, f.APIKey(), srv.Client())}
	err = h.subscribe(t, webhook.NewDispatcher()).result(t)
	se, ok := errors.AsType[*realtime.SubscriptionError](err)
	if !ok || se.Status != 401 || !strings.Contains(se.Message, "Invalid signature") || altered.Load() != 1 {
		t.Fatalf("Subscribe = %v (%d signatures altered), want a *SubscriptionError 401", err, altered.Load())
	}
	if keyOnSocket.Load() {
		t.Error("the API key was sent to the websocket")
	}
	if v := f.ContractViolations(); len(v) > 0 {
		t.Errorf("contract violations: %q", v)
	}
}

// TestCancelReturnsPromptlyWithoutLeaks: cancelling the context while a
// handler runs and more events wait returns within a second, and leaves no
// goroutine behind.
func TestCancelReturnsPromptlyWithoutLeaks(t *testing.T) {
	h := newHarness(t)
	ignore := goleak.IgnoreCurrent()
	d := webhook.NewDispatcher()
	running := make(chan struct{}, 8)
	github.OnCommitEvent(d, func(ctx context.Context, _ *webhook.Event, _ *github.CommitEventPayload) error {
		running <- struct{}{}
		<-ctx.Done()
		return ctx.Err()
	})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	subscribed := make(chan struct{}, 1)
	done := make(chan error, 1)
	go func() {
		done <- realtime.Subscribe(ctx, h.client, d, realtime.OnSubscribed(func(string) { subscribed <- struct{}{} }))
	}()
	select {
	case <-subscribed:
	case <-time.After(wait):
		t.Fatal("not subscribed")
	}
	for range 3 {
		h.publish(t, h.triggerID, github.CommitEventPayload{})
	}
	select {
	case <-running:
	case <-time.After(wait):
		t.Fatal("handler not running")
	}
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Subscribe = %v, want context.Canceled", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("returned %v after cancel", d)
		}
	case <-time.After(time.Second):
		t.Fatal("Subscribe did not return within a second of cancel")
	}
	h.srv.Client().CloseIdleConnections()
	goleak.VerifyNone(t, ignore)
	if len(running) != 0 {
		t.Errorf("%d queued events ran after cancel", len(running))
	}
}

// TestDefaultsNeedNoOptions: Subscribe with no option at all connects to
// a fake given only COMPOSIO_API_KEY and COMPOSIO_BASE_URL's values.
func TestDefaultsNeedNoOptions(t *testing.T) {
	h := newHarness(t)
	d := webhook.NewDispatcher()
	got := commitHandler(d)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- realtime.Subscribe(ctx, h.client, d) }()
	defer func() {
		cancel()
		<-done
	}()
	// Without OnSubscribed, publish until a connection takes it.
	deadline := time.Now().Add(wait)
	for {
		n, err := h.srv.PublishRealtime(ctx, composiotest.Delivery{TriggerID: h.triggerID, Data: []byte(`{"id":"x"}`)})
		if err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("never subscribed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if r := next(t, got); r.payload.ID != "x" {
		t.Errorf("got %+v", r.payload)
	}
}
