package webhooktest_test

import (
	"context"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
	"github.com/triggergen/triggergen/webhook/webhooktest"
)

func TestWebhookTestHelpers(t *testing.T) {
	body := []byte(`{"x":1}`)
	ts := time.Unix(1_768_262_400, 0)
	h := webhooktest.Headers(secret.New("k"), body, webhooktest.WithID("msg_1"), webhooktest.WithTimestamp(ts),
		webhooktest.WithVersion(webhook.V2), webhooktest.WithAttempt(3), webhooktest.WithExtraSignature("v1,old"))
	want := map[string]string{
		webhook.HeaderID:              "msg_1",
		webhook.HeaderTimestamp:       strconv.FormatInt(ts.Unix(), 10),
		webhook.HeaderSignature:       webhook.Sign(secret.New("k"), "msg_1", ts, body) + " v1,old",
		webhook.HeaderVersion:         "V2",
		webhook.HeaderDeliveryAttempt: "3",
		"Content-Type":                "application/json",
	}
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("%s = %q; want %q", k, got, v)
		}
	}

	// Default ids differ, so two deliveries are never duplicates.
	a, b := webhooktest.Headers(secret.New("k"), body), webhooktest.Headers(secret.New("k"), body)
	if a.Get(webhook.HeaderID) == b.Get(webhook.HeaderID) || !strings.HasPrefix(a.Get(webhook.HeaderID), "msg_") {
		t.Errorf("default ids %q %q", a.Get(webhook.HeaderID), b.Get(webhook.HeaderID))
	}

	v, _ := webhook.NewVerifier(secret.New("k"))
	r := webhooktest.NewRequest(secret.New("k"), body, webhooktest.WithTarget("/hooks?x=1"))
	got, _ := io.ReadAll(r.Body)
	if r.Method != "POST" || r.URL.Path != "/hooks" || string(got) != string(body) || v.Verify(r.Header, got) != nil {
		t.Errorf("NewRequest: %s %s %q %v", r.Method, r.URL, got, v.Verify(r.Header, got))
	}
	cr, err := webhooktest.NewClientRequest(context.Background(), "http://example.test/h", secret.New("k"), body)
	if err != nil || cr.URL.Host != "example.test" || v.Verify(cr.Header, body) != nil {
		t.Errorf("NewClientRequest: %v %v", cr, err)
	}
	if _, err := webhooktest.NewClientRequest(context.Background(), "://bad", secret.New("k"), body); err == nil {
		t.Error("bad URL accepted")
	}
	if _, err := (webhooktest.Message{}).Body(webhook.V3); err == nil {
		t.Error("message without slug accepted")
	}
	if _, err := (webhooktest.Message{TriggerSlug: "X"}).Body("V9"); err == nil {
		t.Error("unknown version accepted")
	}
}
