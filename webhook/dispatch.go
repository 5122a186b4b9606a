package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// HandlerFunc handles one decoded event.
type HandlerFunc func(ctx context.Context, ev *Event) error

// ErrUnhandled is matched (errors.Is) by the error Dispatch returns for an
// event no handler and no fallback take; the Handler answers such an event
// with 200, since a retry would not change that.
var ErrUnhandled = errors.New("webhook: no handler for trigger")

// PayloadError reports a payload that does not decode into the generated type
// registered for its trigger. The Handler answers it with 422 unless
// WithPayloadErrorStatus says otherwise.
type PayloadError struct {
	// TriggerSlug is the event's trigger slug.
	TriggerSlug string
	// Err is why: in strict mode an *UnknownFieldsError listing the fields
	// the type does not declare (errors.As finds it), otherwise the error of
	// encoding/json, e.g. a *json.UnmarshalTypeError.
	Err error
}

func (e *PayloadError) Error() string {
	return fmt.Sprintf("webhook: decode %s payload: %v", e.TriggerSlug, e.Err)
}

func (e *PayloadError) Unwrap() error { return e.Err }

// Dispatcher routes events to handlers. Trigger events
// (TypeTriggerMessage) go to the handler registered for their trigger slug;
// slugs match without regard to case, because the legacy V1 and V2 envelopes
// carry them in lower case. Other event types (trigger disabled, connected
// account expired) go to the handler registered for the type with HandleType,
// never to a slug handler, because their data is not the trigger's payload.
// Anything else goes to the fallback. It is safe for concurrent use.
//
// The zero Dispatcher is empty and ready to use, as an http.ServeMux is;
// NewDispatcher returns one with options. Each slug, each event type and the
// fallback take one handler: registering a second one panics, as
// http.ServeMux.Handle does for a pattern registered twice, because one of
// the two would silently never run (calling a generated OnXxx function twice,
// say).
type Dispatcher struct {
	mu       sync.RWMutex
	handlers map[string]HandlerFunc // by upper-case trigger slug
	types    map[string]HandlerFunc // by event type
	fallback HandlerFunc
	strict   bool
}

// DispatcherOption configures a Dispatcher.
type DispatcherOption func(*Dispatcher)

// Strict makes typed handlers reject payloads that carry fields the generated
// type does not know. By default unknown fields are ignored, so an additive
// schema change upstream does not break delivery.
func Strict() DispatcherOption { return func(d *Dispatcher) { d.strict = true } }

// NewDispatcher returns an empty dispatcher configured by opts.
func NewDispatcher(opts ...DispatcherOption) *Dispatcher {
	d := &Dispatcher{}
	for _, o := range opts {
		o(d)
	}
	return d
}

// Handle registers h for events of the trigger type slug (any case). It
// panics when slug is empty, h is nil, or slug has a handler already.
func (d *Dispatcher) Handle(slug string, h HandlerFunc) {
	if slug == "" {
		panic("webhook: Dispatcher.Handle: empty trigger slug")
	}
	register(d, &d.handlers, strings.ToUpper(slug), h, "trigger slug")
}

// HandleType registers h for V3 events of the given type that are not trigger
// messages, e.g. TypeTriggerDisabled or TypeConnectedAccountExpired. It
// panics when eventType is empty or TypeTriggerMessage (those events go to
// slug handlers), h is nil, or eventType has a handler already.
func (d *Dispatcher) HandleType(eventType string, h HandlerFunc) {
	if eventType == "" || eventType == TypeTriggerMessage {
		panic(fmt.Sprintf("webhook: Dispatcher.HandleType: %q is not a type HandleType routes (trigger messages go to Handle)", eventType))
	}
	register(d, &d.types, eventType, h, "event type")
}

// Fallback registers h for events no other handler takes, including project
// events such as composio.connected_account.expired when no HandleType
// handler takes them. It panics when h is nil or a fallback is registered
// already.
func (d *Dispatcher) Fallback(h HandlerFunc) {
	if h == nil {
		panic("webhook: Dispatcher.Fallback: nil handler")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fallback != nil {
		panic("webhook: Dispatcher.Fallback: a fallback is registered already")
	}
	d.fallback = h
}

// register adds h under key to *m, which it creates on first use so that the
// zero Dispatcher works.
func register(d *Dispatcher, m *map[string]HandlerFunc, key string, h HandlerFunc, what string) {
	if h == nil {
		panic("webhook: Dispatcher: nil handler for " + what + " " + key)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, dup := (*m)[key]; dup {
		panic("webhook: Dispatcher: a handler for " + what + " " + key + " is registered already")
	}
	if *m == nil {
		*m = map[string]HandlerFunc{}
	}
	(*m)[key] = h
}

// Dispatch runs the handler for ev and returns its error. When no handler
// and no fallback take ev, it returns an error matching ErrUnhandled.
func (d *Dispatcher) Dispatch(ctx context.Context, ev *Event) error {
	d.mu.RLock()
	var h HandlerFunc
	switch {
	case ev.Type != "" && ev.Type != TypeTriggerMessage:
		h = d.types[ev.Type]
	case ev.TriggerSlug != "":
		h = d.handlers[strings.ToUpper(ev.TriggerSlug)]
	}
	if h == nil {
		h = d.fallback
	}
	d.mu.RUnlock()
	if h == nil {
		return fmt.Errorf("%w %q (event %s)", ErrUnhandled, ev.TriggerSlug, ev.Type)
	}
	return h(ctx, ev)
}

// On registers a typed handler: the event's data is decoded into a P before h
// runs; a payload that does not decode is a *PayloadError and h does not
// run. Like Handle it panics when slug has a handler already or h is nil.
// Generated packages call it from their OnXxx functions, for example
//
//	func OnCommitEvent(d *webhook.Dispatcher, h func(context.Context, *webhook.Event, *CommitEventPayload) error) {
//		webhook.On(d, CommitEventSlug, h)
//	}
func On[P any](d *Dispatcher, slug string, h func(ctx context.Context, ev *Event, payload *P) error) {
	if h == nil {
		panic("webhook: On: nil handler for trigger slug " + slug)
	}
	d.Handle(slug, func(ctx context.Context, ev *Event) error {
		p := new(P)
		if err := decodePayload(ev.Data, p, d.strict); err != nil {
			return &PayloadError{TriggerSlug: ev.TriggerSlug, Err: err}
		}
		return h(ctx, ev, p)
	})
}

// decodePayload decodes data into into. A generated payload type decodes
// itself in one pass that checks the syntax too, so its UnmarshalJSON is
// called directly, without encoding/json's validation pass; other types go
// through json.Unmarshal. In strict mode, the fields of data that the type
// does not declare are then reported.
func decodePayload(data []byte, into any, strict bool) error {
	if len(data) == 0 {
		data = []byte("{}")
	}
	var err error
	if u, ok := into.(json.Unmarshaler); ok {
		err = u.UnmarshalJSON(data)
	} else {
		err = json.Unmarshal(data, into)
	}
	if err != nil || !strict {
		return err
	}
	if paths := unknownFields(data, reflect.TypeOf(into)); len(paths) > 0 {
		return &UnknownFieldsError{Paths: paths}
	}
	return nil
}
