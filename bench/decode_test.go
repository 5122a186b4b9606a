package bench

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/triggergen/triggergen/catalog/github"
	"github.com/triggergen/triggergen/catalog/gmail"
	"github.com/triggergen/triggergen/catalog/slack"
	"github.com/triggergen/triggergen/webhook"
)

// eventsDir holds real delivered events (see its PROVENANCE.md).
const eventsDir = "../testdata/webhooks/events"

// decodeCase is one real event and the generated payload type of its
// trigger type.
type decodeCase struct {
	name  string
	file  string
	typed func(data []byte) error // decodes into the generated payload struct
}

// typedInto decodes data into a P as webhook.On does: with the generated
// UnmarshalJSON, which checks the syntax in the same pass (json.Unmarshal
// would first run encoding/json's validation over the bytes).
func typedInto[P any, PP interface {
	*P
	json.Unmarshaler
}](data []byte) error {
	var p P
	return PP(&p).UnmarshalJSON(data)
}

var decodeCases = []decodeCase{
	{"github_commit_v3", "v3-composio-docs-receiving-events-github-commit.json", typedInto[github.CommitEventPayload]},
	{"github_commit_v2", "v2-composio-openapi-webhooks-spec-example-trigger-message-v2.json", typedInto[github.CommitEventPayload]},
	{"slack_receive_message_v2", "v2-rowboatlabs-rowboat-captured-2025-08-06-slack-receive-message.json", typedInto[slack.ReceiveMessagePayload]},
	{"gmail_new_message_v2", "v2-composio-changelog-2025-12-gmail-new-gmail-message.COMMENTS-STRIPPED.json", typedInto[gmail.NewMessagePayload]},
}

func readEvent(tb testing.TB, file string) []byte {
	tb.Helper()
	body, err := os.ReadFile(filepath.Join(eventsDir, file))
	if err != nil {
		tb.Fatal(err)
	}
	return body
}

// BenchmarkDecodePayload decodes the data of real delivered events (as
// webhook.Decode normalises it) into the generated payload struct and into
// map[string]any, which is what Composio's SDKs hand their users.
//
//	data/<event>/typed   (&XxxPayload{}).UnmarshalJSON(data), as webhook.On decodes
//	data/<event>/map     json.Unmarshal(data, &map[string]any)
//	body/<event>/typed   webhook.Decode(body) + the typed payload
//	body/<event>/map     json.Unmarshal(body, &map[string]any)
func BenchmarkDecodePayload(b *testing.B) {
	for _, c := range decodeCases {
		body := readEvent(b, c.file)
		ev, err := webhook.Decode(nil, body)
		if err != nil {
			b.Fatal(err)
		}
		data := ev.Data
		b.Run("data/"+c.name+"/typed", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if err := c.typed(data); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("data/"+c.name+"/map", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				var m map[string]any
				if err := json.Unmarshal(data, &m); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("body/"+c.name+"/typed", func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				ev, err := webhook.Decode(nil, body)
				if err != nil {
					b.Fatal(err)
				}
				if err := c.typed(ev.Data); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("body/"+c.name+"/map", func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				var m map[string]any
				if err := json.Unmarshal(body, &m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestDecodeCases checks that every benchmark event decodes into its
// generated type and carries its trigger's data.
func TestDecodeCases(t *testing.T) {
	for _, c := range decodeCases {
		ev, err := webhook.Decode(nil, readEvent(t, c.file))
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		if err := c.typed(ev.Data); err != nil {
			t.Errorf("%s: %v", c.file, err)
		}
	}
	var p slack.ReceiveMessagePayload
	ev, _ := webhook.Decode(nil, readEvent(t, decodeCases[2].file))
	if err := json.Unmarshal(ev.Data, &p); err != nil || p.Text != "test" {
		t.Errorf("slack payload: %+v, %v", p, err)
	}
}
