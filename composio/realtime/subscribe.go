package realtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/internal/retry"
	"github.com/triggergen/triggergen/webhook"
)

// queueSize is how many events may wait for the handlers before the reader
// waits too.
const queueSize = 64

// Subscribe receives the project's trigger events over Composio's realtime
// channel, as the SDKs' triggers.subscribe does, and dispatches each
// (filtered by WithFilter) to d as a webhook.Event with Version
// webhook.Realtime, so generated OnXxx handlers run unchanged; FromContext
// gives a handler the full Message. No public URL is needed: it is meant for
// local development and tests, where production uses webhooks.
//
// It blocks until ctx is done, returning ctx.Err(), or a fatal error: a
// 4xx answer of the API (a wrong API key is composio.ErrUnauthorized), a
// *SubscriptionError, or a *CloseError with a code in 4000-4099. It
// reconnects on everything else: at once after a close code in 4200-4299 on
// a subscribed connection, after a backoff otherwise (WithBackoff). It
// answers pusher:ping, and pings after the activity timeout of silence,
// taking the connection for dead without an answer within the pong timeout.
// Events of one connection that arrive in chunks are reassembled within
// ChunkLimits.
//
// Handlers run one at a time, in arrival order, in a goroutine of their own,
// with ctx; a handler's error or panic is logged and never ends the
// subscription. When ctx is done, Subscribe waits for the running handler to
// return, drops the events still queued, and leaves no goroutine behind.
func Subscribe(ctx context.Context, client *composio.Client, d *webhook.Dispatcher, opts ...Option) error {
	if client == nil || d == nil {
		return fmt.Errorf("%w: Subscribe needs a client and a dispatcher", errConfig)
	}
	s := settings{now: time.Now, sleep: retry.Sleep}
	for _, o := range opts {
		o(&s)
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.httpClient == nil {
		s.httpClient = http.DefaultClient
	}
	if s.activity <= 0 {
		s.activity = DefaultActivityTimeout
	}
	if s.pong <= 0 {
		s.pong = DefaultPongTimeout
	}
	s.backoff = s.backoff.Fill(retry.Policy{MinBackoff: DefaultMinBackoff, MaxBackoff: DefaultMaxBackoff, MaxAttempts: 1, MaxRetryAfter: 1})
	if s.socketBase != "" {
		if _, err := socketBase(s.socketBase); err != nil {
			return err
		}
	}
	sub := &subscriber{settings: s, client: client, d: d, chunks: newReassembler(s.limits, s.now)}
	return sub.run(ctx)
}

type subscriber struct {
	settings
	client *composio.Client
	d      *webhook.Dispatcher
	chunks *reassembler
}

func (s *subscriber) run(ctx context.Context) error {
	queue := make(chan *Message, queueSize)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.dispatchLoop(ctx, queue)
	}()
	err := s.connectLoop(ctx, queue)
	close(queue)
	<-done
	return err
}

// connectLoop runs one connection after the other until ctx is done or an
// error is fatal.
func (s *subscriber) connectLoop(ctx context.Context, queue chan<- *Message) error {
	failures := 0
	for {
		subscribed, err := s.session(ctx, queue)
		if n := s.chunks.reset(); n > 0 {
			s.logger.Warn("realtime: dropped incomplete chunked events of the lost connection", "count", n)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if subscribed {
			failures = 0
		}
		switch reconnection(err) {
		case fatal:
			s.logger.Error("realtime: giving up", "error", err)
			return err
		case immediately:
			if subscribed {
				s.logger.Info("realtime: reconnecting at once", "reason", err)
				continue
			}
		}
		failures++
		wait := s.backoff.Backoff(failures)
		s.logger.Warn("realtime: connection lost, reconnecting", "error", err, "attempt", failures, "wait", wait)
		if err := s.sleep(ctx, wait); err != nil {
			return ctx.Err()
		}
	}
}

type action int

const (
	backoff action = iota
	immediately
	fatal
)

// reconnection says what a session's error calls for, by Pusher's close
// code ranges and the API's status.
func reconnection(err error) action {
	if ce, ok := errors.AsType[*CloseError](err); ok {
		switch {
		case ce.Code >= 4000 && ce.Code < 4100:
			return fatal
		case ce.Code >= 4200 && ce.Code < 4300:
			return immediately
		}
		return backoff
	}
	if _, ok := errors.AsType[*SubscriptionError](err); ok {
		return fatal
	}
	if ae, ok := errors.AsType[*composio.APIError](err); ok {
		if ae.Status >= 400 && ae.Status < 500 && ae.Status != http.StatusRequestTimeout && ae.Status != http.StatusTooManyRequests {
			return fatal
		}
	}
	if errors.Is(err, errConfig) {
		return fatal
	}
	return backoff
}
