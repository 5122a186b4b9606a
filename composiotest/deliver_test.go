package composiotest

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/triggergen/triggergen/gen"
	sec "github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
)

type received struct {
	header http.Header
	body   []byte
}

// receiver is an httptest server that records deliveries.
func receiver(t *testing.T) (*httptest.Server, func() []received) {
	var mu sync.Mutex
	var got []received
	rs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, received{r.Header.Clone(), b})
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(rs.Close)
	return rs, func() []received {
		mu.Lock()
		defer mu.Unlock()
		return append([]received(nil), got...)
	}
}

func sign(secret, id, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(id + "." + ts + "."))
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// signingSecret is the subscription's current secret, revealed for sign.
func signingSecret(srv *Server) string {
	_, s, _ := srv.Subscription()
	return s.Reveal()
}

func checkSignature(t *testing.T, r received, secret string) {
	t.Helper()
	want := sign(secret, r.header.Get("webhook-id"), r.header.Get("webhook-timestamp"), r.body)
	if got := r.header.Get("webhook-signature"); got != want {
		t.Errorf("webhook-signature %q, want %q", got, want)
	}
}

func deliverySetup(t *testing.T, events []string, version gen.WebhookVersion) (*Server, *gen.ClientWithResponses, string, func() []received, *clock) {
	t.Helper()
	clk := newClock()
	srv := NewServer(t, WithClock(clk.Now))
	c := client(t, srv)
	rs, got := receiver(t)
	r, err := c.CreateWebhookSubscriptionWithResponse(context.Background(), gen.CreateWebhookSubscriptionRequest{
		WebhookURL: rs.URL + "/hooks", EnabledEvents: events, Version: &version})
	if err != nil || r.JSON201 == nil {
		t.Fatalf("subscribe: %v %s", err, r.Body)
	}
	srv.AddConnectedAccount(ConnectedAccount{ID: "ca_1", UserID: "u1", Toolkit: "github", AuthConfigID: "ac_1"})
	id := upsert(t, c, "GITHUB_COMMIT_EVENT", gen.UpsertTriggerInstanceRequest{UserID: ptr("u1"), TriggerConfig: repoConfig("o", "r")})
	return srv, c, id, got, clk
}

func TestDeliverV3(t *testing.T) {
	t.Parallel()
	srv, _, tid, got, clk := deliverySetup(t, []string{"composio.trigger.message"}, gen.WebhookVersionV3)
	ctx := context.Background()
	resp, err := srv.Deliver(ctx, Delivery{TriggerID: tid, Data: json.RawMessage(`{"commit_sha":"abc"}`)})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("receiver answered %d", resp.StatusCode)
	}
	rs := got()
	if len(rs) != 1 {
		t.Fatalf("%d deliveries", len(rs))
	}
	r := rs[0]
	secret := signingSecret(srv)
	checkSignature(t, r, secret)
	if r.header.Get("webhook-timestamp") != strconv.FormatInt(clk.Now().Unix(), 10) || r.header.Get("x-composio-webhook-version") != "V3" ||
		r.header.Get("x-composio-delivery-attempt") != "1" || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", r.header)
	}
	ev, err := webhook.Decode(r.header, r.body)
	if err != nil {
		t.Fatalf("decode: %v\n%s", err, r.body)
	}
	if ev.Version != webhook.V3 || ev.ID != r.header.Get("webhook-id") || ev.TriggerID != tid || ev.TriggerSlug != "GITHUB_COMMIT_EVENT" ||
		ev.ConnectedAccountID != "ca_1" || ev.AuthConfigID != "ac_1" || ev.UserID == nil || *ev.UserID != "u1" ||
		string(ev.Data) != `{"commit_sha":"abc"}` || !ev.Timestamp.Equal(clk.Now()) {
		t.Errorf("event %+v", ev)
	}
	// The receiver-side verifier of the webhook package accepts it.
	ok := sign(secret, r.header.Get("webhook-id"), r.header.Get("webhook-timestamp"), r.body) == webhook.Sign(sec.New(secret), r.header.Get("webhook-id"), clk.Now(), r.body)
	if !ok {
		t.Error("webhook.Sign disagrees with HMAC recomputation")
	}

	// Explicit id and timestamp.
	ts := clk.Now().Add(-time.Minute)
	resp, err = srv.Deliver(ctx, Delivery{TriggerID: tid, ID: "msg_fixed", Timestamp: ts, Attempt: 3})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	r = got()[1]
	if r.header.Get("webhook-id") != "msg_fixed" || r.header.Get("webhook-timestamp") != strconv.FormatInt(ts.Unix(), 10) || r.header.Get("x-composio-delivery-attempt") != "3" {
		t.Errorf("headers %v", r.header)
	}
	checkSignature(t, r, secret)
}

func TestDeliverLegacyVersions(t *testing.T) {
	t.Parallel()
	srv, c, tid, got, _ := deliverySetup(t, []string{"composio.trigger.message"}, gen.WebhookVersionV1)
	ctx := context.Background()
	secret := signingSecret(srv)

	// Empty Version: the subscription's (V1).
	resp, err := srv.Deliver(ctx, Delivery{TriggerID: tid, Data: json.RawMessage(`{"sha":"1"}`)})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = srv.Deliver(ctx, Delivery{TriggerID: tid, Version: webhook.V2, Data: json.RawMessage(`{"sha":"2"}`)})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	rs := got()
	if len(rs) != 2 {
		t.Fatalf("%d deliveries", len(rs))
	}
	for i, want := range []webhook.Version{webhook.V1, webhook.V2} {
		r := rs[i]
		checkSignature(t, r, secret)
		if r.header.Get("x-composio-webhook-version") != string(want) {
			t.Errorf("%s: header %q", want, r.header.Get("x-composio-webhook-version"))
		}
		ev, err := webhook.Decode(r.header, r.body)
		if err != nil {
			t.Fatalf("%s: %v\n%s", want, err, r.body)
		}
		if ev.Version != want || ev.TriggerID != tid || ev.TriggerSlug != "GITHUB_COMMIT_EVENT" || ev.ConnectedAccountID != "ca_1" || ev.ID != r.header.Get("webhook-id") {
			t.Errorf("%s: event %+v", want, ev)
		}
		wantData := `{"sha":"` + strconv.Itoa(i+1) + `"}`
		var gotData, exp any
		_ = json.Unmarshal(ev.Data, &gotData)
		_ = json.Unmarshal([]byte(wantData), &exp)
		if b1, _ := json.Marshal(gotData); string(b1) != wantData {
			t.Errorf("%s: data %s, want %s", want, ev.Data, wantData)
		}
	}
	var v1 map[string]any
	_ = json.Unmarshal(rs[0].body, &v1)
	if v1["trigger_name"] != "github_commit_event" || v1["payload"] == nil {
		t.Errorf("V1 body %s", rs[0].body)
	}
	var v2 map[string]any
	_ = json.Unmarshal(rs[1].body, &v2)
	if d, _ := v2["data"].(map[string]any); v2["type"] != "github_commit_event" || d["trigger_nano_id"] != tid || d["connection_nano_id"] != "ca_1" || d["user_id"] != "u1" {
		t.Errorf("V2 body %s", rs[1].body)
	}

	// Rotating the secret: the old one stops verifying.
	sub, _ := c.ListWebhookSubscriptionsWithResponse(ctx, nil)
	rot, err := c.RotateWebhookSubscriptionSecretWithResponse(ctx, sub.JSON200.Items[0].ID)
	if err != nil || rot.JSON200 == nil {
		t.Fatal(err)
	}
	resp, err = srv.Deliver(ctx, Delivery{TriggerID: tid, Version: webhook.V3})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	r := got()[2]
	if sign(secret, r.header.Get("webhook-id"), r.header.Get("webhook-timestamp"), r.body) == r.header.Get("webhook-signature") {
		t.Error("the old secret still verifies after rotation")
	}
	checkSignature(t, r, rot.JSON200.Secret)
}

func TestDeliverRefusals(t *testing.T) {
	t.Parallel()
	srv, c, tid, got, _ := deliverySetup(t, []string{"composio.trigger.message"}, gen.WebhookVersionV3)
	ctx := context.Background()
	if _, err := srv.Deliver(ctx, Delivery{TriggerID: "ti_nope"}); !errors.Is(err, ErrUnknownTrigger) {
		t.Errorf("unknown trigger: %v", err)
	}
	if _, err := srv.Deliver(ctx, Delivery{TriggerID: tid, Version: "V9"}); err == nil {
		t.Error("unknown version accepted")
	}
	if m, err := c.ManageTriggerInstanceWithResponse(ctx, tid, gen.ManageTriggerInstanceRequest{Status: gen.TriggerInstanceActionDisable}); err != nil || m.StatusCode() != 200 {
		t.Fatal(err)
	}
	if _, err := srv.Deliver(ctx, Delivery{TriggerID: tid}); !errors.Is(err, ErrTriggerNotActive) {
		t.Errorf("disabled trigger: %v", err)
	}
	if _, err := srv.DeliverProjectEvent(ctx, webhook.TypeTriggerDisabled, json.RawMessage(`{}`)); !errors.Is(err, ErrEventNotEnabled) {
		t.Errorf("event not enabled: %v", err)
	}
	sub, _ := c.ListWebhookSubscriptionsWithResponse(ctx, nil)
	if d, err := c.DeleteWebhookSubscriptionWithResponse(ctx, sub.JSON200.Items[0].ID); err != nil || d.StatusCode() != 200 {
		t.Fatal(err)
	}
	if _, err := srv.Deliver(ctx, Delivery{TriggerID: tid}); !errors.Is(err, ErrNoSubscription) {
		t.Errorf("no subscription: %v", err)
	}
	if n := len(got()); n != 0 {
		t.Errorf("%d deliveries sent", n)
	}
}

func TestDeliverProjectEvents(t *testing.T) {
	t.Parallel()
	srv, _, tid, got, _ := deliverySetup(t, []string{"composio.trigger.message", "composio.connected_account.expired", "composio.trigger.disabled"}, gen.WebhookVersionV3)
	ctx := context.Background()
	secret := signingSecret(srv)
	expired := `{"id":"ca_1","user_id":"u1","status":"EXPIRED","toolkit":{"slug":"github"},"auth_config":{"id":"ac_1"}}`
	disabled := `{"id":"` + tid + `","connected_account_id":"ca_1","trigger_name":"GITHUB_COMMIT_EVENT","user_id":"u1","trigger_config":{},"disabled_at":"2026-07-01T12:00:00Z","disabled_reason":"too many failures"}`
	for _, ev := range []struct{ typ, data string }{{webhook.TypeConnectedAccountExpired, expired}, {webhook.TypeTriggerDisabled, disabled}} {
		resp, err := srv.DeliverProjectEvent(ctx, ev.typ, json.RawMessage(ev.data))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	rs := got()
	if len(rs) != 2 {
		t.Fatalf("%d deliveries", len(rs))
	}
	for i, r := range rs {
		checkSignature(t, r, secret)
		ev, err := webhook.Decode(r.header, r.body)
		if err != nil {
			t.Fatalf("%v\n%s", err, r.body)
		}
		if ev.Version != webhook.V3 || ev.ConnectedAccountID != "ca_1" || ev.UserID == nil || *ev.UserID != "u1" {
			t.Errorf("event %d: %+v", i, ev)
		}
		var top struct {
			Metadata map[string]string `json:"metadata"`
		}
		_ = json.Unmarshal(r.body, &top)
		if top.Metadata["project_id"] != "pr_test" {
			t.Errorf("metadata %v", top.Metadata)
		}
	}
	if ev, _ := webhook.Decode(rs[0].header, rs[0].body); ev.Type != webhook.TypeConnectedAccountExpired || ev.AuthConfigID != "ac_1" {
		t.Errorf("expired: %+v", ev)
	}
	if ev, _ := webhook.Decode(rs[1].header, rs[1].body); ev.Type != webhook.TypeTriggerDisabled || ev.TriggerID != tid {
		t.Errorf("disabled: %+v", ev)
	}
}
