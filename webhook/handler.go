package webhook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"
)

// DefaultMaxBodyBytes is the largest body the Handler reads unless
// WithMaxBodyBytes says otherwise.
const DefaultMaxBodyBytes int64 = 1 << 20

// Handler is an http.Handler that receives Composio deliveries: it limits
// the body, verifies the signature, decodes the envelope, drops duplicates
// and dispatches the event. It answers:
//
//   - 200 when the handler succeeded, when no handler and no fallback take
//     the event (logged; a retry would not change that), and for a duplicate
//     delivery whose webhook-id was already handled;
//   - 400 when the body is not a known envelope;
//   - 401 when verification fails;
//   - 405 for a method other than POST;
//   - 409 with Retry-After for a duplicate delivery whose webhook-id is
//     still being handled (by this replica or another sharing the Deduper),
//     so Composio retries it later: if the first attempt fails, the retry
//     runs the handler; if it succeeds, the retry is answered 200;
//   - 413 when the body exceeds the limit;
//   - 422 when the payload does not decode into the type registered for its
//     trigger (a *PayloadError: a field the type does not declare, in
//     strict mode, or a value of another JSON type). Composio retries it, as
//     any answer other than 2xx, until it gives up: the event is kept while
//     the generated package is regenerated or strict mode relaxed, and the
//     retry that follows the fix succeeds. WithPayloadErrorStatus changes
//     the code; a 2xx code acknowledges such an event and drops it (it is
//     still logged, and its webhook-id is marked done);
//   - 500 when the handler returns an error or panics, so Composio retries
//     (a panic is logged with its stack, under the attribute "stack");
//   - 503 when the Deduper fails, so Composio retries rather than risk
//     running the handler twice.
//
// With a Deduper, a webhook-id is leased (Deduper.Begin) before the handler
// runs. When the handler succeeds (or no handler takes the event, or a
// payload error is acknowledged with a 2xx) the id is marked done before the
// answer is sent; otherwise its lease is released
// (Deduper.Forget, with the lease's token) before the error is sent, so
// Composio's retry runs it again. A receiver that dies mid-handler leaves
// the lease to expire, after which a retry takes over; should the first
// attempt then fail after all, releasing its expired lease leaves the
// retry's lease in place. Each delivery thus runs the handler to success
// once, as long as the handler finishes within the Deduper's lease.
//
// Every outcome is logged with the webhook-id, the delivery attempt and the
// event's type and slug; never the body or a secret.
type Handler struct {
	verifier      *Verifier
	dispatcher    *Dispatcher
	log           *slog.Logger
	maxBody       int64
	dedup         Deduper
	payloadStatus int
}

// HandlerOption configures a Handler.
type HandlerOption func(*Handler)

// WithLogger sets the logger (default slog.Default()).
func WithLogger(l *slog.Logger) HandlerOption { return func(h *Handler) { h.log = l } }

// WithMaxBodyBytes sets the largest accepted body (default
// DefaultMaxBodyBytes); larger bodies get 413.
func WithMaxBodyBytes(n int64) HandlerOption { return func(h *Handler) { h.maxBody = n } }

// WithDeduper sets the duplicate filter. The default is an in-memory
// NewMemoryDeduper(DefaultDedupCapacity, DefaultDedupTTL); nil turns
// duplicate filtering off.
func WithDeduper(d Deduper) HandlerOption { return func(h *Handler) { h.dedup = d } }

// DefaultPayloadErrorStatus is the Handler's answer to a payload that does
// not decode into its registered type, unless WithPayloadErrorStatus says
// otherwise.
const DefaultPayloadErrorStatus = http.StatusUnprocessableEntity

// WithPayloadErrorStatus sets the status answered to a payload that does not
// decode into the type registered for its trigger (a *PayloadError; default
// DefaultPayloadErrorStatus, 422). Any code other than 2xx makes Composio
// retry the delivery until it gives up; a 2xx code acknowledges the event
// and drops it, after logging it, and marks its webhook-id done.
// NewHandler panics on a code outside 200-599.
func WithPayloadErrorStatus(code int) HandlerOption {
	return func(h *Handler) { h.payloadStatus = code }
}

// NewHandler returns a Handler that verifies deliveries with v and dispatches
// them with d. Both are required: it panics when either is nil, because a
// receiver that skipped verification would accept forged events.
func NewHandler(v *Verifier, d *Dispatcher, opts ...HandlerOption) *Handler {
	if v == nil || d == nil {
		panic("webhook: NewHandler needs a non-nil Verifier and Dispatcher")
	}
	h := &Handler{
		verifier:      v,
		dispatcher:    d,
		log:           slog.Default(),
		maxBody:       DefaultMaxBodyBytes,
		dedup:         NewMemoryDeduper(DefaultDedupCapacity, DefaultDedupTTL),
		payloadStatus: DefaultPayloadErrorStatus,
	}
	for _, o := range opts {
		o(h)
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.payloadStatus < 200 || h.payloadStatus > 599 {
		panic(fmt.Sprintf("webhook: WithPayloadErrorStatus(%d): want a status code from 200 to 599", h.payloadStatus))
	}
	return h
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := header(r.Header, canonicalID)
	attrs := []slog.Attr{slog.String("webhook_id", id)}
	if a := header(r.Header, canonicalDeliveryAttempt); a != "" {
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

	_, ev, err := ReadDelivery(w, r, h.verifier, h.maxBody)
	if err != nil {
		re := err.(*RequestError)
		reply(re.Status, slog.LevelWarn, "webhook: "+re.Message, re.Attrs()...)
		return
	}
	attrs = append(attrs, ev.LogAttrs()...)

	var lease Lease
	if h.dedup != nil {
		lease, err = h.dedup.Begin(ctx, id)
		switch {
		case err != nil:
			reply(http.StatusServiceUnavailable, slog.LevelError, "webhook: duplicate filter failed", slog.String("error", err.Error()))
			return
		case lease.Status == DedupDone:
			reply(http.StatusOK, slog.LevelInfo, "webhook: duplicate delivery skipped")
			return
		case lease.Status == DedupInProgress:
			w.Header().Set("Retry-After", inProgressRetryAfter)
			reply(http.StatusConflict, slog.LevelInfo, "webhook: duplicate delivery still in progress, retry later")
			return
		case lease.Status != DedupNew:
			reply(http.StatusServiceUnavailable, slog.LevelError, "webhook: duplicate filter failed", slog.String("error", "Begin returned "+lease.Status.String()))
			return
		}
	}

	start := time.Now()
	settled := false
	if h.dedup != nil {
		defer func() {
			if !settled { // http.ErrAbortHandler went through: release the id
				h.settle(ctx, id, lease.Token, false, attrs)
			}
		}()
	}
	err = h.dispatch(ctx, ev)
	took := slog.Duration("took", time.Since(start))
	_, payloadErr := errors.AsType[*PayloadError](err)
	// An acknowledged event is done, even one whose payload was dropped.
	succeeded := err == nil || errors.Is(err, ErrUnhandled) || payloadErr && h.payloadStatus < 300
	if h.dedup != nil {
		// Settle before answering, so a retry that follows the answer
		// finds the id done or released.
		settled = true
		h.settle(ctx, id, lease.Token, succeeded, attrs)
	}
	hp, panicked := errors.AsType[*handlerPanic](err)
	switch {
	case err == nil:
		reply(http.StatusOK, slog.LevelInfo, "webhook: handled", took)
	case payloadErr:
		reply(h.payloadStatus, slog.LevelError, "webhook: payload does not match its type", took, slog.String("error", err.Error()))
	case errors.Is(err, ErrUnhandled):
		reply(http.StatusOK, slog.LevelWarn, "webhook: no handler for event", took)
	case panicked:
		reply(http.StatusInternalServerError, slog.LevelError, "webhook: handler panicked", took,
			slog.String("error", err.Error()), slog.String("stack", string(hp.stack)))
	default:
		reply(http.StatusInternalServerError, slog.LevelError, "webhook: handler failed", took, slog.String("error", err.Error()))
	}
}

// RequestError is why ReadDelivery refused a request, with the status a
// receiver answers it with.
type RequestError struct {
	// Status is 405 (not a POST; the Allow header is set), 413 (body over
	// the limit), 400 (unreadable body or undecodable envelope) or 401
	// (signature).
	Status int
	// Message says what was wrong, e.g. "verification failed".
	Message string
	// Err is the cause, when there is one (a *VerifyError, a *DecodeError).
	Err error
}

func (e *RequestError) Error() string {
	if e.Err == nil {
		return "webhook: " + e.Message
	}
	return "webhook: " + e.Message + ": " + e.Err.Error()
}

func (e *RequestError) Unwrap() error { return e.Err }

// Attrs are the log attributes of the refusal: the cause's message, or the
// limit of a body too large.
func (e *RequestError) Attrs() []slog.Attr {
	var mbe *http.MaxBytesError
	switch {
	case errors.As(e.Err, &mbe):
		return []slog.Attr{slog.Int64("limit", mbe.Limit)}
	case e.Err != nil:
		return []slog.Attr{slog.String("error", e.Err.Error())}
	}
	return nil
}

// ReadDelivery reads a delivery as Handler does before it dispatches one: a
// POST whose body is at most maxBody bytes, its signature verified with v,
// its envelope decoded. It returns the body and the event, or a
// *RequestError with the status to answer (it sets the Allow header of a
// 405 and writes nothing else). Receivers other than Handler (the asynq
// inbox, yours) call it, so that they all accept and refuse exactly the
// same requests.
func ReadDelivery(w http.ResponseWriter, r *http.Request, v *Verifier, maxBody int64) ([]byte, *Event, error) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return nil, nil, &RequestError{Status: http.StatusMethodNotAllowed, Message: "method not allowed", Err: errors.New("method " + r.Method)}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, nil, &RequestError{Status: http.StatusRequestEntityTooLarge, Message: "body too large", Err: err}
		}
		return nil, nil, &RequestError{Status: http.StatusBadRequest, Message: "read body", Err: err}
	}
	if err := v.Verify(r.Header, body); err != nil {
		return nil, nil, &RequestError{Status: http.StatusUnauthorized, Message: "verification failed", Err: err}
	}
	ev, err := Decode(r.Header, body)
	if err != nil {
		return nil, nil, &RequestError{Status: http.StatusBadRequest, Message: "undecodable event", Err: err}
	}
	return body, ev, nil
}

// inProgressRetryAfter is the Retry-After (seconds) of a 409 for a delivery
// whose id is still in progress. Composio applies its own backoff and may
// ignore it; it tells other senders and people reading logs to wait.
const inProgressRetryAfter = "10"

// settle records the outcome of the id leased under token: done when the
// handler succeeded, released otherwise (only if token still holds the
// lease). The request's context may be done already (Composio gave up
// waiting); recording must still happen. A failure is logged: the answer
// stays what the handler earned, since the id's lease expires on its own.
func (h *Handler) settle(ctx context.Context, id, token string, ok bool, attrs []slog.Attr) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	op, record := "forget", h.dedup.Forget
	if ok {
		op, record = "complete", h.dedup.Complete
	}
	if err := record(sctx, id, token); err != nil {
		h.log.LogAttrs(ctx, slog.LevelError, "webhook: duplicate filter "+op+" failed", append(attrs, slog.String("error", err.Error()))...)
	}
}

// handlerPanic is a panic of the event handler, recovered by the Handler.
type handlerPanic struct {
	value any
	stack []byte // of the panicking goroutine, taken before it unwound
}

func (p *handlerPanic) Error() string { return fmt.Sprintf("handler panicked: %v", p.value) }

// dispatch runs the dispatcher, turning a panic into a *handlerPanic (except
// http.ErrAbortHandler, which net/http expects to see).
func (h *Handler) dispatch(ctx context.Context, ev *Event) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			err = &handlerPanic{value: p, stack: debug.Stack()}
		}
	}()
	return h.dispatcher.Dispatch(ctx, ev)
}
