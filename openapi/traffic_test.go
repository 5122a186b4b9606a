package openapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/triggergen/triggergen/gen"
	"github.com/triggergen/triggergen/openapi"
)

// Realistic response bodies. Where Composio publishes a wire shape it comes
// from testdata/wire (see its README.md); the others follow the upstream
// document's examples and keep the fields the server still sends but
// composio.yaml leaves out (camelCase twins, deprecated objects), to show
// they do not break validation or decoding.
const (
	triggerTypeBody = `{"slug":"SLACK_CHANNEL_MESSAGE_RECEIVED","name":"Channel message","description":"d",
		"instructions":"","type":"webhook","toolkit":{"slug":"slack","name":"Slack","logo":"https://logos.composio.dev/slack"},
		"config":{"properties":{"channel":{"type":"string","title":"Channel"}},"required":["channel"],"title":"Config","type":"object"},
		"payload":{"properties":{"text":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null}},"type":"object"},
		"version":"20261002_00","requires_webhook_endpoint_setup":true}`
	triggerInstanceBody = `{"id":"ti_abc","uuid":"9f1c","connected_account_id":"ca_abc","connected_account_uuid":"7e2d",
		"trigger_name":"GITHUB_COMMIT_EVENT","user_id":"user-1","trigger_config":{"owner":"o","repo":"r"},"state":{},
		"updated_at":"2026-01-02T03:04:05.000Z","disabled_at":null,"disabledAt":null,"connectedAccountId":"ca_abc",
		"triggerName":"GITHUB_COMMIT_EVENT","updatedAt":"2026-01-02T03:04:05.000Z","triggerConfig":{"owner":"o","repo":"r"},
		"deprecated":{"createdAt":"2026-01-01T00:00:00.000Z"},"version":"20250930_00"}`
	connectedAccountBody = `{"id":"ca_abc","word_id":null,"alias":"work","user_id":"user-1","status":"ACTIVE","status_reason":null,"is_disabled":false,
		"created_at":"2026-01-01T00:00:00.000Z","updated_at":"2026-01-02T00:00:00.000Z","toolkit":{"slug":"github"},
		"auth_config":{"id":"ac_abc","auth_scheme":"OAUTH2","is_composio_managed":true,"is_disabled":false,"deprecated":{"uuid":"u"}},
		"state":{"authScheme":"OAUTH2","val":{"status":"ACTIVE","access_token":"tok","expires_in":3600,"scope":["repo"],"your-domain":"x"}},
		"experimental":{"account_type":"SHARED","acl_config_for_shared":{"allow_all_users":false,"allowed_user_ids":["user-2"],"not_allowed_user_ids":[]}},
		"data":{"access_token":"tok"},"params":{},"deprecated":{"labels":[],"uuid":"u"}}`
)

func page(items ...string) string {
	b := `{"items":[`
	for i, it := range items {
		if i > 0 {
			b += ","
		}
		b += it
	}
	return b + `],"next_cursor":"Y3Vyc29y","total_pages":2,"current_page":1,"total_items":2}`
}

// wireFixture returns one example, by key, from a testdata/wire file.
func wireFixture(t *testing.T, file, key string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/wire/" + file)
	if err != nil {
		t.Fatal(err)
	}
	if key == "" {
		return string(b)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	v, ok := m[key]
	if !ok {
		t.Fatalf("%s: no key %q", file, key)
	}
	return string(v)
}

type reply struct {
	status int
	body   string
}

// validatingServer answers each operation with a canned reply and checks
// both the request and the reply against composio.yaml with kin-openapi's
// openapi3filter, as the project's fake server does.
type validatingServer struct {
	t       *testing.T
	srv     *httptest.Server
	mu      sync.Mutex
	replies map[string]reply // by operationId
	seen    map[string]bool
}

func newValidatingServer(t *testing.T) *validatingServer {
	t.Helper()
	v, err := openapi.NewValidator(func(_ context.Context, in *openapi3filter.AuthenticationInput) error {
		if in.SecuritySchemeName != "ApiKeyAuth" || in.RequestValidationInput.Request.Header.Get("x-api-key") == "" {
			return errors.New("missing x-api-key")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	vs := &validatingServer{t: t, replies: map[string]reply{}, seen: map[string]bool{}}
	vs.srv = httptest.NewUnstartedServer(nil)
	vs.srv.Start()
	t.Cleanup(vs.srv.Close)
	vs.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ex, err := v.Match(req)
		if err != nil {
			t.Errorf("%s %s: no route: %v", req.Method, req.URL, err)
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		id := ex.Operation
		if err := ex.ValidateRequest(req.Context()); err != nil {
			t.Errorf("%s: request %s %s does not validate: %v", id, req.Method, req.URL, err)
		}
		vs.mu.Lock()
		r, ok := vs.replies[id]
		vs.seen[id] = true
		vs.mu.Unlock()
		if !ok {
			t.Errorf("%s: no canned reply", id)
			return
		}
		h := http.Header{"Content-Type": {"application/json"}}
		if err := ex.ValidateResponse(req.Context(), r.status, h, []byte(r.body)); err != nil {
			t.Errorf("%s: reply %d does not validate: %v", id, r.status, err)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(r.status)
		_, _ = io.Copy(w, bytes.NewReader([]byte(r.body)))
	})
	return vs
}

func (vs *validatingServer) reply(op string, status int, body string) {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	vs.replies[op] = reply{status, body}
}

// TestClientTrafficValidates drives every operation of the generated client
// against a server that validates requests and replies against
// composio.yaml, and checks that the client decodes each reply.
func TestClientTrafficValidates(t *testing.T) {
	vs := newValidatingServer(t)
	c, err := gen.NewClientWithResponses(vs.srv.URL, gen.WithRequestEditorFn(apiKey("test-key")))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	endpoint := wireFixture(t, "composio-sdk-webhooks-test-mocks.synthetic.json", "rawEndpoint (snake_case wire shape; secret setup values masked)")
	created := wireFixture(t, "slack-webhook-endpoint-request-response-examples.docs-derived.json", "create_response")
	subscription := wireFixture(t, "composio-sdk-webhooks-test-mocks.synthetic.json", "rawSubscription (outbound webhook subscription; secret has whsec_ prefix)")
	var patchBody, replaceBody gen.WebhookEndpointDataRequest
	mustUnmarshal(t, wireFixture(t, "slack-webhook-endpoint-request-response-examples.docs-derived.json", "patch_request_body_single_field (merge semantics)"), &patchBody)
	mustUnmarshal(t, wireFixture(t, "slack-webhook-endpoint-request-response-examples.docs-derived.json", "post_request_body_replace (POST /api/v3.1/webhook_endpoints/<ENDPOINT_ID>, fields not included are cleared)"), &replaceBody)

	versions := gen.ToolkitVersionMap{"slack": "20261002_00"}
	var latest gen.ToolkitVersions
	if err := latest.FromToolkitVersionString("latest"); err != nil {
		t.Fatal(err)
	}

	type call struct {
		op     string
		status int
		body   string
		do     func() (decoded bool, err error)
	}
	calls := []call{
		{"listTriggerTypes", 200, page(triggerTypeBody), func() (bool, error) {
			r, err := c.ListTriggerTypesWithResponse(ctx, &gen.ListTriggerTypesParams{
				ToolkitSlugs: &[]string{"slack", "github"}, ToolkitVersions: &versions, Limit: ptr(20), Cursor: ptr("Y3Vyc29y"),
			})
			return err == nil && r.JSON200 != nil && len(r.JSON200.Items) == 1 &&
				*r.JSON200.Items[0].RequiresWebhookEndpointSetup && r.JSON200.Items[0].Type == gen.TriggerMechanismWebhook, err
		}},
		{"getTriggerType", 200, triggerTypeBody, func() (bool, error) {
			r, err := c.GetTriggerTypeWithResponse(ctx, "SLACK_CHANNEL_MESSAGE_RECEIVED", &gen.GetTriggerTypeParams{ToolkitVersions: &versions})
			return err == nil && r.JSON200 != nil && r.JSON200.Config["type"] == "object", err
		}},
		{"listTriggerTypeEnum", 200, `["GITHUB_COMMIT_EVENT","SLACK_CHANNEL_MESSAGE_RECEIVED"]`, func() (bool, error) {
			r, err := c.ListTriggerTypeEnumWithResponse(ctx)
			return err == nil && r.JSON200 != nil && len(*r.JSON200) == 2, err
		}},
		{"upsertTriggerInstance", 201, `{"trigger_id":"ti_abc"}`, func() (bool, error) {
			r, err := c.UpsertTriggerInstanceWithResponse(ctx, "GITHUB_COMMIT_EVENT", gen.UpsertTriggerInstanceRequest{
				UserID: ptr("user-1"), ConnectedAccountID: ptr("ca_abc"),
				TriggerConfig: &map[string]any{"owner": "o", "repo": "r"}, ToolkitVersions: &latest,
			})
			return err == nil && r.JSON201 != nil && r.JSON201.TriggerID == "ti_abc", err
		}},
		{"listActiveTriggers", 200, page(triggerInstanceBody), func() (bool, error) {
			r, err := c.ListActiveTriggersWithResponse(ctx, &gen.ListActiveTriggersParams{
				ConnectedAccountIDs: &[]string{"ca_abc", "ca_def"}, AuthConfigIDs: &[]string{"ac_abc"},
				TriggerIDs: &[]string{"ti_abc"}, TriggerNames: &[]string{"GITHUB_COMMIT_EVENT"},
				UserIDs: &[]string{"user-1", "user-2"}, ShowDisabled: ptr(true), Limit: ptr(50), Cursor: ptr("Y3Vyc29y"),
			})
			return err == nil && r.JSON200 != nil && r.JSON200.Items[0].DisabledAt == nil && *r.JSON200.NextCursor == "Y3Vyc29y", err
		}},
		{"manageTriggerInstance", 200, `{"status":"success"}`, func() (bool, error) {
			r, err := c.ManageTriggerInstanceWithResponse(ctx, "ti_abc", gen.ManageTriggerInstanceRequest{Status: gen.TriggerInstanceActionDisable})
			return err == nil && r.JSON200 != nil && r.JSON200.Status == gen.ManageTriggerInstanceResultStatusSuccess, err
		}},
		{"deleteTriggerInstance", 409, `{"error":{"message":"Trigger instance already deleted","code":1409,"status":409,"slug":"TRIGGER_INSTANCE_ALREADY_DELETED","request_id":"req_1"}}`, func() (bool, error) {
			r, err := c.DeleteTriggerInstanceWithResponse(ctx, "ti_abc")
			return err == nil && r.JSON409 != nil && r.JSON409.Error.Status == 409, err
		}},
		{"listConnectedAccounts", 200, page(connectedAccountBody), func() (bool, error) {
			r, err := c.ListConnectedAccountsWithResponse(ctx, &gen.ListConnectedAccountsParams{
				ToolkitSlugs: &[]string{"github"}, Statuses: &[]gen.ConnectedAccountStatus{gen.ConnectedAccountStatusACTIVE},
				UserIDs: &[]string{"a", "b"}, AuthConfigIDs: &[]string{"ac_abc"}, ConnectedAccountIDs: &[]string{"ca_abc"},
				OrderBy: ptr(gen.ConnectedAccountOrderByCreatedAt), OrderDirection: ptr(gen.SortDirectionDesc),
				Limit: ptr(1), Cursor: ptr("Y3Vyc29y"), AccountType: ptr(gen.ConnectedAccountTypeFilterALL),
			})
			if err != nil || r.JSON200 == nil {
				return false, err
			}
			a := r.JSON200.Items[0]
			return a.State.AuthScheme == gen.AuthSchemeOAUTH2 && a.State.Val.Status == gen.ConnectedAccountStatusACTIVE &&
				a.State.Val.AdditionalProperties["access_token"] == "tok" && a.AuthConfig.AuthScheme == gen.AuthSchemeOAUTH2 &&
				a.WordID == nil && *a.Alias == "work" && a.Experimental.AccountType == gen.ConnectedAccountTypeSHARED &&
				a.Experimental.ACLConfigForShared.AllowedUserIDs[0] == "user-2", nil
		}},
		{"getConnectedAccount", 200, connectedAccountBody, func() (bool, error) {
			r, err := c.GetConnectedAccountWithResponse(ctx, "ca_abc")
			return err == nil && r.JSON200 != nil && r.JSON200.Status == gen.ConnectedAccountStatusACTIVE && r.JSON200.StatusReason == nil, err
		}},
		{"getWebhookEndpointSchema", 200, wireFixture(t, "slack-webhook-endpoints-schema-response.docs-derived.json", ""), func() (bool, error) {
			r, err := c.GetWebhookEndpointSchemaWithResponse(ctx, &gen.GetWebhookEndpointSchemaParams{ToolkitSlug: "slack"})
			return err == nil && r.JSON200 != nil && r.JSON200.SetupFields["webhook_signing_secret"].IsSecret, err
		}},
		{"createWebhookEndpoint", 201, created, func() (bool, error) {
			r, err := c.CreateWebhookEndpointWithResponse(ctx, gen.CreateWebhookEndpointRequest{ToolkitSlug: "slack", ClientID: "123.456"})
			return err == nil && r.JSON201 != nil && r.JSON201.Data == nil && r.JSON201.WebhookURL != "", err
		}},
		{"listWebhookEndpoints", 200, `{"items":[` + wireFixture(t, "composio-sdk-webhooks-test-mocks.synthetic.json", "list item with null client_id") + `]}`, func() (bool, error) {
			r, err := c.ListWebhookEndpointsWithResponse(ctx, &gen.ListWebhookEndpointsParams{ToolkitSlug: ptr("slack")})
			return err == nil && r.JSON200 != nil && r.JSON200.Items[0].ClientID == nil, err
		}},
		{"getWebhookEndpoint", 200, endpoint, func() (bool, error) {
			r, err := c.GetWebhookEndpointWithResponse(ctx, "we_abc123")
			return err == nil && r.JSON200 != nil && (*r.JSON200.Data)["signing_secret"] == "***" && r.JSON200.VerifiedAt == nil, err
		}},
		{"updateWebhookEndpoint", 200, endpoint, func() (bool, error) {
			r, err := c.UpdateWebhookEndpointWithResponse(ctx, "we_abc123", patchBody)
			return err == nil && r.JSON200 != nil, err
		}},
		{"replaceWebhookEndpoint", 200, endpoint, func() (bool, error) {
			r, err := c.ReplaceWebhookEndpointWithResponse(ctx, "we_abc123", replaceBody)
			return err == nil && r.JSON200 != nil, err
		}},
		{"createWebhookSubscription", 201, subscription, func() (bool, error) {
			r, err := c.CreateWebhookSubscriptionWithResponse(ctx, gen.CreateWebhookSubscriptionRequest{
				WebhookURL: "https://example.com/webhooks/composio", EnabledEvents: []string{"composio.trigger.message"}, Version: ptr(gen.WebhookVersionV3),
			})
			return err == nil && r.JSON201 != nil && *r.JSON201.Secret == "whsec_123", err
		}},
		{"listWebhookSubscriptions", 200, page(subscription), func() (bool, error) {
			r, err := c.ListWebhookSubscriptionsWithResponse(ctx, &gen.ListWebhookSubscriptionsParams{Limit: ptr(1)})
			return err == nil && r.JSON200 != nil && r.JSON200.Items[0].Version == gen.WebhookVersionV3, err
		}},
		{"getWebhookSubscription", 200, subscription, func() (bool, error) {
			r, err := c.GetWebhookSubscriptionWithResponse(ctx, "sub_123")
			return err == nil && r.JSON200 != nil, err
		}},
		{"updateWebhookSubscription", 200, subscription, func() (bool, error) {
			r, err := c.UpdateWebhookSubscriptionWithResponse(ctx, "sub_123", gen.UpdateWebhookSubscriptionRequest{EnabledEvents: &[]string{"composio.trigger.message"}})
			return err == nil && r.JSON200 != nil, err
		}},
		{"deleteWebhookSubscription", 200, `{"success":true}`, func() (bool, error) {
			r, err := c.DeleteWebhookSubscriptionWithResponse(ctx, "sub_123")
			return err == nil && r.JSON200 != nil && r.JSON200.Success, err
		}},
		{"rotateWebhookSubscriptionSecret", 200, `{"id":"sub_123","secret":"whsec_456"}`, func() (bool, error) {
			r, err := c.RotateWebhookSubscriptionSecretWithResponse(ctx, "sub_123")
			return err == nil && r.JSON200 != nil && r.JSON200.Secret == "whsec_456", err
		}},
		{"listWebhookEventTypes", 200, `{"items":[` + wireFixture(t, "composio-sdk-webhooks-test-mocks.synthetic.json", "listEventTypes item") + `]}`, func() (bool, error) {
			r, err := c.ListWebhookEventTypesWithResponse(ctx)
			return err == nil && r.JSON200 != nil && r.JSON200.Items[0].SupportedVersions[1] == gen.WebhookVersionV3, err
		}},
		{"getRealtimeCredentials", 200, `{"pusher_key":"ff8f0d6c2e53a1b7","project_id":"pr_abc","pusher_cluster":"mt1"}`, func() (bool, error) {
			r, err := c.GetRealtimeCredentialsWithResponse(ctx)
			return err == nil && r.JSON200 != nil && r.JSON200.PusherCluster == "mt1", err
		}},
		{"authorizeRealtimeChannel", 200, `{"auth":"ff8f0d6c2e53a1b7:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4"}`, func() (bool, error) {
			r, err := c.AuthorizeRealtimeChannelWithFormdataBodyWithResponse(ctx, gen.RealtimeAuthRequest{SocketID: "1234.1234", ChannelName: "private-pr_abc_triggers"})
			return err == nil && r.JSON200 != nil && strings.HasPrefix(r.JSON200.Auth, "ff8f0d6c2e53a1b7:"), err
		}},
	}
	for _, cl := range calls {
		vs.reply(cl.op, cl.status, cl.body)
		ok, err := cl.do()
		if err != nil {
			t.Errorf("%s: %v", cl.op, err)
		} else if !ok {
			t.Errorf("%s: reply not decoded as expected", cl.op)
		}
	}

	doc, err := openapi.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range doc.Paths.InMatchingOrder() {
		for _, op := range doc.Paths.Value(path).Operations() {
			if !vs.seen[op.OperationID] {
				t.Errorf("%s: not exercised", op.OperationID)
			}
		}
	}
}

// TestErrorRepliesValidate checks the documented error bodies, including the
// rate-limit body that is not wrapped in "error", against composio.yaml and
// the generated types.
func TestErrorRepliesValidate(t *testing.T) {
	vs := newValidatingServer(t)
	c, err := gen.NewClientWithResponses(vs.srv.URL, gen.WithRequestEditorFn(apiKey("test-key")))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	vs.reply("upsertTriggerInstance", 400, `{"error":{"message":"No connected account found for this user and toolkit","status":400,"slug":"CONNECTED_ACCOUNT_NOT_FOUND","request_id":"req_1","suggested_fix":"Connect an account first"}}`)
	r, err := c.UpsertTriggerInstanceWithResponse(ctx, "GITHUB_COMMIT_EVENT", gen.UpsertTriggerInstanceRequest{UserID: ptr("user-1")})
	if err != nil {
		t.Fatal(err)
	}
	if r.JSON400 == nil || r.JSON400.Error.Code != nil || *r.JSON400.Error.Slug != "CONNECTED_ACCOUNT_NOT_FOUND" {
		t.Errorf("400 not decoded: %s", r.Body)
	}

	vs.reply("listTriggerTypes", 429, `{"message":"Rate limit exceeded. Limit: 2000 requests per 60s"}`)
	r2, err := c.ListTriggerTypesWithResponse(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r2.JSON429 == nil || r2.JSON429.Message == nil {
		t.Errorf("429 not decoded: %s", r2.Body)
	}

	vs.reply("getTriggerType", 400, `{"error":{"message":"Trigger type NOPE not found","code":400,"status":400}}`)
	r3, err := c.GetTriggerTypeWithResponse(ctx, "NOPE", nil)
	if err != nil {
		t.Fatal(err)
	}
	if r3.JSON400 == nil || r3.JSON400.Error.Message == "" {
		t.Errorf("400 not decoded: %s", r3.Body)
	}
}

func mustUnmarshal(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatal(err)
	}
}
