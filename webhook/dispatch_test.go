package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/triggergen/triggergen/webhook"
)

// commitPayload stands in for a generated payload type.
type commitPayload struct {
	CommitSHA string `json:"commit_sha"`
	Message   string `json:"message"`
	Author    string `json:"author"`
}

type pushPayload struct {
	Ref        string `json:"ref"`
	Repository any    `json:"repository"` // an object in captures, a string in docs
	Commits    []struct {
		ID string `json:"id"`
	} `json:"commits"`
}

// onCommitEvent is what a generated package emits.
func onCommitEvent(d *webhook.Dispatcher, h func(context.Context, *webhook.Event, *commitPayload) error) {
	webhook.On(d, "GITHUB_COMMIT_EVENT", h)
}

// TestWebhookDispatchRealEvents: each real trigger message of every version
// reaches its typed handler, with V2's envelope keys gone from the payload
// so strict mode accepts it; project events go to their type handlers.
func TestWebhookDispatchRealEvents(t *testing.T) {
	for _, strict := range []bool{false, true} {
		var opts []webhook.DispatcherOption
		if strict {
			opts = append(opts, webhook.Strict())
		}
		d := webhook.NewDispatcher(opts...)
		var got []string
		onCommitEvent(d, func(_ context.Context, ev *webhook.Event, p *commitPayload) error {
			if p.CommitSHA != "a1b2c3d" || p.Author != "jane" {
				t.Errorf("%s: payload %+v", ev.Version, p)
			}
			got = append(got, "commit/"+string(ev.Version))
			return nil
		})
		webhook.On(d, "github_push_event", func(_ context.Context, ev *webhook.Event, p *pushPayload) error {
			got = append(got, "push/"+string(ev.Version))
			return nil
		})
		d.HandleType(webhook.TypeTriggerDisabled, func(_ context.Context, ev *webhook.Event) error {
			got = append(got, "disabled/"+ev.TriggerSlug)
			return nil
		})
		d.Fallback(func(_ context.Context, ev *webhook.Event) error {
			got = append(got, "fallback/"+ev.Type+"/"+ev.TriggerSlug)
			return nil
		})
		events := loadEvents(t)
		names := make([]string, 0, len(events))
		for n := range events {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			ev, err := webhook.Decode(nil, events[n])
			if err != nil {
				t.Fatal(err)
			}
			err = d.Dispatch(context.Background(), ev)
			// Strict mode reports the push payloads' extra fields
			// (action, pusher, commits[].message): that is its job. The
			// V2 capture has none once the envelope keys are stripped.
			if strict && strings.Contains(n, "push") && !strings.HasPrefix(n, "v2-composio-sdk-fixture") {
				ue, ok := errors.AsType[*webhook.UnknownFieldsError](err)
				if _, isPE := errors.AsType[*webhook.PayloadError](err); !isPE || !ok || len(ue.Paths) == 0 {
					t.Errorf("strict %s: %v; want a PayloadError listing unknown fields", n, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("strict=%v %s: %v", strict, n, err)
			}
		}
		want := []string{
			"commit/V1", "commit/V1",
			"fallback/composio.trigger.message/GMAIL_NEW_GMAIL_MESSAGE",
			"commit/V2", "commit/V2", "push/V2",
			"fallback/composio.trigger.message/SLACK_RECEIVE_MESSAGE",
			"fallback/composio.trigger.message/GMAIL_NEW_GMAIL_MESSAGE",
			"commit/V3",
			"fallback/composio.connected_account.expired/",
			"disabled/GITHUB_COMMIT_EVENT",
			"commit/V3",
		}
		if !strict {
			want = []string{
				"commit/V1", "commit/V1", "push/V1", "push/V1",
				"fallback/composio.trigger.message/GMAIL_NEW_GMAIL_MESSAGE",
				"commit/V2", "commit/V2", "push/V2", "push/V2",
				"fallback/composio.trigger.message/SLACK_RECEIVE_MESSAGE",
				"fallback/composio.trigger.message/GMAIL_NEW_GMAIL_MESSAGE",
				"commit/V3",
				"fallback/composio.connected_account.expired/",
				"disabled/GITHUB_COMMIT_EVENT",
				"commit/V3", "push/V3", "push/V3",
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("strict=%v dispatched\n %q\nwant\n %q", strict, got, want)
		}
	}
}

// TestWebhookDispatchDisabledNotToSlugHandler: a trigger.disabled event
// carries the slug but its data is not the payload, so it never reaches the
// slug's typed handler.
func TestWebhookDispatchDisabledNotToSlugHandler(t *testing.T) {
	d := webhook.NewDispatcher()
	onCommitEvent(d, func(context.Context, *webhook.Event, *commitPayload) error {
		t.Error("typed handler ran for trigger.disabled")
		return nil
	})
	ev, err := webhook.Decode(nil, loadEvents(t)["v3-composio-openapi-webhooks-spec-example-trigger-disabled.json"])
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Dispatch(context.Background(), ev); !errors.Is(err, webhook.ErrUnhandled) {
		t.Errorf("Dispatch = %v; want ErrUnhandled", err)
	}
}

// TestWebhookStrictUnknownFields: strict mode names every unknown field with
// its JSON pointer; lenient mode ignores them.
func TestWebhookStrictUnknownFields(t *testing.T) {
	type inner struct {
		Name string `json:"name"`
	}
	type embedded struct {
		Extra string `json:"extra"`
	}
	type payload struct {
		embedded
		Repo    inner             `json:"repository"`
		Commits []inner           `json:"commits"`
		Labels  map[string]inner  `json:"labels"`
		Raw     json.RawMessage   `json:"raw"`
		Any     any               `json:"any"`
		Ptr     *inner            `json:"ptr"`
		Skip    string            `json:"-"`
		Plain   string            // matched by its Go name, case-insensitively
		Opaque  map[string]string `json:"opaque"`
	}
	data := json.RawMessage(`{"extra":"e","repository":{"name":"n","owner":"o"},"commits":[{"name":"a"},{"name":"b","sha":"x"}],
		"labels":{"k":{"name":"v","color":"red"}},"raw":{"anything":1},"any":{"x":1},"ptr":{"name":"p","zz":0},
		"-":"dash","plain":"p","top":1,"opaque":{"q":"r"},"a/b~c":1}`)
	ev := &webhook.Event{Type: webhook.TypeTriggerMessage, TriggerSlug: "T", Data: data}

	lenient := webhook.NewDispatcher()
	ran := false
	webhook.On(lenient, "T", func(_ context.Context, _ *webhook.Event, p *payload) error {
		ran = p.Repo.Name == "n" && p.Commits[1].Name == "b" && p.Plain == "p"
		return nil
	})
	if err := lenient.Dispatch(context.Background(), ev); err != nil || !ran {
		t.Fatalf("lenient: %v (ran %v)", err, ran)
	}

	strict := webhook.NewDispatcher(webhook.Strict())
	webhook.On(strict, "T", func(context.Context, *webhook.Event, *payload) error {
		t.Error("strict handler ran despite unknown fields")
		return nil
	})
	err := strict.Dispatch(context.Background(), ev)
	pe, ok := errors.AsType[*webhook.PayloadError](err)
	if !ok {
		t.Fatalf("strict: %v; want *PayloadError", err)
	}
	if pe.TriggerSlug != "T" {
		t.Errorf("TriggerSlug = %q", pe.TriggerSlug)
	}
	ue, ok := errors.AsType[*webhook.UnknownFieldsError](err)
	if !ok {
		t.Fatalf("%v does not wrap *UnknownFieldsError", err)
	}
	want := []string{"/-", "/a~1b~0c", "/commits/1/sha", "/labels/k/color", "/ptr/zz", "/repository/owner", "/top"}
	if !slices.Equal(ue.Paths, want) {
		t.Errorf("Paths = %q; want %q", ue.Paths, want)
	}
	if !strings.Contains(err.Error(), `"/repository/owner"`) || !strings.Contains(err.Error(), "T payload") {
		t.Errorf("message %q does not name the field and trigger", err)
	}

	// A type error is still a PayloadError, without unknown fields.
	err = strict.Dispatch(context.Background(), &webhook.Event{TriggerSlug: "T", Data: json.RawMessage(`{"commits":"x"}`)})
	_, isUnknown := errors.AsType[*webhook.UnknownFieldsError](err)
	if _, ok := errors.AsType[*webhook.PayloadError](err); !ok || isUnknown {
		t.Errorf("type mismatch: %v", err)
	}
	if _, ok := errors.AsType[*json.UnmarshalTypeError](err); !ok {
		t.Errorf("type mismatch: %v does not wrap encoding/json's error", err)
	}
}

// TestWebhookDispatcherZeroValue: a Dispatcher declared as a value works
// without NewDispatcher, as an http.ServeMux does.
func TestWebhookDispatcherZeroValue(t *testing.T) {
	var d webhook.Dispatcher
	ev := &webhook.Event{Type: webhook.TypeTriggerMessage, TriggerSlug: "GITHUB_COMMIT_EVENT", Data: json.RawMessage(`{"commit_sha":"abc"}`)}
	if err := d.Dispatch(context.Background(), ev); !errors.Is(err, webhook.ErrUnhandled) {
		t.Fatalf("empty zero Dispatcher: %v; want ErrUnhandled", err)
	}
	var got []string
	onCommitEvent(&d, func(_ context.Context, _ *webhook.Event, p *commitPayload) error {
		got = append(got, "commit/"+p.CommitSHA)
		return nil
	})
	d.HandleType(webhook.TypeTriggerDisabled, func(context.Context, *webhook.Event) error { got = append(got, "disabled"); return nil })
	d.Fallback(func(_ context.Context, ev *webhook.Event) error {
		got = append(got, "fallback/"+ev.TriggerSlug)
		return nil
	})
	for _, ev := range []*webhook.Event{
		ev,
		{Type: webhook.TypeTriggerDisabled, TriggerSlug: "GITHUB_COMMIT_EVENT"},
		{Type: webhook.TypeTriggerMessage, TriggerSlug: "OTHER"},
	} {
		if err := d.Dispatch(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	if want := []string{"commit/abc", "disabled", "fallback/OTHER"}; !slices.Equal(got, want) {
		t.Errorf("dispatched %q; want %q", got, want)
	}
}

// TestWebhookDispatcherDuplicate: a second registration for a slug (in any
// case), an event type or the fallback panics, as http.ServeMux.Handle does
// for a duplicate pattern; so do registrations that could never run. The
// first registration stays in place.
func TestWebhookDispatcherDuplicate(t *testing.T) {
	nop := func(context.Context, *webhook.Event) error { return nil }
	typed := func(context.Context, *webhook.Event, *commitPayload) error { return nil }
	cases := []struct {
		name  string
		first func(d *webhook.Dispatcher)
		again func(d *webhook.Dispatcher)
		panic string // part of the panic message
	}{
		{"OnXxx twice", func(d *webhook.Dispatcher) { onCommitEvent(d, typed) }, func(d *webhook.Dispatcher) { onCommitEvent(d, typed) },
			"GITHUB_COMMIT_EVENT is registered already"},
		{"Handle then On, other case", func(d *webhook.Dispatcher) { d.Handle("github_commit_event", nop) }, func(d *webhook.Dispatcher) { onCommitEvent(d, typed) },
			"GITHUB_COMMIT_EVENT is registered already"},
		{"HandleType twice", func(d *webhook.Dispatcher) { d.HandleType(webhook.TypeTriggerDisabled, nop) },
			func(d *webhook.Dispatcher) { d.HandleType(webhook.TypeTriggerDisabled, nop) }, "composio.trigger.disabled is registered already"},
		{"Fallback twice", func(d *webhook.Dispatcher) { d.Fallback(nop) }, func(d *webhook.Dispatcher) { d.Fallback(nop) }, "fallback is registered already"},
		{"empty slug", nil, func(d *webhook.Dispatcher) { d.Handle("", nop) }, "empty trigger slug"},
		{"nil handler", nil, func(d *webhook.Dispatcher) { d.Handle("X", nil) }, "nil handler"},
		{"nil typed handler", nil, func(d *webhook.Dispatcher) { webhook.On[commitPayload](d, "X", nil) }, "nil handler"},
		{"nil type handler", nil, func(d *webhook.Dispatcher) { d.HandleType(webhook.TypeTriggerDisabled, nil) }, "nil handler"},
		{"nil fallback", nil, func(d *webhook.Dispatcher) { d.Fallback(nil) }, "nil handler"},
		{"HandleType of trigger messages", nil, func(d *webhook.Dispatcher) { d.HandleType(webhook.TypeTriggerMessage, nop) }, "go to Handle"},
		{"HandleType empty", nil, func(d *webhook.Dispatcher) { d.HandleType("", nop) }, "not a type"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, d := range []*webhook.Dispatcher{webhook.NewDispatcher(), new(webhook.Dispatcher)} {
				if c.first != nil {
					c.first(d)
				}
				func() {
					defer func() {
						p := recover()
						if msg, _ := p.(string); !strings.Contains(msg, c.panic) || !strings.HasPrefix(msg, "webhook: ") {
							t.Errorf("panic %v; want one containing %q", p, c.panic)
						}
					}()
					c.again(d)
				}()
			}
		})
	}
	// The first handler still runs after a refused second one.
	d := webhook.NewDispatcher()
	ran := 0
	d.Handle("S", func(context.Context, *webhook.Event) error { ran++; return nil })
	func() {
		defer func() { _ = recover() }()
		d.Handle("s", nop)
	}()
	if err := d.Dispatch(context.Background(), &webhook.Event{Type: webhook.TypeTriggerMessage, TriggerSlug: "S"}); err != nil || ran != 1 {
		t.Errorf("after a refused duplicate: %v, ran %d; want the first handler", err, ran)
	}
}

// TestWebhookErrorFieldConvention holds the error types (and Event) to the
// convention the package documentation states under "Errors": one name per
// concept, so a new field named Reason, Field or Slug fails here.
func TestWebhookErrorFieldConvention(t *testing.T) {
	allowed := map[string]reflect.Type{
		"Message":       reflect.TypeFor[string](),
		"Path":          reflect.TypeFor[string](),
		"Paths":         reflect.TypeFor[[]string](),
		"Header":        reflect.TypeFor[string](),
		"Err":           reflect.TypeFor[error](),
		"TriggerSlug":   reflect.TypeFor[string](),
		"Version":       reflect.TypeFor[webhook.Version](),
		"HeaderVersion": reflect.TypeFor[webhook.Version](),
	}
	for _, typ := range []reflect.Type{
		reflect.TypeFor[webhook.VerifyError](), reflect.TypeFor[webhook.DecodeError](),
		reflect.TypeFor[webhook.PayloadError](), reflect.TypeFor[webhook.UnknownFieldsError](),
	} {
		for f := range typ.Fields() {
			if want, ok := allowed[f.Name]; !ok || f.Type != want {
				t.Errorf("%s.%s %s: not a field of the convention (%v)", typ.Name(), f.Name, f.Type, slices.Sorted(maps.Keys(allowed)))
			}
		}
	}
	for f := range reflect.TypeFor[webhook.Event]().Fields() {
		if strings.Contains(f.Name, "Version") && f.Type != reflect.TypeFor[webhook.Version]() ||
			strings.Contains(f.Name, "Slug") && f.Name != "TriggerSlug" {
			t.Errorf("Event.%s %s breaks the naming convention", f.Name, f.Type)
		}
	}
}
