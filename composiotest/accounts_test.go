package composiotest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/triggergen/triggergen/gen"
)

func TestConnectedAccounts(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := NewServer(t, WithClock(clk.Now))
	c := client(t, srv)
	ctx := context.Background()
	t0 := clk.Now()
	srv.AddConnectedAccount(ConnectedAccount{ID: "ca_a", UserID: "u1", Toolkit: "github", CreatedAt: t0, UpdatedAt: t0.Add(5 * time.Hour)})
	srv.AddConnectedAccount(ConnectedAccount{ID: "ca_b", UserID: "u1", Toolkit: "slack", CreatedAt: t0.Add(time.Hour), AuthConfigID: "ac_slack2"})
	srv.AddConnectedAccount(ConnectedAccount{ID: "ca_c", UserID: "u2", Toolkit: "github", Status: "EXPIRED", CreatedAt: t0.Add(2 * time.Hour)})
	// Same created_at as ca_c: the later insertion counts as newer.
	auto := srv.AddConnectedAccount(ConnectedAccount{UserID: "u3", Toolkit: "GitHub", CreatedAt: t0.Add(2 * time.Hour)})
	if !strings.HasPrefix(auto.ID, "ca_") || auto.Status != "ACTIVE" || auto.Toolkit != "github" || auto.AuthConfigID == "" {
		t.Errorf("defaults not filled: %+v", auto)
	}
	clk.Advance(3 * time.Hour)
	if now := srv.AddConnectedAccount(ConnectedAccount{ID: "ca_clock", UserID: "u4", Toolkit: "github"}); !now.CreatedAt.Equal(clk.Now()) {
		t.Errorf("CreatedAt %v, want the clock", now.CreatedAt)
	}
	if !srv.SetConnectedAccountStatus("ca_clock", "INACTIVE") {
		t.Fatal("SetConnectedAccountStatus")
	}

	list := func(p *gen.ListConnectedAccountsParams) []string {
		t.Helper()
		r, err := c.ListConnectedAccountsWithResponse(ctx, p)
		if err != nil || r.JSON200 == nil {
			t.Fatalf("%v %s", err, r.Body)
		}
		var ids []string
		for _, it := range r.JSON200.Items {
			ids = append(ids, it.ID)
		}
		return ids
	}
	cases := []struct {
		name string
		p    *gen.ListConnectedAccountsParams
		want string
	}{
		{"default created_at desc", nil, "ca_clock," + auto.ID + ",ca_c,ca_b,ca_a"},
		{"created_at asc", &gen.ListConnectedAccountsParams{OrderDirection: ptr(gen.SortDirectionAsc)}, "ca_a,ca_b,ca_c," + auto.ID + ",ca_clock"},
		{"updated_at desc", &gen.ListConnectedAccountsParams{OrderBy: ptr(gen.ConnectedAccountOrderByUpdatedAt), UserIDs: &[]string{"u1", "u2"}}, "ca_a,ca_c,ca_b"},
		{"toolkit_slugs", &gen.ListConnectedAccountsParams{ToolkitSlugs: &[]string{"slack"}}, "ca_b"},
		{"statuses", &gen.ListConnectedAccountsParams{Statuses: &[]gen.ConnectedAccountStatus{gen.ConnectedAccountStatusEXPIRED, gen.ConnectedAccountStatusINACTIVE}}, "ca_clock,ca_c"},
		{"user_ids", &gen.ListConnectedAccountsParams{UserIDs: &[]string{"u1"}}, "ca_b,ca_a"},
		{"auth_config_ids", &gen.ListConnectedAccountsParams{AuthConfigIDs: &[]string{"ac_slack2"}}, "ca_b"},
		{"connected_account_ids", &gen.ListConnectedAccountsParams{ConnectedAccountIDs: &[]string{"ca_a", "ca_c"}}, "ca_c,ca_a"},
	}
	for _, tc := range cases {
		if got := strings.Join(list(tc.p), ","); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}

	// Pagination.
	r, err := c.ListConnectedAccountsWithResponse(ctx, &gen.ListConnectedAccountsParams{Limit: ptr(2)})
	if err != nil || r.JSON200 == nil {
		t.Fatal(err)
	}
	var got []string
	for p := r.JSON200; ; {
		for _, it := range p.Items {
			got = append(got, it.ID)
		}
		if p.TotalItems != 5 || p.TotalPages != 3 {
			t.Errorf("page %d: total_items %d total_pages %d", p.CurrentPage, p.TotalItems, p.TotalPages)
		}
		if p.NextCursor == nil {
			break
		}
		r, err = c.ListConnectedAccountsWithResponse(ctx, &gen.ListConnectedAccountsParams{Limit: ptr(2), Cursor: p.NextCursor})
		if err != nil || r.JSON200 == nil {
			t.Fatal(err)
		}
		p = r.JSON200
	}
	if strings.Join(got, ",") != "ca_clock,"+auto.ID+",ca_c,ca_b,ca_a" {
		t.Errorf("paged %v", got)
	}

	g, err := c.GetConnectedAccountWithResponse(ctx, "ca_c")
	if err != nil || g.JSON200 == nil {
		t.Fatal(err)
	}
	if a := g.JSON200; a.Status != gen.ConnectedAccountStatusEXPIRED || a.Toolkit.Slug != "github" || a.CreatedAt != "2026-07-01T14:00:00.000Z" {
		t.Errorf("get: %s", g.Body)
	}
	g, err = c.GetConnectedAccountWithResponse(ctx, "ca_missing")
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, 404, g.Body, g.JSON404, g.StatusCode(), "CONNECTED_ACCOUNT_NOT_FOUND", "ca_missing")
}
