package composio_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/composiotest"
	"github.com/triggergen/triggergen/trigger"
)

func TestTriggerType(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	c := newClient(t, srv)
	got, err := c.TriggerType(ctxT(t), "GITHUB_COMMIT_EVENT")
	if err != nil {
		t.Fatal(err)
	}
	tt := *got
	if tt.Slug != "GITHUB_COMMIT_EVENT" || tt.Toolkit != "github" || tt.Version != "20250729_00" || tt.Kind != trigger.Webhook {
		t.Errorf("got %+v", tt)
	}
	if !strings.Contains(string(tt.Config), `"owner"`) || len(tt.Payload) == 0 {
		t.Errorf("config/payload schema missing: %s", tt.Config)
	}
	checkRaw(t, tt)
}

// checkRaw: Raw is the object as the API sent it, with the fields
// TriggerType does not hold.
func checkRaw(t *testing.T, tt composio.TriggerType) {
	t.Helper()
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(tt.Raw, &raw); err != nil {
		t.Fatalf("%s: Raw %q: %v", tt.Slug, tt.Raw, err)
	}
	if string(raw["slug"]) != `"`+tt.Slug+`"` || raw["toolkit"] == nil || raw["requires_webhook_endpoint_setup"] == nil {
		t.Errorf("%s: Raw %s", tt.Slug, tt.Raw)
	}
}

func TestTriggerTypeUnknownIsNotFound(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	c := newClient(t, srv)
	_, err := c.TriggerType(ctxT(t), "GITHUB_NO_SUCH_EVENT")
	if !errors.Is(err, composio.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	var apiErr *composio.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 400 {
		t.Fatalf("want the API's 400, got %v", err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("400 was retried: %d requests", n)
	}
}

func TestTriggerTypesAllPages(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	c := newClient(t, srv)
	var slugs []string
	for tt, err := range c.TriggerTypes(ctxT(t), composio.TriggerTypesParams{Toolkits: []string{"github"}, PageSize: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		checkRaw(t, tt)
		if tt.Toolkit != "github" {
			t.Errorf("toolkit filter ignored: %s", tt.Slug)
		}
		slugs = append(slugs, tt.Slug)
	}
	if len(slugs) != 5 {
		t.Errorf("got %d github trigger types, want 5: %v", len(slugs), slugs)
	}
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("%d requests, want 3 pages of 2", n)
	}
	all := 0
	for _, err := range c.TriggerTypes(ctxT(t), composio.TriggerTypesParams{}) {
		if err != nil {
			t.Fatal(err)
		}
		all++
	}
	if all != 82 {
		t.Errorf("all trigger types: %d, want the catalog's 82", all)
	}
}

func TestTriggerTypesStopEarly(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	c := newClient(t, srv)
	for range c.TriggerTypes(ctxT(t), composio.TriggerTypesParams{PageSize: 2}) {
		break
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests after break, want 1", n)
	}
}

func TestTriggerTypesSendPins(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	env := map[string]string{"COMPOSIO_TOOLKIT_VERSION_GITHUB": "20250729_00"}
	c := newClient(t, srv, composio.WithGetenv(func(k string) string { return env[k] }))
	for _, err := range c.TriggerTypes(ctxT(t), composio.TriggerTypesParams{Toolkits: []string{"github"}}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	q := srv.Requests()[0].RawQuery
	if !strings.Contains(q, "toolkit_versions[github]=20250729_00") && !strings.Contains(q, "toolkit_versions%5Bgithub%5D=20250729_00") {
		t.Errorf("env pin not sent: %s", q)
	}

	// WithToolkitVersion beats the environment; "latest" sends nothing.
	srv2 := composiotest.NewServer(t)
	c2 := newClient(t, srv2, composio.WithGetenv(func(k string) string { return env[k] }), composio.WithToolkitVersion("github", "latest"))
	if _, err := c2.TriggerType(ctxT(t), "GITHUB_COMMIT_EVENT"); err != nil {
		t.Fatal(err)
	}
	if q := srv2.Requests()[0].RawQuery; strings.Contains(q, "toolkit_versions") {
		t.Errorf("latest should omit toolkit_versions: %s", q)
	}
}
