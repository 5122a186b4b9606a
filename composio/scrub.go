package composio

import (
	"errors"
	"net/url"

	"github.com/triggergen/triggergen/internal/redact"
	"github.com/triggergen/triggergen/secret"
)

// newScrubber returns the function that removes secrets (the API key,
// credentials a call sends) from text the server sent back or a transport
// error holds, as package redact does for the client, pull and the fake.
func newScrubber(secrets []string) func(string) string {
	return redact.New(secret.Redacted, secrets...).String
}

// scrubbedError is an error whose text was scrubbed. It unwraps to the
// original, so that errors.Is and errors.As still find what it wraps
// (context.DeadlineExceeded, a *net.OpError, ...); their own text is not
// scrubbed, so print the scrubbedError, not what errors.As finds in it.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// scrubErr returns err with its text scrubbed. A *url.Error (what an
// http.Client returns) stays a *url.Error at the top of the chain, its URL
// and message scrubbed, so errors.As(err, new(*url.Error)) keeps working.
func scrubErr(err error, scrub func(string) string) error {
	msg := err.Error()
	if scrub(msg) == msg {
		return err
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue == err {
		inner := ue.Err
		if inner != nil {
			inner = &scrubbedError{msg: scrub(inner.Error()), err: inner}
		}
		return &url.Error{Op: ue.Op, URL: scrub(ue.URL), Err: inner}
	}
	return &scrubbedError{msg: scrub(msg), err: err}
}
