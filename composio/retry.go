package composio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy says how calls that are safe to repeat are retried after a 429,
// a 500/502/503/504 or a transport error. Calls that are not safe to repeat
// (creating a subscription, rotating its secret) are sent once.
type RetryPolicy struct {
	// MaxAttempts is the total number of attempts, the first included; 1
	// disables retries.
	MaxAttempts int
	// MinBackoff is the wait before the first retry; each further retry
	// doubles it, up to MaxBackoff. A random jitter of up to half the wait is
	// subtracted so that clients do not retry in lockstep.
	MinBackoff time.Duration
	// MaxBackoff caps the computed wait.
	MaxBackoff time.Duration
	// MaxRetryAfter is the longest Retry-After the client waits for; a longer
	// one is returned to the caller as the error at once. Retry-After always
	// takes precedence over the computed backoff, even when it is longer
	// than MaxBackoff.
	MaxRetryAfter time.Duration
}

// DefaultRetryPolicy returns the default: 3 attempts, 500ms doubling to 8s,
// Retry-After honoured up to 60s (the Stainless clients' defaults).
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 3, MinBackoff: 500 * time.Millisecond, MaxBackoff: 8 * time.Second, MaxRetryAfter: time.Minute}
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetryPolicy()
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

// backoff is the wait before retry number n (1 = first retry).
func (p RetryPolicy) backoff(n int) time.Duration {
	d := p.MinBackoff
	for i := 1; i < n && d < p.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, p.MaxBackoff)
	if half := int64(d / 2); half > 0 {
		d -= time.Duration(rand.Int64N(half + 1))
	}
	return d
}

// retryAfter parses Retry-After (delta seconds or an HTTP date) and
// retry-after-ms.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if ms := h.Get("Retry-After-Ms"); ms != "" {
		if f, err := strconv.ParseFloat(ms, 64); err == nil && f >= 0 {
			return time.Duration(f * float64(time.Millisecond)), true
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(secs * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

func retryableStatus(s int) bool {
	switch s {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

func sleepCtx(ctx context.Context, d time.Duration) error {
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

// maxBody bounds how much of a response the client reads.
const maxBody = 32 << 20

// response is a read and closed HTTP response.
type response struct {
	status int
	header http.Header
	body   []byte
}

// request describes one logical call.
type request struct {
	op      string // error context, e.g. "create trigger GITHUB_COMMIT_EVENT"
	retry   bool   // safe to repeat
	secrets []string
	send    func(context.Context) (*http.Response, error)
}

// do sends r, retrying per the policy, and returns the 2xx response or an
// error wrapped with r.op: an *APIError, a transport error or the context's
// error.
func (c *Client) do(ctx context.Context, r request) (*response, error) {
	attempts := 1
	if r.retry {
		attempts = c.retry.MaxAttempts
	}
	scrub := c.scrubber(r.secrets)
	var last error
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, c.ctxErr(r.op, err, last)
		}
		resp, err := r.send(ctx)
		var wait time.Duration
		if err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return nil, c.ctxErr(r.op, cerr, last)
			}
			last = fmt.Errorf("%s: %w", r.op, scrubErr(err, scrub))
			if attempt >= attempts {
				return nil, last
			}
			wait = c.retry.backoff(attempt)
		} else {
			body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxBody))
			_ = resp.Body.Close()
			if rerr != nil {
				if cerr := ctx.Err(); cerr != nil {
					return nil, c.ctxErr(r.op, cerr, last)
				}
				last = fmt.Errorf("%s: read response: %w", r.op, scrubErr(rerr, scrub))
				if attempt >= attempts {
					return nil, last
				}
				wait = c.retry.backoff(attempt)
			} else if resp.StatusCode >= 200 && resp.StatusCode < 300 {
				return &response{status: resp.StatusCode, header: resp.Header, body: body}, nil
			} else {
				apiErr := parseAPIError(resp.StatusCode, resp.Header, body, scrub)
				last = fmt.Errorf("%s: %w", r.op, apiErr)
				if attempt >= attempts || !retryableStatus(resp.StatusCode) {
					return nil, last
				}
				wait = c.retry.backoff(attempt)
				if ra, ok := retryAfter(resp.Header, time.Now()); ok {
					if ra > c.retry.MaxRetryAfter {
						return nil, last
					}
					wait = ra
				}
			}
		}
		c.logger.LogAttrs(ctx, slog.LevelDebug, "composio: retrying",
			slog.String("op", r.op), slog.Int("attempt", attempt), slog.Duration("wait", wait), slog.String("error", last.Error()))
		if err := c.sleep(ctx, wait); err != nil {
			return nil, c.ctxErr(r.op, err, last)
		}
	}
}

func (c *Client) ctxErr(op string, ctxErr, last error) error {
	if last != nil {
		return fmt.Errorf("%s: %w (last attempt: %w)", op, ctxErr, last)
	}
	return fmt.Errorf("%s: %w", op, ctxErr)
}

// scrubber returns a function that replaces the API key and the given
// secrets by the redaction in server-provided text.
func (c *Client) scrubber(secrets []string) func(string) string {
	key := c.apiKey.Reveal()
	return func(s string) string {
		if s == "" {
			return s
		}
		if key != "" {
			s = strings.ReplaceAll(s, key, "[REDACTED]")
		}
		for _, v := range secrets {
			if v != "" {
				s = strings.ReplaceAll(s, v, "[REDACTED]")
			}
		}
		return s
	}
}

// scrubbedError keeps a transport error's chain (errors.Is still finds
// context.DeadlineExceeded, net errors, ...) while its text is scrubbed.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

func scrubErr(err error, scrub func(string) string) error {
	msg := err.Error()
	if s := scrub(msg); s != msg {
		return &scrubbedError{msg: s, err: errors.Unwrap(err)}
	}
	return err
}
