package inbox

import (
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
)

// DefaultQueue is the asynq queue deliveries go to unless WithQueue names
// another.
const DefaultQueue = "composio"

// HandlerOption configures a Handler.
type HandlerOption interface{ applyHandler(*Handler) }

// WorkerOption configures a Worker.
type WorkerOption interface{ applyWorker(*Worker) }

// Option configures both sides, so that a Handler and the Workers that serve
// it can share one list of options.
type Option interface {
	HandlerOption
	WorkerOption
}

type handlerOption func(*Handler)

func (o handlerOption) applyHandler(h *Handler) { o(h) }

type workerOption func(*Worker)

func (o workerOption) applyWorker(w *Worker) { o(w) }

type bothOption struct {
	handlerOption
	workerOption
}

// WithQueue sets the asynq queue (default DefaultQueue). The Handler and the
// Workers must name the same one. An empty name panics: asynq would
// silently use its "default" queue instead.
func WithQueue(name string) Option {
	if name == "" {
		panic("inbox: WithQueue needs a queue name")
	}
	return bothOption{
		handlerOption(func(h *Handler) { h.queue = name }),
		workerOption(func(w *Worker) { w.queue = name }),
	}
}

// WithLogger sets the logger (default slog.Default()); nil discards. A
// Worker also routes asynq's own messages to it, with the attribute
// system=asynq.
func WithLogger(l *slog.Logger) Option {
	return bothOption{
		handlerOption(func(h *Handler) { h.log = l }),
		workerOption(func(w *Worker) { w.log = l }),
	}
}

// WithMaxBodyBytes sets the largest accepted body (default
// webhook.DefaultMaxBodyBytes, as the direct handler); larger bodies get 413.
func WithMaxBodyBytes(n int64) HandlerOption {
	return handlerOption(func(h *Handler) { h.maxBody = n })
}

// WithRetention sets how long a handled task, and with it its webhook-id,
// stays in Redis (default DefaultRetention). It is raised to the Handler's
// floor (see Handler.Retention), never lowered below it.
func WithRetention(d time.Duration) HandlerOption {
	return handlerOption(func(h *Handler) { h.retention = d })
}

// WithMaxRetry sets how often a failing delivery is retried before it is
// archived (default DefaultMaxRetry): a delivery runs at most n+1 times.
// A negative n counts as 0. It is stored with each task when it is
// enqueued, so it is an option of the Handler, not the Worker.
func WithMaxRetry(n int) HandlerOption {
	return handlerOption(func(h *Handler) { h.maxRetry = max(n, 0) })
}

// WithEnqueueTimeout bounds how long a request waits for Redis before it is
// answered 503 (default DefaultEnqueueTimeout); d <= 0 keeps the default.
// The Redis client's own timeouts apply too.
func WithEnqueueTimeout(d time.Duration) HandlerOption {
	return handlerOption(func(h *Handler) {
		if d > 0 {
			h.timeout = d
		}
	})
}

// WithClock replaces time.Now for the received time stored with each
// delivery, for tests.
func WithClock(now func() time.Time) HandlerOption {
	return handlerOption(func(h *Handler) { h.now = now })
}

// WithConcurrency sets how many deliveries a Worker runs at once (default:
// the number of CPUs, as asynq's).
func WithConcurrency(n int) WorkerOption {
	return workerOption(func(w *Worker) { w.config.Concurrency = n })
}

// WithBackoff sets the delay before each retry (default: the zero Backoff).
func WithBackoff(b Backoff) WorkerOption {
	return workerOption(func(w *Worker) { w.config.RetryDelayFunc = b.Delay })
}

// WithShutdownTimeout sets how long Run waits, once its context is done,
// for the deliveries in flight (default DefaultShutdownTimeout; d <= 0 keeps
// it). Those still running then have their context cancelled and go back to
// the queue.
func WithShutdownTimeout(d time.Duration) WorkerOption {
	return workerOption(func(w *Worker) {
		if d > 0 {
			w.config.ShutdownTimeout = d
		}
	})
}

// WithConfig edits the asynq.Config the Worker's server is built with, after
// every other option, for settings this package does not name (polling
// intervals, health checks, an ErrorHandler). Queues is always the inbox's
// queue alone and Logger the adapter of WithLogger's logger: f's values for
// those two are replaced.
func WithConfig(f func(*asynq.Config)) WorkerOption {
	return workerOption(func(w *Worker) { w.edits = append(w.edits, f) })
}
