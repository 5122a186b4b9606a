package webhook_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/triggergen/triggergen/webhook"
)

type wantEvent struct {
	version            webhook.Version
	id, typ, slug      string
	triggerID, account string
	authConfig, logID  string
	userID             string // "<nil>" for nil
	timestamp          string // RFC 3339, "" for zero
	data               string // compact JSON
}

// realEvents lists what each example in testdata/webhooks/events decodes to.
var realEvents = map[string]wantEvent{
	"v1-composio-docs-receiving-events-github-commit.json": {
		version: webhook.V1, id: "whid", typ: webhook.TypeTriggerMessage, slug: "GITHUB_COMMIT_EVENT",
		triggerID: "ti_xyz789", account: "ca_def456", logID: "log_abc123", userID: "<nil>",
		data: `{"commit_sha":"a1b2c3d","message":"fix: resolve null pointer","author":"jane"}`,
	},
	"v1-composio-openapi-webhooks-spec-example-trigger-message-v1.json": {
		version: webhook.V1, id: "whid", typ: webhook.TypeTriggerMessage, slug: "GITHUB_COMMIT_EVENT",
		triggerID: "5727dbbb-3b26-4abe-aec6-181a7b2c3d4e", account: "d3547de1-d1f2-4344-b4c2-6d1e5a7b8c9d",
		logID: "log_abc123", userID: "<nil>",
		data: `{"commit_sha":"a1b2c3d","message":"fix: resolve null pointer","author":"jane"}`,
	},
	"v1-composio-sdk-fixture-sanitized-capture-github-push.RAW.json": {
		version: webhook.V1, id: "whid", typ: webhook.TypeTriggerMessage, slug: "GITHUB_PUSH_EVENT",
		triggerID: "trigger_fixture_001", account: "conn_fixture_001", logID: "log_fixture_003", userID: "<nil>",
		data: `{"ref":"refs/heads/main","commits":[{"id":"def456","message":"Legacy commit"}]}`,
	},
	"v1-composio-ts-docs-webhook-verification-github-push.json": {
		version: webhook.V1, id: "whid", typ: webhook.TypeTriggerMessage, slug: "GITHUB_PUSH_EVENT",
		triggerID: "trigger-123", account: "conn-123", logID: "log-123", userID: "<nil>",
		data: `{"action":"push","repository":"my-repo"}`,
	},
	"v2-composio-changelog-2025-12-gmail-new-gmail-message.COMMENTS-STRIPPED.json": {
		version: webhook.V2, id: "whid", typ: webhook.TypeTriggerMessage, slug: "GMAIL_NEW_GMAIL_MESSAGE",
		triggerID: "ti_JZFoTyYKbzhB", account: "ca_xYz9AbCdEfGh", logID: "log_TpxVOLXYnwXZ",
		userID: "usr-demo-12a3b4c5...", timestamp: "2025-12-23T13:06:07.695Z", data: `{}`,
	},
	"v2-composio-docs-receiving-events-github-commit.json": {
		version: webhook.V2, id: "whid", typ: webhook.TypeTriggerMessage, slug: "GITHUB_COMMIT_EVENT",
		triggerID: "tn_xyz789", account: "cn_abc123", logID: "log_abc123", userID: "user-id-123435",
		timestamp: "2026-01-15T10:30:00Z",
		data:      `{"commit_sha":"a1b2c3d","message":"fix: resolve null pointer","author":"jane"}`,
	},
	"v2-composio-openapi-webhooks-spec-example-trigger-message-v2.json": {
		version: webhook.V2, id: "whid", typ: webhook.TypeTriggerMessage, slug: "GITHUB_COMMIT_EVENT",
		triggerID: "ti_xyz789", account: "ca_def456", logID: "log_abc123", userID: "user-123",
		timestamp: "2026-01-15T10:30:00Z",
		data:      `{"commit_sha":"a1b2c3d","message":"fix: resolve null pointer","author":"jane"}`,
	},
	"v2-composio-sdk-fixture-sanitized-capture-github-push.RAW.json": {
		version: webhook.V2, id: "whid", typ: webhook.TypeTriggerMessage, slug: "GITHUB_PUSH_EVENT",
		triggerID: "ti_fixture_002", account: "ca_fixture_002", logID: "log_fixture_002", userID: "user_fixture_002",
		timestamp: "2026-01-29T10:30:00Z", data: `{"ref":"refs/heads/main","repository":{"name":"test-repo"}}`,
	},
	"v2-composio-ts-docs-webhook-verification-github-push.json": {
		version: webhook.V2, id: "whid", typ: webhook.TypeTriggerMessage, slug: "GITHUB_PUSH_EVENT",
		triggerID: "trigger-nano-123", account: "conn-nano-123", logID: "log-123", userID: "user-456",
		timestamp: "2024-01-01T00:00:00Z", data: `{"action":"push","repository":"my-repo"}`,
	},
	"v2-rowboatlabs-rowboat-captured-2025-08-06-slack-receive-message.json": {
		version: webhook.V2, id: "whid", typ: webhook.TypeTriggerMessage, slug: "SLACK_RECEIVE_MESSAGE",
		triggerID: "ti_dU7LJMfP5KSr", account: "ca_2n0cZnluJ1qc", userID: "987dbd2e-c455-4c8f-8d55-a997a2d7680a",
		timestamp: "2025-08-06T01:49:46.008Z",
		data:      `{"bot_id":null,"channel":"C08PTQKM2DS","channel_type":"channel","team_id":null,"text":"test","ts":"1754444983.699449","user":"U077XPW36V9"}`,
	},
	"v3-composio-changelog-2025-12-gmail-new-gmail-message.COMMENTS-STRIPPED.json": {
		version: webhook.V3, id: "msg_a1b2c3d4-5e6f-7a8b-9c0d-1e2f3a4b5c6d", typ: webhook.TypeTriggerMessage,
		slug: "GMAIL_NEW_GMAIL_MESSAGE", triggerID: "ti_JZFoTyYKbzhB", account: "ca_cATYssZ5RrSc",
		authConfig: "ac_aCYTppZ5RsRc", logID: "log_TpxVOLXYnwXZ", userID: "pg-test-86c9fc84...",
		timestamp: "2025-12-23T13:06:07.695Z", data: `{}`,
	},
	"v3-composio-docs-receiving-events-github-commit.json": {
		version: webhook.V3, id: "msg_abc123", typ: webhook.TypeTriggerMessage, slug: "GITHUB_COMMIT_EVENT",
		triggerID: "ti_xyz789", account: "ca_def456", authConfig: "ac_xyz789", logID: "log_abc123",
		userID: "user-id-123435", timestamp: "2026-01-15T10:30:00Z",
		data: `{"commit_sha":"a1b2c3d","message":"fix: resolve null pointer","author":"jane"}`,
	},
	"v3-composio-openapi-webhooks-spec-example-connected-account-expired.json": {
		version: webhook.V3, id: "msg_9c8b7a6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d", typ: webhook.TypeConnectedAccountExpired,
		account: "ca_a1b2c3d4e5f6g7h8", authConfig: "ac_x1y2z3a4b5c6", userID: "user-123",
		timestamp: "2026-01-15T10:30:00Z",
	},
	"v3-composio-openapi-webhooks-spec-example-trigger-disabled.json": {
		version: webhook.V3, id: "msg_7b3a1c2d-4e5f-4a6b-8c9d-0e1f2a3b4c5d", typ: webhook.TypeTriggerDisabled,
		slug: "GITHUB_COMMIT_EVENT", triggerID: "ti_xyz789", account: "ca_def456", userID: "user-123",
		timestamp: "2026-01-15T10:30:00Z",
	},
	"v3-composio-openapi-webhooks-spec-example-trigger-message.json": {
		version: webhook.V3, id: "msg_2f1c9e4a-3b6d-4a1e-9c2f-7d8e5a6b4c31", typ: webhook.TypeTriggerMessage,
		slug: "GITHUB_COMMIT_EVENT", triggerID: "ti_xyz789", account: "ca_def456", authConfig: "ac_xyz789",
		logID: "log_abc123", userID: "user-123", timestamp: "2026-01-15T10:30:00Z",
		data: `{"commit_sha":"a1b2c3d","message":"fix: resolve null pointer","author":"jane"}`,
	},
	"v3-composio-sdk-fixture-sanitized-capture-github-push.RAW.json": {
		version: webhook.V3, id: "evt_fixture_v3_001", typ: webhook.TypeTriggerMessage, slug: "GITHUB_PUSH_EVENT",
		triggerID: "ti_fixture_001", account: "ca_fixture_001", authConfig: "ac_fixture_001", logID: "log_fixture_001",
		userID: "user_fixture_001", timestamp: "2026-01-29T10:30:00Z",
		data: `{"ref":"refs/heads/main","repository":{"name":"test-repo","full_name":"user/test-repo"},"pusher":{"name":"test-user"},"commits":[{"id":"abc123","message":"Test commit"}]}`,
	},
	"v3-composio-ts-docs-webhook-verification-github-push.json": {
		version: webhook.V3, id: "msg_abc123", typ: webhook.TypeTriggerMessage, slug: "GITHUB_PUSH_EVENT",
		triggerID: "trigger-nano-123", account: "conn-nano-123", authConfig: "auth-nano-123", logID: "log-123",
		userID: "user-456", timestamp: "2024-01-01T00:00:00Z", data: `{"action":"push","repository":"my-repo"}`,
	},
}

func compact(t *testing.T, b []byte) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		t.Fatalf("invalid JSON %q: %v", b, err)
	}
	return buf.String()
}

// TestWebhookDecodeRealEvents decodes every real example, without and with
// the matching version header.
func TestWebhookDecodeRealEvents(t *testing.T) {
	events := loadEvents(t)
	if len(events) != len(realEvents) {
		t.Errorf("%d example files, %d expectations", len(events), len(realEvents))
	}
	for name, body := range events {
		want, ok := realEvents[name]
		if !ok {
			t.Errorf("%s: no expectation", name)
			continue
		}
		for _, hdr := range []string{"", string(want.version), strings.ToLower(string(want.version))} {
			t.Run(name+"/header="+hdr, func(t *testing.T) {
				h := http.Header{}
				h.Set(webhook.HeaderID, "whid")
				if hdr != "" {
					h.Set(webhook.HeaderVersion, hdr)
				}
				ev, err := webhook.Decode(h, body)
				if err != nil {
					t.Fatal(err)
				}
				got := wantEvent{
					version: ev.Version, id: ev.ID, typ: ev.Type, slug: ev.TriggerSlug,
					triggerID: ev.TriggerID, account: ev.ConnectedAccountID, authConfig: ev.AuthConfigID,
					logID: ev.LogID, userID: deref(ev.UserID), data: want.data,
				}
				if !ev.Timestamp.IsZero() {
					got.timestamp = ev.Timestamp.Format(time.RFC3339Nano)
				}
				if got != want {
					t.Errorf("decoded\n got %+v\nwant %+v", got, want)
				}
				if want.data != "" {
					if d := compact(t, ev.Data); d != want.data {
						t.Errorf("data = %s; want %s", d, want.data)
					}
				} else if !json.Valid(ev.Data) || ev.Data[0] != '{' {
					t.Errorf("data = %s; want the object as sent", ev.Data)
				}
			})
		}
	}
}

// TestWebhookDecodeV3NullUserID: metadata.user_id may be null (the
// webhooks spec allows it; TS's zod schema would reject it).
func TestWebhookDecodeV3NullUserID(t *testing.T) {
	body := []byte(`{"id":"msg_1","type":"composio.trigger.message","timestamp":"2026-01-15T10:30:00Z",
		"metadata":{"log_id":"l","trigger_slug":"github_commit_event","trigger_id":"ti","connected_account_id":"ca","auth_config_id":"ac","user_id":null},
		"data":{}}`)
	ev, err := webhook.Decode(nil, body)
	if err != nil {
		t.Fatal(err)
	}
	if ev.UserID != nil || ev.TriggerSlug != "GITHUB_COMMIT_EVENT" {
		t.Errorf("user_id null: UserID=%v slug=%s", ev.UserID, ev.TriggerSlug)
	}
	out, _ := json.Marshal(ev)
	if !strings.Contains(string(out), `"user_id":null`) {
		t.Errorf("encoded event %s lacks user_id null", out)
	}
}

// TestWebhookDecodeUnknownV3Type: other composio.* types decode generically.
func TestWebhookDecodeUnknownV3Type(t *testing.T) {
	body := []byte(`{"id":"msg_2","type":"composio.something.new","timestamp":"2026-01-15T10:30:00Z",
		"metadata":{"project_id":"p","trigger_slug":"X_Y"},"data":[1,2]}`)
	ev, err := webhook.Decode(nil, body)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Version != webhook.V3 || ev.Type != "composio.something.new" || ev.TriggerSlug != "X_Y" || string(ev.Data) != "[1,2]" {
		t.Errorf("got %+v", ev)
	}
	// Without metadata at all it still decodes.
	if _, err := webhook.Decode(nil, []byte(`{"id":"m","type":"composio.x","timestamp":"2026-01-15T10:30:00Z","data":{}}`)); err != nil {
		t.Error(err)
	}
}

// TestWebhookDecodeV2KeepsPayloadFields: stripping the envelope keys leaves
// every other member, in order, with nested keys of the same names intact.
func TestWebhookDecodeV2KeepsPayloadFields(t *testing.T) {
	body := []byte(`{"type":"x_y","data":{"z":1,"user_id":"u","nested":{"user_id":"keep","trigger_id":"keep"},"a":[{"connection_id":2}],"trigger_id":"t"}}`)
	ev, err := webhook.Decode(nil, body)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"z":1,"nested":{"user_id":"keep","trigger_id":"keep"},"a":[{"connection_id":2}]}`
	if string(ev.Data) != want {
		t.Errorf("data = %s; want %s", ev.Data, want)
	}
	if ev.TriggerID != "t" || deref(ev.UserID) != "u" || ev.ID != "" || !ev.Timestamp.IsZero() {
		t.Errorf("got %+v", ev)
	}
}

// TestWebhookDecodeVersionConflict: the header wins nothing; a mismatch is
// reported.
func TestWebhookDecodeVersionConflict(t *testing.T) {
	events := loadEvents(t)
	for name, body := range events {
		want := realEvents[name].version
		for _, hdr := range []webhook.Version{webhook.V1, webhook.V2, webhook.V3} {
			if hdr == want {
				continue
			}
			_, err := webhook.DecodeParts("", hdr, body)
			var de *webhook.DecodeError
			if !errors.Is(err, webhook.ErrVersionConflict) || !errors.As(err, &de) || de.HeaderVersion != hdr || de.Version != want {
				t.Errorf("%s with header %s: %v; want a version conflict %s vs %s", name, hdr, err, hdr, want)
			}
		}
	}
	body := events["v3-composio-docs-receiving-events-github-commit.json"]
	for _, v := range []webhook.Version{"V4", "v3", " V3"} {
		if _, err := webhook.DecodeParts("", v, body); !errors.Is(err, webhook.ErrUnknownVersion) {
			t.Errorf("DecodeParts with version %q: %v; want ErrUnknownVersion (ParseVersion canonicalises header values)", v, err)
		}
	}
	h := http.Header{}
	h.Set(webhook.HeaderVersion, "V4")
	if _, err := webhook.Decode(h, body); !errors.Is(err, webhook.ErrUnknownVersion) {
		t.Errorf("header V4: %v; want ErrUnknownVersion", err)
	}
	h.Set(webhook.HeaderVersion, "v3")
	if _, err := webhook.Decode(h, body); err != nil {
		t.Errorf("header v3: %v; Decode parses the header as ParseVersion does", err)
	}
}

// TestWebhookDecodeMalformed: each error names what is wrong.
func TestWebhookDecodeMalformed(t *testing.T) {
	v3 := func(replace, with string) string {
		s := `{"id":"msg_1","type":"composio.trigger.message","timestamp":"2026-01-15T10:30:00Z","metadata":{"log_id":"l","trigger_slug":"S","trigger_id":"t","connected_account_id":"c","auth_config_id":"a","user_id":"u"},"data":{}}`
		if !strings.Contains(s, replace) {
			panic(replace)
		}
		return strings.Replace(s, replace, with, 1)
	}
	cases := []struct {
		name, body, header string
		want               error
		path               string // a JSON pointer
	}{
		{"empty", ``, "", webhook.ErrMalformedEvent, ""},
		{"not json", `not-json`, "", webhook.ErrMalformedEvent, ""},
		{"array", `[1]`, "", webhook.ErrMalformedEvent, ""},
		{"null", `null`, "", webhook.ErrMalformedEvent, ""},
		{"trailing garbage", `{"type":"a","data":{}} x`, "", webhook.ErrMalformedEvent, ""},
		{"unknown shape", `{"unknown":"format"}`, "", webhook.ErrUnknownEnvelope, ""},
		{"non-string type", `{"type":1,"data":{}}`, "", webhook.ErrUnknownEnvelope, ""},
		{"unknown shape, V1 header", `{"unknown":"format"}`, "V1", webhook.ErrMalformedEvent, "/trigger_name"},
		{"unknown shape, V3 header", `{"unknown":"format"}`, "V3", webhook.ErrMalformedEvent, "/id"},
		{"v3 no metadata", v3(`"metadata":{"log_id":"l","trigger_slug":"S","trigger_id":"t","connected_account_id":"c","auth_config_id":"a","user_id":"u"},`, ``), "", webhook.ErrMalformedEvent, "/metadata"},
		{"v3 no slug", v3(`"trigger_slug":"S",`, ``), "", webhook.ErrMalformedEvent, "/metadata/trigger_slug"},
		{"v3 empty slug", v3(`"trigger_slug":"S"`, `"trigger_slug":""`), "", webhook.ErrMalformedEvent, "/metadata/trigger_slug"},
		{"v3 numeric trigger id", v3(`"trigger_id":"t"`, `"trigger_id":7`), "", webhook.ErrMalformedEvent, "/metadata/trigger_id"},
		{"v3 numeric user id", v3(`"user_id":"u"`, `"user_id":7`), "", webhook.ErrMalformedEvent, "/metadata/user_id"},
		{"v3 no data", v3(`,"data":{}`, ``), "", webhook.ErrMalformedEvent, "/data"},
		{"v3 data not object", v3(`"data":{}`, `"data":"x"`), "", webhook.ErrMalformedEvent, "/data"},
		{"v3 no id", v3(`"id":"msg_1",`, ``), "", webhook.ErrMalformedEvent, "/id"},
		{"v3 bad timestamp", v3(`2026-01-15T10:30:00Z`, `yesterday`), "", webhook.ErrMalformedEvent, "/timestamp"},
		{"v3 metadata array", `{"id":"m","type":"composio.trigger.message","timestamp":"2026-01-15T10:30:00Z","metadata":[],"data":{}}`, "", webhook.ErrMalformedEvent, "/metadata"},
		{"v3 disabled no data", `{"id":"m","type":"composio.trigger.disabled","timestamp":"2026-01-15T10:30:00Z","metadata":{}}`, "", webhook.ErrMalformedEvent, "/data"},
		{"v2 no data", `{"type":"github_commit_event","timestamp":"2026-01-15T10:30:00Z"}`, "", webhook.ErrMalformedEvent, "/data"},
		{"v2 empty type", `{"type":"","data":{}}`, "", webhook.ErrMalformedEvent, "/type"},
		{"v2 data array", `{"type":"a","data":[]}`, "", webhook.ErrMalformedEvent, "/data"},
		{"v2 numeric connection id", `{"type":"a","data":{"connection_id":1}}`, "", webhook.ErrMalformedEvent, "/data/connection_id"},
		{"v1 no payload", `{"trigger_name":"a","trigger_id":"t","connection_id":"c"}`, "", webhook.ErrMalformedEvent, "/payload"},
		{"v1 no name", `{"payload":{}}`, "", webhook.ErrMalformedEvent, "/trigger_name"},
		{"v1 payload string", `{"trigger_name":"a","payload":"x"}`, "", webhook.ErrMalformedEvent, "/payload"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev, err := webhook.DecodeParts("", webhook.Version(c.header), []byte(c.body))
			if !errors.Is(err, c.want) {
				t.Fatalf("Decode = %+v, %v; want %v", ev, err, c.want)
			}
			de, ok := errors.AsType[*webhook.DecodeError](err)
			if !ok || de.Path != c.path {
				t.Fatalf("err = %v (path %q); want path %q", err, de.Path, c.path)
			}
			if c.path != "" && !strings.Contains(err.Error(), c.path+":") {
				t.Errorf("message %q does not name %s", err, c.path)
			}
		})
	}
}
