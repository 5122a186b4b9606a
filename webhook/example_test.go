package webhook_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"

	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
	"github.com/triggergen/triggergen/webhook/webhooktest"
)

// CommitEventPayload stands in for the type a generated package declares.
type CommitEventPayload struct {
	CommitSHA string `json:"commit_sha"`
	Message   string `json:"message"`
	Author    string `json:"author"`
}

// OnCommitEvent is what a generated package emits for the trigger.
func OnCommitEvent(d *webhook.Dispatcher, h func(context.Context, *webhook.Event, *CommitEventPayload) error) {
	webhook.On(d, "GITHUB_COMMIT_EVENT", h)
}

// A verified handler: typed handlers per trigger, a fallback for the rest.
// In a program the secret comes from the environment and the handler is
// mounted with http.Handle("POST /composio", h).
func Example() {
	key := secret.New("my-webhook-secret") // os.Getenv("COMPOSIO_WEBHOOK_SECRET")
	v, err := webhook.NewVerifier(key)
	if err != nil {
		panic(err)
	}
	d := webhook.NewDispatcher()
	OnCommitEvent(d, func(ctx context.Context, ev *webhook.Event, p *CommitEventPayload) error {
		fmt.Printf("commit %s by %s (%s event %s)\n", p.CommitSHA, p.Author, ev.Version, ev.ID)
		return nil
	})
	d.Fallback(func(ctx context.Context, ev *webhook.Event) error {
		fmt.Printf("unhandled %s %s\n", ev.Type, ev.TriggerSlug)
		return nil
	})
	h := webhook.NewHandler(v, d, webhook.WithLogger(slog.New(slog.DiscardHandler)))

	// What Composio would POST, signed as it signs.
	for _, m := range []webhooktest.Message{
		{ID: "msg_1", TriggerSlug: "GITHUB_COMMIT_EVENT", Data: CommitEventPayload{CommitSHA: "a1b2c3d", Author: "jane"}},
		{ID: "msg_2", TriggerSlug: "SLACK_RECEIVE_MESSAGE", Data: map[string]string{"text": "hi"}},
	} {
		body, _ := m.Body(webhook.V3)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, webhooktest.NewRequest(key, body))
		fmt.Println("status", rec.Code)
	}

	// A forged delivery is refused.
	body, _ := (webhooktest.Message{TriggerSlug: "GITHUB_COMMIT_EVENT"}).Body(webhook.V3)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, webhooktest.NewRequest(secret.New("not-the-secret"), body))
	fmt.Println("forged:", rec.Code)

	// Output:
	// commit a1b2c3d by jane (V3 event msg_1)
	// status 200
	// unhandled composio.trigger.message SLACK_RECEIVE_MESSAGE
	// status 200
	// forged: 401
}

// Verify and decode without the Handler, e.g. inside another framework.
func ExampleVerifier_Verify() {
	key := secret.New("my-webhook-secret")
	body := []byte(`{"type":"github_commit_event","timestamp":"2026-01-15T10:30:00Z","log_id":"log_1",` +
		`"data":{"commit_sha":"a1b2c3d","connection_id":"uuid","connection_nano_id":"ca_1","trigger_nano_id":"ti_1","trigger_id":"uuid","user_id":"u1"}}`)
	r := webhooktest.NewRequest(key, body, webhooktest.WithID("msg_42"))

	v, _ := webhook.NewVerifier(key)
	if err := v.Verify(r.Header, body); err != nil {
		fmt.Println(err)
		return
	}
	ev, err := webhook.Decode(r.Header, body)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ev.Version, ev.ID, ev.TriggerSlug, ev.TriggerID, ev.ConnectedAccountID, *ev.UserID)
	fmt.Println(string(ev.Data))

	// A signature over other bytes fails with a precise reason.
	fmt.Println(v.Verify(r.Header, append(body, ' ')))
	// Output:
	// V2 msg_42 GITHUB_COMMIT_EVENT ti_1 ca_1 u1
	// {"commit_sha":"a1b2c3d"}
	// webhook: verify webhook-signature: no matching signature: 1 v1 signature checked against 1 secret
}
