package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/triggergen/triggergen/catalog/slack"
	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/composiotest"
	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/trigger"
)

const (
	signingSecret = "8f14e45fceea167a5a36dedd4bea2543"
	appToken      = "xapp-1-A0123456789-0123456789012-abcdef"
)

// TestWebhookEndpointWithGeneratedCredentials runs issue 6's flow with the
// credential builders generated from Slack's real setup fields: schema →
// setup (create + store) → simulated handshake → WaitVerified → trigger;
// then a partial update keeps the untouched field, and nothing printed,
// logged or returned along the way holds a secret byte.
func TestWebhookEndpointWithGeneratedCredentials(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	api := composiotest.NewServer(t)
	api.SetRequiresWebhookEndpointSetup(slack.ReceiveMessageSlug, true)
	api.AddConnectedAccount(composiotest.ConnectedAccount{UserID: "alice", Toolkit: "slack", Status: "ACTIVE"})

	var out bytes.Buffer
	textLog := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	jsonLog := slog.New(slog.NewJSONHandler(&out, nil))
	client, err := api.NewClient(composio.WithLogger(textLog))
	if err != nil {
		t.Fatal(err)
	}

	_, required := client.CreateTrigger(ctx, composio.CreateTriggerParams{UserID: "alice", Config: slack.ReceiveMessageConfig{}})
	if !errors.Is(required, composio.ErrWebhookEndpointRequired) {
		t.Fatalf("create before setup: %v, want ErrWebhookEndpointRequired", required)
	}

	schema, err := client.WebhookEndpointSchema(ctx, slack.Toolkit)
	if err != nil {
		t.Fatal(err)
	}
	creds := slack.WebhookCredentials{WebhookSigningSecret: secret.New(signingSecret), AppToken: secret.New(appToken)}
	fields := creds.EndpointFields()
	if len(fields) != len(schema.Fields) {
		t.Fatalf("generated credentials carry %d fields, the schema has %d", len(fields), len(schema.Fields))
	}
	for i, f := range fields {
		if f.Name != schema.Fields[i].Name {
			t.Errorf("field %d: generated %q, schema %q (order must follow the schema)", i, f.Name, schema.Fields[i].Name)
		}
	}

	ep, err := client.SetupWebhookEndpoint(ctx, "client-42", creds)
	if err != nil {
		t.Fatal(err)
	}
	if data, _ := api.WebhookEndpointData(ep.ID); data["webhook_signing_secret"] != signingSecret || data["app_token"] != appToken {
		t.Fatalf("stored data %v, want both credentials", data)
	}
	if err := api.VerifyWebhookEndpoint(ep.ID); err != nil {
		t.Fatal(err)
	}
	if ep, err = client.WaitVerified(ctx, ep.ID); err != nil || !ep.Verified() {
		t.Fatalf("WaitVerified: %v, verified %v", err, ep != nil && ep.Verified())
	}
	tr, err := client.CreateTrigger(ctx, composio.CreateTriggerParams{UserID: "alice", Config: slack.ReceiveMessageConfig{}})
	if err != nil {
		t.Fatal(err)
	}

	// Rotate the signing secret alone: the app token stays.
	const rotated = "0cc175b9c0f1b6a831c399e269772661"
	update := slack.WebhookCredentialsUpdate{WebhookSigningSecret: trigger.Ptr(secret.New(rotated))}
	if _, err := client.UpdateWebhookEndpoint(ctx, ep.ID, update); err != nil {
		t.Fatal(err)
	}
	if data, _ := api.WebhookEndpointData(ep.ID); data["webhook_signing_secret"] != rotated || data["app_token"] != appToken {
		t.Fatalf("after PATCH: %v, want the rotated secret and the untouched app token", data)
	}
	// A full set missing a required field, and an update clearing one, are
	// refused before any request.
	before := len(api.Requests())
	_, refused := client.ReplaceWebhookEndpoint(ctx, ep.ID, slack.WebhookCredentials{WebhookSigningSecret: secret.New(rotated), AppToken: secret.Value{}})
	if refused == nil || len(api.Requests()) != before {
		t.Fatalf("replace without app_token: err %v, %d requests sent", refused, len(api.Requests())-before)
	}
	_, cleared := client.UpdateWebhookEndpoint(ctx, ep.ID, slack.WebhookCredentialsUpdate{AppToken: new(secret.Value)})
	var ve trigger.ValidationErrors
	if !errors.As(cleared, &ve) || len(ve) != 1 || ve[0].Path != "/app_token" || len(api.Requests()) != before {
		t.Fatalf("update clearing app_token: err %v, %d requests sent", cleared, len(api.Requests())-before)
	}
	both := slack.WebhookCredentialsUpdate{WebhookSigningSecret: trigger.Ptr(secret.New(rotated)), AppToken: trigger.Ptr(secret.New(appToken))}

	values := map[string]any{
		"creds": creds, "credsPtr": &creds, "update": update, "updatePtr": &update, "both": both, "bothPtr": &both,
		"cleared": cleared,
		"fields":  fields, "endpoint": ep, "trigger": tr, "client": client,
		"required": required, "refused": refused,
		"wrapped": fmt.Errorf("setup %v: %w", creds, errors.Join(required, refused)),
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			fmt.Fprintf(&out, "%s "+verb+"\n", name, v)
		}
		textLog.Info("value", name, v)
		jsonLog.Info("value", name, v)
		if b, err := json.Marshal(v); err == nil {
			out.Write(b)
		}
	}
	for _, s := range []string{signingSecret, appToken, rotated, api.APIKey()} {
		for i := 0; i+8 <= len(s); i++ {
			if bytes.Contains(out.Bytes(), []byte(s[i:i+8])) {
				t.Fatalf("output leaks %q, part of a secret:\n%s", s[i:i+8], out.String())
			}
		}
	}
	if !bytes.Contains(out.Bytes(), []byte(secret.Redacted)) {
		t.Fatal("nothing was redacted: the test printed nothing useful")
	}
}
