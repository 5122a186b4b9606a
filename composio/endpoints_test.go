package composio_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/composiotest"
	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/trigger"
)

const (
	signingSecret = "sigsec-5f1c0e9b7a2d4c6e"
	appToken      = "xapp-1-A0B1C2-9988776655-deadbeefcafe"
)

func TestWebhookEndpointFullFlow(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	addAccount(srv, "ca_slack", "alice", "slack", "ACTIVE", t0)
	srv.SetRequiresWebhookEndpointSetup("SLACK_RECEIVE_MESSAGE", true)
	c := newClient(t, srv)
	ctx := ctxT(t)

	// Schema.
	schema, err := c.WebhookEndpointSchema(ctx, "slack")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(schema.Required(), ","); !strings.Contains(got, "webhook_signing_secret") || !strings.Contains(got, "app_token") {
		t.Errorf("required = %s", got)
	}
	var raw struct {
		ToolkitSlug string                     `json:"toolkit_slug"`
		SetupFields map[string]json.RawMessage `json:"setup_fields"`
	}
	if err := json.Unmarshal(schema.Raw, &raw); err != nil || raw.ToolkitSlug != "slack" || len(raw.SetupFields) != len(schema.Fields) {
		t.Errorf("Raw %s: %v", schema.Raw, err)
	}
	for _, f := range schema.Fields {
		if !f.Secret || f.DisplayName == "" {
			t.Errorf("field %+v", f)
		}
	}

	// Without an endpoint, creating the trigger says what to do.
	if _, err := c.CreateTrigger(ctx, composio.CreateTriggerParams{UserID: "alice", Config: slackMessageConfig{}}); !errors.Is(err, composio.ErrWebhookEndpointRequired) {
		t.Fatalf("create before setup: %v", err)
	}
	// ... and the ingress URL is not handed out yet.
	if _, err := c.IngressURL(ctx, "slack", "client-1"); !errors.Is(err, composio.ErrEndpointNotConfigured) {
		t.Fatalf("IngressURL before setup: %v", err)
	}

	// Create, then PATCH the secrets.
	ep, created, err := c.CreateWebhookEndpoint(ctx, "slack", "client-1")
	if err != nil || !created {
		t.Fatalf("create endpoint: created=%v err=%v", created, err)
	}
	if !strings.Contains(ep.URL, ep.ID) || ep.Toolkit != "slack" || ep.ClientID != "client-1" || ep.Verified() {
		t.Errorf("endpoint = %+v", ep)
	}
	if _, err := c.IngressURL(ctx, "slack", "client-1"); !errors.Is(err, composio.ErrEndpointNotConfigured) {
		t.Fatalf("IngressURL before credentials: %v", err)
	}
	stored, err := c.UpdateWebhookEndpoint(ctx, ep.ID, slackUpdate{SigningSecret: sv(signingSecret), AppToken: sv(appToken)})
	if err != nil {
		t.Fatal(err)
	}
	if v := stored.Data["webhook_signing_secret"].Reveal(); v == "" || v == signingSecret {
		t.Errorf("returned data not masked: %q", v)
	}
	if data, _ := srv.WebhookEndpointData(ep.ID); data["webhook_signing_secret"] != signingSecret || data["app_token"] != appToken {
		t.Errorf("stored data = %v", len(data))
	}
	url, err := c.IngressURL(ctx, "slack", "client-1")
	if err != nil || url != ep.URL {
		t.Fatalf("IngressURL = %q, %v; want %q", url, err, ep.URL)
	}

	// Register with the provider; the provider's handshake verifies it.
	if _, err := c.WebhookEndpoint(ctx, ep.ID); err != nil {
		t.Fatal(err)
	}
	// The provider completes its handshake during the second wait.
	sl := sleeper{then: func(n int) error {
		if n == 2 {
			return srv.VerifyWebhookEndpoint(ep.ID)
		}
		return nil
	}}
	verified, err := c.WaitVerified(ctx, ep.ID, sl.option(), composio.WithPollInterval(5*time.Millisecond, 20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if !verified.Verified() {
		t.Error("not verified")
	}
	if w := sl.got(); !slices.Equal(w, []time.Duration{5 * time.Millisecond, 7500 * time.Microsecond}) {
		t.Errorf("waits %v, want 5ms then half again", w)
	}

	tr, err := c.CreateTrigger(ctx, composio.CreateTriggerParams{UserID: "alice", Config: slackMessageConfig{}})
	if err != nil {
		t.Fatal(err)
	}
	if inst := srv.TriggerInstances(); len(inst) != 1 || inst[0].ID != tr.ID || inst[0].ConnectedAccountID != "ca_slack" {
		t.Errorf("instances = %+v", inst)
	}

	list, err := c.WebhookEndpoints(ctx, "slack")
	if err != nil || len(list) != 1 || list[0].ID != ep.ID || list[0].ClientID != "client-1" {
		t.Errorf("list = %+v, %v", list, err)
	}
}

func TestSetupWebhookEndpointIdempotent(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	c := newClient(t, srv)
	ctx := ctxT(t)
	creds := slackCredentials{SigningSecret: secret.New(signingSecret), AppToken: secret.New(appToken)}
	ep, err := c.SetupWebhookEndpoint(ctx, "client-1", creds)
	if err != nil {
		t.Fatal(err)
	}
	if ep.URL == "" || len(ep.Data) != 2 {
		t.Fatalf("endpoint = %+v", ep)
	}
	// The credentials were stored before the URL came back.
	var sawPatch bool
	for _, r := range srv.Requests() {
		if r.Method == "PATCH" && strings.Contains(r.Path, ep.ID) && r.Status == 200 {
			sawPatch = true
		}
	}
	if !sawPatch {
		t.Error("no PATCH of the credentials")
	}

	// Create twice: same endpoint, same URL, secret not wiped.
	again, created, err := c.CreateWebhookEndpoint(ctx, "slack", "client-1")
	if err != nil {
		t.Fatal(err)
	}
	if created || again.ID != ep.ID || again.URL != ep.URL {
		t.Errorf("second create: created=%v %+v, first %+v", created, again, ep)
	}
	if data, _ := srv.WebhookEndpointData(ep.ID); data["webhook_signing_secret"] != signingSecret {
		t.Error("second create wiped the secret")
	}
	if again2, err := c.SetupWebhookEndpoint(ctx, "client-1", creds); err != nil || again2.ID != ep.ID || again2.URL != ep.URL {
		t.Errorf("second setup: %+v, %v", again2, err)
	}
	// Another OAuth app gets another endpoint.
	other, created, err := c.CreateWebhookEndpoint(ctx, "slack", "client-2")
	if err != nil || !created || other.ID == ep.ID {
		t.Errorf("other client: created=%v id=%s err=%v", created, other.ID, err)
	}
}

// withOptionalTeamID adds an optional, non-secret setup field to Slack's schema.
func withOptionalTeamID(srv *composiotest.Server) {
	srv.SetWebhookEndpointSchema("slack", json.RawMessage(`{"toolkit_slug":"slack","setup_fields":{
		"webhook_signing_secret":{"display_name":"Signing Secret","description":"d","is_required":true,"is_secret":true},
		"app_token":{"display_name":"App-Level Token","description":"d","is_required":true,"is_secret":true},
		"team_id":{"display_name":"Team","description":"optional","is_required":false,"is_secret":false}}}`))
}

func TestUpdateKeepsUntouchedFields(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	withOptionalTeamID(srv)
	c := newClient(t, srv)
	ctx := ctxT(t)
	ep, err := c.SetupWebhookEndpoint(ctx, "client-1", slackCredentials{SigningSecret: secret.New(signingSecret), AppToken: secret.New(appToken), TeamID: secret.New("T123")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateWebhookEndpoint(ctx, ep.ID, slackUpdate{SigningSecret: sv("rotated-secret-value")}); err != nil {
		t.Fatal(err)
	}
	data, _ := srv.WebhookEndpointData(ep.ID)
	if data["webhook_signing_secret"] != "rotated-secret-value" || data["app_token"] != appToken || data["team_id"] != "T123" {
		t.Errorf("after PATCH: %d fields, signing rotated=%v app kept=%v team kept=%v", len(data),
			data["webhook_signing_secret"] == "rotated-secret-value", data["app_token"] == appToken, data["team_id"] == "T123")
	}
	// The PATCH body carried only the field set.
	patches := requests(srv, "PATCH", ep.ID)
	if last := string(patches[len(patches)-1].Body); strings.Contains(last, "app_token") || strings.Contains(last, "team_id") {
		t.Errorf("PATCH sent unset fields: %s", last)
	}
	if _, err := c.UpdateWebhookEndpoint(ctx, ep.ID, slackUpdate{}); err == nil {
		t.Error("an empty update was sent")
	}
}

func TestReplaceClearsOmittedAndRefusesIncomplete(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	withOptionalTeamID(srv)
	c := newClient(t, srv)
	ctx := ctxT(t)
	ep, err := c.SetupWebhookEndpoint(ctx, "client-1", slackCredentials{SigningSecret: secret.New(signingSecret), AppToken: secret.New(appToken), TeamID: secret.New("T123")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ReplaceWebhookEndpoint(ctx, ep.ID, slackCredentials{SigningSecret: secret.New("new-signing"), AppToken: secret.New("xapp-new")}); err != nil {
		t.Fatal(err)
	}
	data, _ := srv.WebhookEndpointData(ep.ID)
	if _, kept := data["team_id"]; kept || data["webhook_signing_secret"] != "new-signing" || data["app_token"] != "xapp-new" {
		t.Errorf("after POST: team_id kept=%v, %d fields", kept, len(data))
	}

	before := len(srv.Requests())
	_, err = c.ReplaceWebhookEndpoint(ctx, ep.ID, slackCredentials{SigningSecret: secret.New("only-this")})
	var ve *trigger.ValidationError
	if !errors.As(err, &ve) || ve.Path != "/app_token" {
		t.Fatalf("incomplete replace: %v", err)
	}
	if !strings.Contains(err.Error(), "UpdateWebhookEndpoint") {
		t.Errorf("error does not point to PATCH: %v", err)
	}
	if n := len(srv.Requests()) - before; n != 0 {
		t.Errorf("incomplete replace sent %d requests", n)
	}
	if data, _ := srv.WebhookEndpointData(ep.ID); data["app_token"] != "xapp-new" {
		t.Error("stored credentials changed")
	}
}

func TestWaitVerifiedEndsWithContext(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	c := newClient(t, srv)
	ep, _, err := c.CreateWebhookEndpoint(ctxT(t), "slack", "client-1")
	if err != nil {
		t.Fatal(err)
	}
	// The caller's deadline passes during the fifth wait.
	sl := sleeper{then: func(n int) error {
		if n == 5 {
			return context.DeadlineExceeded
		}
		return nil
	}}
	_, err = c.WaitVerified(ctxT(t), ep.ID, sl.option(), composio.WithPollInterval(4*time.Millisecond, 10*time.Millisecond))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if n := len(requests(srv, "GET", ep.ID)); n != 5 {
		t.Errorf("polled %d times, want 5", n)
	}
	ms := time.Millisecond
	if w := sl.got(); !slices.Equal(w, []time.Duration{4 * ms, 6 * ms, 9 * ms, 10 * ms, 10 * ms}) {
		t.Errorf("waits %v, want growth by half up to the 10ms cap", w)
	}
	if _, err := c.WaitVerified(ctxT(t), "we_missing"); !errors.Is(err, composio.ErrNotFound) {
		t.Errorf("unknown endpoint: %v", err)
	}
}
