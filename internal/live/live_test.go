package live_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/triggergen/triggergen/catalog/github"
	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/composio/realtime"
	"github.com/triggergen/triggergen/composiotest"
	"github.com/triggergen/triggergen/openapi"
	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
)

// TestLive runs checkAPI against the real Composio API. It needs
// COMPOSIO_API_KEY; COMPOSIO_BASE_URL overrides the production URL.
func TestLive(t *testing.T) {
	key := strings.TrimSpace(os.Getenv(composio.EnvAPIKey))
	if key == "" {
		t.Skipf("%s is not set: skipping the read-only live test against the real Composio API "+
			"(set it, and optionally %s (default %s), to run it)",
			composio.EnvAPIKey, composio.EnvBaseURL, composio.DefaultBaseURL)
	}
	base := strings.TrimSpace(os.Getenv(composio.EnvBaseURL))
	if base == "" {
		base = composio.DefaultBaseURL
	}
	checkAPI(t, base, key, 5*time.Second)
}

// TestAgainstFake runs the same checks against the fake, so that the code
// TestLive relies on runs in CI.
func TestAgainstFake(t *testing.T) {
	srv := composiotest.NewServer(t)
	checkAPI(t, srv.URL, srv.APIKey(), 200*time.Millisecond)
}

// checkAPI checks, read-only, what triggergen assumes about the API at
// baseURL, and validates every exchange against openapi/. It keeps a
// realtime subscription open for realtimeFor.
func checkAPI(t *testing.T, baseURL, apiKey string, realtimeFor time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()

	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	rec := &recorder{base: tr}
	client, err := composio.NewClient(
		composio.WithBaseURL(baseURL),
		composio.WithAPIKey(secret.New(apiKey)),
		composio.WithHTTPClient(&http.Client{Transport: rec, Timeout: time.Minute}),
		// No COMPOSIO_TOOLKIT_VERSION_* pins: describe the latest versions,
		// which is what `triggergen pull` would lock.
		composio.WithGetenv(func(string) string { return "" }),
	)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("checking %s", client.BaseURL())

	t.Run("GitHubTriggerTypes", func(t *testing.T) {
		const pageSize = 3
		n := 0
		for tt, err := range client.TriggerTypes(ctx, composio.TriggerTypesParams{Toolkits: []string{"github"}, PageSize: pageSize}) {
			if err != nil {
				t.Fatalf("list github trigger types: %v", err)
			}
			n++
			if tt.Slug == "" {
				t.Errorf("trigger type #%d of github has no slug", n)
			}
			if !strings.EqualFold(tt.Toolkit, "github") {
				t.Errorf("%s: toolkit %q, want github", tt.Slug, tt.Toolkit)
			}
			for _, p := range objectProblems(tt.Slug+" config", tt.Config) {
				t.Error(p)
			}
			for _, p := range objectProblems(tt.Slug+" payload", tt.Payload) {
				t.Error(p)
			}
			if n == 2*pageSize { // a page or two is enough
				break
			}
		}
		if n == 0 {
			t.Error("no trigger types listed for toolkit github")
		}
		t.Logf("checked %d github trigger types", n)
	})

	t.Run("CommitEventMatchesGenerated", func(t *testing.T) {
		tt, err := client.TriggerType(ctx, github.CommitEventSlug)
		if err != nil {
			t.Fatalf("get %s: %v", github.CommitEventSlug, err)
		}
		t.Logf("%s: server version %q, generated from %q", tt.Slug, tt.Version, github.ToolkitVersion)
		for _, p := range schemaDrift(tt.Slug, tt.Config, tt.Payload,
			reflect.TypeFor[github.CommitEventConfig](), reflect.TypeFor[github.CommitEventPayload]()) {
			t.Error(p)
		}
	})

	t.Run("WebhookEventTypes", func(t *testing.T) {
		ets, err := client.EventTypes(ctx)
		if err != nil {
			t.Fatalf("list webhook event types: %v", err)
		}
		var names []string
		for _, et := range ets {
			if et.Type == "" {
				t.Errorf("event type without a name: %+v", et)
			}
			names = append(names, et.Type)
		}
		if !slices.Contains(names, webhook.TypeTriggerMessage) {
			t.Errorf("event types %q lack %q, the subscription default", names, webhook.TypeTriggerMessage)
		}
	})

	t.Run("SlackWebhookEndpointSchema", func(t *testing.T) {
		s, err := client.WebhookEndpointSchema(ctx, "slack")
		if err != nil {
			t.Fatalf("get slack webhook endpoint schema: %v", err)
		}
		var names []string
		for _, f := range s.Fields {
			names = append(names, f.Name)
			if f.Name == "webhook_signing_secret" {
				t.Logf("webhook_signing_secret: required %v, secret %v", f.Required, f.Secret)
			}
		}
		if !slices.Contains(names, "webhook_signing_secret") {
			t.Errorf("slack webhook endpoint setup fields %q lack webhook_signing_secret", names)
		}
	})

	t.Run("Realtime", func(t *testing.T) {
		creds, err := client.RealtimeCredentials(ctx)
		if err != nil {
			t.Fatalf("get realtime credentials: %v", err)
		}
		t.Logf("realtime: project %s, Pusher cluster %q", creds.ProjectID, creds.PusherCluster)
		sctx, cancel := context.WithCancel(ctx)
		defer cancel()
		subscribed := make(chan string, 8)
		done := make(chan error, 1)
		go func() {
			done <- realtime.Subscribe(sctx, client, webhook.NewDispatcher(),
				realtime.OnSubscribed(func(ch string) { subscribed <- ch }))
		}()
		select {
		case ch := <-subscribed:
			if ch != "private-"+creds.ProjectID+"_triggers" {
				t.Errorf("subscribed to %q", ch)
			}
		case err := <-done:
			t.Fatalf("realtime subscription failed: %v", err)
		case <-time.After(30 * time.Second):
			t.Fatal("realtime subscription did not succeed within 30s")
		}
		select {
		case err := <-done:
			t.Fatalf("realtime subscription ended within %v: %v", realtimeFor, err)
		case <-time.After(realtimeFor):
		}
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("realtime subscription ended with %v, want context.Canceled", err)
		}
	})

	t.Run("OpenAPI", func(t *testing.T) {
		v := newValidator(t)
		seen := map[string]int{}
		for _, ex := range rec.all() {
			op, problems := v.check(ctx, baseURL, ex)
			seen[op]++
			for _, p := range problems {
				t.Error(p)
			}
		}
		for _, op := range []string{"listTriggerTypes", "getTriggerType", "listWebhookEventTypes", "getWebhookEndpointSchema",
			"getRealtimeCredentials", "authorizeRealtimeChannel"} {
			if seen[op] == 0 {
				t.Errorf("no %s response was validated", op)
			}
		}
		t.Logf("validated %d exchanges: %v", len(rec.all()), seen)
	})
}

// objectProblems reports raw when it is not a JSON object.
func objectProblems(what string, raw json.RawMessage) []string {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return []string{fmt.Sprintf("%s is not a JSON object: %.80s", what, raw)}
	}
	return nil
}

// schemaDrift compares a trigger type's schemas with the generated config
// and payload types, one line per incompatibility, each naming the field.
func schemaDrift(slug string, config, payload json.RawMessage, configType, payloadType reflect.Type) []string {
	const fix = "the generated code is stale: run `triggergen pull` and regenerate"
	var out []string
	cfg, err := parseSchema(config)
	if err != nil {
		return []string{fmt.Sprintf("%s config: %v", slug, err)}
	}
	pl, err := parseSchema(payload)
	if err != nil {
		return []string{fmt.Sprintf("%s payload: %v", slug, err)}
	}
	cfgFields, plFields := jsonFields(configType), jsonFields(payloadType)
	for _, name := range cfg.Required {
		if !slices.Contains(cfgFields, name) {
			out = append(out, fmt.Sprintf("%s config: required property %q has no JSON field in %s; %s", slug, name, configType, fix))
		}
	}
	for _, name := range cfgFields {
		if _, ok := cfg.Properties[name]; !ok {
			out = append(out, fmt.Sprintf("%s config: field %q of %s is no longer a config property; %s", slug, name, configType, fix))
		}
	}
	for _, name := range plFields {
		if _, ok := pl.Properties[name]; !ok {
			out = append(out, fmt.Sprintf("%s payload: field %q of %s is no longer a payload property; %s", slug, name, payloadType, fix))
		}
	}
	return out
}

type objectSchema struct {
	Properties map[string]json.RawMessage `json:"properties"`
	Required   []string                   `json:"required"`
}

func parseSchema(raw json.RawMessage) (objectSchema, error) {
	var s objectSchema
	if err := json.Unmarshal(raw, &s); err != nil {
		return s, fmt.Errorf("schema is not a JSON object: %w", err)
	}
	return s, nil
}

// jsonFields returns the JSON names encoding/json uses for t's fields.
func jsonFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		switch {
		case tag == "-":
			continue
		case f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct:
			out = append(out, jsonFields(f.Type)...)
			continue
		case !f.IsExported():
			continue
		case name == "":
			name = f.Name
		}
		out = append(out, name)
	}
	return out
}

// recorder is an http.RoundTripper that refuses anything but GET (so the
// live test cannot change a project), except the realtime channel
// authorization, a POST that signs a socket id and changes nothing; it
// keeps every exchange.
type recorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	log  []exchange
}

type exchange struct {
	method     string
	url        url.URL
	header     http.Header
	reqBody    []byte
	status     int
	respHeader http.Header
	body       []byte
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet && (req.Method != http.MethodPost || !strings.HasSuffix(req.URL.Path, realtimeAuthPath)) {
		return nil, fmt.Errorf("live check is read-only: refusing %s %s", req.Method, req.URL.Path)
	}
	var reqBody []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		reqBody = b
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	resp, err := r.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log = append(r.log, exchange{method: req.Method, url: *req.URL, header: req.Header.Clone(), reqBody: reqBody,
		status: resp.StatusCode, respHeader: resp.Header.Clone(), body: body})
	return resp, nil
}

func (r *recorder) all() []exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.log)
}

// realtimeAuthPath is the one POST the live check sends.
const realtimeAuthPath = "/api/v3/internal/sdk/realtime/auth"

// validator checks recorded exchanges against openapi/composio.yaml, set up
// as composiotest sets up its own (routing on paths alone, the legacy router
// preferring literal segments, the API key not part of the check).
type validator struct{ *openapi.Validator }

func newValidator(t *testing.T) *validator {
	t.Helper()
	v, err := openapi.NewValidator(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &validator{v}
}

// check validates one exchange and returns its operation id and problems.
func (v *validator) check(ctx context.Context, baseURL string, ex exchange) (string, []string) {
	u := ex.url
	if b, err := url.Parse(baseURL); err == nil {
		u.Path = "/" + strings.TrimPrefix(strings.TrimPrefix(u.Path, strings.TrimSuffix(b.Path, "/")), "/")
	}
	u.Scheme, u.Host, u.RawPath = "", "", ""
	what := fmt.Sprintf("%s %s (%d)", ex.method, u.Path, ex.status)
	req := (&http.Request{Method: ex.method, URL: &u, Header: ex.header, Body: io.NopCloser(bytes.NewReader(ex.reqBody))}).WithContext(ctx)
	m, err := v.Match(req)
	if err != nil {
		return "", []string{fmt.Sprintf("%s: no operation in openapi/composio.yaml: %v", what, err)}
	}
	var problems []string
	if err := m.ValidateRequest(ctx); err != nil {
		problems = append(problems, fmt.Sprintf("%s: request %s does not conform to openapi/composio.yaml: %v", m.Operation, what, err))
	}
	if err := m.ValidateResponse(ctx, ex.status, ex.respHeader, ex.body); err != nil {
		problems = append(problems, fmt.Sprintf("%s: response %s does not conform to openapi/composio.yaml: %v", m.Operation, what, err))
	}
	return m.Operation, problems
}

// TestChecksCatchDrift shows that the checks above fail when they should.
func TestChecksCatchDrift(t *testing.T) {
	cfgType, plType := reflect.TypeFor[github.CommitEventConfig](), reflect.TypeFor[github.CommitEventPayload]()
	config := json.RawMessage(`{"type":"object","properties":{"owner":{"type":"string"},"repo":{"type":"string"},"branch":{"type":"string"}},"required":["owner","repo","branch"]}`)
	payload := json.RawMessage(`{"type":"object","properties":{"author":{},"id":{},"message":{},"timestamp":{}}}`)
	got := strings.Join(schemaDrift("GITHUB_COMMIT_EVENT", config, payload, cfgType, plType), "\n")
	for _, want := range []string{`required property "branch" has no JSON field in github.CommitEventConfig`,
		`field "url" of github.CommitEventPayload is no longer a payload property`, "triggergen pull"} {
		if !strings.Contains(got, want) {
			t.Errorf("drift report lacks %q:\n%s", want, got)
		}
	}
	if p := schemaDrift("X", json.RawMessage(`{"properties":{"owner":{},"repo":{}},"required":["owner","repo"]}`),
		json.RawMessage(`{"properties":{"author":{},"id":{},"message":{},"timestamp":{},"url":{},"extra":{}}}`), cfgType, plType); len(p) != 0 {
		t.Errorf("compatible schemas reported: %q", p)
	}
	if p := objectProblems("x", json.RawMessage(`null`)); len(p) == 0 {
		t.Error("null accepted as a JSON object")
	}

	v := newValidator(t)
	u, _ := url.Parse("http://127.0.0.1:1/api/v3.1/webhook_subscriptions/event_types")
	ex := exchange{method: http.MethodGet, url: *u, header: http.Header{}, status: 200,
		respHeader: http.Header{"Content-Type": {"application/json"}}, body: []byte(`{"event_types":[]}`)}
	op, problems := v.check(t.Context(), "http://127.0.0.1:1", ex)
	if op != "listWebhookEventTypes" || len(problems) == 0 {
		t.Errorf("check(%s, body missing items) = %q, %q; want listWebhookEventTypes and a problem", u.Path, op, problems)
	}
	ex.status, ex.body = 418, []byte(`{}`)
	if _, problems := v.check(t.Context(), "http://127.0.0.1:1", ex); len(problems) == 0 {
		t.Error("an undeclared status passed validation")
	}
}

// TestRecorderIsReadOnly: the live check's transport refuses every request
// that could change a project; only GETs and the realtime channel
// authorization get through.
func TestRecorderIsReadOnly(t *testing.T) {
	var sent []string
	rec := &recorder{base: roundTripFunc(func(req *http.Request) (*http.Response, error) {
		sent = append(sent, req.Method+" "+req.URL.Path)
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("{}"))}, nil
	})}
	for _, tt := range []struct {
		method, path string
		ok           bool
	}{
		{"GET", "/api/v3.1/triggers_types", true},
		{"POST", realtimeAuthPath, true},
		{"POST", "/api/v3.1/trigger_instances/GITHUB_COMMIT_EVENT/upsert", false},
		{"POST", "/api/v3.1/webhook_subscriptions", false},
		{"PATCH", realtimeAuthPath, false},
		{"DELETE", "/api/v3.1/trigger_instances/manage/ti_1", false},
	} {
		req, _ := http.NewRequest(tt.method, "http://127.0.0.1:1"+tt.path, strings.NewReader("socket_id=1.2&channel_name=c"))
		_, err := rec.RoundTrip(req)
		if (err == nil) != tt.ok {
			t.Errorf("%s %s: %v", tt.method, tt.path, err)
		}
	}
	if len(sent) != 2 {
		t.Errorf("sent %q", sent)
	}
	if got := string(rec.all()[1].reqBody); got != "socket_id=1.2&channel_name=c" {
		t.Errorf("recorded body %q", got)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
