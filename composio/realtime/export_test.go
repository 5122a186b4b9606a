package realtime

import (
	"context"
	"time"
)

// WithSleep replaces the backoff sleep, so tests can see the waits.
func WithSleep(f func(context.Context, time.Duration) error) Option {
	return func(s *settings) { s.sleep = f }
}
