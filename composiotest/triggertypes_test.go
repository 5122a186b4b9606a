package composiotest

import (
	"context"
	"strings"
	"testing"

	"github.com/triggergen/triggergen/catalog"
	"github.com/triggergen/triggergen/gen"
	"github.com/triggergen/triggergen/lockfile"
)

// newerGithub is a lock with github at a newer version that adds a trigger type.
const newerGithub = `{"lock_version":1,"toolkits":[{"slug":"github","version":"20260101_00","trigger_types":[
 {"slug":"GITHUB_COMMIT_EVENT","name":"Commit","description":"d","instructions":"","type":"webhook",
  "config":{"type":"object","properties":{"owner":{"type":"string"},"repo":{"type":"string"},"branch":{"type":"string"}},"required":["owner","repo","branch"]},
  "payload":{"type":"object","properties":{}}},
 {"slug":"GITHUB_PULL_REQUEST_EVENT","name":"PR","description":"d","instructions":"","type":"webhook",
  "config":{"type":"object","properties":{}},"payload":{"type":"object"}}],"webhook_endpoint_schema":null}]}`

func twoVersionServer(t *testing.T, opts ...Option) *Server {
	t.Helper()
	base, err := catalog.Lock()
	if err != nil {
		t.Fatal(err)
	}
	newer, err := lockfile.Parse("newer", []byte(newerGithub))
	if err != nil {
		t.Fatal(err)
	}
	return NewServer(t, append([]Option{WithLock(base), WithLock(newer)}, opts...)...)
}

func TestTriggerTypesPagination(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	c := client(t, srv)
	ctx := context.Background()

	var slugs []string
	var cursor *string
	for page := 1; ; page++ {
		r, err := c.ListTriggerTypesWithResponse(ctx, &gen.ListTriggerTypesParams{ToolkitSlugs: &[]string{"github"}, Limit: ptr(2), Cursor: cursor})
		if err != nil || r.JSON200 == nil {
			t.Fatalf("page %d: %v %s", page, err, r.Body)
		}
		p := r.JSON200
		if p.CurrentPage != page || p.TotalItems != 5 || p.TotalPages != 3 {
			t.Errorf("page %d: current_page %d total_items %d total_pages %d", page, p.CurrentPage, p.TotalItems, p.TotalPages)
		}
		for _, it := range p.Items {
			slugs = append(slugs, it.Slug)
			if it.Toolkit.Slug != "github" || it.Version != catalog.Version {
				t.Errorf("%s: toolkit %q version %q", it.Slug, it.Toolkit.Slug, it.Version)
			}
		}
		if p.NextCursor == nil {
			if page != 3 {
				t.Errorf("next_cursor null on page %d", page)
			}
			break
		}
		if page > 3 {
			t.Fatal("too many pages")
		}
		cursor = p.NextCursor
	}
	if len(slugs) != 5 || !strings.HasPrefix(slugs[0], "GITHUB_") {
		t.Errorf("slugs %v", slugs)
	}
	// Without filter, two pages of the largest size (50) hold the whole
	// catalog; the last page's next_cursor is JSON null.
	r, err := c.ListTriggerTypesWithResponse(ctx, &gen.ListTriggerTypesParams{Limit: ptr(50)})
	if err != nil || r.JSON200 == nil {
		t.Fatal(err)
	}
	if r.JSON200.TotalItems != 82 || len(r.JSON200.Items) != 50 || r.JSON200.TotalPages != 2 || r.JSON200.NextCursor == nil {
		t.Fatalf("total_items %d, items %d, total_pages %d, next_cursor %v", r.JSON200.TotalItems, len(r.JSON200.Items), r.JSON200.TotalPages, r.JSON200.NextCursor)
	}
	r, err = c.ListTriggerTypesWithResponse(ctx, &gen.ListTriggerTypesParams{Cursor: r.JSON200.NextCursor})
	if err != nil || r.JSON200 == nil {
		t.Fatal(err)
	}
	if len(r.JSON200.Items) != 32 || r.JSON200.NextCursor != nil || !strings.Contains(string(r.Body), `"next_cursor":null`) {
		t.Errorf("last page: items %d, next_cursor %v", len(r.JSON200.Items), r.JSON200.NextCursor)
	}
	// A bad cursor is a 400.
	r, err = c.ListTriggerTypesWithResponse(ctx, &gen.ListTriggerTypesParams{Cursor: ptr("!!")})
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 400, r.Body, r.JSON400, r.StatusCode(), "INVALID_CURSOR")
}

func TestTriggerTypeGet(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	c := client(t, srv)
	ctx := context.Background()
	r, err := c.GetTriggerTypeWithResponse(ctx, "github_commit_event", nil)
	if err != nil || r.JSON200 == nil {
		t.Fatalf("%v %s", err, r.Body)
	}
	tt := r.JSON200
	if tt.Slug != "GITHUB_COMMIT_EVENT" || tt.Type != gen.TriggerMechanismWebhook || tt.Config["type"] != "object" ||
		tt.RequiresWebhookEndpointSetup == nil || *tt.RequiresWebhookEndpointSetup {
		t.Errorf("got %+v", tt)
	}
	r, err = c.GetTriggerTypeWithResponse(ctx, "NOPE_NOT_A_TRIGGER", nil)
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 400, r.Body, r.JSON400, r.StatusCode(), "TRIGGER_TYPE_NOT_FOUND", "NOPE_NOT_A_TRIGGER")
}

func TestTriggerTypesToolkitVersions(t *testing.T) {
	t.Parallel()
	srv := twoVersionServer(t)
	c := client(t, srv)
	ctx := context.Background()

	// Absent = latest.
	r, err := c.ListTriggerTypesWithResponse(ctx, &gen.ListTriggerTypesParams{ToolkitSlugs: &[]string{"github"}})
	if err != nil || r.JSON200 == nil {
		t.Fatal(err)
	}
	if r.JSON200.TotalItems != 2 || r.JSON200.Items[0].Version != "20260101_00" {
		t.Errorf("latest: %s", r.Body)
	}
	// Pinned to the catalog's version.
	pin := gen.ToolkitVersionMap{"github": catalog.Version}
	r, err = c.ListTriggerTypesWithResponse(ctx, &gen.ListTriggerTypesParams{ToolkitSlugs: &[]string{"github"}, ToolkitVersions: &pin})
	if err != nil || r.JSON200 == nil {
		t.Fatal(err)
	}
	if r.JSON200.TotalItems != 5 || r.JSON200.Items[0].Version != catalog.Version {
		t.Errorf("pinned: total %d", r.JSON200.TotalItems)
	}
	g, err := c.GetTriggerTypeWithResponse(ctx, "GITHUB_COMMIT_EVENT", &gen.GetTriggerTypeParams{ToolkitVersions: &pin})
	if err != nil || g.JSON200 == nil || g.JSON200.Version != catalog.Version {
		t.Fatalf("get pinned: %v %s", err, g.Body)
	}
	g, err = c.GetTriggerTypeWithResponse(ctx, "GITHUB_COMMIT_EVENT", nil)
	if err != nil || g.JSON200 == nil || g.JSON200.Version != "20260101_00" {
		t.Fatalf("get latest: %v %s", err, g.Body)
	}
	// A type that only the newer version has is unknown at the older one.
	g, err = c.GetTriggerTypeWithResponse(ctx, "GITHUB_PULL_REQUEST_EVENT", &gen.GetTriggerTypeParams{ToolkitVersions: &pin})
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 400, g.Body, g.JSON400, g.StatusCode(), "TRIGGER_TYPE_NOT_FOUND")
	// An unknown version is an error.
	bad := gen.ToolkitVersionMap{"github": "19990101_00"}
	r, err = c.ListTriggerTypesWithResponse(ctx, &gen.ListTriggerTypesParams{ToolkitVersions: &bad})
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 400, r.Body, r.JSON400, r.StatusCode(), "TOOLKIT_VERSION_NOT_FOUND", "19990101_00", "github")
	g, err = c.GetTriggerTypeWithResponse(ctx, "GITHUB_COMMIT_EVENT", &gen.GetTriggerTypeParams{ToolkitVersions: &bad})
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 400, g.Body, g.JSON400, g.StatusCode(), "TOOLKIT_VERSION_NOT_FOUND")

	// The enum lists the latest versions only.
	e, err := c.ListTriggerTypeEnumWithResponse(ctx)
	if err != nil || e.JSON200 == nil {
		t.Fatal(err)
	}
	var gh []string
	for _, s := range *e.JSON200 {
		if strings.HasPrefix(s, "GITHUB_") {
			gh = append(gh, s)
		}
	}
	if strings.Join(gh, ",") != "GITHUB_COMMIT_EVENT,GITHUB_PULL_REQUEST_EVENT" {
		t.Errorf("enum github slugs %v", gh)
	}
	if len(*e.JSON200) != 82-5+2 {
		t.Errorf("enum has %d slugs", len(*e.JSON200))
	}
}
