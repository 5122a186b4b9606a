package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/triggergen/triggergen/catalog/github"
	"github.com/triggergen/triggergen/catalog/slack"
	"github.com/triggergen/triggergen/webhook"
)

// TestGeneratedPayloadKeys: a generated payload type matches keys exactly
// (issue 13: {"author":"alice","AUTHOR":"mallory"} gives Author "alice"),
// the last of repeated keys wins, and strict mode reports a case variant as
// the unknown field it is, at every depth.
func TestGeneratedPayloadKeys(t *testing.T) {
	dispatch := func(d *webhook.Dispatcher, data string) error {
		return d.Dispatch(context.Background(), &webhook.Event{Type: webhook.TypeTriggerMessage, TriggerSlug: github.CommitEventSlug, Data: json.RawMessage(data)})
	}
	var got *github.CommitEventPayload
	h := func(_ context.Context, _ *webhook.Event, p *github.CommitEventPayload) error {
		got = p
		return nil
	}
	lenient := webhook.NewDispatcher()
	github.OnCommitEvent(lenient, h)
	if err := dispatch(lenient, `{"author":"alice","AUTHOR":"mallory","id":"1","id":"2"}`); err != nil || got.Author != "alice" || got.ID != "2" {
		t.Fatalf("lenient: %v, %+v", err, got)
	}

	strict := webhook.NewDispatcher(webhook.Strict())
	github.OnCommitEvent(strict, h)
	got = nil
	err := dispatch(strict, `{"author":"alice","AUTHOR":"mallory","Id":"1","extra":{"x":1}}`)
	ue, ok := errors.AsType[*webhook.UnknownFieldsError](err)
	if !ok || !slices.Equal(ue.Paths, []string{"/AUTHOR", "/Id", "/extra"}) || got != nil {
		t.Fatalf("strict: %v (handler ran: %v)", err, got != nil)
	}
	if err := dispatch(strict, `{"author":"alice","id":"1","message":"m","timestamp":"t","url":"u"}`); err != nil {
		t.Fatalf("strict, known fields only: %v", err)
	}

	// Nested: a case variant inside an array element of a generated type.
	var msg *slack.ReceiveMessagePayload
	ds := webhook.NewDispatcher(webhook.Strict())
	slack.OnReceiveMessage(ds, func(_ context.Context, _ *webhook.Event, p *slack.ReceiveMessagePayload) error {
		msg = p
		return nil
	})
	err = ds.Dispatch(context.Background(), &webhook.Event{Type: webhook.TypeTriggerMessage, TriggerSlug: slack.ReceiveMessageSlug,
		Data: json.RawMessage(`{"channel":"C","text":"t","ts":"1","Text":"x"}`)})
	if ue, ok := errors.AsType[*webhook.UnknownFieldsError](err); !ok || !slices.Equal(ue.Paths, []string{"/Text"}) || msg != nil {
		t.Fatalf("strict slack: %v", err)
	}
}

// TestGeneratedPayloadErrors: a value of the wrong type in a generated
// payload is a *json.UnmarshalTypeError naming the field, as it was with
// encoding/json; malformed JSON is encoding/json's *json.SyntaxError.
func TestGeneratedPayloadErrors(t *testing.T) {
	d := webhook.NewDispatcher()
	github.OnCommitEvent(d, func(context.Context, *webhook.Event, *github.CommitEventPayload) error { return nil })
	err := d.Dispatch(context.Background(), &webhook.Event{Type: webhook.TypeTriggerMessage, TriggerSlug: github.CommitEventSlug, Data: json.RawMessage(`{"author":5}`)})
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); !ok || te.Field != "author" || te.Value != "number" {
		t.Errorf("type error: %v", err)
	}
	err = d.Dispatch(context.Background(), &webhook.Event{Type: webhook.TypeTriggerMessage, TriggerSlug: github.CommitEventSlug, Data: json.RawMessage(`{"author":"a",}`)})
	if _, ok := errors.AsType[*json.SyntaxError](err); !ok {
		t.Errorf("syntax error: %v", err)
	}
}
