package webhook_test

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
	"github.com/triggergen/triggergen/webhook/webhooktest"
)

// ReadDelivery refuses what Handler refuses, with the status to answer and
// the cause, and writes nothing but a 405's Allow header.
func TestWebhookReadDelivery(t *testing.T) {
	key := secret.New("whsec_read_delivery")
	v, err := webhook.NewVerifier(key)
	if err != nil {
		t.Fatal(err)
	}
	body, err := webhooktest.Message{TriggerSlug: "GITHUB_COMMIT_EVENT", Data: map[string]any{"author": "a"}}.Body(webhook.V3)
	if err != nil {
		t.Fatal(err)
	}
	get := webhooktest.NewRequest(key, body)
	get.Method = http.MethodGet
	for _, tc := range []struct {
		name   string
		req    *http.Request
		status int
		cause  any
	}{
		{"method", get, http.StatusMethodNotAllowed, nil},
		{"too large", webhooktest.NewRequest(key, bytes.Repeat([]byte(" "), 2048)), http.StatusRequestEntityTooLarge, new(*http.MaxBytesError)},
		{"signature", webhooktest.NewRequest(secret.New("other"), body), http.StatusUnauthorized, new(*webhook.VerifyError)},
		{"envelope", webhooktest.NewRequest(key, []byte(`{"hello":1}`)), http.StatusBadRequest, new(*webhook.DecodeError)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			_, ev, err := webhook.ReadDelivery(rec, tc.req, v, 1024)
			re, ok := errors.AsType[*webhook.RequestError](err)
			if !ok || ev != nil || re.Status != tc.status {
				t.Fatalf("err %v, event %v; want status %d", err, ev, tc.status)
			}
			if tc.cause != nil && !errors.As(err, tc.cause) {
				t.Errorf("cause %v is not a %T", re.Err, tc.cause)
			}
			if rec.Body.Len() != 0 || rec.Code != http.StatusOK && rec.Code != 0 {
				t.Errorf("ReadDelivery wrote an answer: %d %q", rec.Code, rec.Body)
			}
			if (tc.status == http.StatusMethodNotAllowed) != (rec.Header().Get("Allow") == http.MethodPost) {
				t.Errorf("Allow header %q", rec.Header().Get("Allow"))
			}
		})
	}
	got, ev, err := webhook.ReadDelivery(httptest.NewRecorder(), webhooktest.NewRequest(key, body), v, 1024)
	if err != nil || ev.TriggerSlug != "GITHUB_COMMIT_EVENT" || !bytes.Equal(got, body) {
		t.Fatalf("a good delivery: %v %+v", err, ev)
	}
}
