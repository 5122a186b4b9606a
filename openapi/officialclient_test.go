package openapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/triggergen/triggergen/openapi"
)

// TestOfficialClientRequestsConform pins which requests the description
// accepts, among the ones Composio's own v3.1 client (@composio/client
// 2.0.0-rc.6) can send: a null query parameter goes out as "name=", an
// omitted optional body as {}, and toolkit_versions as either
// toolkit_versions=latest or bracket notation. Each of these must conform
// (the fake then answers it, see README.md), while what the client does not
// send, or the description forbids, must not.
func TestOfficialClientRequestsConform(t *testing.T) {
	v, err := openapi.NewValidator(nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, method, uri, body string
		ok                      bool
	}{
		// toolkit_versions, both forms (item 4 of issue 20).
		{"plain toolkit_versions", "GET", "/api/v3.1/triggers_types?toolkit_versions=latest", "", true},
		{"bracket toolkit_versions", "GET", "/api/v3.1/triggers_types/GITHUB_COMMIT_EVENT?toolkit_versions%5Bgithub%5D=20250729_00", "", true},
		{"null toolkit_versions", "GET", "/api/v3.1/triggers_types?toolkit_versions=", "", true},

		// Page sizes: at most 50 where Composio's client says so.
		{"limit 50", "GET", "/api/v3.1/triggers_types?limit=50", "", true},
		{"limit 51 of trigger types", "GET", "/api/v3.1/triggers_types?limit=51", "", false},
		{"limit 51 of active triggers", "GET", "/api/v3.1/trigger_instances/active?limit=51", "", false},
		{"limit 51 of subscriptions", "GET", "/api/v3.1/webhook_subscriptions?limit=51", "", false},
		{"limit 500 of connected accounts", "GET", "/api/v3.1/connected_accounts?limit=500", "", true},

		// Nulls the client allows: sent as an empty value.
		{"null limit", "GET", "/api/v3.1/trigger_instances/active?limit=", "", true},
		{"null filters", "GET", "/api/v3.1/trigger_instances/active?user_ids=&trigger_ids=&trigger_names=&connected_account_ids=&auth_config_ids=", "", true},
		{"null show_disabled", "GET", "/api/v3.1/trigger_instances/active?show_disabled=", "", true},
		{"null connected-account filters", "GET", "/api/v3.1/connected_accounts?toolkit_slugs=&statuses=&user_ids=&cursor=&limit=", "", true},
		{"null toolkit_slugs", "GET", "/api/v3.1/triggers_types?toolkit_slugs=", "", true},
		{"empty order_by (not nullable)", "GET", "/api/v3.1/connected_accounts?order_by=", "", false},
		{"account_type", "GET", "/api/v3.1/connected_accounts?account_type=ALL", "", true},
		{"bad account_type", "GET", "/api/v3.1/connected_accounts?account_type=PUBLIC", "", false},

		// Bodies.
		{"upsert with null toolkit_versions", "POST", "/api/v3.1/trigger_instances/GITHUB_COMMIT_EVENT/upsert", `{"user_id":"u","toolkit_versions":null}`, true},
		{"manage without a status", "PATCH", "/api/v3.1/trigger_instances/manage/ti_1", `{}`, true},
		{"manage with a bad status", "PATCH", "/api/v3.1/trigger_instances/manage/ti_1", `{"status":"pause"}`, false},
		{"subscription update without a field", "PATCH", "/api/v3.1/webhook_subscriptions/whs_1", `{}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var req *http.Request
			if tt.body == "" {
				req = httptest.NewRequest(tt.method, tt.uri, nil)
			} else {
				req = httptest.NewRequest(tt.method, tt.uri, strings.NewReader(tt.body))
				req.Header.Set("Content-Type", "application/json")
			}
			ex, err := v.Match(req)
			if err != nil {
				t.Fatal(err)
			}
			err = ex.ValidateRequest(context.Background())
			if tt.ok && err != nil {
				t.Errorf("%s %s %s: %v", tt.method, tt.uri, tt.body, err)
			}
			if !tt.ok && err == nil {
				t.Errorf("%s %s %s conforms, want a violation", tt.method, tt.uri, tt.body)
			}
		})
	}
}

// TestEmptyValueParams lists, per operation, the query parameters the
// official client may send null: the fake answers those with a documented
// 400 (composiotest), except toolkit_versions.
func TestEmptyValueParams(t *testing.T) {
	v, err := openapi.NewValidator(nil)
	if err != nil {
		t.Fatal(err)
	}
	for uri, want := range map[string]string{
		"/api/v3.1/triggers_types":                              "limit,toolkit_slugs,toolkit_versions",
		"/api/v3.1/triggers_types/X":                            "toolkit_versions",
		"/api/v3.1/trigger_instances/active":                    "auth_config_ids,connected_account_ids,limit,show_disabled,trigger_ids,trigger_names,user_ids",
		"/api/v3.1/connected_accounts":                          "auth_config_ids,connected_account_ids,cursor,limit,statuses,toolkit_slugs,user_ids",
		"/api/v3.1/webhook_subscriptions":                       "limit",
		"/api/v3.1/webhook_endpoints":                           "",
		"/api/v3.1/webhook_endpoints/schema?toolkit_slug=slack": "",
	} {
		ex, err := v.Match(httptest.NewRequest(http.MethodGet, uri, nil))
		if err != nil {
			t.Fatal(err)
		}
		got := ex.EmptyValueParams()
		slices.Sort(got)
		if strings.Join(got, ",") != want {
			t.Errorf("%s: %v, want %s", uri, got, want)
		}
	}
}
