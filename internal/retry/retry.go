// Package retry holds the pieces of retrying HTTP calls: the policy
// (attempts, doubling backoff with jitter, a cap on Retry-After), which
// answers are worth repeating, Retry-After parsing and a context-aware
// sleep.
//
// The runtime client (composio) runs the one retry loop around each logical
// call with these pieces, behind its public composio.RetryPolicy;
// triggergen pull calls the API through that client.
package retry

import (
	"context"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Policy says how often and how patiently a call is repeated. Zero or
// negative fields take DefaultPolicy's values (see WithDefaults).
type Policy struct {
	// MaxAttempts is the total number of attempts, the first included; 1
	// disables retries.
	MaxAttempts int
	// MinBackoff is the wait before the first retry; each further retry
	// doubles it, up to MaxBackoff. A random jitter of up to half the wait is
	// subtracted so that clients do not retry in lockstep.
	MinBackoff time.Duration
	// MaxBackoff caps the computed wait; it is raised to MinBackoff when
	// smaller.
	MaxBackoff time.Duration
	// MaxRetryAfter is the longest Retry-After worth waiting for; a longer
	// one ends the retries at once. Retry-After always takes precedence over
	// the computed backoff, even when it is longer than MaxBackoff.
	MaxRetryAfter time.Duration
}

// DefaultPolicy returns the default: 3 attempts, 500ms doubling to 8s,
// Retry-After honoured up to 60s (the Stainless clients' defaults).
func DefaultPolicy() Policy {
	return Policy{MaxAttempts: 3, MinBackoff: 500 * time.Millisecond, MaxBackoff: 8 * time.Second, MaxRetryAfter: time.Minute}
}

// WithDefaults returns p with its zero or negative fields taken from
// DefaultPolicy.
func (p Policy) WithDefaults() Policy { return p.Fill(DefaultPolicy()) }

// Fill returns p with its zero or negative fields taken from d, and
// MaxBackoff raised to MinBackoff when smaller.
func (p Policy) Fill(d Policy) Policy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = d.MaxAttempts
	}
	if p.MinBackoff <= 0 {
		p.MinBackoff = d.MinBackoff
	}
	if p.MaxBackoff <= 0 {
		p.MaxBackoff = d.MaxBackoff
	}
	if p.MaxBackoff < p.MinBackoff {
		p.MaxBackoff = p.MinBackoff
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = d.MaxRetryAfter
	}
	return p
}

// Backoff is the wait before retry number n (1 = first retry): MinBackoff
// doubled per earlier retry, capped at MaxBackoff, minus a random jitter of
// up to half. Call it on a policy with defaults.
func (p Policy) Backoff(n int) time.Duration {
	d := p.MinBackoff
	for i := 1; i < n && d < p.MaxBackoff; i++ {
		if d > p.MaxBackoff/2 {
			d = p.MaxBackoff
		} else {
			d *= 2
		}
	}
	d = min(d, p.MaxBackoff)
	if half := int64(d / 2); half > 0 {
		d -= time.Duration(rand.Int64N(half + 1))
	}
	return d
}

// RetryAfter parses the wait a response asks for: Retry-After-Ms
// (milliseconds), else Retry-After as delta seconds or an HTTP date (a past
// date is a wait of 0). It reports false when neither header holds a valid,
// non-negative value.
func RetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if ms := strings.TrimSpace(h.Get("Retry-After-Ms")); ms != "" {
		if f, err := strconv.ParseFloat(ms, 64); err == nil && f >= 0 {
			return durationOf(f, time.Millisecond), true
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if !(secs >= 0) { // negative or NaN
			return 0, false
		}
		return durationOf(secs, time.Second), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// durationOf is n units, saturating instead of overflowing.
func durationOf(n float64, unit time.Duration) time.Duration {
	if f := n * float64(unit); f < math.MaxInt64 {
		return time.Duration(f)
	}
	return math.MaxInt64
}

// RetryableStatus reports whether a response with this status is worth
// repeating: 429, 500, 502, 503 and 504.
func RetryableStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// Sleep waits d, or until ctx is done and returns its error.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
