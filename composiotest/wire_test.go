package composiotest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/triggergen/triggergen/catalog"
	"github.com/triggergen/triggergen/gen"
)

// get sends a raw GET with the API key and returns the status and body.
func get(t *testing.T, srv *Server, uri string) (int, []byte) {
	t.Helper()
	return send(t, srv, http.MethodGet, uri, "")
}

func send(t *testing.T, srv *Server, method, uri, body string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, srv.URL+uri, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("x-api-key", srv.APIKey())
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// wantRawError decodes an Error envelope and checks its status, slug and
// message parts.
func wantRawError(t *testing.T, what string, status int, body []byte, gotStatus int, slug string, parts ...string) {
	t.Helper()
	var e gen.Error
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("%s: %v: %s", what, err, body)
	}
	t.Run(what, func(t *testing.T) { wantError(t, status, body, &e, gotStatus, slug, parts...) })
}

// TestConnectedAccountWireFields: the v3.1 fields of a connected account
// (word_id, alias, auth_config.auth_scheme, experimental) and a state that
// fits Composio's variant for its scheme and status.
func TestConnectedAccountWireFields(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	c := client(t, srv)
	ctx := context.Background()
	srv.AddConnectedAccount(ConnectedAccount{ID: "ca_oauth", UserID: "u1", Toolkit: "github", Alias: "work"})
	srv.AddConnectedAccount(ConnectedAccount{ID: "ca_jwt", UserID: "u1", Toolkit: "jira", AuthScheme: "BASIC_WITH_JWT", Status: "EXPIRED"})
	srv.AddConnectedAccount(ConnectedAccount{ID: "ca_shared", UserID: "u2", Toolkit: "github", AuthScheme: "API_KEY", Shared: true})

	g, err := c.GetConnectedAccountWithResponse(ctx, "ca_oauth")
	if err != nil || g.JSON200 == nil {
		t.Fatal(err)
	}
	a := g.JSON200
	if a.WordID != nil || a.Alias == nil || *a.Alias != "work" || a.AuthConfig.AuthScheme != gen.AuthSchemeOAUTH2 ||
		a.Experimental == nil || a.Experimental.AccountType != gen.ConnectedAccountTypePRIVATE || a.Experimental.ACLConfigForShared != nil {
		t.Errorf("fields: %s", g.Body)
	}
	// OAUTH2 + ACTIVE requires val.access_token: masked, as secrets are.
	if a.State.AuthScheme != gen.AuthSchemeOAUTH2 || a.State.Val.Status != gen.ConnectedAccountStatusACTIVE || a.State.Val.AdditionalProperties["access_token"] != SecretMask {
		t.Errorf("state: %s", g.Body)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(g.Body, &raw); err != nil {
		t.Fatal(err)
	}
	if _, ok := raw["deprecated"]; ok {
		t.Errorf("v3's deprecated object is not a v3.1 field: %s", g.Body)
	}
	if string(raw["alias"]) != `"work"` || string(raw["word_id"]) != "null" {
		t.Errorf("alias %s, word_id %s", raw["alias"], raw["word_id"])
	}

	g, err = c.GetConnectedAccountWithResponse(ctx, "ca_jwt")
	if err != nil || g.JSON200 == nil {
		t.Fatal(err)
	}
	if v := g.JSON200.State.Val; g.JSON200.State.AuthScheme != gen.AuthSchemeBASICWITHJWT || v.Status != gen.ConnectedAccountStatusEXPIRED ||
		v.AdditionalProperties["username"] == nil || v.AdditionalProperties["password"] != SecretMask || g.JSON200.Alias != nil {
		t.Errorf("BASIC_WITH_JWT/EXPIRED state: %s", g.Body)
	}

	// account_type: PRIVATE unless asked otherwise.
	ids := func(p *gen.ListConnectedAccountsParams) string {
		t.Helper()
		r, err := c.ListConnectedAccountsWithResponse(ctx, p)
		if err != nil || r.JSON200 == nil {
			t.Fatal(err)
		}
		var out []string
		for _, it := range r.JSON200.Items {
			out = append(out, it.ID)
		}
		slices.Sort(out)
		return strings.Join(out, ",")
	}
	for _, tc := range []struct {
		kind *gen.ConnectedAccountTypeFilter
		want string
	}{
		{nil, "ca_jwt,ca_oauth"},
		{ptr(gen.ConnectedAccountTypeFilterPRIVATE), "ca_jwt,ca_oauth"},
		{ptr(gen.ConnectedAccountTypeFilterSHARED), "ca_shared"},
		{ptr(gen.ConnectedAccountTypeFilterALL), "ca_jwt,ca_oauth,ca_shared"},
	} {
		if got := ids(&gen.ListConnectedAccountsParams{AccountType: tc.kind}); got != tc.want {
			t.Errorf("account_type %v: %s, want %s", deref(tc.kind), got, tc.want)
		}
	}
	g, err = c.GetConnectedAccountWithResponse(ctx, "ca_shared")
	if err != nil || g.JSON200 == nil {
		t.Fatal(err)
	}
	if e := g.JSON200.Experimental; e == nil || e.AccountType != gen.ConnectedAccountTypeSHARED || e.ACLConfigForShared == nil {
		t.Errorf("shared: %s", g.Body)
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestEveryAuthStateConforms answers an account of every scheme and status
// AuthStates lists; each must validate against the description (NewServer
// fails the test on a violation). internal/sdkcontract checks the same
// answers against Composio's own client types.
func TestEveryAuthStateConforms(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	c := client(t, srv)
	states := AuthStates()
	if len(states) != 75 {
		t.Errorf("%d auth states, want the 75 variants of Composio's v3.1 types", len(states))
	}
	for _, st := range states {
		srv.AddConnectedAccount(ConnectedAccount{UserID: "u", Toolkit: "github", AuthScheme: st.Scheme, Status: st.Status})
	}
	r, err := c.ListConnectedAccountsWithResponse(context.Background(), &gen.ListConnectedAccountsParams{Limit: ptr(100)})
	if err != nil || r.JSON200 == nil || len(r.JSON200.Items) != len(states) {
		t.Fatalf("%v %s", err, r.Body)
	}
	for _, a := range r.JSON200.Items {
		if string(a.State.AuthScheme) != string(a.AuthConfig.AuthScheme) || a.State.Val.Status != a.Status {
			t.Errorf("%s: state %s/%s, account %s/%s", a.ID, a.State.AuthScheme, a.State.Val.Status, a.AuthConfig.AuthScheme, a.Status)
		}
	}
}

// TestImpossibleAuthStateIsAViolation: a scheme and status that Composio's
// types have no state for would break the official SDK on every answer, so
// seeding one is reported, as is an unknown scheme.
func TestImpossibleAuthStateIsAViolation(t *testing.T) {
	t.Parallel()
	tb := &captureTB{TB: t}
	srv := NewServer(tb)
	srv.AddConnectedAccount(ConnectedAccount{ID: "ca_key", UserID: "u", Toolkit: "github", AuthScheme: "API_KEY", Status: "EXPIRED"})
	srv.AddConnectedAccount(ConnectedAccount{ID: "ca_magic", UserID: "u", Toolkit: "github", AuthScheme: "MAGIC"})
	srv.AddConnectedAccount(ConnectedAccount{ID: "ca_ok", UserID: "u", Toolkit: "github", AuthScheme: "API_KEY"})
	if !srv.SetConnectedAccountStatus("ca_ok", "REVOKED") {
		t.Fatal("SetConnectedAccountStatus")
	}
	got := strings.Join(srv.ContractViolations(), "\n")
	for _, want := range []string{
		"AddConnectedAccount ca_key: auth scheme API_KEY has no EXPIRED state in Composio's v3.1 types (want one of ACTIVE, INACTIVE, INITIALIZING, INITIATED)",
		`AddConnectedAccount ca_magic: unknown auth scheme "MAGIC"`,
		"SetConnectedAccountStatus ca_ok: auth scheme API_KEY has no REVOKED state",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("violations lack %q:\n%s", want, got)
		}
	}
	if n := len(tb.errors()); n != 3 {
		t.Errorf("%d test errors, want 3: %v", n, tb.errors())
	}
}

// TestPageSizeMaximum: trigger types, active trigger instances and
// subscriptions take at most 50 items a page, as the description says; a
// larger limit is an invalid request (a contract violation, answered 400).
// Connected accounts document no maximum.
func TestPageSizeMaximum(t *testing.T) {
	t.Parallel()
	tb := &captureTB{TB: t}
	srv := NewServer(tb)
	for _, uri := range []string{"/api/v3.1/triggers_types?limit=51", "/api/v3.1/trigger_instances/active?limit=51", "/api/v3.1/webhook_subscriptions?limit=1000"} {
		status, body := get(t, srv, uri)
		wantRawError(t, uri, 400, body, status, "VALIDATION_ERROR", "must be at most 50")
	}
	if n := len(srv.ContractViolations()); n != 3 {
		t.Errorf("%d violations, want 3: %v", n, srv.ContractViolations())
	}
	for _, uri := range []string{"/api/v3.1/triggers_types?limit=50", "/api/v3.1/connected_accounts?limit=500"} {
		if status, body := get(t, srv, uri); status != 200 {
			t.Errorf("%s: %d %s", uri, status, body)
		}
	}
	// The default page size is capped too, and so is a (forged) cursor's
	// limit; connected accounts are capped at 1000.
	srv2 := NewServer(t, WithDefaultPageSize(500))
	r, err := client(t, srv2).ListTriggerTypesWithResponse(context.Background(), nil)
	if err != nil || r.JSON200 == nil || len(r.JSON200.Items) != 50 || r.JSON200.TotalPages != 2 {
		t.Fatalf("default page size over the maximum: %v %s", err, r.Body)
	}
	r, err = client(t, srv2).ListTriggerTypesWithResponse(context.Background(), &gen.ListTriggerTypesParams{
		Cursor: ptr("eyJwYWdlIjoxLCJsaW1pdCI6MTAwfQ")}) // {"page":1,"limit":100}
	if err != nil || r.JSON200 == nil || len(r.JSON200.Items) != 50 {
		t.Fatalf("cursor over the maximum: %v %s", err, r.Body)
	}
	for range 1001 {
		srv2.AddConnectedAccount(ConnectedAccount{UserID: "u", Toolkit: "github"})
	}
	a, err := client(t, srv2).ListConnectedAccountsWithResponse(context.Background(), &gen.ListConnectedAccountsParams{Limit: ptr(5000)})
	if err != nil || a.JSON200 == nil || len(a.JSON200.Items) != 1000 || a.JSON200.TotalPages != 2 {
		t.Fatalf("connected accounts over 1000: %v %d", err, a.StatusCode())
	}
}

// TestToolkitVersionsPlainForm: toolkit_versions=latest, what the official
// SDKs send by default, is declared and means latest; a plain version is
// honoured for every toolkit the request touches, or is a 400 naming the
// versions there are; empty (null) means latest, as Composio documents.
func TestToolkitVersionsPlainForm(t *testing.T) {
	t.Parallel()
	srv := twoVersionServer(t)
	for _, uri := range []string{
		"/api/v3.1/triggers_types/GITHUB_COMMIT_EVENT?toolkit_versions=latest",
		"/api/v3.1/triggers_types/GITHUB_COMMIT_EVENT?toolkit_versions=",
		"/api/v3.1/triggers_types/GITHUB_COMMIT_EVENT",
	} {
		status, body := get(t, srv, uri)
		if status != 200 || !strings.Contains(string(body), `"version":"20260101_00"`) {
			t.Errorf("%s: %d, want the latest version: %.200s", uri, status, body)
		}
	}
	status, body := get(t, srv, "/api/v3.1/triggers_types/GITHUB_COMMIT_EVENT?toolkit_versions="+catalog.Version)
	if status != 200 || !strings.Contains(string(body), `"version":"`+catalog.Version+`"`) {
		t.Errorf("plain version: %d, want version %s: %.200s", status, catalog.Version, body)
	}
	status, body = get(t, srv, "/api/v3.1/triggers_types?toolkit_slugs=github&toolkit_versions="+catalog.Version)
	if status != 200 || strings.Contains(string(body), "20260101_00") {
		t.Errorf("plain version on a list: %d: %.300s", status, body)
	}
	status, body = get(t, srv, "/api/v3.1/triggers_types/GITHUB_COMMIT_EVENT?toolkit_versions=19990101_00")
	wantRawError(t, "unknown plain version", 400, body, status, "TOOLKIT_VERSION_NOT_FOUND", "19990101_00", "github")
	// A plain version every toolkit must have: slack has no 20260101_00.
	status, body = get(t, srv, "/api/v3.1/triggers_types?toolkit_versions=20260101_00")
	wantRawError(t, "plain version a toolkit lacks", 400, body, status, "TOOLKIT_VERSION_NOT_FOUND", "20260101_00")
	// The bracket form wins over the plain form for its toolkit.
	status, body = get(t, srv, "/api/v3.1/triggers_types/GITHUB_COMMIT_EVENT?toolkit_versions=19990101_00&toolkit_versions%5Bgithub%5D="+catalog.Version)
	if status != 200 {
		t.Errorf("bracket over plain: %d %.200s", status, body)
	}
}

// TestNullParametersAnswer400: a query parameter sent empty, how the
// official clients send null, conforms to the description but its meaning
// is undocumented: the fake answers a 400 naming it, not a violation.
func TestNullParametersAnswer400(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	for uri, param := range map[string]string{
		"/api/v3.1/triggers_types?limit=":                           "limit",
		"/api/v3.1/triggers_types?toolkit_slugs=":                   "toolkit_slugs",
		"/api/v3.1/trigger_instances/active?show_disabled=":         "show_disabled",
		"/api/v3.1/trigger_instances/active?user_ids=&trigger_ids=": "trigger_ids, user_ids",
		"/api/v3.1/connected_accounts?cursor=&statuses=ACTIVE":      "cursor",
		"/api/v3.1/webhook_subscriptions?limit=":                    "limit",
	} {
		status, body := get(t, srv, uri)
		wantRawError(t, uri, 400, body, status, "VALIDATION_ERROR", "Query parameter "+param+" is empty", "not documented")
	}
	// toolkit_versions is the exception: null means latest.
	if status, body := get(t, srv, "/api/v3.1/triggers_types?toolkit_versions=&limit=1"); status != 200 {
		t.Errorf("null toolkit_versions: %d %s", status, body)
	}
}

// TestOptionalBodies: the manage PATCH and the subscription PATCH take an
// optional body ({} from the official clients); without a status or a
// field the fake answers a documented 400, and an upsert with a null
// toolkit_versions uses the latest version.
func TestOptionalBodies(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	c := client(t, srv)
	srv.AddConnectedAccount(ConnectedAccount{UserID: "u1", Toolkit: "github"})
	status, body := send(t, srv, http.MethodPost, "/api/v3.1/trigger_instances/GITHUB_COMMIT_EVENT/upsert",
		`{"user_id":"u1","trigger_config":{"owner":"o","repo":"r"},"toolkit_versions":null}`)
	if status != 201 {
		t.Fatalf("upsert with null toolkit_versions: %d %s", status, body)
	}
	var res gen.UpsertTriggerInstanceResult
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatal(err)
	}
	if tis := srv.TriggerInstances(); len(tis) != 1 || tis[0].ToolkitVersion != catalog.Version {
		t.Errorf("instances %+v", tis)
	}
	for _, b := range []string{`{}`, ``} {
		status, body = send(t, srv, http.MethodPatch, "/api/v3.1/trigger_instances/manage/"+res.TriggerID, b)
		wantRawError(t, "manage "+b, 400, body, status, "VALIDATION_ERROR", "status is required")
	}
	sub, err := c.CreateWebhookSubscriptionWithResponse(context.Background(), gen.CreateWebhookSubscriptionRequest{
		WebhookURL: "https://example.com/hook", EnabledEvents: []string{"composio.trigger.message"}})
	if err != nil || sub.JSON201 == nil {
		t.Fatal(err)
	}
	status, body = send(t, srv, http.MethodPatch, "/api/v3.1/webhook_subscriptions/"+sub.JSON201.ID, `{}`)
	wantRawError(t, "subscription PATCH {}", 400, body, status, "VALIDATION_ERROR", "At least one of")
}

// TestObserveResponses reports each answer as sent, with its operation.
func TestObserveResponses(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []Response
	srv := NewServer(t, ObserveResponses(func(r Response) {
		mu.Lock()
		defer mu.Unlock()
		r.Body = slices.Clone(r.Body)
		seen = append(seen, r)
	}))
	status, body := get(t, srv, "/api/v3.1/triggers_types/list/enum")
	status2, body2 := get(t, srv, "/api/v3.1/connected_accounts/ca_nope")
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 2 {
		t.Fatalf("%d answers observed", len(seen))
	}
	if s := seen[0]; s.Operation != "listTriggerTypeEnum" || s.Method != "GET" || s.URI != "/api/v3.1/triggers_types/list/enum" || s.Status != status || string(s.Body) != string(body) {
		t.Errorf("observed %+v", s)
	}
	if s := seen[1]; s.Operation != "getConnectedAccount" || s.Status != status2 || status2 != 404 || string(s.Body) != string(body2) {
		t.Errorf("observed %+v", s)
	}
}
