package composiotest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/triggergen/triggergen/gen"
)

func TestWebhookEndpointSchema(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	c := client(t, srv)
	ctx := context.Background()
	r, err := c.GetWebhookEndpointSchemaWithResponse(ctx, &gen.GetWebhookEndpointSchemaParams{ToolkitSlug: "slack"})
	if err != nil || r.JSON200 == nil {
		t.Fatalf("%v %s", err, r.Body)
	}
	if f := r.JSON200.SetupFields["webhook_signing_secret"]; !f.IsSecret || !f.IsRequired || r.JSON200.ToolkitSlug != "slack" {
		t.Errorf("slack schema %s", r.Body)
	}
	r, err = c.GetWebhookEndpointSchemaWithResponse(ctx, &gen.GetWebhookEndpointSchemaParams{ToolkitSlug: "github"})
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 404, r.Body, r.JSON404, r.StatusCode(), "WEBHOOK_ENDPOINT_SCHEMA_NOT_FOUND", "github")
	r, err = c.GetWebhookEndpointSchemaWithResponse(ctx, &gen.GetWebhookEndpointSchemaParams{ToolkitSlug: "nosuchtoolkit"})
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 404, r.Body, r.JSON404, r.StatusCode(), "TOOLKIT_NOT_FOUND")

	// An override, given as the setup_fields object alone.
	srv.SetWebhookEndpointSchema("github", json.RawMessage(`{"webhook_secret":{"display_name":"Secret","description":"d","is_required":true,"is_secret":true}}`))
	r, err = c.GetWebhookEndpointSchemaWithResponse(ctx, &gen.GetWebhookEndpointSchemaParams{ToolkitSlug: "github"})
	if err != nil || r.JSON200 == nil || !r.JSON200.SetupFields["webhook_secret"].IsRequired || r.JSON200.ToolkitSlug != "github" {
		t.Fatalf("override: %v %s", err, r.Body)
	}
}

func TestWebhookEndpointLifecycle(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	c := client(t, srv)
	ctx := context.Background()

	cr, err := c.CreateWebhookEndpointWithResponse(ctx, gen.CreateWebhookEndpointRequest{ToolkitSlug: "slack", ClientID: "123.456"})
	if err != nil || cr.JSON201 == nil {
		t.Fatalf("create: %v %d %s", err, cr.StatusCode(), cr.Body)
	}
	ep := cr.JSON201
	wantURL := "https://backend.composio.dev/api/v3.1/webhook_ingress/slack/" + ep.ID + "/trigger_event"
	if !strings.HasPrefix(ep.ID, "we_") || ep.WebhookURL != wantURL || ep.Data != nil || ep.VerifiedAt != nil || *ep.ClientID != "123.456" {
		t.Errorf("created %s", cr.Body)
	}
	if !strings.Contains(string(cr.Body), `"verified_at":null`) || !strings.Contains(string(cr.Body), `"data":null`) {
		t.Errorf("verified_at/data not null: %s", cr.Body)
	}

	// PATCH merges; secrets are masked in the response, stored unmasked.
	up, err := c.UpdateWebhookEndpointWithResponse(ctx, ep.ID, gen.WebhookEndpointDataRequest{Data: map[string]string{"webhook_signing_secret": "s3cret"}})
	if err != nil || up.JSON200 == nil {
		t.Fatalf("patch: %v %s", err, up.Body)
	}
	up, err = c.UpdateWebhookEndpointWithResponse(ctx, ep.ID, gen.WebhookEndpointDataRequest{Data: map[string]string{"app_token": "xapp-1"}})
	if err != nil || up.JSON200 == nil {
		t.Fatalf("patch: %v %s", err, up.Body)
	}
	if d := *up.JSON200.Data; d["webhook_signing_secret"] != SecretMask || d["app_token"] != SecretMask || len(d) != 2 {
		t.Errorf("patched data %v", d)
	}
	if strings.Contains(string(up.Body), "s3cret") || strings.Contains(string(up.Body), "xapp-1") {
		t.Errorf("secret leaked: %s", up.Body)
	}
	if d, ok := srv.WebhookEndpointData(ep.ID); !ok || d["webhook_signing_secret"] != "s3cret" || d["app_token"] != "xapp-1" {
		t.Errorf("stored %v", d)
	}

	// Create again: 200, same endpoint, URL kept, data kept.
	again, err := c.CreateWebhookEndpointWithResponse(ctx, gen.CreateWebhookEndpointRequest{ToolkitSlug: "slack", ClientID: "123.456"})
	if err != nil || again.JSON200 == nil || again.JSON200.ID != ep.ID || again.JSON200.WebhookURL != wantURL || again.JSON200.Data == nil {
		t.Fatalf("create again: %v %d %s", err, again.StatusCode(), again.Body)
	}
	if d, _ := srv.WebhookEndpointData(ep.ID); d["app_token"] != "xapp-1" {
		t.Errorf("create again wiped data: %v", d)
	}
	other, err := c.CreateWebhookEndpointWithResponse(ctx, gen.CreateWebhookEndpointRequest{ToolkitSlug: "slack", ClientID: "999.000"})
	if err != nil || other.JSON201 == nil || other.JSON201.ID == ep.ID {
		t.Fatalf("another client_id: %v %s", err, other.Body)
	}

	// POST replaces and needs every required field.
	rp, err := c.ReplaceWebhookEndpointWithResponse(ctx, ep.ID, gen.WebhookEndpointDataRequest{Data: map[string]string{"webhook_signing_secret": "new"}})
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 400, rp.Body, rp.JSON400, rp.StatusCode(), "WEBHOOK_ENDPOINT_MISSING_REQUIRED_FIELD", "app_token")
	rp, err = c.ReplaceWebhookEndpointWithResponse(ctx, ep.ID, gen.WebhookEndpointDataRequest{Data: map[string]string{"webhook_signing_secret": "new", "app_token": "xapp-2"}})
	if err != nil || rp.JSON200 == nil || rp.JSON200.WebhookURL != wantURL {
		t.Fatalf("replace: %v %s", err, rp.Body)
	}
	if d, _ := srv.WebhookEndpointData(ep.ID); d["webhook_signing_secret"] != "new" || d["app_token"] != "xapp-2" {
		t.Errorf("replaced %v", d)
	}
	// Unknown fields are refused.
	up, err = c.UpdateWebhookEndpointWithResponse(ctx, ep.ID, gen.WebhookEndpointDataRequest{Data: map[string]string{"signing_secret": "x"}})
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 400, up.Body, up.JSON400, up.StatusCode(), "WEBHOOK_ENDPOINT_UNKNOWN_FIELD", "signing_secret")

	// verified_at after the simulated handshake.
	g, err := c.GetWebhookEndpointWithResponse(ctx, ep.ID)
	if err != nil || g.JSON200 == nil || g.JSON200.VerifiedAt != nil {
		t.Fatalf("get: %v %s", err, g.Body)
	}
	if err := srv.VerifyWebhookEndpoint(ep.ID); err != nil {
		t.Fatal(err)
	}
	if err := srv.VerifyWebhookEndpoint("we_nope"); err == nil {
		t.Error("VerifyWebhookEndpoint of an unknown id succeeded")
	}
	g, err = c.GetWebhookEndpointWithResponse(ctx, ep.ID)
	if err != nil || g.JSON200 == nil || g.JSON200.VerifiedAt == nil || g.JSON200.WebhookURL != wantURL || (*g.JSON200.Data)["app_token"] != SecretMask {
		t.Fatalf("get verified: %v %s", err, g.Body)
	}

	// List, with and without filter.
	srv.SetWebhookEndpointSchema("github", nil)
	gh, err := c.CreateWebhookEndpointWithResponse(ctx, gen.CreateWebhookEndpointRequest{ToolkitSlug: "github", ClientID: "gh"})
	if err != nil || gh.JSON201 == nil {
		t.Fatal(err)
	}
	l, err := c.ListWebhookEndpointsWithResponse(ctx, nil)
	if err != nil || l.JSON200 == nil || len(l.JSON200.Items) != 3 {
		t.Fatalf("list: %v %s", err, l.Body)
	}
	l, err = c.ListWebhookEndpointsWithResponse(ctx, &gen.ListWebhookEndpointsParams{ToolkitSlug: ptr("slack")})
	if err != nil || l.JSON200 == nil || len(l.JSON200.Items) != 2 {
		t.Fatalf("list slack: %v %s", err, l.Body)
	}
	// Without a schema, every value is masked.
	up, err = c.UpdateWebhookEndpointWithResponse(ctx, gh.JSON201.ID, gen.WebhookEndpointDataRequest{Data: map[string]string{"anything": "v"}})
	if err != nil || up.JSON200 == nil || (*up.JSON200.Data)["anything"] != SecretMask {
		t.Fatalf("no-schema patch: %v %s", err, up.Body)
	}

	g, err = c.GetWebhookEndpointWithResponse(ctx, "we_nope")
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 404, g.Body, g.JSON404, g.StatusCode(), "WEBHOOK_ENDPOINT_NOT_FOUND")
	bad, err := c.CreateWebhookEndpointWithResponse(ctx, gen.CreateWebhookEndpointRequest{ToolkitSlug: "nosuchtoolkit", ClientID: "x"})
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 400, bad.Body, bad.JSON400, bad.StatusCode(), "TOOLKIT_NOT_FOUND")
}

func TestWebhookSubscriptionLifecycle(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	c := client(t, srv)
	ctx := context.Background()
	if _, _, ok := srv.Subscription(); ok {
		t.Fatal("subscription before create")
	}
	cr, err := c.CreateWebhookSubscriptionWithResponse(ctx, gen.CreateWebhookSubscriptionRequest{
		WebhookURL: "https://example.com/hook", EnabledEvents: []string{"composio.trigger.message"}})
	if err != nil || cr.JSON201 == nil {
		t.Fatalf("create: %v %s", err, cr.Body)
	}
	sub := cr.JSON201
	if !strings.HasPrefix(sub.ID, "whs_") || sub.Version != gen.WebhookVersionV3 || sub.Secret == nil || !strings.HasPrefix(*sub.Secret, "whsec_") {
		t.Errorf("created %s", cr.Body)
	}
	if u, s, ok := srv.Subscription(); !ok || u != "https://example.com/hook" || s.Reveal() != *sub.Secret {
		t.Errorf("Subscription() = %q %v %v", u, s, ok)
	}
	dup, err := c.CreateWebhookSubscriptionWithResponse(ctx, gen.CreateWebhookSubscriptionRequest{
		WebhookURL: "https://example.com/other", EnabledEvents: []string{"composio.trigger.message"}})
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 409, dup.Body, dup.JSON409, dup.StatusCode(), "WEBHOOK_SUBSCRIPTION_ALREADY_EXISTS")

	l, err := c.ListWebhookSubscriptionsWithResponse(ctx, nil)
	if err != nil || l.JSON200 == nil || len(l.JSON200.Items) != 1 || l.JSON200.TotalItems != 1 || l.JSON200.Items[0].ID != sub.ID {
		t.Fatalf("list: %v %s", err, l.Body)
	}
	g, err := c.GetWebhookSubscriptionWithResponse(ctx, sub.ID)
	if err != nil || g.JSON200 == nil || *g.JSON200.Secret != *sub.Secret {
		t.Fatalf("get: %v %s", err, g.Body)
	}

	u, err := c.UpdateWebhookSubscriptionWithResponse(ctx, sub.ID, gen.UpdateWebhookSubscriptionRequest{
		Version: ptr(gen.WebhookVersionV1)})
	if err != nil || u.JSON200 == nil || u.JSON200.Version != gen.WebhookVersionV1 || u.JSON200.WebhookURL != "https://example.com/hook" {
		t.Fatalf("update: %v %s", err, u.Body)
	}
	u, err = c.UpdateWebhookSubscriptionWithResponse(ctx, sub.ID, gen.UpdateWebhookSubscriptionRequest{
		EnabledEvents: &[]string{"composio.nope"}})
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 400, u.Body, u.JSON400, u.StatusCode(), "UNKNOWN_EVENT_TYPE", "composio.nope")
	// composio.connected_account.expired exists in V3 only.
	u, err = c.UpdateWebhookSubscriptionWithResponse(ctx, sub.ID, gen.UpdateWebhookSubscriptionRequest{
		EnabledEvents: &[]string{"composio.connected_account.expired"}})
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 400, u.Body, u.JSON400, u.StatusCode(), "UNSUPPORTED_EVENT_VERSION")

	et, err := c.ListWebhookEventTypesWithResponse(ctx)
	if err != nil || et.JSON200 == nil || len(et.JSON200.Items) != 3 || et.JSON200.Items[0].EventType != "composio.trigger.message" {
		t.Fatalf("event types: %v %s", err, et.Body)
	}

	rot, err := c.RotateWebhookSubscriptionSecretWithResponse(ctx, sub.ID)
	if err != nil || rot.JSON200 == nil || rot.JSON200.Secret == *sub.Secret || rot.JSON200.ID != sub.ID {
		t.Fatalf("rotate: %v %s", err, rot.Body)
	}
	if _, s, _ := srv.Subscription(); s.Reveal() != rot.JSON200.Secret {
		t.Error("Subscription() still has the old secret")
	}

	d, err := c.DeleteWebhookSubscriptionWithResponse(ctx, sub.ID)
	if err != nil || d.JSON200 == nil || !d.JSON200.Success {
		t.Fatalf("delete: %v %s", err, d.Body)
	}
	g, err = c.GetWebhookSubscriptionWithResponse(ctx, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 404, g.Body, g.JSON404, g.StatusCode(), "WEBHOOK_SUBSCRIPTION_NOT_FOUND")
	l, err = c.ListWebhookSubscriptionsWithResponse(ctx, nil)
	if err != nil || l.JSON200 == nil || len(l.JSON200.Items) != 0 || l.JSON200.TotalItems != 0 {
		t.Fatalf("list after delete: %v %s", err, l.Body)
	}
	// After a delete, a new one can be created.
	cr, err = c.CreateWebhookSubscriptionWithResponse(ctx, gen.CreateWebhookSubscriptionRequest{
		WebhookURL: "https://example.com/hook2", EnabledEvents: []string{"composio.trigger.message"}, Version: ptr(gen.WebhookVersionV2)})
	if err != nil || cr.JSON201 == nil || cr.JSON201.Version != gen.WebhookVersionV2 {
		t.Fatalf("re-create: %v %s", err, cr.Body)
	}
}
