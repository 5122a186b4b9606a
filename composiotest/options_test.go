package composiotest

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/triggergen/triggergen/gen"
	"github.com/triggergen/triggergen/internal/syncbuf"
)

func TestOptions(t *testing.T) {
	t.Parallel()
	clk := newClock()
	var logs syncbuf.Buffer
	tb := &captureTB{TB: t}
	srv := NewServer(tb, WithClock(clk.Now), WithDefaultPageSize(3), WithDeletedRetention(time.Minute),
		WithProjectID("pr_custom"), WithLogger(slog.New(slog.NewTextHandler(&logs, nil))),
		WithDeliveryClient(&http.Client{Timeout: 5 * time.Second}))
	c := client(t, srv)
	ctx := context.Background()

	// Default page size.
	r, err := c.ListTriggerTypesWithResponse(ctx, &gen.ListTriggerTypesParams{ToolkitSlugs: &[]string{"github"}})
	if err != nil || r.JSON200 == nil || len(r.JSON200.Items) != 3 || r.JSON200.TotalPages != 2 {
		t.Fatalf("page size: %v %s", err, r.Body)
	}
	// Retention window.
	a := srv.AddConnectedAccount(ConnectedAccount{UserID: "u1", Toolkit: "github"})
	if got := srv.ConnectedAccounts(); len(got) != 1 || got[0].ID != a.ID {
		t.Errorf("ConnectedAccounts %+v", got)
	}
	id := upsert(t, c, "GITHUB_COMMIT_EVENT", gen.UpsertTriggerInstanceRequest{UserID: ptr("u1"), TriggerConfig: repoConfig("o", "r")})
	if d, err := c.DeleteTriggerInstanceWithResponse(ctx, id); err != nil || d.StatusCode() != 200 {
		t.Fatal(err)
	}
	clk.Advance(2 * time.Minute)
	d, err := c.DeleteTriggerInstanceWithResponse(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 410, d.Body, d.JSON410, d.StatusCode(), "TRIGGER_INSTANCE_GONE")

	// Project id in project events.
	rs, got := receiver(t)
	sub, err := c.CreateWebhookSubscriptionWithResponse(ctx, gen.CreateWebhookSubscriptionRequest{WebhookURL: rs.URL, EnabledEvents: []string{"composio.trigger.disabled"}})
	if err != nil || sub.JSON201 == nil {
		t.Fatal(err)
	}
	resp, err := srv.DeliverProjectEvent(ctx, "composio.trigger.disabled", json.RawMessage(`{"id":"ti_x"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if b := got()[0].body; !bytes.Contains(b, []byte(`"project_id":"pr_custom"`)) {
		t.Errorf("body %s", b)
	}

	// The logger sees violations.
	req, _ := http.NewRequest("GET", srv.URL+"/api/v3.1/nope", nil)
	req.Header.Set("x-api-key", srv.APIKey())
	if resp, err := srv.Client().Do(req); err == nil {
		resp.Body.Close()
	}
	if !strings.Contains(logs.String(), "contract violation") || len(tb.errors()) != 1 {
		t.Errorf("logs:\n%s\nErrorf: %v", logs.String(), tb.errors())
	}
}
