package webhook_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
	"github.com/triggergen/triggergen/webhook/webhooktest"
)

// TestNullUserIDKeepsTriggerSlugAndID: Composio's TypeScript SDK requires
// user_id to be a string in the V2 and V3 envelopes; this package accepts
// null (issue 20, item 7: more lenient, on purpose). A null user_id must
// cost nothing else: the trigger slug, the trigger id and the connected
// account are still read, UserID is nil, and user_id does not leak into
// Data. Each body is checked as Composio's encoding writes it
// (webhooktest.Message, the encoder the fake delivers with) and as a
// hand-written envelope with user_id first, so that its position cannot
// matter.
func TestNullUserIDKeepsTriggerSlugAndID(t *testing.T) {
	msg := webhooktest.Message{
		ID: "msg_null_user", TriggerSlug: "GITHUB_COMMIT_EVENT", TriggerID: "ti_null_user",
		ConnectedAccountID: "ca_null_user", AuthConfigID: "ac_null_user", LogID: "log_null_user",
		UserID: nil, Timestamp: time.Date(2026, 1, 15, 10, 30, 0, 0, time.UTC),
		Data: json.RawMessage(`{"commit_sha":"a1b2c3d"}`),
	}
	bodies := map[string][]byte{
		"V3 hand-written": []byte(`{"id":"msg_null_user","type":"composio.trigger.message","timestamp":"2026-01-15T10:30:00Z",
			"metadata":{"user_id":null,"log_id":"log_null_user","trigger_slug":"GITHUB_COMMIT_EVENT","trigger_id":"ti_null_user",
			"connected_account_id":"ca_null_user","auth_config_id":"ac_null_user"},"data":{"commit_sha":"a1b2c3d"}}`),
		"V2 hand-written": []byte(`{"type":"github_commit_event","timestamp":"2026-01-15T10:30:00Z","log_id":"log_null_user",
			"data":{"user_id":null,"commit_sha":"a1b2c3d","connection_id":"ca_null_user","connection_nano_id":"ca_null_user",
			"trigger_nano_id":"ti_null_user","trigger_id":"ti_null_user"}}`),
	}
	for _, v := range []webhook.Version{webhook.V2, webhook.V3} {
		b, err := msg.Body(v)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `"user_id":null`) {
			t.Fatalf("%s body has no null user_id: %s", v, b)
		}
		bodies[string(v)+" as Composio encodes it"] = b
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			version := webhook.V3
			if strings.HasPrefix(name, "V2") {
				version = webhook.V2
			}
			// Through Verify and Decode, as a receiver gets it.
			const key = "whsec_null_user"
			h := webhooktest.Headers(secret.New(key), body, webhooktest.WithID("msg_null_user"), webhooktest.WithVersion(version),
				webhooktest.WithTimestamp(time.Now()))
			v, err := webhook.NewVerifier(secret.New(key))
			if err != nil {
				t.Fatal(err)
			}
			if err := v.Verify(h, body); err != nil {
				t.Fatal(err)
			}
			ev, err := webhook.Decode(h, body)
			if err != nil {
				t.Fatalf("decode: %v\n%s", err, body)
			}
			if ev.Version != version || ev.Type != webhook.TypeTriggerMessage {
				t.Errorf("version %s type %s", ev.Version, ev.Type)
			}
			if ev.TriggerSlug != "GITHUB_COMMIT_EVENT" || ev.TriggerID != "ti_null_user" || ev.ConnectedAccountID != "ca_null_user" {
				t.Errorf("slug %q, trigger id %q, connected account %q: want them kept", ev.TriggerSlug, ev.TriggerID, ev.ConnectedAccountID)
			}
			if ev.UserID != nil {
				t.Errorf("UserID = %q, want nil", *ev.UserID)
			}
			if string(ev.Data) != `{"commit_sha":"a1b2c3d"}` {
				t.Errorf("data = %s", ev.Data)
			}
		})
	}
}
