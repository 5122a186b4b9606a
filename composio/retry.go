package composio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/triggergen/triggergen/gen"
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

// maxBody bounds how much of a response the client reads: a longer body
// fails with ErrResponseTooLarge.
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
	// send makes one attempt; edit sets the call's headers.
	send func(ctx context.Context, edit gen.RequestEditorFn) (*http.Response, error)
}

// do sends r with the call's settings s, retrying per s.retry, and returns
// the 2xx response or an error wrapped with r.op: an *APIError, a transport
// error or the context's error.
func (c *Client) do(ctx context.Context, s *settings, r request) (*response, error) {
	attempts := 1
	if r.retry {
		attempts = s.retry.MaxAttempts
	}
	scrub := newScrubber(append([]string{s.apiKey.Reveal()}, r.secrets...))
	var last error
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, ctxErr(r.op, err, last)
		}
		resp, body, failed := c.attempt(ctx, s, r, scrub)
		if failed != nil && (errors.Is(failed, ErrRedirect) || errors.Is(failed, ErrResponseTooLarge)) {
			return nil, failed // repeating it would end the same way
		}
		var wait time.Duration
		var waitFor string
		switch {
		case failed != nil:
			if cerr := ctx.Err(); cerr != nil {
				return nil, ctxErr(r.op, cerr, last)
			}
			last = failed
			if attempt >= attempts {
				return nil, last
			}
			wait, waitFor = s.retry.Backoff(attempt), "backoff"
		case resp.StatusCode >= 200 && resp.StatusCode < 300:
			return &response{status: resp.StatusCode, header: resp.Header, body: body}, nil
		default:
			last = fmt.Errorf("%s: %w", r.op, parseAPIError(resp.StatusCode, resp.Header, body, scrub))
			if attempt >= attempts || !retry.RetryableStatus(resp.StatusCode) {
				return nil, last
			}
			wait, waitFor = s.retry.Backoff(attempt), "backoff"
			if ra, ok := retry.RetryAfter(resp.Header, time.Now()); ok {
				if ra > s.retry.MaxRetryAfter {
					return nil, fmt.Errorf("%w (not retried: Retry-After %s is more than RetryPolicy.MaxRetryAfter %s)", last, ra.Round(time.Second), s.retry.MaxRetryAfter)
				}
				wait, waitFor = ra, "Retry-After"
			}
		}
		s.logger.LogAttrs(ctx, slog.LevelInfo, RetryLogMessage,
			slog.String("op", r.op), slog.Int("attempt", attempt), slog.Duration("wait", wait),
			slog.String("wait_for", waitFor), slog.String("error", last.Error()))
		if err := s.sleep(ctx, wait); err != nil {
			return nil, ctxErr(r.op, err, last)
		}
	}
}

// RetryLogMessage is the message of the log record (level Info, see
// WithLogger) the client writes before it waits to retry a call. Its
// attributes are op (the call, as errors name it), attempt (the attempt that
// failed, 1 for the first), wait (a duration), wait_for ("backoff" or
// "Retry-After") and error (why, scrubbed of secrets).
const RetryLogMessage = "composio: retrying"

// attempt sends r once and reads the answer, at most c.maxBody bytes of it.
// failed is a transport error or a failure to read the body, scrubbed.
func (c *Client) attempt(ctx context.Context, s *settings, r request, scrub func(string) string) (resp *http.Response, body []byte, failed error) {
	if s.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.timeout)
		defer cancel()
	}
	resp, err := r.send(ctx, s.edit)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", r.op, scrubErr(err, scrub))
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: read %d response: %w", r.op, resp.StatusCode, scrubErr(err, scrub))
	}
	if int64(len(body)) > c.maxBody {
		return nil, nil, fmt.Errorf("%s: %d response: %w (more than %d bytes)", r.op, resp.StatusCode, ErrResponseTooLarge, c.maxBody)
	}
	return resp, body, nil
}

func ctxErr(op string, ctxErr, last error) error {
	if last != nil {
		return fmt.Errorf("%s: %w (last attempt: %w)", op, ctxErr, last)
	}
	return fmt.Errorf("%s: %w", op, ctxErr)
}
