package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
	"github.com/triggergen/triggergen/webhook/webhooktest"
)

// Why a delivery failed verification: errors.Is names the kind of failure,
// errors.As gives the header at fault and the detail. No error shows the
// secret.
func ExampleVerifyError() {
	key := secret.New("my-webhook-secret")
	now := time.Date(2026, 1, 15, 10, 30, 0, 0, time.UTC)
	v, err := webhook.NewVerifier(key, webhook.WithClock(func() time.Time { return now }))
	if err != nil {
		panic(err)
	}
	body := []byte(`{"type":"github_commit_event","data":{}}`)

	for _, r := range []*http.Request{
		webhooktest.NewRequest(key, body, webhooktest.WithTimestamp(now.Add(-time.Hour))), // replayed an hour late
		webhooktest.NewRequest(secret.New("not-the-secret"), body, webhooktest.WithTimestamp(now)),
	} {
		err := v.Verify(r.Header, body)
		var ve *webhook.VerifyError
		if errors.As(err, &ve) {
			fmt.Printf("%s: %v (%s)\n", ve.Header, ve.Err, ve.Message)
		}
		fmt.Println("stale:", errors.Is(err, webhook.ErrStaleTimestamp), "forged:", errors.Is(err, webhook.ErrNoMatchingSignature))
	}
	// Output:
	// webhook-timestamp: timestamp outside tolerance (timestamp is 1h0m0s old (tolerance 5m0s))
	// stale: true forged: false
	// webhook-signature: no matching signature (1 v1 signature checked against 1 secret)
	// stale: false forged: true
}

// A body that is not a well-formed event: the error names the envelope
// version and, as a JSON pointer, the field at fault.
func ExampleDecodeError() {
	body := []byte(`{"id":"msg_1","type":"composio.trigger.message","timestamp":"2026-01-15T10:30:00Z",` +
		`"metadata":{"trigger_slug":7},"data":{}}`)
	_, err := webhook.Decode(nil, body)
	var de *webhook.DecodeError
	if errors.As(err, &de) {
		fmt.Println(de.Version, de.Path, de.Message, errors.Is(err, webhook.ErrMalformedEvent))
	}
	fmt.Println(err)
	// Output:
	// V3 /metadata/trigger_slug not a string true
	// webhook: decode V3 event: /metadata/trigger_slug: malformed event: not a string
}

// In strict mode a payload with a field the generated type does not declare
// is a *PayloadError wrapping an *UnknownFieldsError that lists them. The
// Handler answers it with 422, so Composio retries the delivery until the
// package is regenerated.
func ExamplePayloadError() {
	d := webhook.NewDispatcher(webhook.Strict())
	OnCommitEvent(d, func(context.Context, *webhook.Event, *CommitEventPayload) error { return nil })

	ev := &webhook.Event{Type: webhook.TypeTriggerMessage, TriggerSlug: "GITHUB_COMMIT_EVENT",
		Data: json.RawMessage(`{"commit_sha":"a1b2c3d","verified":true,"stats":{"additions":3}}`)}
	err := d.Dispatch(context.Background(), ev)

	var pe *webhook.PayloadError
	var ue *webhook.UnknownFieldsError
	if errors.As(err, &pe) && errors.As(err, &ue) {
		fmt.Println(pe.TriggerSlug, ue.Paths)
	}
	fmt.Println(err)
	// Output:
	// GITHUB_COMMIT_EVENT [/stats /verified]
	// webhook: decode GITHUB_COMMIT_EVENT payload: unknown fields "/stats", "/verified"
}

// A receiver that would rather drop an event whose payload does not fit its
// type than have Composio retry it acknowledges it with 200; the event is
// logged at level ERROR and its webhook-id is marked done.
func ExampleWithPayloadErrorStatus() {
	key := secret.New("my-webhook-secret")
	v, _ := webhook.NewVerifier(key)
	d := webhook.NewDispatcher(webhook.Strict())
	OnCommitEvent(d, func(context.Context, *webhook.Event, *CommitEventPayload) error { return nil })

	body, _ := webhooktest.Message{TriggerSlug: "GITHUB_COMMIT_EVENT", Data: map[string]any{"verified": true}}.Body(webhook.V3)
	for _, opts := range [][]webhook.HandlerOption{
		nil, // the default: 422, retried
		{webhook.WithPayloadErrorStatus(200)},
	} {
		h := webhook.NewHandler(v, d, append(opts, webhook.WithLogger(slog.New(slog.DiscardHandler)))...)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, webhooktest.NewRequest(key, body))
		fmt.Println(rec.Code)
	}
	// Output:
	// 422
	// 200
}

// The zero Dispatcher is ready to use, for instance as a field of a
// server's struct. Project events, whose data is not a trigger payload, go
// to HandleType handlers; anything else to the fallback.
func ExampleDispatcher() {
	var srv struct {
		events webhook.Dispatcher
	}
	srv.events.HandleType(webhook.TypeConnectedAccountExpired, func(_ context.Context, ev *webhook.Event) error {
		fmt.Println("reconnect", ev.ConnectedAccountID)
		return nil
	})
	srv.events.Fallback(func(_ context.Context, ev *webhook.Event) error {
		fmt.Println("unhandled", ev.Type, ev.TriggerSlug)
		return nil
	})

	for _, ev := range []*webhook.Event{
		{Type: webhook.TypeConnectedAccountExpired, ConnectedAccountID: "ca_1"},
		{Type: webhook.TypeTriggerMessage, TriggerSlug: "SLACK_RECEIVE_MESSAGE"},
	} {
		if err := srv.events.Dispatch(context.Background(), ev); err != nil {
			fmt.Println(err)
		}
	}
	// Output:
	// reconnect ca_1
	// unhandled composio.trigger.message SLACK_RECEIVE_MESSAGE
}

// Registering a second handler for a trigger, for instance by calling a
// generated OnXxx function twice, panics, as http.ServeMux.Handle does for a
// pattern registered twice: one of the two would otherwise never run.
func ExampleDispatcher_Handle_duplicate() {
	d := webhook.NewDispatcher()
	OnCommitEvent(d, func(context.Context, *webhook.Event, *CommitEventPayload) error { return nil })
	defer func() { fmt.Println(recover()) }()
	OnCommitEvent(d, func(context.Context, *webhook.Event, *CommitEventPayload) error { return nil })
	// Output:
	// webhook: Dispatcher: a handler for trigger slug GITHUB_COMMIT_EVENT is registered already
}
