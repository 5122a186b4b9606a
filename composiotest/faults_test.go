package composiotest

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/triggergen/triggergen/gen"
)

func TestFaultRateLimited(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	c := client(t, srv)
	ctx := context.Background()
	srv.FailNext(1, Fault{Status: 429, RetryAfter: 1500 * time.Millisecond})
	r, err := c.ListTriggerTypesWithResponse(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.StatusCode() != 429 || r.JSON429 == nil || r.JSON429.Message == nil || r.HTTPResponse.Header.Get("Retry-After") != "2" {
		t.Fatalf("429: %d %v %s", r.StatusCode(), r.HTTPResponse.Header, r.Body)
	}
	if r, err = c.ListTriggerTypesWithResponse(ctx, nil); err != nil || r.StatusCode() != 200 {
		t.Fatalf("after the fault: %v %d", err, r.StatusCode())
	}
	if v := srv.ContractViolations(); len(v) != 0 {
		t.Errorf("violations %v", v)
	}
}

func TestFaultServerErrors(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	c := client(t, srv)
	ctx := context.Background()
	srv.FailNext(2, Fault{Status: 500})
	srv.FailNext(1, Fault{Status: 502})
	for i := range 2 {
		r, err := c.ListTriggerTypeEnumWithResponse(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wantError(t, 500, r.Body, r.JSON500, r.StatusCode(), "INJECTED_FAULT")
		_ = i
	}
	r, err := c.ListTriggerTypeEnumWithResponse(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.StatusCode() != 502 {
		t.Fatalf("want 502, got %d %s", r.StatusCode(), r.Body)
	}
	if r, err = c.ListTriggerTypeEnumWithResponse(ctx); err != nil || r.StatusCode() != 200 {
		t.Fatalf("after the faults: %v %d", err, r.StatusCode())
	}
	st := []int{}
	for _, q := range srv.Requests() {
		st = append(st, q.Status)
	}
	if len(st) != 4 || st[0] != 500 || st[2] != 502 || st[3] != 200 {
		t.Errorf("recorded statuses %v", st)
	}
}

func TestFaultPathFilter(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	c := client(t, srv)
	ctx := context.Background()
	srv.FailNext(1, Fault{Status: 503, Path: "/webhook_subscriptions"})
	if r, err := c.ListTriggerTypeEnumWithResponse(ctx); err != nil || r.StatusCode() != 200 {
		t.Fatalf("unrelated path failed: %v", err)
	}
	r, err := c.ListWebhookSubscriptionsWithResponse(ctx, nil)
	if err != nil || r.StatusCode() != 503 {
		t.Fatalf("want 503: %v %d", err, r.StatusCode())
	}
}

func TestFaultDrop(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	ctx := context.Background()
	srv.FailNext(1, Fault{Drop: true})
	// A fresh connection, so that the transport does not retry the GET.
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	c, err := gen.NewClientWithResponses(srv.URL, gen.WithHTTPClient(fresh), gen.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
		r.Header.Set("x-api-key", srv.APIKey())
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListTriggerTypeEnumWithResponse(ctx); err == nil {
		t.Fatal("dropped connection gave no error")
	}
	if r, err := c.ListTriggerTypeEnumWithResponse(ctx); err != nil || r.StatusCode() != 200 {
		t.Fatalf("after the drop: %v", err)
	}
	if q := srv.Requests(); len(q) != 2 || q[0].Status != 0 {
		t.Errorf("requests %+v", q)
	}
}

func TestFaultLatency(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	c := client(t, srv)
	ctx := context.Background()
	srv.FailNext(1, Fault{Latency: 150 * time.Millisecond})
	start := time.Now()
	if r, err := c.ListTriggerTypeEnumWithResponse(ctx); err != nil || r.StatusCode() != 200 {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("latency fault took %v", d)
	}
	srv.SetLatency(100 * time.Millisecond)
	start = time.Now()
	if _, err := c.ListTriggerTypeEnumWithResponse(ctx); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("SetLatency: took %v", d)
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := c.ListTriggerTypeEnumWithResponse(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("client timeout: %v", err)
	}
	// Off again: with 10 s of latency set and then removed, a request
	// answers within a 5 s deadline.
	srv.SetLatency(10 * time.Second)
	srv.SetLatency(0)
	fits, cancel2 := context.WithTimeout(ctx, 5*time.Second)
	defer cancel2()
	if _, err := c.ListTriggerTypeEnumWithResponse(fits); err != nil {
		t.Fatalf("latency not turned off: %v", err)
	}
}
