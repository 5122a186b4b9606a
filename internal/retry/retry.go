// Package retry is an http.RoundTripper that repeats idempotent requests
// after a 429, a 500/502/503/504 or a transport error, with the same policy
// type (and defaults) as the runtime client, composio.RetryPolicy: doubling
// backoff with jitter, Retry-After honoured up to a cap.
//
// The runtime client keeps its retry loop unexported (it wraps each logical
// call, not the transport); triggergen pull needs the same behaviour at the
// transport level under the generated gen.Client, hence this small package.
package retry

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/triggergen/triggergen/composio"
)

// Transport retries GET, HEAD and OPTIONS requests (and requests with a
// GetBody) per Policy. It is safe for concurrent use.
type Transport struct {
	// Base sends the requests; http.DefaultTransport when nil.
	Base http.RoundTripper
	// Policy is the retry policy; zero fields take composio.DefaultRetryPolicy's.
	Policy composio.RetryPolicy
	// OnRetry, when set, is called before each wait with the attempt that
	// failed (1 = first), the wait and why.
	OnRetry func(req *http.Request, attempt int, wait time.Duration, reason string)
	// Sleep waits d or until ctx is done; a timer when nil (tests replace it).
	Sleep func(ctx context.Context, d time.Duration) error
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	p := withDefaults(t.Policy)
	attempts := p.MaxAttempts
	if !replayable(req) {
		attempts = 1
	}
	ctx := req.Context()
	for attempt := 1; ; attempt++ {
		r := req
		if attempt > 1 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			r = req.Clone(ctx)
			r.Body = body
		}
		resp, err := base.RoundTrip(r)
		var wait time.Duration
		var reason string
		switch {
		case err != nil:
			if ctx.Err() != nil || attempt >= attempts {
				return nil, err
			}
			wait, reason = backoff(p, attempt), err.Error()
		case retryable(resp.StatusCode) && attempt < attempts:
			wait, reason = backoff(p, attempt), resp.Status
			if ra, ok := retryAfter(resp.Header, time.Now()); ok {
				if ra > p.MaxRetryAfter {
					return resp, nil // the caller sees the 429/503 and its Retry-After
				}
				wait = ra
			}
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
			_ = resp.Body.Close()
		default:
			return resp, nil
		}
		if t.OnRetry != nil {
			t.OnRetry(req, attempt, wait, reason)
		}
		sleep := t.Sleep
		if sleep == nil {
			sleep = sleepCtx
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

func replayable(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, "":
		return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	}
	return false
}

func retryable(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

func withDefaults(p composio.RetryPolicy) composio.RetryPolicy {
	d := composio.DefaultRetryPolicy()
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = d.MaxAttempts
	}
	if p.MinBackoff <= 0 {
		p.MinBackoff = d.MinBackoff
	}
	if p.MaxBackoff < p.MinBackoff {
		p.MaxBackoff = max(d.MaxBackoff, p.MinBackoff)
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = d.MaxRetryAfter
	}
	return p
}

// backoff is MinBackoff doubled per earlier retry, capped at MaxBackoff,
// minus a random jitter of up to half.
func backoff(p composio.RetryPolicy, attempt int) time.Duration {
	d := p.MinBackoff << min(attempt-1, 30)
	if d <= 0 || d > p.MaxBackoff {
		d = p.MaxBackoff
	}
	if half := int64(d / 2); half > 0 {
		d -= time.Duration(rand.Int64N(half + 1))
	}
	return d
}

// retryAfter reads Retry-After-Ms, or Retry-After as seconds or an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if ms, err := strconv.ParseFloat(h.Get("Retry-After-Ms"), 64); err == nil && ms >= 0 {
		return time.Duration(ms * float64(time.Millisecond)), true
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		return time.Duration(max(secs, 0) * float64(time.Second)), true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
