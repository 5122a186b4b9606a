package composio_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/composiotest"
	"github.com/triggergen/triggergen/secret"
)

// TestNoSecretLeaks prints every credentials and client value every way a
// program might, and looks for any piece of a secret in the output.
func TestNoSecretLeaks(t *testing.T) {
	t.Parallel()
	const apiKey = "ak_live_7Hq2Zr9XbW4mN1pL"
	srv := composiotest.NewServer(t, composiotest.WithAPIKey(apiKey))
	srv.SetRequiresWebhookEndpointSetup("SLACK_RECEIVE_MESSAGE", true)
	addAccount(srv, "ca_slack", "alice", "slack", "ACTIVE", t0)
	addAccount(srv, "ca_slack2", "alice", "slack", "ACTIVE", t0.Add(time.Hour))

	var out bytes.Buffer
	textLog := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	jsonLog := slog.New(slog.NewJSONHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newClient(t, srv, composio.WithAPIKey(secret.New(apiKey)), composio.WithLogger(textLog))
	ctx := ctxT(t)

	creds := slackCredentials{SigningSecret: secret.New(signingSecret), AppToken: secret.New(appToken)}
	update := slackUpdate{SigningSecret: sv(signingSecret), AppToken: sv(appToken)}

	// Produce as many values and errors as possible, through the client's
	// own logging (retries, warnings) too.
	srv.FailNext(1, composiotest.Fault{Status: http.StatusServiceUnavailable})
	_, createErr := c.CreateTrigger(ctx, composio.CreateTriggerParams{UserID: "alice", Config: slackMessageConfig{}})
	_, _ = c.ResolveConnectedAccount(ctx, "alice", "slack")
	ep, err := c.SetupWebhookEndpoint(ctx, "client-1", creds)
	if err != nil {
		t.Fatal(err)
	}
	_, refused := c.ReplaceWebhookEndpoint(ctx, ep.ID, slackCredentials{SigningSecret: secret.New(signingSecret)})
	srv.FailNext(1, composiotest.Fault{Status: http.StatusBadRequest, Path: ep.ID})
	_, patchErr := c.UpdateWebhookEndpoint(ctx, ep.ID, update)
	got, err := c.WebhookEndpoint(ctx, ep.ID)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := c.SetSubscription(ctx, composio.SubscriptionParams{URL: "https://example.com/hook"})
	if err != nil {
		t.Fatal(err)
	}
	rotated, err := c.RotateSubscriptionSecret(ctx, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	sub2, err := c.Subscription(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, subSecret, _ := srv.Subscription()
	badKey, _ := composio.NewClient(composio.WithGetenv(noEnv), composio.WithAPIKey(secret.New(apiKey+"x")), composio.WithBaseURL(srv.URL), composio.WithHTTPClient(srv.Client()))
	_, unauthorized := badKey.TriggerType(ctx, "GITHUB_COMMIT_EVENT")

	values := map[string]any{
		"client": c, "clientValue": *c, "badKeyClient": badKey,
		"holder": struct {
			C *composio.Client
			V composio.Client
		}{c, *c}, "creds": creds, "credsPtr": &creds, "update": update, "updatePtr": &update,
		"fields": creds.EndpointFields(), "endpoint": ep, "endpoint2": got, "subscription": sub, "subscription2": *sub2,
		"rotated":   rotated,
		"createErr": createErr, "refused": refused, "patchErr": patchErr, "unauthorized": unauthorized,
		"wrapped": fmt.Errorf("setup failed for %v: %w", creds, errors.Join(refused, patchErr)),
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			fmt.Fprintf(&out, "%s "+verb+"\n", name, v)
		}
		textLog.Info("value", name, v, "err", fmt.Errorf("wrapped: %v", v))
		jsonLog.Info("value", name, v)
		if b, err := json.Marshal(v); err == nil {
			out.Write(b)
		}
		if e, ok := v.(error); ok && e != nil {
			out.WriteString(e.Error())
		}
	}

	// Requests did carry the secrets (the fake stored them) ...
	if data, _ := srv.WebhookEndpointData(ep.ID); data["app_token"] != appToken {
		t.Fatal("the credentials never reached the server")
	}
	// ... but no output holds any 8-byte piece of one.
	for _, s := range []string{apiKey, signingSecret, appToken, subSecret.Reveal(), rotated.Reveal(), sub.Secret.Reveal()} {
		for i := 0; i+8 <= len(s); i++ {
			if bytes.Contains(out.Bytes(), []byte(s[i:i+8])) {
				t.Fatalf("output leaks %q (part of a secret); output:\n%s", s[i:i+8], out.String())
			}
		}
	}
	if !bytes.Contains(out.Bytes(), []byte(secret.Redacted)) {
		t.Error("no redaction printed at all: the test printed nothing useful")
	}
}
