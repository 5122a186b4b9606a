package realtime

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/triggergen/triggergen/catalog/github"
	"github.com/triggergen/triggergen/webhook"
)

// readSample returns the real trigger_to_client data the Python SDK keeps
// as its sample (see testdata/real/PROVENANCE.md).
func readSample(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../../testdata/real/realtime/composio-python-sdk-sample-trigger-data.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseMessageSample(t *testing.T) {
	m, err := ParseMessage(readSample(t))
	if err != nil {
		t.Fatal(err)
	}
	want := Message{
		Toolkit: "github", TriggerSlug: "GITHUB_COMMIT_EVENT", TriggerID: "ti_VZEWUqF5fQ6P",
		TriggerUUID: "2507236e-4be2-4606-b338-fb24c76ce38d", ConnectedAccountID: "ca_5KdA-e2C4ZMd",
		ConnectedAccountUUID: "75271255-fe95-4d34-bee3-459a02645e38", AuthConfigID: "ac_ZxnpxqOo1nAP",
		UserID: "default", ConnectionStatus: "ACTIVE",
		TriggerData: `{"event_type": "push", "github_hook_id": "552965247"}`,
	}
	got := *m
	got.TriggerConfig, got.Payload, got.OriginalPayload = nil, nil, nil
	if got.Toolkit != want.Toolkit || got.TriggerSlug != want.TriggerSlug || got.TriggerID != want.TriggerID ||
		got.TriggerUUID != want.TriggerUUID || got.ConnectedAccountID != want.ConnectedAccountID ||
		got.ConnectedAccountUUID != want.ConnectedAccountUUID || got.AuthConfigID != want.AuthConfigID ||
		got.UserID != want.UserID || got.ConnectionStatus != want.ConnectionStatus || got.TriggerData != want.TriggerData {
		t.Errorf("parsed\n%+v\nwant\n%+v", got, want)
	}
	var cfg map[string]string
	if err := json.Unmarshal(m.TriggerConfig, &cfg); err != nil || cfg["repo"] != "ph7" || cfg["owner"] != "angrybayblade" {
		t.Errorf("trigger config %s", m.TriggerConfig)
	}
	var orig struct {
		Ref string `json:"ref"`
	}
	if err := json.Unmarshal(m.OriginalPayload, &orig); err != nil || orig.Ref != "refs/heads/temp" {
		t.Errorf("original payload ref %q (%v)", orig.Ref, err)
	}
}

// TestSampleDispatchesToGeneratedHandler: the real sample, as an Event,
// reaches the generated typed handler with its payload decoded.
func TestSampleDispatchesToGeneratedHandler(t *testing.T) {
	m, err := ParseMessage(readSample(t))
	if err != nil {
		t.Fatal(err)
	}
	ev := m.Event()
	if ev.Version != webhook.Realtime || ev.Type != webhook.TypeTriggerMessage || ev.ID != "" || !ev.Timestamp.IsZero() {
		t.Errorf("event envelope %+v", ev)
	}
	if ev.UserID == nil || *ev.UserID != "default" || ev.TriggerID != "ti_VZEWUqF5fQ6P" ||
		ev.ConnectedAccountID != "ca_5KdA-e2C4ZMd" || ev.AuthConfigID != "ac_ZxnpxqOo1nAP" {
		t.Errorf("event ids %+v", ev)
	}
	d := webhook.NewDispatcher(webhook.Strict())
	var got *github.CommitEventPayload
	github.OnCommitEvent(d, func(_ context.Context, _ *webhook.Event, p *github.CommitEventPayload) error {
		got = p
		return nil
	})
	if err := d.Dispatch(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.Author != "angrybayblade" || got.ID != "a2334682759c4324e911d8f52f8fb6bdf1338d94" || got.Message != "temp" {
		t.Errorf("payload %+v", got)
	}
}

func TestParseMessageFallbacksAndErrors(t *testing.T) {
	m, err := ParseMessage([]byte(`{"appName":"GitHub","metadata":{"triggerName":"github_commit_event","connectionNanoId":"ca_top","connectionId":"uuid-top","triggerData":{"a":1}},"payload":null}`))
	if err != nil {
		t.Fatal(err)
	}
	if m.Toolkit != "github" || m.TriggerSlug != "GITHUB_COMMIT_EVENT" || m.ConnectedAccountID != "ca_top" ||
		m.ConnectedAccountUUID != "uuid-top" || m.TriggerData != `{"a":1}` || m.Payload != nil {
		t.Errorf("%+v", m)
	}
	if ev := m.Event(); ev.UserID != nil {
		t.Errorf("empty clientUniqueUserId gave user %q", *ev.UserID)
	}
	for _, bad := range []string{``, `[]`, `{"metadata":{}}`, `{"metadata":{"triggerName":5}}`} {
		if _, err := ParseMessage([]byte(bad)); err == nil {
			t.Errorf("ParseMessage(%q) accepted", bad)
		}
	}
}

func TestFilterMatch(t *testing.T) {
	m := &Message{Toolkit: "github", TriggerSlug: "GITHUB_COMMIT_EVENT", TriggerID: "ti_1",
		ConnectedAccountID: "ca_1", UserID: "alice", AuthConfigID: "ac_1"}
	tests := []struct {
		name string
		f    Filter
		want bool
	}{
		{"empty", Filter{}, true},
		{"toolkit any case", Filter{Toolkits: []string{"slack", "GitHub"}}, true},
		{"toolkit other", Filter{Toolkits: []string{"slack"}}, false},
		{"slug any case", Filter{TriggerSlugs: []string{"github_commit_event"}}, true},
		{"slug other", Filter{TriggerSlugs: []string{"GITHUB_STAR_ADDED_EVENT"}}, false},
		{"trigger id", Filter{TriggerIDs: []string{"ti_1"}}, true},
		{"trigger id exact", Filter{TriggerIDs: []string{"TI_1"}}, false},
		{"account", Filter{ConnectedAccountIDs: []string{"ca_2", "ca_1"}}, true},
		{"account other", Filter{ConnectedAccountIDs: []string{"ca_2"}}, false},
		{"user", Filter{UserIDs: []string{"alice"}}, true},
		{"user other", Filter{UserIDs: []string{"bob"}}, false},
		{"auth config", Filter{AuthConfigIDs: []string{"ac_1"}}, true},
		{"auth config other", Filter{AuthConfigIDs: []string{"ac_2"}}, false},
		{"all must match", Filter{Toolkits: []string{"github"}, UserIDs: []string{"bob"}}, false},
	}
	for _, tt := range tests {
		if got := tt.f.Match(m); got != tt.want {
			t.Errorf("%s: Match = %v, want %v", tt.name, got, tt.want)
		}
	}
}
