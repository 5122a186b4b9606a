package openapi_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/triggergen/triggergen/gen"
	"github.com/triggergen/triggergen/openapi"
)

// apiKey adds the x-api-key header, the way callers authenticate the
// generated client.
func apiKey(key string) gen.RequestEditorFn {
	return func(_ context.Context, req *http.Request) error {
		req.Header.Set("x-api-key", key)
		return nil
	}
}

// recorder is an httptest server that remembers the last request and
// answers with a fixed body.
type recorder struct {
	srv  *httptest.Server
	last *http.Request
}

func newRecorder(t *testing.T, body string) *recorder {
	t.Helper()
	r := &recorder{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.last = req
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(r.srv.Close)
	return r
}

const emptyPage = `{"items":[],"next_cursor":null,"total_pages":0,"current_page":1,"total_items":0}`

// TestWireCommaSeparatedArrays: array query parameters go out as one
// comma-separated value, user_ids=a,b, with the comma not percent-encoded.
func TestWireCommaSeparatedArrays(t *testing.T) {
	rec := newRecorder(t, emptyPage)
	c, err := gen.NewClientWithResponses(rec.srv.URL, gen.WithRequestEditorFn(apiKey("test-key")))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.ListConnectedAccountsWithResponse(context.Background(), &gen.ListConnectedAccountsParams{
		UserIDs:      &[]string{"a", "b"},
		ToolkitSlugs: &[]string{"github", "slack"},
		Statuses:     &[]gen.ConnectedAccountStatus{gen.ConnectedAccountStatusACTIVE, gen.ConnectedAccountStatusEXPIRED},
		OrderBy:      ptr(gen.ConnectedAccountOrderByCreatedAt),
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.JSON200 == nil {
		t.Fatalf("status %d, body %s: no JSON200", resp.StatusCode(), resp.Body)
	}

	req := rec.last
	if req.URL.Path != "/api/v3.1/connected_accounts" {
		t.Errorf("path = %q", req.URL.Path)
	}
	raw := strings.Split(req.URL.RawQuery, "&")
	for _, want := range []string{"user_ids=a,b", "toolkit_slugs=github,slack", "statuses=ACTIVE,EXPIRED", "order_by=created_at"} {
		if !contains(raw, want) {
			t.Errorf("raw query %q lacks %q", req.URL.RawQuery, want)
		}
	}
	if got := req.URL.Query()["user_ids"]; len(got) != 1 || got[0] != "a,b" {
		t.Errorf("decoded user_ids = %q, want [\"a,b\"]", got)
	}
	if got := req.Header.Get("x-api-key"); got != "test-key" {
		t.Errorf("x-api-key = %q", got)
	}
}

// TestWireToolkitVersionsBracketNotation: a toolkit -> version map goes out
// in bracket notation, toolkit_versions[github]=20250930_00, brackets not
// percent-encoded; with no map, no toolkit_versions parameter at all (the
// server then uses the latest versions).
func TestWireToolkitVersionsBracketNotation(t *testing.T) {
	tt := `{"slug":"GITHUB_COMMIT_EVENT","name":"n","description":"d","instructions":"","type":"webhook",` +
		`"toolkit":{"slug":"github","name":"GitHub","logo":"l"},"config":{},"payload":{},"version":"20250930_00"}`
	rec := newRecorder(t, tt)
	c, err := gen.NewClientWithResponses(rec.srv.URL, gen.WithRequestEditorFn(apiKey("test-key")))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	versions := gen.ToolkitVersionMap{"github": "20250930_00", "gmail": "20251027_00"}
	resp, err := c.GetTriggerTypeWithResponse(ctx, "GITHUB_COMMIT_EVENT", &gen.GetTriggerTypeParams{ToolkitVersions: &versions})
	if err != nil {
		t.Fatal(err)
	}
	if resp.JSON200 == nil || resp.JSON200.Slug != "GITHUB_COMMIT_EVENT" {
		t.Fatalf("status %d, body %s", resp.StatusCode(), resp.Body)
	}
	req := rec.last
	if req.URL.Path != "/api/v3.1/triggers_types/GITHUB_COMMIT_EVENT" {
		t.Errorf("path = %q", req.URL.Path)
	}
	if want := "toolkit_versions[github]=20250930_00&toolkit_versions[gmail]=20251027_00"; req.URL.RawQuery != want {
		t.Errorf("raw query = %q, want %q", req.URL.RawQuery, want)
	}
	if got := req.URL.Query().Get("toolkit_versions[github]"); got != "20250930_00" {
		t.Errorf("decoded toolkit_versions[github] = %q", got)
	}
	if got := req.Header.Get("x-api-key"); got != "test-key" {
		t.Errorf("x-api-key = %q", got)
	}

	// List: bracket notation next to the comma-separated toolkit_slugs.
	rec2 := newRecorder(t, emptyPage)
	c2, err := gen.NewClientWithResponses(rec2.srv.URL, gen.WithRequestEditorFn(apiKey("test-key")))
	if err != nil {
		t.Fatal(err)
	}
	one := gen.ToolkitVersionMap{"github": "20250930_00"}
	if _, err := c2.ListTriggerTypesWithResponse(ctx, &gen.ListTriggerTypesParams{
		ToolkitSlugs:    &[]string{"github"},
		ToolkitVersions: &one,
		Limit:           ptr(50),
	}); err != nil {
		t.Fatal(err)
	}
	raw := strings.Split(rec2.last.URL.RawQuery, "&")
	for _, want := range []string{"toolkit_slugs=github", "toolkit_versions[github]=20250930_00", "limit=50"} {
		if !contains(raw, want) {
			t.Errorf("raw query %q lacks %q", rec2.last.URL.RawQuery, want)
		}
	}

	// No versions: no parameter, i.e. the latest versions.
	if _, err := c.GetTriggerTypeWithResponse(ctx, "GITHUB_COMMIT_EVENT", &gen.GetTriggerTypeParams{}); err != nil {
		t.Fatal(err)
	}
	if rec.last.URL.RawQuery != "" {
		t.Errorf("raw query without versions = %q, want empty", rec.last.URL.RawQuery)
	}
}

// TestWireUpsertToolkitVersions: in the upsert body toolkit_versions is
// either the string "latest" or a map.
func TestWireUpsertToolkitVersions(t *testing.T) {
	var latest, pinned gen.ToolkitVersions
	if err := latest.FromToolkitVersionString("latest"); err != nil {
		t.Fatal(err)
	}
	if err := pinned.FromToolkitVersionMap(gen.ToolkitVersionMap{"github": "20250930_00"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		versions gen.ToolkitVersions
		want     string
	}{
		{latest, `"toolkit_versions":"latest"`},
		{pinned, `"toolkit_versions":{"github":"20250930_00"}`},
	} {
		var body string
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			b, _ := io.ReadAll(req.Body)
			body = string(b)
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"trigger_id":"ti_1","deprecated":{"uuid":"u"}}`))
		}))
		c, err := gen.NewClientWithResponses(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.UpsertTriggerInstanceWithResponse(context.Background(), "GITHUB_COMMIT_EVENT", gen.UpsertTriggerInstanceRequest{
			UserID:          ptr("user-1"),
			ToolkitVersions: &tc.versions,
			TriggerConfig:   &map[string]any{"owner": "o", "repo": "r"},
		}, apiKey("k"))
		srv.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.JSON200 == nil || resp.JSON200.TriggerID != "ti_1" {
			t.Fatalf("status %d, body %s", resp.StatusCode(), resp.Body)
		}
		if !strings.Contains(body, tc.want) || !strings.Contains(body, `"user_id":"user-1"`) {
			t.Errorf("body %s lacks %s", body, tc.want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestSpecIsACopy: a caller that changes what Spec returns changes nothing
// for the next caller, nor for Load.
func TestSpecIsACopy(t *testing.T) {
	a := openapi.Spec()
	want := string(a)
	clear(a)
	if got := string(openapi.Spec()); got != want {
		t.Fatal("Spec shares its bytes")
	}
	if _, err := openapi.Load(); err != nil {
		t.Fatal(err)
	}
}
