package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/triggergen/triggergen/catalog"
	"github.com/triggergen/triggergen/catalog/github"
	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
	"github.com/triggergen/triggergen/webhook/webhooktest"
)

// typedHandlers registers, for a trigger slug, the generated typed handler
// and reports through got the payload it decoded, re-encoded as JSON. Every
// catalog trigger whose payload schema carries examples must be listed: the
// test fails on one that is not.
var typedHandlers = map[string]func(d *webhook.Dispatcher, got func(any)){
	github.CommitEventSlug: func(d *webhook.Dispatcher, got func(any)) {
		github.OnCommitEvent(d, func(_ context.Context, _ *webhook.Event, p *github.CommitEventPayload) error { got(p); return nil })
	},
	github.IssueAddedEventSlug: func(d *webhook.Dispatcher, got func(any)) {
		github.OnIssueAddedEvent(d, func(_ context.Context, _ *webhook.Event, p *github.IssueAddedEventPayload) error { got(p); return nil })
	},
	github.LabelAddedEventSlug: func(d *webhook.Dispatcher, got func(any)) {
		github.OnLabelAddedEvent(d, func(_ context.Context, _ *webhook.Event, p *github.LabelAddedEventPayload) error { got(p); return nil })
	},
	github.StarAddedEventSlug: func(d *webhook.Dispatcher, got func(any)) {
		github.OnStarAddedEvent(d, func(_ context.Context, _ *webhook.Event, p *github.StarAddedEventPayload) error { got(p); return nil })
	},
}

// exampleData builds a payload from the first example of each property, or
// reports false when the schema has no examples.
func exampleData(t *testing.T, payloadSchema json.RawMessage) (map[string]any, bool) {
	t.Helper()
	var s struct {
		Properties map[string]struct {
			Examples []any `json:"examples"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(payloadSchema, &s); err != nil {
		t.Fatal(err)
	}
	data := map[string]any{}
	for name, p := range s.Properties {
		if len(p.Examples) > 0 {
			data[name] = p.Examples[0]
		}
	}
	return data, len(data) > 0
}

// TestExamplesReachTypedHandlers: for every trigger of the real corpus whose
// payload schema has examples, a signed V3 event built from them passes the
// receiver in strict mode and reaches its typed handler with every example
// value intact.
func TestExamplesReachTypedHandlers(t *testing.T) {
	lk, err := catalog.Lock()
	if err != nil {
		t.Fatal(err)
	}
	const key = "e2e-secret"
	v, err := webhook.NewVerifier(secret.New(key))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, tt := range lk.TriggerTypes() {
		data, ok := exampleData(t, tt.Payload)
		if !ok {
			continue
		}
		checked++
		t.Run(tt.Slug, func(t *testing.T) {
			register, ok := typedHandlers[tt.Slug]
			if !ok {
				t.Fatalf("%s has payload examples but no typed handler in this test: add it to typedHandlers", tt.Slug)
			}
			var got any
			d := webhook.NewDispatcher(webhook.Strict())
			register(d, func(p any) { got = p })
			srv := httptest.NewServer(webhook.NewHandler(v, d))
			defer srv.Close()

			body, err := webhooktest.Message{TriggerSlug: tt.Slug, TriggerID: "ti_example", Data: data, Timestamp: time.Now()}.Body(webhook.V3)
			if err != nil {
				t.Fatal(err)
			}
			req, err := webhooktest.NewClientRequest(context.Background(), srv.URL, secret.New(key), body)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || got == nil {
				t.Fatalf("status %d, typed handler reached: %v", resp.StatusCode, got != nil)
			}
			back, _ := json.Marshal(got)
			var decoded map[string]any
			_ = json.Unmarshal(back, &decoded)
			for k, want := range data {
				if gotV, _ := json.Marshal(decoded[k]); !strings.EqualFold(string(gotV), mustJSON(want)) {
					t.Errorf("%s: handler saw %s, example is %s", k, gotV, mustJSON(want))
				}
			}
		})
	}
	if checked == 0 {
		t.Fatal("no trigger of the catalog has payload examples; the test checks nothing")
	}
	t.Logf("%d trigger types with payload examples reached their typed handlers", checked)
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
