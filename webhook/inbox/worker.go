package inbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/triggergen/triggergen/webhook"
)

// DefaultShutdownTimeout is how long Run waits for deliveries in flight
// once its context is done, unless WithShutdownTimeout says otherwise.
const DefaultShutdownTimeout = 30 * time.Second

// Worker is the work side of the inbox: an asynq.Server that takes the
// stored deliveries of one queue from Redis and runs each through a
// webhook.Dispatcher, so the generated OnXxx handlers run as they would in
// webhook.Handler. Run as many Workers as you like, in one process or on
// many machines: each task is leased by one Worker at a time.
//
// A delivery whose handler returns an error (or panics) is retried after a
// Backoff delay, up to the task's maximum (WithMaxRetry, on the Handler),
// then archived with its last error; one that cannot succeed (a body that
// no longer decodes, a webhook.PayloadError) is archived at once. A delivery
// no handler takes (webhook.ErrUnhandled) is logged and completed, as
// webhook.Handler answers it 200.
type Worker struct {
	srv   *asynq.Server
	mux   *asynq.ServeMux
	queue string
	log   *slog.Logger
	// config and edits are the options' state until NewWorker builds srv.
	config asynq.Config
	edits  []func(*asynq.Config)
}

// NewWorker returns a Worker that runs the deliveries stored in rdb through
// d. rdb is a go-redis client that the caller keeps and closes. Both are
// required: it panics when either is nil.
func NewWorker(rdb redis.UniversalClient, d *webhook.Dispatcher, opts ...WorkerOption) *Worker {
	if rdb == nil || d == nil {
		panic("inbox: NewWorker needs a non-nil Redis client and Dispatcher")
	}
	w := &Worker{
		queue: DefaultQueue,
		log:   slog.Default(),
		config: asynq.Config{
			RetryDelayFunc:  Backoff{}.Delay,
			ShutdownTimeout: DefaultShutdownTimeout,
		},
	}
	for _, o := range opts {
		o.applyWorker(w)
	}
	if w.log == nil {
		w.log = slog.New(slog.DiscardHandler)
	}
	for _, edit := range w.edits {
		edit(&w.config)
	}
	w.config.Queues = map[string]int{w.queue: 1}
	w.config.Logger = slogLogger{w.log.With(slog.String("system", "asynq"))}
	w.config.LogLevel = asynq.DebugLevel // the slog handler decides
	w.mux = asynq.NewServeMux()
	w.mux.Handle(TaskType, NewTaskHandler(d, w.log))
	w.srv = asynq.NewServerFromRedisClient(rdb, w.config)
	w.edits, w.config = nil, asynq.Config{}
	return w
}

// Run processes deliveries until ctx is done, then shuts down gracefully:
// it takes no new delivery, waits up to the shutdown timeout for those in
// flight, cancels the context of any still running and puts them back in
// the queue for another Worker, and returns. It returns an error only when
// the Worker cannot start (for instance, when it already ran).
func (w *Worker) Run(ctx context.Context) error {
	if err := w.srv.Start(w.mux); err != nil {
		return fmt.Errorf("inbox: start worker: %w", err)
	}
	<-ctx.Done()
	w.srv.Shutdown()
	return nil
}

// TaskHandler is the asynq.Handler that runs stored deliveries through a
// webhook.Dispatcher. Worker registers it for TaskType; register it on an
// asynq.ServeMux of your own to run deliveries in a server you configure
// yourself.
type TaskHandler struct {
	dispatcher *webhook.Dispatcher
	log        *slog.Logger
}

// NewTaskHandler returns a TaskHandler that dispatches with d and logs each
// outcome to log (nil discards).
func NewTaskHandler(d *webhook.Dispatcher, log *slog.Logger) *TaskHandler {
	if d == nil {
		panic("inbox: NewTaskHandler needs a non-nil Dispatcher")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &TaskHandler{dispatcher: d, log: log}
}

// ProcessTask implements asynq.Handler. It decodes the stored delivery with
// webhook.Decode and dispatches the event. An error wrapping asynq.SkipRetry
// (a payload that is not a delivery, a body that does not decode, a
// webhook.PayloadError) archives the task at once; another error is retried.
func (h *TaskHandler) ProcessTask(ctx context.Context, t *asynq.Task) error {
	id, _ := asynq.GetTaskID(ctx)
	retried, _ := asynq.GetRetryCount(ctx)
	maxRetry, _ := asynq.GetMaxRetry(ctx)
	attrs := []slog.Attr{slog.String("webhook_id", id), slog.Int("retried", retried), slog.Int("max_retry", maxRetry)}
	fail := func(err error, permanent bool, msg string, extra ...slog.Attr) error {
		level := slog.LevelWarn
		if permanent || retried >= maxRetry {
			level, msg = slog.LevelError, msg+"; archived"
			if permanent {
				err = fmt.Errorf("%w (%w)", err, asynq.SkipRetry)
			}
		} else {
			msg += "; will retry"
		}
		h.log.LogAttrs(ctx, level, msg, append(append(attrs, extra...), slog.String("error", err.Error()))...)
		return err
	}

	del, err := ParseDelivery(t.Payload())
	if err != nil {
		return fail(err, !errors.Is(err, ErrUnknownFormat), "inbox: unreadable task")
	}
	ev, err := webhook.Decode(del.Header, del.Body)
	if err != nil {
		return fail(err, true, "inbox: undecodable event")
	}
	attrs = append(attrs, ev.LogAttrs()...)
	start := time.Now()
	err = h.dispatch(ctx, ev)
	took := slog.Duration("took", time.Since(start))
	switch {
	case err == nil:
		h.log.LogAttrs(ctx, slog.LevelInfo, "inbox: handled", append(attrs, took)...)
		return nil
	case errors.Is(err, webhook.ErrUnhandled):
		h.log.LogAttrs(ctx, slog.LevelWarn, "inbox: no handler for event", append(attrs, took)...)
		return nil
	}
	_, payloadErr := errors.AsType[*webhook.PayloadError](err)
	return fail(err, payloadErr, "inbox: handler failed", took)
}

// dispatch runs the dispatcher, turning a panic into an error that names it,
// so the task is retried and the archive shows why.
func (h *TaskHandler) dispatch(ctx context.Context, ev *webhook.Event) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("handler panicked: %v", p)
		}
	}()
	return h.dispatcher.Dispatch(ctx, ev)
}

// Backoff is the retry schedule of a Worker: retry n (counting from 0)
// waits Base·2ⁿ, at most Max, of which a random part of up to a half is
// taken off, so that deliveries that failed together do not all come back
// at once. A zero (or negative) field takes its default, DefaultBackoffBase
// or DefaultBackoffMax, so the zero Backoff is the default schedule: 10 s
// before the first retry, doubling up to an hour.
type Backoff struct {
	Base, Max time.Duration
}

// The default retry schedule (see Backoff).
const (
	DefaultBackoffBase = 10 * time.Second
	DefaultBackoffMax  = time.Hour
)

// Delay returns the wait before retry n; it is an asynq.RetryDelayFunc.
func (b Backoff) Delay(n int, _ error, _ *asynq.Task) time.Duration {
	if b.Base <= 0 {
		b.Base = DefaultBackoffBase
	}
	if b.Max <= 0 {
		b.Max = DefaultBackoffMax
	}
	d := b.Max
	if n >= 0 && n < 62 && b.Base <= b.Max>>n {
		d = b.Base << n
	}
	return d - rand.N(d/2+1)
}
