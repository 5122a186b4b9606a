package retry

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/triggergen/triggergen/composio"
)

func TestRetries(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "2")
			w.WriteHeader(http.StatusTooManyRequests)
		case 2:
			w.WriteHeader(http.StatusBadGateway)
		default:
			_, _ = w.Write([]byte("ok"))
		}
	}))
	defer srv.Close()
	var waits []time.Duration
	tr := &Transport{
		Policy: composio.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Second, MaxBackoff: time.Second},
		Sleep:  func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil },
	}
	resp, err := (&http.Client{Transport: tr}).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || n.Load() != 3 {
		t.Fatalf("status %d after %d requests", resp.StatusCode, n.Load())
	}
	if len(waits) != 2 || waits[0] != 2*time.Second || waits[1] < 500*time.Millisecond || waits[1] > time.Second {
		t.Errorf("waits = %v, want [2s, 0.5s..1s]", waits)
	}
}

func TestGivesUp(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	tr := &Transport{Policy: composio.RetryPolicy{MaxAttempts: 2}, Sleep: func(context.Context, time.Duration) error { return nil }}
	resp, err := (&http.Client{Transport: tr}).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || n.Load() != 2 {
		t.Errorf("status %d after %d requests", resp.StatusCode, n.Load())
	}
	// Not retried: a 401 and a POST.
	n.Store(0)
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(http.StatusUnauthorized)
	})
	resp, err = (&http.Client{Transport: tr}).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if n.Load() != 1 {
		t.Errorf("401 sent %d times", n.Load())
	}
}

func TestRetryAfterTooLong(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	tr := &Transport{Sleep: func(context.Context, time.Duration) error { t.Fatal("slept"); return nil }}
	resp, err := (&http.Client{Transport: tr}).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || n.Load() != 1 {
		t.Errorf("status %d after %d requests", resp.StatusCode, n.Load())
	}
}
