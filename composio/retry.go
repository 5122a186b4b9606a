package composio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/triggergen/triggergen/internal/retry"
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
func DefaultRetryPolicy() RetryPolicy { return RetryPolicy(retry.DefaultPolicy()) }

// withDefaults is p, its zero fields taken from DefaultRetryPolicy, in the
// form the retry loop runs on.
func (p RetryPolicy) withDefaults() retry.Policy { return retry.Policy(p).WithDefaults() }

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
		// failed is a transport error or a failure to read the body.
		var failed error
		var body []byte
		resp, err := r.send(ctx)
		if err != nil {
			failed = fmt.Errorf("%s: %w", r.op, scrubErr(err, scrub))
		} else {
			body, err = io.ReadAll(io.LimitReader(resp.Body, maxBody))
			_ = resp.Body.Close()
			if err != nil {
				failed = fmt.Errorf("%s: read response: %w", r.op, scrubErr(err, scrub))
			}
		}
		var wait time.Duration
		switch {
		case failed != nil:
			if cerr := ctx.Err(); cerr != nil {
				return nil, c.ctxErr(r.op, cerr, last)
			}
			last = failed
			if attempt >= attempts {
				return nil, last
			}
			wait = c.retry.Backoff(attempt)
		case resp.StatusCode >= 200 && resp.StatusCode < 300:
			return &response{status: resp.StatusCode, header: resp.Header, body: body}, nil
		default:
			last = fmt.Errorf("%s: %w", r.op, parseAPIError(resp.StatusCode, resp.Header, body, scrub))
			if attempt >= attempts || !retry.RetryableStatus(resp.StatusCode) {
				return nil, last
			}
			wait = c.retry.Backoff(attempt)
			if ra, ok := retry.RetryAfter(resp.Header, time.Now()); ok {
				if ra > c.retry.MaxRetryAfter {
					return nil, last
				}
				wait = ra
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
