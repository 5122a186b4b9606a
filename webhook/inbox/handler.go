package inbox

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/triggergen/triggergen/webhook"
)

const (
	// DefaultRetention is how long a handled delivery's task, and with it
	// its webhook-id, stays in Redis unless WithRetention says otherwise:
	// as long as webhook.DefaultDedupTTL, so that a retry Composio sends
	// because our answer was lost is recognised hours later.
	DefaultRetention = 24 * time.Hour
	// RetentionMargin is added to twice the verifier's tolerance to make
	// the shortest retention a Handler accepts (see Handler.Retention).
	RetentionMargin = time.Minute
	// DefaultMaxRetry is how often a failing delivery is retried before it
	// is archived, unless WithMaxRetry says otherwise. With the default Backoff
	// the retries span between about 6 and 12 hours.
	DefaultMaxRetry = 20
	// DefaultEnqueueTimeout bounds the wait for Redis unless
	// WithEnqueueTimeout says otherwise.
	DefaultEnqueueTimeout = 5 * time.Second
)

// unavailableRetryAfter is the Retry-After (seconds) of a 503. Composio
// applies its own backoff and may ignore it.
const unavailableRetryAfter = "10"

// Handler is the enqueue side of the inbox: an http.Handler that receives
// Composio deliveries, checks them as webhook.Handler does, and stores each
// as one asynq task for a Worker to run. It answers:
//
//   - 202 when the delivery was stored: Redis acknowledged the task;
//   - 200 for a duplicate: a task with the delivery's webhook-id exists
//     (pending, running, waiting to be retried, archived, or handled within
//     the retention), so no second task is created;
//   - 400 when the body is not a known envelope (webhook.Decode), or the
//     webhook-id is blank;
//   - 401 when verification fails (webhook.Verifier.Verify);
//   - 405 for a method other than POST;
//   - 413 when the body exceeds the limit (WithMaxBodyBytes);
//   - 503 with Retry-After when the task could not be stored (Redis down or
//     slower than WithEnqueueTimeout), so Composio retries.
//
// The task's id is the webhook-id. Every outcome is logged with the
// webhook-id, the delivery attempt and the event's type and slug; never the
// body or a secret.
type Handler struct {
	verifier  *webhook.Verifier
	client    *asynq.Client
	queue     string
	retention time.Duration
	maxRetry  int
	maxBody   int64
	timeout   time.Duration
	now       func() time.Time
	log       *slog.Logger
}

// NewHandler returns a Handler that verifies deliveries with v and enqueues
// them through rdb, a go-redis client that the caller keeps and closes (as
// the Workers, it may point at a Redis Cluster or Sentinel setup). Both are
// required: it panics when either is nil.
func NewHandler(v *webhook.Verifier, rdb redis.UniversalClient, opts ...HandlerOption) *Handler {
	if v == nil || rdb == nil {
		panic("inbox: NewHandler needs a non-nil Verifier and Redis client")
	}
	h := &Handler{
		verifier:  v,
		client:    asynq.NewClientFromRedisClient(rdb),
		queue:     DefaultQueue,
		retention: DefaultRetention,
		maxRetry:  DefaultMaxRetry,
		maxBody:   webhook.DefaultMaxBodyBytes,
		timeout:   DefaultEnqueueTimeout,
		now:       time.Now,
		log:       slog.Default(),
	}
	for _, o := range opts {
		o.applyHandler(h)
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	h.retention = max(h.retention, minRetention(v.Tolerance()))
	return h
}

// minRetention is the shortest retention that makes every replay of a stored
// delivery a duplicate: a signature verifies while its timestamp lies within
// tol of now, so a delivery first stored at t can be replayed until t+2·tol
// (when our clock ran tol ahead of its timestamp), and its task lives at
// least until t+retention. The margin covers the clocks of the hosts that
// complete and expire tasks. With tol 0 (no timestamp check) a replay is
// accepted forever and no retention suffices.
func minRetention(tol time.Duration) time.Duration {
	return 2*tol + RetentionMargin
}

// Retention returns how long a handled task stays in Redis, and with it its
// webhook-id: the WithRetention value (default DefaultRetention), but at
// least twice the verifier's tolerance plus RetentionMargin, so that a
// delivery replayed while its signature is still valid always finds its
// task. Once a handled task has passed its retention asynq deletes it, and
// a delivery with the same webhook-id is stored and handled again.
func (h *Handler) Retention() time.Duration { return h.retention }

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.Header.Get(webhook.HeaderID)
	attrs := []slog.Attr{slog.String("webhook_id", id)}
	if a := r.Header.Get(webhook.HeaderDeliveryAttempt); a != "" {
		attrs = append(attrs, slog.String("attempt", a))
	}
	reply := func(status int, level slog.Level, msg string, extra ...slog.Attr) {
		h.log.LogAttrs(ctx, level, msg, append(append(attrs, slog.Int("status", status)), extra...)...)
		if status < 300 {
			w.WriteHeader(status)
			return
		}
		http.Error(w, http.StatusText(status), status)
	}

	body, ev, err := webhook.ReadDelivery(w, r, h.verifier, h.maxBody)
	if err != nil {
		re := err.(*webhook.RequestError)
		reply(re.Status, slog.LevelWarn, "inbox: "+re.Message, re.Attrs()...)
		return
	}
	if strings.TrimSpace(id) == "" { // signed, but asynq needs a task id
		reply(http.StatusBadRequest, slog.LevelWarn, "inbox: blank webhook-id")
		return
	}
	attrs = append(attrs, ev.LogAttrs()...)

	payload, err := newDelivery(r.Header, body, h.now()).MarshalBinary()
	if err != nil {
		reply(http.StatusInternalServerError, slog.LevelError, "inbox: encode delivery", slog.String("error", err.Error()))
		return
	}
	ectx, cancel := context.WithTimeout(ctx, h.timeout)
	defer cancel()
	start := time.Now()
	_, err = h.client.EnqueueContext(ectx, asynq.NewTask(TaskType, payload),
		asynq.TaskID(id), asynq.Queue(h.queue), asynq.MaxRetry(h.maxRetry), asynq.Retention(h.retention))
	took := slog.Duration("took", time.Since(start))
	switch {
	case err == nil:
		reply(http.StatusAccepted, slog.LevelInfo, "inbox: enqueued", took)
	case errors.Is(err, asynq.ErrTaskIDConflict):
		reply(http.StatusOK, slog.LevelInfo, "inbox: duplicate delivery, already stored", took)
	default:
		w.Header().Set("Retry-After", unavailableRetryAfter)
		reply(http.StatusServiceUnavailable, slog.LevelError, "inbox: enqueue failed", took, slog.String("error", err.Error()))
	}
}
