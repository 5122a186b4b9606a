package composio_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/composiotest"
)

func TestRetry429HonoursRetryAfter(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	var sl sleeper
	c := newClient(t, srv, sl.option())
	srv.FailNext(1, composiotest.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second})
	if _, err := c.TriggerType(ctxT(t), "GITHUB_COMMIT_EVENT"); err != nil {
		t.Fatal(err)
	}
	if w := sl.got(); !slices.Equal(w, []time.Duration{time.Second}) {
		t.Errorf("waits = %v, want Retry-After's 1s", w)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].Status != 429 || reqs[1].Status != 200 {
		t.Errorf("requests = %d, want 429 then 200", len(reqs))
	}
}

func TestRetry503OnUpsert(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	addAccount(srv, "ca_gh", "alice", "github", "ACTIVE", t0)
	var sl sleeper
	c := newClient(t, srv, sl.option())
	srv.FailNext(1, composiotest.Fault{Status: http.StatusServiceUnavailable, RetryAfter: time.Second, Path: "/upsert"})
	if _, err := c.CreateTrigger(ctxT(t), composio.CreateTriggerParams{UserID: "alice", Config: CommitEventConfig{Owner: "o", Repo: "r"}}); err != nil {
		t.Fatal(err)
	}
	if w := sl.got(); !slices.Equal(w, []time.Duration{time.Second}) {
		t.Errorf("waits = %v, want Retry-After's 1s", w)
	}
	ups := requests(srv, "POST", "/upsert")
	if len(ups) != 2 || ups[0].Status != 503 || ups[1].Status != 201 { // 201: created
		t.Errorf("upserts = %+v", len(ups))
	}
	if string(ups[0].Body) != string(ups[1].Body) {
		t.Errorf("retried body differs:\n%s\n%s", ups[0].Body, ups[1].Body)
	}
	if n := len(srv.TriggerInstances()); n != 1 {
		t.Errorf("%d trigger instances, want 1", n)
	}
}

func TestRetryGivesUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	c := newClient(t, srv)
	srv.FailNext(5, composiotest.Fault{Status: http.StatusBadGateway})
	_, err := c.TriggerType(ctxT(t), "GITHUB_COMMIT_EVENT")
	if !errors.Is(err, composio.ErrServer) {
		t.Fatalf("err = %v, want ErrServer", err)
	}
	if n := len(srv.Requests()); n != fastRetry.MaxAttempts {
		t.Errorf("%d attempts, want %d", n, fastRetry.MaxAttempts)
	}
}

func TestRetryTransportError(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	c := newClient(t, srv)
	srv.FailNext(1, composiotest.Fault{Drop: true})
	if _, err := c.TriggerType(ctxT(t), "GITHUB_COMMIT_EVENT"); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestNoRetryOn400(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	c := newClient(t, srv)
	srv.FailNext(1, composiotest.Fault{Status: http.StatusBadRequest})
	_, err := c.TriggerType(ctxT(t), "GITHUB_COMMIT_EVENT")
	var apiErr *composio.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 400 || apiErr.Slug != "INJECTED_FAULT" {
		t.Fatalf("err = %v", err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("400 retried: %d requests", n)
	}
}

func TestNoRetryForNonIdempotentCalls(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	c := newClient(t, srv)
	ctx := ctxT(t)

	// Creating the subscription: the list goes through (a latency-only
	// fault), the POST gets a 503 and is not repeated.
	srv.FailNext(1, composiotest.Fault{Latency: time.Millisecond, Path: "/webhook_subscriptions"})
	srv.FailNext(1, composiotest.Fault{Status: http.StatusServiceUnavailable, Path: "/webhook_subscriptions"})
	if _, err := c.SetSubscription(ctx, composio.SubscriptionParams{URL: "https://example.com/hook"}); !errors.Is(err, composio.ErrServer) {
		t.Fatalf("create: %v, want ErrServer", err)
	}
	if n := len(requests(srv, "POST", "/webhook_subscriptions")); n != 1 {
		t.Errorf("create sent %d times, want 1", n)
	}

	sub, err := c.SetSubscription(ctx, composio.SubscriptionParams{URL: "https://example.com/hook"})
	if err != nil {
		t.Fatal(err)
	}
	srv.FailNext(1, composiotest.Fault{Status: http.StatusServiceUnavailable, Path: "/rotate_secret"})
	if _, err := c.RotateSubscriptionSecret(ctx, sub.ID); !errors.Is(err, composio.ErrServer) {
		t.Fatalf("rotate: %v, want ErrServer", err)
	}
	if n := len(requests(srv, "POST", "/rotate_secret")); n != 1 {
		t.Errorf("rotate sent %d times, want 1", n)
	}

	// Updating it is idempotent and retried.
	srv.FailNext(1, composiotest.Fault{Latency: time.Millisecond, Path: "/webhook_subscriptions"})
	srv.FailNext(1, composiotest.Fault{Status: http.StatusServiceUnavailable, Path: "/webhook_subscriptions"})
	if _, err := c.SetSubscription(ctx, composio.SubscriptionParams{URL: "https://example.com/hook2"}); err != nil {
		t.Fatalf("update: %v", err)
	}
	if n := len(requests(srv, "PATCH", "/webhook_subscriptions")); n != 2 {
		t.Errorf("update sent %d times, want 2", n)
	}
}

func TestRetryAfterLongerThanMaxIsReturned(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	var sl sleeper
	c := newClient(t, srv, sl.option(), composio.WithRetry(composio.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxRetryAfter: time.Second}))
	srv.FailNext(1, composiotest.Fault{Status: http.StatusTooManyRequests, RetryAfter: 5 * time.Second})
	_, err := c.TriggerType(ctxT(t), "GITHUB_COMMIT_EVENT")
	if !errors.Is(err, composio.ErrRateLimited) {
		t.Fatalf("err = %v, want ErrRateLimited", err)
	}
	var apiErr *composio.APIError
	if errors.As(err, &apiErr) && apiErr.RetryAfter != "5" {
		t.Errorf("RetryAfter = %q", apiErr.RetryAfter)
	}
	if !strings.Contains(err.Error(), "Retry-After 5s is more than RetryPolicy.MaxRetryAfter 1s") {
		t.Errorf("the error does not say why it was not retried: %v", err)
	}
	if w := sl.got(); len(w) != 0 {
		t.Errorf("waited %v", w)
	}
}

func TestContextCancelledMidBackoff(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	sl := sleeper{then: func(int) error { cancel(); return nil }} // cancelled while it waits
	c := newClient(t, srv, sl.option())
	srv.FailNext(1, composiotest.Fault{Status: http.StatusTooManyRequests, RetryAfter: 30 * time.Second})
	_, err := c.TriggerType(ctx, "GITHUB_COMMIT_EVENT")
	if !errors.Is(err, context.Canceled) || !errors.Is(err, composio.ErrRateLimited) {
		t.Fatalf("err = %v, want context.Canceled and the last error", err)
	}
	if w := sl.got(); !slices.Equal(w, []time.Duration{30 * time.Second}) {
		t.Errorf("waits = %v", w)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestDeadlineDuringRetries(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	ctx := t.Context()
	// The deadline passes during the second wait.
	sl := sleeper{then: func(n int) error {
		if n == 2 {
			return context.DeadlineExceeded
		}
		return nil
	}}
	c := newClient(t, srv, sl.option(), composio.WithRetry(composio.RetryPolicy{MaxAttempts: 10, MinBackoff: 50 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}))
	srv.FailNext(10, composiotest.Fault{Status: http.StatusInternalServerError})
	_, err := c.TriggerType(ctx, "GITHUB_COMMIT_EVENT")
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, composio.ErrServer) {
		t.Fatalf("err = %v, want the deadline and the last error", err)
	}
}
