package retry

import (
	"context"
	"math"
	"net/http"
	"testing"
	"time"
)

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		h    http.Header
		want time.Duration
		ok   bool
	}{
		{http.Header{"Retry-After": {"2"}}, 2 * time.Second, true},
		{http.Header{"Retry-After": {"0.5"}}, 500 * time.Millisecond, true},
		{http.Header{"Retry-After": {now.Add(3 * time.Second).Format(http.TimeFormat)}}, 3 * time.Second, true},
		{http.Header{"Retry-After": {now.Add(-time.Minute).Format(http.TimeFormat)}}, 0, true},
		{http.Header{"Retry-After-Ms": {"250"}}, 250 * time.Millisecond, true},
		{http.Header{"Retry-After": {"soon"}}, 0, false},
		{http.Header{}, 0, false},
		// Invalid values are ignored, not waited for.
		{http.Header{"Retry-After": {"-1"}}, 0, false},
		{http.Header{"Retry-After": {"NaN"}}, 0, false},
		{http.Header{"Retry-After-Ms": {"-5"}, "Retry-After": {"1"}}, time.Second, true},
		// A huge value saturates instead of wrapping around to a negative wait.
		{http.Header{"Retry-After": {"1e30"}}, math.MaxInt64, true},
	}
	for _, tc := range cases {
		got, ok := RetryAfter(tc.h, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%v: got %v %v, want %v %v", tc.h, got, ok, tc.want, tc.ok)
		}
	}
}

func TestBackoffBounds(t *testing.T) {
	p := Policy{MaxAttempts: 5, MinBackoff: 100 * time.Millisecond, MaxBackoff: 400 * time.Millisecond}.WithDefaults()
	for n := 1; n <= 6; n++ {
		for range 50 {
			d := p.Backoff(n)
			ceil := min(100*time.Millisecond<<(n-1), 400*time.Millisecond)
			if d < ceil/2 || d > ceil {
				t.Fatalf("Backoff(%d) = %v, want in [%v, %v]", n, d, ceil/2, ceil)
			}
		}
	}
	// Many retries against a huge cap neither overflow nor exceed it.
	p = Policy{MinBackoff: time.Hour, MaxBackoff: math.MaxInt64}.WithDefaults()
	if d := p.Backoff(100); d < math.MaxInt64/2 {
		t.Errorf("Backoff(100) = %v, want near the cap", d)
	}
}

func TestWithDefaults(t *testing.T) {
	for _, tc := range []struct{ in, want Policy }{
		{Policy{}, DefaultPolicy()},
		{Policy{MaxAttempts: 1}, Policy{1, 500 * time.Millisecond, 8 * time.Second, time.Minute}},
		{Policy{MinBackoff: 10 * time.Second}, Policy{3, 10 * time.Second, 10 * time.Second, time.Minute}},
		{Policy{MinBackoff: 2 * time.Second, MaxBackoff: time.Second}, Policy{3, 2 * time.Second, 2 * time.Second, time.Minute}},
		{Policy{MaxAttempts: -1, MinBackoff: -1, MaxBackoff: -1, MaxRetryAfter: -1}, DefaultPolicy()},
	} {
		if got := tc.in.WithDefaults(); got != tc.want {
			t.Errorf("%+v.WithDefaults() = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestRetryableStatus(t *testing.T) {
	for s := 100; s < 600; s++ {
		want := s == 429 || s == 500 || s == 502 || s == 503 || s == 504
		if got := RetryableStatus(s); got != want {
			t.Errorf("RetryableStatus(%d) = %v", s, got)
		}
	}
}

func TestSleep(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	if err := Sleep(ctx, 0); err != nil {
		t.Errorf("Sleep(0) = %v", err)
	}
	if err := Sleep(ctx, time.Millisecond); err != nil {
		t.Errorf("Sleep(1ms) = %v", err)
	}
	cancel()
	start := time.Now()
	if err := Sleep(ctx, time.Hour); err != context.Canceled {
		t.Errorf("Sleep after cancel = %v", err)
	}
	if err := Sleep(ctx, 0); err != context.Canceled {
		t.Errorf("Sleep(0) after cancel = %v", err)
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("Sleep waited %v after cancel", el)
	}
}
