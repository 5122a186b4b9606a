package composio

import (
	"context"
	"time"
)

// WithSleep replaces the wait between retries and polls, so that tests see
// the waits the client asks for without waiting them.
func WithSleep(sleep func(context.Context, time.Duration) error) Option { return withSleep(sleep) }

// SetMaxBody lowers how much of a response c reads.
func SetMaxBody(c *Client, n int64) { c.maxBody = n }
