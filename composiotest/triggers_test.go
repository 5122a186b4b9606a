package composiotest

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/triggergen/triggergen/catalog"
	"github.com/triggergen/triggergen/gen"
)

func repoConfig(owner, repo string) *map[string]any {
	return &map[string]any{"owner": owner, "repo": repo}
}

// upsert upserts a trigger instance and returns its id; the answer must be
// 201 (created) or 200 (an existing instance).
func upsert(t *testing.T, c *gen.ClientWithResponses, slug string, body gen.UpsertTriggerInstanceRequest) string {
	t.Helper()
	id, _ := upsertStatus(t, c, slug, body)
	return id
}

// upsertStatus is upsert that also returns the status, 201 or 200.
func upsertStatus(t *testing.T, c *gen.ClientWithResponses, slug string, body gen.UpsertTriggerInstanceRequest) (string, int) {
	t.Helper()
	r, err := c.UpsertTriggerInstanceWithResponse(context.Background(), slug, body)
	res := r.JSON201
	if r != nil && r.JSON200 != nil {
		res = r.JSON200
	}
	if err != nil || res == nil {
		t.Fatalf("upsert %s: %v %d %s", slug, err, r.StatusCode(), r.Body)
	}
	if !strings.HasPrefix(res.TriggerID, "ti_") {
		t.Errorf("trigger_id %q", res.TriggerID)
	}
	return res.TriggerID, r.StatusCode()
}

func TestUpsertResolvesNewestActiveAccount(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := NewServer(t, WithClock(clk.Now))
	c := client(t, srv)
	t0 := clk.Now()
	srv.AddConnectedAccount(ConnectedAccount{ID: "ca_old", UserID: "u1", Toolkit: "github", CreatedAt: t0})
	srv.AddConnectedAccount(ConnectedAccount{ID: "ca_mid", UserID: "u1", Toolkit: "github", CreatedAt: t0.Add(time.Hour)})
	srv.AddConnectedAccount(ConnectedAccount{ID: "ca_expired", UserID: "u1", Toolkit: "github", Status: "EXPIRED", CreatedAt: t0.Add(2 * time.Hour)})
	srv.AddConnectedAccount(ConnectedAccount{ID: "ca_slack", UserID: "u1", Toolkit: "slack", CreatedAt: t0.Add(3 * time.Hour)})
	srv.AddConnectedAccount(ConnectedAccount{ID: "ca_other", UserID: "u2", Toolkit: "github", CreatedAt: t0.Add(4 * time.Hour)})

	id := upsert(t, c, "GITHUB_COMMIT_EVENT", gen.UpsertTriggerInstanceRequest{UserID: ptr("u1"), TriggerConfig: repoConfig("o", "r")})
	tis := srv.TriggerInstances()
	if len(tis) != 1 || tis[0].ID != id || tis[0].ConnectedAccountID != "ca_mid" || tis[0].UserID != "u1" ||
		tis[0].Slug != "GITHUB_COMMIT_EVENT" || tis[0].ToolkitVersion != catalog.Version {
		t.Errorf("instances %+v", tis)
	}

	// A pinned account wins; an account of another toolkit is refused.
	id2 := upsert(t, c, "GITHUB_COMMIT_EVENT", gen.UpsertTriggerInstanceRequest{ConnectedAccountID: ptr("ca_old"), TriggerConfig: repoConfig("o", "r")})
	if id2 == id {
		t.Error("another account must make another trigger instance")
	}
	r, err := c.UpsertTriggerInstanceWithResponse(context.Background(), "GITHUB_COMMIT_EVENT",
		gen.UpsertTriggerInstanceRequest{ConnectedAccountID: ptr("ca_slack"), TriggerConfig: repoConfig("o", "r")})
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 400, r.Body, r.JSON400, r.StatusCode(), "CONNECTED_ACCOUNT_TOOLKIT_MISMATCH")
	r, err = c.UpsertTriggerInstanceWithResponse(context.Background(), "GITHUB_COMMIT_EVENT",
		gen.UpsertTriggerInstanceRequest{ConnectedAccountID: ptr("ca_nope"), TriggerConfig: repoConfig("o", "r")})
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 404, r.Body, r.JSON404, r.StatusCode(), "CONNECTED_ACCOUNT_NOT_FOUND")
}

func TestUpsertWithoutAccount(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	c := client(t, srv)
	srv.AddConnectedAccount(ConnectedAccount{UserID: "u1", Toolkit: "github", Status: "EXPIRED"})
	ctx := context.Background()
	r, err := c.UpsertTriggerInstanceWithResponse(ctx, "GITHUB_COMMIT_EVENT", gen.UpsertTriggerInstanceRequest{UserID: ptr("u1"), TriggerConfig: repoConfig("o", "r")})
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 400, r.Body, r.JSON400, r.StatusCode(), "CONNECTED_ACCOUNT_NOT_FOUND", "No connected account found", "github", "u1")
	r, err = c.UpsertTriggerInstanceWithResponse(ctx, "GITHUB_COMMIT_EVENT", gen.UpsertTriggerInstanceRequest{TriggerConfig: repoConfig("o", "r")})
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 400, r.Body, r.JSON400, r.StatusCode(), "VALIDATION_ERROR", "user_id")
	r, err = c.UpsertTriggerInstanceWithResponse(ctx, "NOT_A_TRIGGER", gen.UpsertTriggerInstanceRequest{UserID: ptr("u1")})
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 400, r.Body, r.JSON400, r.StatusCode(), "TRIGGER_TYPE_NOT_FOUND")
}

func TestUpsertValidatesConfig(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	c := client(t, srv)
	srv.AddConnectedAccount(ConnectedAccount{UserID: "u1", Toolkit: "github"})
	ctx := context.Background()
	cases := []struct {
		cfg  map[string]any
		path string
	}{
		{map[string]any{"owner": "o"}, "/trigger_config/repo"},
		{map[string]any{"owner": 42, "repo": "r"}, "/trigger_config/owner"},
		{nil, "/trigger_config/owner"},
	}
	for _, tc := range cases {
		body := gen.UpsertTriggerInstanceRequest{UserID: ptr("u1")}
		if tc.cfg != nil {
			body.TriggerConfig = &tc.cfg
		}
		r, err := c.UpsertTriggerInstanceWithResponse(ctx, "GITHUB_COMMIT_EVENT", body)
		if err != nil {
			t.Fatal(err)
		}
		wantError(t, 422, r.Body, r.JSON422, r.StatusCode(), "INVALID_TRIGGER_CONFIG", tc.path)
		if r.JSON422 != nil && (r.JSON422.Error.Errors == nil || !strings.Contains(strings.Join(*r.JSON422.Error.Errors, "\n"), tc.path)) {
			t.Errorf("errors %v lack %s", r.JSON422.Error.Errors, tc.path)
		}
	}
	if n := len(srv.TriggerInstances()); n != 0 {
		t.Errorf("%d instances after invalid upserts", n)
	}
}

func TestUpsertSameConfigSameIDAndReenables(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	c := client(t, srv)
	srv.AddConnectedAccount(ConnectedAccount{UserID: "u1", Toolkit: "github"})
	ctx := context.Background()
	body := gen.UpsertTriggerInstanceRequest{UserID: ptr("u1"), TriggerConfig: repoConfig("o", "r")}
	// 201 on a create, 200 when the same configuration finds the instance.
	id, status := upsertStatus(t, c, "GITHUB_COMMIT_EVENT", body)
	if status != 201 {
		t.Errorf("create: status %d, want 201", status)
	}
	if again, status := upsertStatus(t, c, "github_commit_event", body); again != id || status != 200 {
		t.Errorf("same configuration: %s, then %s with status %d, want the same id with 200", id, again, status)
	}
	if other, status := upsertStatus(t, c, "GITHUB_COMMIT_EVENT", gen.UpsertTriggerInstanceRequest{UserID: ptr("u1"), TriggerConfig: repoConfig("o", "other")}); other == id || status != 201 {
		t.Errorf("another configuration must make another trigger instance (201): %s, %d", other, status)
	}
	m, err := c.ManageTriggerInstanceWithResponse(ctx, id, gen.ManageTriggerInstanceRequest{Status: gen.TriggerInstanceActionDisable})
	if err != nil || m.JSON200 == nil {
		t.Fatal(err)
	}
	if again, status := upsertStatus(t, c, "GITHUB_COMMIT_EVENT", body); again != id || status != 200 {
		t.Errorf("re-upsert of a disabled instance: %s (%d), want %s (200)", again, status, id)
	}
	for _, ti := range srv.TriggerInstances() {
		if ti.ID == id && ti.Disabled {
			t.Error("re-upsert did not re-enable the instance")
		}
	}
	l, err := c.ListActiveTriggersWithResponse(ctx, &gen.ListActiveTriggersParams{TriggerIDs: &[]string{id}})
	if err != nil || l.JSON200 == nil || len(l.JSON200.Items) != 1 || l.JSON200.Items[0].DisabledAt != nil {
		t.Errorf("list: %v %s", err, l.Body)
	}
}

func TestUpsertRequiresWebhookEndpoint(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	c := client(t, srv)
	ctx := context.Background()
	srv.AddConnectedAccount(ConnectedAccount{UserID: "u1", Toolkit: "slack"})
	srv.SetRequiresWebhookEndpointSetup("slack_receive_message", true)

	g, err := c.GetTriggerTypeWithResponse(ctx, "SLACK_RECEIVE_MESSAGE", nil)
	if err != nil || g.JSON200 == nil || g.JSON200.RequiresWebhookEndpointSetup == nil || !*g.JSON200.RequiresWebhookEndpointSetup {
		t.Fatalf("flag not served: %v %s", err, g.Body)
	}
	body := gen.UpsertTriggerInstanceRequest{UserID: ptr("u1"), TriggerConfig: &map[string]any{}}
	r, err := c.UpsertTriggerInstanceWithResponse(ctx, "SLACK_RECEIVE_MESSAGE", body)
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 400, r.Body, r.JSON400, r.StatusCode(), "WEBHOOK_ENDPOINT_REQUIRED", "webhook endpoint must be set up for toolkit slack")
	// Other slack trigger types are not gated.
	upsert(t, c, "SLACK_CHANNEL_CREATED", body)

	e, err := c.CreateWebhookEndpointWithResponse(ctx, gen.CreateWebhookEndpointRequest{ToolkitSlug: "slack", ClientID: "123.456"})
	if err != nil || e.JSON201 == nil {
		t.Fatal(err)
	}
	upsert(t, c, "SLACK_RECEIVE_MESSAGE", body)
}

func TestUpsertRecordsToolkitVersion(t *testing.T) {
	t.Parallel()
	srv := twoVersionServer(t)
	c := client(t, srv)
	ctx := context.Background()
	srv.AddConnectedAccount(ConnectedAccount{UserID: "u1", Toolkit: "github"})

	var pinned, latest gen.ToolkitVersions
	if err := pinned.FromToolkitVersionMap(gen.ToolkitVersionMap{"github": catalog.Version}); err != nil {
		t.Fatal(err)
	}
	if err := latest.FromToolkitVersionString("latest"); err != nil {
		t.Fatal(err)
	}
	old := upsert(t, c, "GITHUB_COMMIT_EVENT", gen.UpsertTriggerInstanceRequest{UserID: ptr("u1"), TriggerConfig: repoConfig("o", "r"), ToolkitVersions: &pinned})
	// The newer version's schema requires branch.
	r, err := c.UpsertTriggerInstanceWithResponse(ctx, "GITHUB_COMMIT_EVENT", gen.UpsertTriggerInstanceRequest{UserID: ptr("u1"), TriggerConfig: repoConfig("o", "r"), ToolkitVersions: &latest})
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 422, r.Body, r.JSON422, r.StatusCode(), "INVALID_TRIGGER_CONFIG", "/trigger_config/branch")
	cfg := map[string]any{"owner": "o", "repo": "r", "branch": "main"}
	newID := upsert(t, c, "GITHUB_COMMIT_EVENT", gen.UpsertTriggerInstanceRequest{UserID: ptr("u1"), TriggerConfig: &cfg})
	versions := map[string]string{}
	for _, ti := range srv.TriggerInstances() {
		versions[ti.ID] = ti.ToolkitVersion
	}
	if versions[old] != catalog.Version || versions[newID] != "20260101_00" {
		t.Errorf("versions %v", versions)
	}
	l, err := c.ListActiveTriggersWithResponse(ctx, &gen.ListActiveTriggersParams{TriggerIDs: &[]string{newID}})
	if err != nil || l.JSON200 == nil || len(l.JSON200.Items) != 1 || *l.JSON200.Items[0].Version != "20260101_00" {
		t.Errorf("list: %v %s", err, l.Body)
	}

	var bad gen.ToolkitVersions
	if err := bad.FromToolkitVersionMap(gen.ToolkitVersionMap{"github": "19990101_00"}); err != nil {
		t.Fatal(err)
	}
	r, err = c.UpsertTriggerInstanceWithResponse(ctx, "GITHUB_COMMIT_EVENT", gen.UpsertTriggerInstanceRequest{UserID: ptr("u1"), TriggerConfig: &cfg, ToolkitVersions: &bad})
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 400, r.Body, r.JSON400, r.StatusCode(), "TOOLKIT_VERSION_NOT_FOUND", "19990101_00")
}

func TestListActiveTriggersFilters(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	c := client(t, srv)
	ctx := context.Background()
	a1 := srv.AddConnectedAccount(ConnectedAccount{UserID: "u1", Toolkit: "github", AuthConfigID: "ac_one"})
	a2 := srv.AddConnectedAccount(ConnectedAccount{UserID: "u2", Toolkit: "github", AuthConfigID: "ac_two"})
	srv.AddConnectedAccount(ConnectedAccount{UserID: "u2", Toolkit: "outlook", AuthConfigID: "ac_three"})
	t1 := upsert(t, c, "GITHUB_COMMIT_EVENT", gen.UpsertTriggerInstanceRequest{ConnectedAccountID: &a1.ID, TriggerConfig: repoConfig("o", "r")})
	t2 := upsert(t, c, "GITHUB_STAR_ADDED_EVENT", gen.UpsertTriggerInstanceRequest{ConnectedAccountID: &a2.ID, TriggerConfig: repoConfig("o", "r")})
	t3 := upsert(t, c, "OUTLOOK_OUTLOOK_MESSAGE_TRIGGER", gen.UpsertTriggerInstanceRequest{UserID: ptr("u2")})
	t4 := upsert(t, c, "GITHUB_COMMIT_EVENT", gen.UpsertTriggerInstanceRequest{ConnectedAccountID: &a2.ID, TriggerConfig: repoConfig("o", "r2")})
	if m, err := c.ManageTriggerInstanceWithResponse(ctx, t4, gen.ManageTriggerInstanceRequest{Status: gen.TriggerInstanceActionDisable}); err != nil || m.StatusCode() != 200 {
		t.Fatal(err)
	}
	ids := func(p *gen.ListActiveTriggersParams) string {
		t.Helper()
		r, err := c.ListActiveTriggersWithResponse(ctx, p)
		if err != nil || r.JSON200 == nil {
			t.Fatalf("%v %s", err, r.Body)
		}
		var out []string
		for _, it := range r.JSON200.Items {
			out = append(out, it.ID)
		}
		sort.Strings(out)
		return strings.Join(out, ",")
	}
	join := func(s ...string) string { sort.Strings(s); return strings.Join(s, ",") }
	cases := []struct {
		name string
		p    *gen.ListActiveTriggersParams
		want string
	}{
		{"all enabled", nil, join(t1, t2, t3)},
		{"show_disabled", &gen.ListActiveTriggersParams{ShowDisabled: ptr(true)}, join(t1, t2, t3, t4)},
		{"connected_account_ids", &gen.ListActiveTriggersParams{ConnectedAccountIDs: &[]string{a2.ID}, ShowDisabled: ptr(true)}, join(t2, t4)},
		{"auth_config_ids", &gen.ListActiveTriggersParams{AuthConfigIDs: &[]string{"ac_one", "ac_three"}}, join(t1, t3)},
		{"trigger_ids", &gen.ListActiveTriggersParams{TriggerIDs: &[]string{t1, t4}}, join(t1)},
		{"trigger_names case-insensitive", &gen.ListActiveTriggersParams{TriggerNames: &[]string{"github_commit_event"}, ShowDisabled: ptr(true)}, join(t1, t4)},
		{"user_ids", &gen.ListActiveTriggersParams{UserIDs: &[]string{"u2"}}, join(t2, t3)},
		{"combined", &gen.ListActiveTriggersParams{UserIDs: &[]string{"u2"}, TriggerNames: &[]string{"GITHUB_STAR_ADDED_EVENT", "GITHUB_COMMIT_EVENT"}}, join(t2)},
	}
	for _, tc := range cases {
		if got := ids(tc.p); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
	// Pagination.
	r, err := c.ListActiveTriggersWithResponse(ctx, &gen.ListActiveTriggersParams{Limit: ptr(2), ShowDisabled: ptr(true)})
	if err != nil || r.JSON200 == nil {
		t.Fatal(err)
	}
	if len(r.JSON200.Items) != 2 || r.JSON200.TotalItems != 4 || r.JSON200.TotalPages != 2 || r.JSON200.NextCursor == nil {
		t.Fatalf("page 1: %s", r.Body)
	}
	r, err = c.ListActiveTriggersWithResponse(ctx, &gen.ListActiveTriggersParams{Limit: ptr(2), ShowDisabled: ptr(true), Cursor: r.JSON200.NextCursor})
	if err != nil || r.JSON200 == nil || len(r.JSON200.Items) != 2 || r.JSON200.NextCursor != nil || r.JSON200.CurrentPage != 2 {
		t.Fatalf("page 2: %v %s", err, r.Body)
	}
	// The wire item carries what the description requires.
	it := r.JSON200.Items[0]
	if it.TriggerName == "" || it.ConnectedAccountUUID == "" || it.UpdatedAt == "" || it.TriggerConfig == nil {
		t.Errorf("item %+v", it)
	}
}

func TestManageAndDelete(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := NewServer(t, WithClock(clk.Now))
	c := client(t, srv)
	ctx := context.Background()
	srv.AddConnectedAccount(ConnectedAccount{UserID: "u1", Toolkit: "github"})
	id := upsert(t, c, "GITHUB_COMMIT_EVENT", gen.UpsertTriggerInstanceRequest{UserID: ptr("u1"), TriggerConfig: repoConfig("o", "r")})

	manage := func(action gen.TriggerInstanceAction) *gen.ManageTriggerInstanceResponse {
		t.Helper()
		r, err := c.ManageTriggerInstanceWithResponse(ctx, id, gen.ManageTriggerInstanceRequest{Status: action})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := manage(gen.TriggerInstanceActionEnable); true {
		wantError(t, 409, r.Body, r.JSON409, r.StatusCode(), "TRIGGER_INSTANCE_ALREADY_ENABLED", "already enabled")
	}
	if r := manage(gen.TriggerInstanceActionDisable); r.JSON200 == nil || r.JSON200.Status != gen.ManageTriggerInstanceResultStatusSuccess {
		t.Fatalf("disable: %s", r.Body)
	}
	l, err := c.ListActiveTriggersWithResponse(ctx, &gen.ListActiveTriggersParams{ShowDisabled: ptr(true)})
	if err != nil || l.JSON200 == nil || len(l.JSON200.Items) != 1 || l.JSON200.Items[0].DisabledAt == nil {
		t.Fatalf("disabled_at not set: %s", l.Body)
	}
	if r := manage(gen.TriggerInstanceActionDisable); true {
		wantError(t, 409, r.Body, r.JSON409, r.StatusCode(), "TRIGGER_INSTANCE_ALREADY_DISABLED", "already disabled")
	}
	if r := manage(gen.TriggerInstanceActionEnable); r.JSON200 == nil {
		t.Fatalf("enable: %s", r.Body)
	}

	d, err := c.DeleteTriggerInstanceWithResponse(ctx, id)
	if err != nil || d.JSON200 == nil || d.JSON200.TriggerID != id {
		t.Fatalf("delete: %v %s", err, d.Body)
	}
	d, err = c.DeleteTriggerInstanceWithResponse(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 409, d.Body, d.JSON409, d.StatusCode(), "TRIGGER_INSTANCE_ALREADY_DELETED")
	if r := manage(gen.TriggerInstanceActionDisable); true {
		wantError(t, 410, r.Body, r.JSON410, r.StatusCode(), "TRIGGER_INSTANCE_GONE")
	}
	clk.Advance(DefaultDeletedRetention + time.Minute)
	d, err = c.DeleteTriggerInstanceWithResponse(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 410, d.Body, d.JSON410, d.StatusCode(), "TRIGGER_INSTANCE_GONE")
	d, err = c.DeleteTriggerInstanceWithResponse(ctx, "ti_never")
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 404, d.Body, d.JSON404, d.StatusCode(), "TRIGGER_INSTANCE_NOT_FOUND")
	r, err := c.ManageTriggerInstanceWithResponse(ctx, "ti_never", gen.ManageTriggerInstanceRequest{Status: gen.TriggerInstanceActionEnable})
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 404, r.Body, r.JSON404, r.StatusCode(), "TRIGGER_INSTANCE_NOT_FOUND")

	// Deleted instances are not listed, and an upsert of the same
	// configuration makes a new one.
	l, err = c.ListActiveTriggersWithResponse(ctx, &gen.ListActiveTriggersParams{ShowDisabled: ptr(true)})
	if err != nil || l.JSON200 == nil || len(l.JSON200.Items) != 0 {
		t.Fatalf("deleted listed: %s", l.Body)
	}
	if again := upsert(t, c, "GITHUB_COMMIT_EVENT", gen.UpsertTriggerInstanceRequest{UserID: ptr("u1"), TriggerConfig: repoConfig("o", "r")}); again == id {
		t.Error("upsert after delete reused the deleted id")
	}
	tis := srv.TriggerInstances()
	if len(tis) != 2 || !tis[0].Deleted || tis[1].Deleted {
		t.Errorf("instances %+v", tis)
	}
}
