package redisdedup

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestBounded pins the helper behind WithTimeout: a positive timeout gives
// op a deadline and stops waiting for it there; zero or less passes the
// caller's context through untouched.
func TestBounded(t *testing.T) {
	ctx := context.Background()
	for _, timeout := range []time.Duration{0, -time.Second} {
		v, err := bounded(ctx, timeout, func(ctx context.Context) (bool, error) {
			_, has := ctx.Deadline()
			return has, nil
		})
		if err != nil || v {
			t.Errorf("timeout %v: op saw a deadline (%v, %v); want the caller's context", timeout, v, err)
		}
	}

	v, err := bounded(ctx, time.Hour, func(ctx context.Context) (time.Duration, error) {
		dl, _ := ctx.Deadline()
		return time.Until(dl), errors.New("op failed")
	})
	if v <= 59*time.Minute || v > time.Hour || err == nil || err.Error() != "op failed" {
		t.Errorf("timeout 1h: op saw %v left, returned %v; want about an hour and op's own answer", v, err)
	}

	// An op that outlives its deadline is abandoned: bounded returns the
	// context's error, and op's late answer goes nowhere.
	release := make(chan struct{})
	done := make(chan struct{})
	_, err = bounded(ctx, time.Millisecond, func(ctx context.Context) (int, error) {
		defer close(done)
		<-release
		return 42, nil
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("abandoned op: %v; want DeadlineExceeded", err)
	}
	close(release)
	<-done
}
