package webhooktest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
	"github.com/triggergen/triggergen/webhook/webhooktest"
)

// newReceiver stands in for the code under test: the http.Handler a program
// mounts for Composio, here one that records the slugs it handled.
func newReceiver(key secret.Value, handled *[]string) http.Handler {
	v, err := webhook.NewVerifier(key)
	if err != nil {
		panic(err)
	}
	var d webhook.Dispatcher
	d.Fallback(func(_ context.Context, ev *webhook.Event) error {
		*handled = append(*handled, ev.TriggerSlug)
		return nil
	})
	return webhook.NewHandler(v, &d)
}

// A test of a receiver: build the event with Message, sign it with the
// receiver's secret as Composio does, and serve it. In a test function the
// Println calls would be t.Errorf checks.
func ExampleNewRequest() {
	key := secret.New("test-secret")
	var handled []string
	h := newReceiver(key, &handled)

	body, err := webhooktest.Message{
		TriggerSlug: "GITHUB_COMMIT_EVENT",
		Data:        map[string]string{"commit_sha": "a1b2c3d"},
	}.Body(webhook.V3)
	if err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, webhooktest.NewRequest(key, body, webhooktest.WithID("msg_1")))
	fmt.Println("signed:", rec.Code, handled)

	// The same delivery again (a retry) is not handled twice.
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, webhooktest.NewRequest(key, body, webhooktest.WithID("msg_1")))
	fmt.Println("retry:", rec.Code, handled)

	// A delivery signed with another secret is refused.
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, webhooktest.NewRequest(secret.New("wrong"), body))
	fmt.Println("forged:", rec.Code, handled)
	// Output:
	// signed: 200 [GITHUB_COMMIT_EVENT]
	// retry: 200 [GITHUB_COMMIT_EVENT]
	// forged: 401 [GITHUB_COMMIT_EVENT]
}

// Body encodes one event in each envelope version a receiver may be sent;
// V1 and V2 are the legacy shapes, with the slug in lower case.
func ExampleMessage_Body() {
	m := webhooktest.Message{TriggerSlug: "GITHUB_COMMIT_EVENT", Data: map[string]string{"commit_sha": "a1b2c3d"}}
	for _, v := range []webhook.Version{webhook.V3, webhook.V2, webhook.V1} {
		body, err := m.Body(v)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s %s\n", v, body)
	}
	// Output:
	// V3 {"id":"msg_test","type":"composio.trigger.message","timestamp":"2026-01-01T00:00:00Z","metadata":{"log_id":"log_test","trigger_slug":"GITHUB_COMMIT_EVENT","trigger_id":"ti_test","connected_account_id":"ca_test","auth_config_id":"ac_test","user_id":null},"data":{"commit_sha":"a1b2c3d"}}
	// V2 {"type":"github_commit_event","timestamp":"2026-01-01T00:00:00Z","log_id":"log_test","data":{"commit_sha":"a1b2c3d","connection_id":"ca_test","connection_nano_id":"ca_test","trigger_nano_id":"ti_test","trigger_id":"ti_test","user_id":null}}
	// V1 {"trigger_name":"github_commit_event","trigger_id":"ti_test","connection_id":"ca_test","payload":{"commit_sha":"a1b2c3d"},"log_id":"log_test"}
}
