package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
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
			ev, err := webhook.Decode(events[n], nil)
			if err != nil {
				t.Fatal(err)
			}
			err = d.Dispatch(context.Background(), ev)
			// Strict mode reports the push payloads' extra fields
			// (action, pusher, commits[].message): that is its job. The
			// V2 capture has none once the envelope keys are stripped.
			if strict && strings.Contains(n, "push") && !strings.HasPrefix(n, "v2-composio-sdk-fixture") {
				pe, ok := errors.AsType[*webhook.PayloadError](err)
				if !ok || len(pe.UnknownFields) == 0 {
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
	ev, err := webhook.Decode(loadEvents(t)["v3-composio-openapi-webhooks-spec-example-trigger-disabled.json"], nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Dispatch(context.Background(), ev); !errors.Is(err, webhook.ErrUnhandled) {
		t.Errorf("Dispatch = %v; want ErrUnhandled", err)
	}
}

// TestWebhookStrictUnknownFields: strict mode names every unknown field with
// its path; lenient mode ignores them.
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
		"-":"dash","plain":"p","top":1,"opaque":{"q":"r"}}`)
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
	want := []string{"-", "commits[1].sha", "labels.k.color", "ptr.zz", "repository.owner", "top"}
	if !slices.Equal(pe.UnknownFields, want) {
		t.Errorf("UnknownFields = %q; want %q", pe.UnknownFields, want)
	}
	if !strings.Contains(err.Error(), `"repository.owner"`) || !strings.Contains(err.Error(), "T payload") {
		t.Errorf("message %q does not name the field and trigger", err)
	}
	if _, ok := errors.AsType[*webhook.UnknownFieldsError](err); !ok {
		t.Errorf("%v does not wrap *UnknownFieldsError", err)
	}

	// A type error is still a PayloadError, without unknown fields.
	err = strict.Dispatch(context.Background(), &webhook.Event{TriggerSlug: "T", Data: json.RawMessage(`{"commits":"x"}`)})
	if pe, ok := errors.AsType[*webhook.PayloadError](err); !ok || pe.UnknownFields != nil {
		t.Errorf("type mismatch: %v", err)
	}
}
