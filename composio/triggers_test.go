package composio_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/composiotest"
	"github.com/triggergen/triggergen/trigger"
)

var t0 = time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)

func upsertBody(t *testing.T, srv *composiotest.Server) map[string]json.RawMessage {
	t.Helper()
	ups := requests(srv, "POST", "/upsert")
	if len(ups) == 0 {
		t.Fatal("no upsert request")
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(ups[len(ups)-1].Body, &body); err != nil {
		t.Fatal(err)
	}
	return body
}

func TestCreateTriggerPinsConfigVersion(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	addAccount(srv, "ca_gh", "alice", "github", "ACTIVE", t0)
	c := newClient(t, srv)
	tr, err := c.CreateTrigger(ctxT(t), composio.CreateTriggerParams{UserID: "alice", Config: CommitEventConfig{Owner: "octo", Repo: "hello"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tr.ID, "ti_") || tr.Slug != "GITHUB_COMMIT_EVENT" || tr.ToolkitVersion != "20250729_00" {
		t.Errorf("trigger = %+v", tr)
	}
	body := upsertBody(t, srv)
	if got := string(body["toolkit_versions"]); got != `{"github":"20250729_00"}` {
		t.Errorf("toolkit_versions = %s", got)
	}
	if got := string(body["user_id"]); got != `"alice"` {
		t.Errorf("user_id = %s", got)
	}
	if got := string(body["trigger_config"]); got != `{"owner":"octo","repo":"hello"}` {
		t.Errorf("trigger_config = %s", got)
	}
	if _, ok := body["connected_account_id"]; ok {
		t.Error("connected_account_id sent without ConnectedAccountID")
	}
	inst := srv.TriggerInstances()
	if len(inst) != 1 || inst[0].ToolkitVersion != "20250729_00" || inst[0].ConnectedAccountID != "ca_gh" || inst[0].ID != tr.ID {
		t.Errorf("stored = %+v", inst)
	}
}

func TestCreateTriggerVersionOverrides(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		clientOpts []composio.Option
		callOpts   []composio.Option
		env        map[string]string
		want       string
	}{
		{"call latest", nil, []composio.Option{composio.WithToolkitVersion("github", "latest")}, nil, `"latest"`},
		{"client latest for all", []composio.Option{composio.WithToolkitVersion(composio.AllToolkits, composio.Latest)}, nil, nil, `"latest"`},
		{"client pin", []composio.Option{composio.WithToolkitVersion("GitHub", "20990101_00")}, nil, nil, `{"github":"20990101_00"}`},
		{"env pin", nil, nil, map[string]string{"COMPOSIO_TOOLKIT_VERSION_GITHUB": "20990202_00"}, `{"github":"20990202_00"}`},
		{"call beats client", []composio.Option{composio.WithToolkitVersion("github", "20990101_00")}, []composio.Option{composio.WithToolkitVersion("github", "20250729_00")}, nil, `{"github":"20250729_00"}`},
		{"toolkit pin beats all", []composio.Option{composio.WithToolkitVersion(composio.AllToolkits, composio.Latest), composio.WithToolkitVersion("github", "20250729_00")}, nil, nil, `{"github":"20250729_00"}`},
		{"client toolkit pin beats call all", []composio.Option{composio.WithToolkitVersion("github", "20250729_00")}, []composio.Option{composio.WithToolkitVersion(composio.AllToolkits, composio.Latest)}, nil, `{"github":"20250729_00"}`},
		{"all beats env", []composio.Option{composio.WithToolkitVersion(composio.AllToolkits, composio.Latest)}, nil, map[string]string{"COMPOSIO_TOOLKIT_VERSION_GITHUB": "20990202_00"}, `"latest"`},
		{"other toolkit's pin ignored", []composio.Option{composio.WithToolkitVersion("slack", "20990101_00")}, nil, nil, `{"github":"20250729_00"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := composiotest.NewServer(t)
			addAccount(srv, "ca_gh", "alice", "github", "ACTIVE", t0)
			opts := append([]composio.Option{composio.WithGetenv(func(k string) string { return tc.env[k] })}, tc.clientOpts...)
			c := newClient(t, srv, opts...)
			_, err := c.CreateTrigger(ctxT(t), composio.CreateTriggerParams{UserID: "alice", Config: CommitEventConfig{Owner: "o", Repo: "r"}}, tc.callOpts...)
			if strings.Contains(tc.want, "2099") {
				// The fake knows no such version: a 400 that reads as not found.
				if !errors.Is(err, composio.ErrNotFound) {
					t.Errorf("err = %v, want ErrNotFound for an unknown version", err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if got := string(upsertBody(t, srv)["toolkit_versions"]); got != tc.want {
				t.Errorf("toolkit_versions = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestCreateTriggerInvalidConfigSendsNothing(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	c := newClient(t, srv)
	_, err := c.CreateTrigger(ctxT(t), composio.CreateTriggerParams{UserID: "alice", Config: CommitEventConfig{Owner: "octo"}})
	var ve *trigger.ValidationError
	if !errors.As(err, &ve) || ve.Path != "/repo" {
		t.Fatalf("err = %v, want a *trigger.ValidationError at /repo", err)
	}
	if !errors.Is(err, trigger.ErrInvalid) {
		t.Error("not trigger.ErrInvalid")
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent for an invalid config", n)
	}
	if _, err := c.CreateTrigger(ctxT(t), composio.CreateTriggerParams{UserID: "", Config: CommitEventConfig{Owner: "o", Repo: "r"}}); err == nil {
		t.Error("empty user id accepted")
	}
	if _, err := c.CreateTrigger(ctxT(t), composio.CreateTriggerParams{UserID: "alice", Config: nil}); err == nil {
		t.Error("nil config accepted")
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent for invalid input", n)
	}
}

func TestCreateTriggerUsesNewestActiveAccount(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	addAccount(srv, "ca_old", "alice", "github", "ACTIVE", t0)
	addAccount(srv, "ca_new", "alice", "github", "ACTIVE", t0.Add(2*time.Hour))
	addAccount(srv, "ca_newest_expired", "alice", "github", "EXPIRED", t0.Add(3*time.Hour))
	addAccount(srv, "ca_other_user", "bob", "github", "ACTIVE", t0.Add(4*time.Hour))
	addAccount(srv, "ca_other_toolkit", "alice", "slack", "ACTIVE", t0.Add(5*time.Hour))
	var logs bytes.Buffer
	c := newClient(t, srv, composio.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))

	acct, err := c.ResolveConnectedAccount(ctxT(t), "alice", "github")
	if err != nil {
		t.Fatal(err)
	}
	if acct.ID != "ca_new" || acct.Status != "ACTIVE" || acct.Toolkit != "github" || !acct.CreatedAt.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("resolved %+v, want ca_new", acct)
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "ca_old") {
		t.Errorf("no warning about several accounts: %q", logs.String())
	}

	if _, err := c.CreateTrigger(ctxT(t), composio.CreateTriggerParams{UserID: "alice", Config: CommitEventConfig{Owner: "o", Repo: "r"}}); err != nil {
		t.Fatal(err)
	}
	if got := srv.TriggerInstances()[0].ConnectedAccountID; got != "ca_new" {
		t.Errorf("trigger on %s, want ca_new", got)
	}
}

func TestResolveConnectedAccountSingleDoesNotWarn(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	addAccount(srv, "ca_1", "alice", "github", "ACTIVE", t0)
	var logs bytes.Buffer
	c := newClient(t, srv, composio.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if a, err := c.ResolveConnectedAccount(ctxT(t), "alice", "github"); err != nil || a.ID != "ca_1" {
		t.Fatalf("got %v, %v", a, err)
	}
	if logs.Len() != 0 {
		t.Errorf("unexpected log: %s", logs.String())
	}
}

func TestNoConnectedAccount(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	addAccount(srv, "ca_expired", "alice", "github", "EXPIRED", t0)
	c := newClient(t, srv)
	_, err := c.ResolveConnectedAccount(ctxT(t), "alice", "github")
	if !errors.Is(err, composio.ErrNoConnectedAccount) {
		t.Fatalf("err = %v, want ErrNoConnectedAccount", err)
	}
	var nca *composio.NoConnectedAccountError
	if !errors.As(err, &nca) || nca.UserID != "alice" || nca.Toolkit != "github" {
		t.Errorf("err = %#v", err)
	}
	// CreateTrigger lets the server resolve; its 400 matches the same sentinel.
	_, err = c.CreateTrigger(ctxT(t), composio.CreateTriggerParams{UserID: "alice", Config: CommitEventConfig{Owner: "o", Repo: "r"}})
	if !errors.Is(err, composio.ErrNoConnectedAccount) {
		t.Fatalf("create: err = %v, want ErrNoConnectedAccount", err)
	}
	if errors.Is(err, composio.ErrNotFound) || errors.Is(err, composio.ErrWebhookEndpointRequired) {
		t.Errorf("create: err matches too much: %v", err)
	}
}

func TestCreateTriggerExplicitAccount(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	addAccount(srv, "ca_old", "alice", "github", "ACTIVE", t0)
	addAccount(srv, "ca_new", "alice", "github", "ACTIVE", t0.Add(time.Hour))
	c := newClient(t, srv)
	tr, err := c.CreateTrigger(ctxT(t), composio.CreateTriggerParams{UserID: "alice", ConnectedAccountID: "ca_old", Config: CommitEventConfig{Owner: "o", Repo: "r"}})
	if err != nil {
		t.Fatal(err)
	}
	if tr.ConnectedAccountID != "ca_old" {
		t.Errorf("trigger = %+v", tr)
	}
	if got := string(upsertBody(t, srv)["connected_account_id"]); got != `"ca_old"` {
		t.Errorf("connected_account_id = %s", got)
	}
	if got := srv.TriggerInstances()[0].ConnectedAccountID; got != "ca_old" {
		t.Errorf("stored on %s, want ca_old", got)
	}
}

func TestCreateTriggerWebhookEndpointRequired(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	addAccount(srv, "ca_slack", "alice", "slack", "ACTIVE", t0)
	srv.SetRequiresWebhookEndpointSetup("SLACK_RECEIVE_MESSAGE", true)
	c := newClient(t, srv)
	_, err := c.CreateTrigger(ctxT(t), composio.CreateTriggerParams{UserID: "alice", Config: slackMessageConfig{}})
	if !errors.Is(err, composio.ErrWebhookEndpointRequired) {
		t.Fatalf("err = %v, want ErrWebhookEndpointRequired", err)
	}
	var apiErr *composio.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 400 {
		t.Errorf("want the API's 400 underneath, got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{`"slack"`, "SLACK_RECEIVE_MESSAGE", "SetupWebhookEndpoint"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
	if n := len(requests(srv, "POST", "/upsert")); n != 1 {
		t.Errorf("%d upserts, want 1 (a 400 is not retried)", n)
	}
}

func TestActiveTriggersFiltersAndPages(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	addAccount(srv, "ca_a", "alice", "github", "ACTIVE", t0)
	addAccount(srv, "ca_b", "bob", "github", "ACTIVE", t0)
	c := newClient(t, srv)
	ctx := ctxT(t)
	var ids []string
	for _, repo := range []string{"r1", "r2", "r3"} {
		tr, err := c.CreateTrigger(ctx, composio.CreateTriggerParams{UserID: "alice", Config: CommitEventConfig{Owner: "o", Repo: repo}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tr.ID)
	}
	if _, err := c.CreateTrigger(ctx, composio.CreateTriggerParams{UserID: "bob", Config: CommitEventConfig{Owner: "o", Repo: "b"}}); err != nil {
		t.Fatal(err)
	}
	collect := func(f composio.ActiveTriggersParams) []composio.Trigger {
		t.Helper()
		var out []composio.Trigger
		for tr, err := range c.ActiveTriggers(ctx, f) {
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, tr)
		}
		return out
	}
	if got := collect(composio.ActiveTriggersParams{UserIDs: []string{"alice"}, PageSize: 1}); len(got) != 3 {
		t.Errorf("alice: %d triggers, want 3", len(got))
	} else if got[0].ConnectedAccountID != "ca_a" || got[0].Slug != "GITHUB_COMMIT_EVENT" || got[0].UserID != "alice" || !strings.Contains(string(got[0].Config), `"owner"`) {
		t.Errorf("item = %+v", got[0])
	}
	if got := collect(composio.ActiveTriggersParams{TriggerIDs: ids[:2]}); len(got) != 2 {
		t.Errorf("by id: %d", len(got))
	}
	if got := collect(composio.ActiveTriggersParams{ConnectedAccountIDs: []string{"ca_b"}, TriggerNames: []string{"github_commit_event"}}); len(got) != 1 || got[0].UserID != "bob" {
		t.Errorf("by account+name: %+v", got)
	}
	if got := collect(composio.ActiveTriggersParams{AuthConfigIDs: []string{"ac_github"}}); len(got) != 4 {
		t.Errorf("by auth config: %d", len(got))
	}

	if err := c.DisableTrigger(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	if got := collect(composio.ActiveTriggersParams{UserIDs: []string{"alice"}}); len(got) != 2 {
		t.Errorf("disabled trigger listed: %d", len(got))
	}
	got := collect(composio.ActiveTriggersParams{UserIDs: []string{"alice"}, ShowDisabled: true})
	if len(got) != 3 {
		t.Fatalf("ShowDisabled: %d", len(got))
	}
	for _, tr := range got {
		if (tr.ID == ids[0]) != tr.Disabled {
			t.Errorf("%s disabled = %v", tr.ID, tr.Disabled)
		}
	}
}

func TestEnableDisable(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	addAccount(srv, "ca_a", "alice", "github", "ACTIVE", t0)
	c := newClient(t, srv)
	ctx := ctxT(t)
	tr, err := c.CreateTrigger(ctx, composio.CreateTriggerParams{UserID: "alice", Config: CommitEventConfig{Owner: "o", Repo: "r"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.EnableTrigger(ctx, tr.ID); err != nil {
		t.Errorf("enable an enabled trigger: %v", err)
	}
	err = c.EnableTrigger(ctx, tr.ID, composio.WithErrorIfUnchanged())
	if !errors.Is(err, composio.ErrAlreadyInState) || !errors.Is(err, composio.ErrConflict) {
		t.Errorf("strict enable: %v", err)
	}
	if err := c.DisableTrigger(ctx, tr.ID); err != nil {
		t.Fatal(err)
	}
	if !srv.TriggerInstances()[0].Disabled {
		t.Error("not disabled")
	}
	if err := c.DisableTrigger(ctx, tr.ID); err != nil {
		t.Errorf("disable a disabled trigger: %v", err)
	}
	if err := c.DisableTrigger(ctx, tr.ID, composio.WithErrorIfUnchanged()); !errors.Is(err, composio.ErrAlreadyInState) {
		t.Errorf("strict disable: %v", err)
	}
	if err := c.EnableTrigger(ctx, tr.ID); err != nil || srv.TriggerInstances()[0].Disabled {
		t.Errorf("enable: %v", err)
	}
	if err := c.EnableTrigger(ctx, "ti_missing"); !errors.Is(err, composio.ErrNotFound) {
		t.Errorf("unknown trigger: %v", err)
	}
}

func TestDeleteTrigger(t *testing.T) {
	t.Parallel()
	var now atomic.Int64
	now.Store(t0.UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()).UTC() }
	srv := composiotest.NewServer(t, composiotest.WithClock(clock), composiotest.WithDeletedRetention(time.Hour))
	addAccount(srv, "ca_a", "alice", "github", "ACTIVE", t0)
	c := newClient(t, srv)
	ctx := ctxT(t)
	tr, err := c.CreateTrigger(ctx, composio.CreateTriggerParams{UserID: "alice", Config: CommitEventConfig{Owner: "o", Repo: "r"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteTrigger(ctx, tr.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteTrigger(ctx, tr.ID); err != nil {
		t.Errorf("second delete: %v, want success (the trigger is deleted)", err)
	}
	err = c.DeleteTrigger(ctx, tr.ID, composio.WithErrorIfUnchanged())
	if !errors.Is(err, composio.ErrAlreadyDeleted) || !errors.Is(err, composio.ErrConflict) {
		t.Errorf("strict second delete: %v, want ErrAlreadyDeleted", err)
	}
	var apiErr *composio.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 409 {
		t.Errorf("want a 409 APIError: %v", err)
	}
	now.Add(int64(2 * time.Hour))
	err = c.DeleteTrigger(ctx, tr.ID)
	if !errors.Is(err, composio.ErrGone) || errors.Is(err, composio.ErrAlreadyDeleted) {
		t.Errorf("delete after retention: %v, want ErrGone", err)
	}
	if err := c.EnableTrigger(ctx, tr.ID); !errors.Is(err, composio.ErrGone) {
		t.Errorf("enable deleted: %v, want ErrGone", err)
	}
}
