package inbox_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
	"github.com/triggergen/triggergen/webhook/inbox"
	"github.com/triggergen/triggergen/webhook/webhooktest"
)

func TestHandlerStoresTheDelivery(t *testing.T) {
	h := newHarness(t)
	received := time.Date(2026, 11, 27, 9, 30, 0, 123456789, time.UTC)
	handler := inbox.NewHandler(h.verifier, h.rdb, quiet, inbox.WithClock(func() time.Time { return received }), inbox.WithMaxRetry(7))
	body := commitBody(t, "msg_stored")
	req := webhooktest.NewRequest(secret.New(key), body, webhooktest.WithID("msg_stored"), webhooktest.WithVersion(webhook.V3), webhooktest.WithAttempt(2))
	req.Header.Set("Authorization", "Bearer not-kept")
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusAccepted {
		t.Fatalf("first delivery: %d; want 202", rec.Code)
	}

	info := h.task("msg_stored")
	if info == nil {
		t.Fatal("202 answered but no task stored")
	}
	if info.Type != inbox.TaskType || info.Queue != inbox.DefaultQueue || info.State != asynq.TaskStatePending ||
		info.MaxRetry != 7 || info.Retention != inbox.DefaultRetention {
		t.Fatalf("task = type %q, queue %q, %v, max retry %d, retention %v; want %q, %q, pending, 7, %v",
			info.Type, info.Queue, info.State, info.MaxRetry, info.Retention, inbox.TaskType, inbox.DefaultQueue, inbox.DefaultRetention)
	}
	d, err := inbox.ParseDelivery(info.Payload)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(d.Body, body) || !d.ReceivedAt.Equal(received) {
		t.Fatalf("stored body equal: %v, received %v; want the raw body and %v", bytes.Equal(d.Body, body), d.ReceivedAt, received)
	}
	kept := []string{webhook.HeaderID, webhook.HeaderTimestamp, webhook.HeaderSignature, webhook.HeaderVersion, webhook.HeaderDeliveryAttempt}
	if len(d.Header) != len(kept) {
		t.Fatalf("stored headers %v; want exactly %v", d.Header, kept)
	}
	for _, k := range kept {
		if d.Header.Get(k) == "" || d.Header.Get(k) != req.Header.Get(k) {
			t.Fatalf("stored %s = %q; want %q", k, d.Header.Get(k), req.Header.Get(k))
		}
	}
	// The stored signature still verifies the stored body, the timestamp aside.
	v, err := webhook.NewVerifier(secret.New(key), webhook.WithTolerance(0))
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Verify(d.Header, d.Body); err != nil {
		t.Fatalf("stored delivery does not verify: %v", err)
	}

	// A redelivery (Composio signs each attempt anew) is a duplicate.
	if c := post(handler, "msg_stored", body, webhooktest.WithAttempt(3)); c != http.StatusOK {
		t.Fatalf("redelivery: %d; want 200", c)
	}
	if again := h.task("msg_stored"); again == nil || !bytes.Equal(again.Payload, info.Payload) {
		t.Fatal("redelivery replaced the stored task")
	}
	if n := h.taskCount(); n != 1 {
		t.Fatalf("%d tasks in the queue; want 1", n)
	}
}

func TestHandlerRejects(t *testing.T) {
	h := newHarness(t)
	var logs bytes.Buffer
	handler := inbox.NewHandler(h.verifier, h.rdb, inbox.WithMaxBodyBytes(4<<10),
		inbox.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	body := commitBody(t, "msg_reject")
	valid := webhooktest.WithID("msg_reject")
	serve := func(req *http.Request) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		return rec
	}
	big := append(bytes.TrimSuffix(commitBody(t, "msg_big"), []byte("}")), []byte(`,"pad":"`+strings.Repeat("x", 4<<10)+`"}`)...)
	get := webhooktest.NewRequest(secret.New(key), body)
	get.Method = http.MethodGet
	forged := webhooktest.NewRequest(secret.New("another-secret"), body)
	blank := webhooktest.NewRequest(secret.New(key), body, webhooktest.WithID(" "))
	for _, c := range []struct {
		name string
		req  *http.Request
		want int
	}{
		{"GET", get, http.StatusMethodNotAllowed},
		{"TooLarge", webhooktest.NewRequest(secret.New(key), big), http.StatusRequestEntityTooLarge},
		{"Forged", forged, http.StatusUnauthorized},
		{"Stale", webhooktest.NewRequest(secret.New(key), body, webhooktest.WithTimestamp(time.Now().Add(-time.Hour))), http.StatusUnauthorized},
		{"NotAnEnvelope", webhooktest.NewRequest(secret.New(key), []byte(`{"hello":"world"}`)), http.StatusBadRequest},
		{"BlankID", blank, http.StatusBadRequest},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := serve(c.req)
			if rec.Code != c.want {
				t.Fatalf("%d; want %d", rec.Code, c.want)
			}
			if allow := rec.Header().Get("Allow"); c.want == http.StatusMethodNotAllowed && allow != http.MethodPost {
				t.Fatalf("Allow = %q; want POST", allow)
			}
		})
	}
	if rec := serve(webhooktest.NewRequest(secret.New(key), body, valid)); rec.Code != http.StatusAccepted {
		t.Fatalf("the valid delivery: %d", rec.Code)
	}
	if n := h.taskCount(); n != 1 {
		t.Fatalf("%d tasks stored; want 1, the valid delivery's", n)
	}
	if rec := serve(webhooktest.NewRequest(secret.New(key), body, valid)); rec.Code != http.StatusOK {
		t.Fatalf("its redelivery: %d; want 200", rec.Code)
	}
	// Logs name deliveries, never their bodies or the secret.
	for _, leak := range []string{key, "another-secret", `"message"`, strings.Repeat("x", 64)} {
		if strings.Contains(logs.String(), leak) {
			t.Fatalf("log contains %q:\n%s", leak, logs.String())
		}
	}
	if !strings.Contains(logs.String(), "webhook_id=msg_") {
		t.Fatalf("log does not name the webhook ids:\n%s", logs.String())
	}
}

func TestHandlerUnavailable(t *testing.T) {
	h := newHarness(t)
	body := commitBody(t, "msg_down")

	t.Run("NoRedis", func(t *testing.T) {
		dead := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 100 * time.Millisecond})
		defer dead.Close()
		rec := httptest.NewRecorder()
		inbox.NewHandler(h.verifier, dead, quiet).ServeHTTP(rec, webhooktest.NewRequest(secret.New(key), body))
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
			t.Fatalf("%d, Retry-After %q; want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
		}
	})

	t.Run("RedisCrashedAndBack", func(t *testing.T) {
		rdb := redis.NewClient(&redis.Options{Addr: h.redis.Addr, MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
		defer rdb.Close()
		handler := inbox.NewHandler(h.verifier, rdb, quiet, inbox.WithEnqueueTimeout(time.Second))
		h.redis.Kill()
		if c := post(handler, "msg_down", body); c != http.StatusServiceUnavailable {
			t.Fatalf("Redis down: %d; want 503", c)
		}
		h.redis.Restart()
		if c := post(handler, "msg_down", body); c != http.StatusAccepted {
			t.Fatalf("Redis back, Composio's retry: %d; want 202", c)
		}
	})
}

func TestHandlerRetention(t *testing.T) {
	h := newHarness(t)
	for _, c := range []struct {
		name string
		v    *webhook.Verifier
		set  time.Duration
		want time.Duration
	}{
		{"Default", h.verifier, 0, inbox.DefaultRetention},
		{"Longer", h.verifier, 48 * time.Hour, 48 * time.Hour},
		// Below the floor: twice the 300 s tolerance plus the margin.
		{"RaisedToFloor", h.verifier, time.Second, 2*webhook.DefaultTolerance + inbox.RetentionMargin},
		{"RaisedToWiderFloor", verifierWith(t, webhook.WithTolerance(24*time.Hour)), time.Hour, 48*time.Hour + inbox.RetentionMargin},
	} {
		t.Run(c.name, func(t *testing.T) {
			opts := []inbox.HandlerOption{quiet}
			if c.set != 0 {
				opts = append(opts, inbox.WithRetention(c.set))
			}
			handler := inbox.NewHandler(c.v, h.rdb, opts...)
			if got := handler.Retention(); got != c.want {
				t.Fatalf("Retention() = %v; want %v", got, c.want)
			}
			id := "msg_retention_" + c.name
			if code := post(handler, id, commitBody(t, id)); code != http.StatusAccepted {
				t.Fatal(code)
			}
			if info := h.task(id); info == nil || info.Retention != c.want {
				t.Fatalf("stored task: %+v; want retention %v", info, c.want)
			}
		})
	}
}

func verifierWith(t *testing.T, opts ...webhook.VerifierOption) *webhook.Verifier {
	t.Helper()
	v, err := webhook.NewVerifier(secret.New(key), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestNewHandlerNeedsItsParts(t *testing.T) {
	h := newHarness(t)
	for name, f := range map[string]func(){
		"nil verifier":                    func() { inbox.NewHandler(nil, h.rdb) },
		"nil client":                      func() { inbox.NewHandler(h.verifier, nil) },
		"empty queue":                     func() { inbox.WithQueue("") },
		"worker without client":           func() { inbox.NewWorker(nil, webhook.NewDispatcher()) },
		"worker without dispatcher":       func() { inbox.NewWorker(h.rdb, nil) },
		"task handler without dispatcher": func() { inbox.NewTaskHandler(nil, nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
