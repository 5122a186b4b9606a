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

// ErrUnhandled is returned by Dispatch for a trigger slug with no handler and
// no fallback.
var ErrUnhandled = errors.New("webhook: no handler for trigger")

// PayloadError reports a payload that does not decode into the generated type
// registered for its trigger.
type PayloadError struct {
	TriggerSlug string
	// UnknownFields lists, in strict mode, the JSON paths of the fields the
	// generated type does not know, e.g. "commits[0].verified".
	UnknownFields []string
	Err           error
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
type Dispatcher struct {
	mu       sync.RWMutex
	handlers map[string]HandlerFunc
	types    map[string]HandlerFunc
	fallback HandlerFunc
	strict   bool
}

// DispatcherOption configures a Dispatcher.
type DispatcherOption func(*Dispatcher)

// Strict makes typed handlers reject payloads that carry fields the generated
// type does not know. By default unknown fields are ignored, so an additive
// schema change upstream does not break delivery.
func Strict() DispatcherOption { return func(d *Dispatcher) { d.strict = true } }

// NewDispatcher returns an empty dispatcher.
func NewDispatcher(opts ...DispatcherOption) *Dispatcher {
	d := &Dispatcher{handlers: map[string]HandlerFunc{}, types: map[string]HandlerFunc{}}
	for _, o := range opts {
		o(d)
	}
	return d
}

// Handle registers h for events of the trigger type slug, replacing any
// handler registered before.
func (d *Dispatcher) Handle(slug string, h HandlerFunc) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.handlers[strings.ToUpper(slug)] = h
}

// HandleType registers h for V3 events of the given type that are not trigger
// messages, e.g. TypeTriggerDisabled or TypeConnectedAccountExpired,
// replacing any handler registered before.
func (d *Dispatcher) HandleType(eventType string, h HandlerFunc) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.types[eventType] = h
}

// Fallback registers h for events no other handler takes, including project
// events such as composio.connected_account.expired when no HandleType
// handler takes them.
func (d *Dispatcher) Fallback(h HandlerFunc) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.fallback = h
}

// Dispatch runs the handler for ev. It returns ErrUnhandled when no handler
// and no fallback exist.
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
// runs. Generated packages call it from their OnXxx functions, for example
//
//	func OnCommitEvent(d *webhook.Dispatcher, h func(context.Context, *webhook.Event, *CommitEventPayload) error) {
//		webhook.On(d, CommitEventSlug, h)
//	}
func On[P any](d *Dispatcher, slug string, h func(ctx context.Context, ev *Event, payload *P) error) {
	d.Handle(slug, func(ctx context.Context, ev *Event) error {
		p := new(P)
		if err := decodePayload(ev.Data, p, d.strict); err != nil {
			pe := &PayloadError{TriggerSlug: ev.TriggerSlug, Err: err}
			var ue *UnknownFieldsError
			if errors.As(err, &ue) {
				pe.UnknownFields = ue.Paths
			}
			return pe
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
