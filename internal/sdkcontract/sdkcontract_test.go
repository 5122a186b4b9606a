package sdkcontract

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/triggergen/triggergen/composiotest"
	"github.com/triggergen/triggergen/webhook"
)

// Bounds of the external steps. The whole test takes a few seconds warm and
// under a minute cold (README.md has the figures); these only stop a hang.
const (
	installTimeout = 4 * time.Minute
	scriptTimeout  = 2 * time.Minute
	tscTimeout     = 2 * time.Minute
)

// TestOfficialSDK runs contract.mjs, Composio's official TypeScript SDK
// exercising every operation the fake serves, against composiotest. It fails
// on any failed check of the script, any warning the SDK logs, and any
// contract violation the fake records (NewServer reports those). Then every
// distinct 2xx answer the fake sent is type-checked with tsc --strict
// against @composio/client's type of its operation.
func TestOfficialSDK(t *testing.T) {
	node, npm := tools(t)
	dir := install(t, npm)

	var mu sync.Mutex
	var answers []composiotest.Response
	srv := composiotest.NewServer(t, composiotest.ObserveResponses(func(r composiotest.Response) {
		if r.Status/100 != 2 {
			return
		}
		r.Body = slices.Clone(r.Body)
		mu.Lock()
		answers = append(answers, r)
		mu.Unlock()
	}))
	states := seed(srv)
	// A V2 webhook trigger type: upserts need a webhook endpoint of slack.
	srv.SetRequiresWebhookEndpointSetup("SLACK_RECEIVE_MESSAGE", true)
	ctl := httptest.NewServer(controlHandler(srv))
	t.Cleanup(ctl.Close)

	run := runDir(t, dir)
	script, err := os.ReadFile("contract.mjs")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(run, "contract.mjs"), script, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), scriptTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "contract.mjs")
	cmd.Dir = run
	cmd.Env = append(baseEnv(),
		"COMPOSIO_BASE_URL="+srv.URL,
		"COMPOSIO_API_KEY="+srv.APIKey(),
		"TRIGGERGEN_CONTROL_URL="+ctl.URL,
		"TRIGGERGEN_AUTH_STATES="+strconv.Itoa(states),
		// Belt and braces: contract.mjs also turns telemetry and the
		// version check off, and refuses any fetch to another host.
		"TELEMETRY_DISABLED=true",
		"NODE_ENV=test",
	)
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("node contract.mjs (%v):\n%s", time.Since(start).Round(time.Millisecond), out)
	if err != nil {
		t.Errorf("contract.mjs failed: %v (its output is above)", err)
	}
	srv.Close()

	mu.Lock()
	defer mu.Unlock()
	exercised := map[string]bool{}
	for _, a := range answers {
		exercised[a.Operation] = true
	}
	var missing []string
	for op := range clientTypes {
		if !exercised[op] {
			missing = append(missing, op)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("contract.mjs got no 2xx answer of %d operation(s) the client has: %s", len(missing), strings.Join(missing, ", "))
	}
	for _, f := range typecheck(t, node, run, answers) {
		t.Error(f)
	}
	t.Logf("contract violations recorded by the fake: %d", len(srv.ContractViolations()))
}

// TestTypecheckCatchesMistakes shows that the type check fails on an answer
// that is not of its operation's client type: the connected account the
// fake sent before issue 20, whose state fits no variant of the union, and
// an upsert answer with a field the client does not know.
func TestTypecheckCatchesMistakes(t *testing.T) {
	node, npm := tools(t)
	run := runDir(t, install(t, npm))
	answers := []composiotest.Response{
		{Operation: "listTriggerTypeEnum", Method: "GET", URI: "/api/v3.1/triggers_types/list/enum", Status: 200, Body: []byte(`["GITHUB_COMMIT_EVENT"]`)},
		{Operation: "getConnectedAccount", Method: "GET", URI: "/api/v3.1/connected_accounts/ca_1", Status: 200, Body: []byte(`{
			"id":"ca_1","word_id":null,"alias":null,"user_id":"u","status":"ACTIVE","status_reason":null,"is_disabled":false,
			"created_at":"2026-01-01T00:00:00.000Z","updated_at":"2026-01-01T00:00:00.000Z","toolkit":{"slug":"github"},
			"auth_config":{"id":"ac_1","auth_scheme":"OAUTH2","is_composio_managed":true,"is_disabled":false},
			"state":{"authScheme":"OAUTH2","val":{"status":"ACTIVE"}},"data":{},"params":{}}`)},
		{Operation: "upsertTriggerInstance", Method: "POST", URI: "/api/v3.1/trigger_instances/X/upsert", Status: 201, Body: []byte(`{"trigger_id":"ti_1","deprecated":{"uuid":"u"}}`)},
	}
	got := typecheck(t, node, run, answers)
	if len(got) != 2 || !strings.Contains(got[0], "getConnectedAccount") || !strings.Contains(got[0], "access_token") ||
		!strings.Contains(got[1], "upsertTriggerInstance") || !strings.Contains(got[1], "'\"deprecated\"' does not exist") {
		t.Errorf("type check findings:\n%s\nwant one for the state without access_token and one for the unknown deprecated field", strings.Join(got, "\n"))
	}
}

// tools finds node and npm, or skips the test saying why.
func tools(t *testing.T) (node, npm string) {
	var missing []string
	node, err := exec.LookPath("node")
	if err != nil {
		missing = append(missing, "node")
	}
	npm, err = exec.LookPath("npm")
	if err != nil {
		missing = append(missing, "npm")
	}
	if len(missing) > 0 {
		t.Skipf("skipping the official-SDK contract test: node and npm are needed, %s not found in PATH", strings.Join(missing, " and "))
	}
	return node, npm
}

// baseEnv is the environment of node and npm: only what they need, so that
// a developer's COMPOSIO_* variables (a real API key, toolkit version pins)
// never reach the script.
func baseEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case name == "PATH", name == "HOME", name == "TMPDIR", name == "USERPROFILE", name == "SYSTEMROOT",
			strings.HasPrefix(name, "npm_config_"), strings.HasPrefix(name, "NPM_CONFIG_"):
			env = append(env, kv)
		}
	}
	return append(env, "npm_config_update_notifier=false", "npm_config_fund=false", "npm_config_audit=false")
}

// cacheRoot is where installs are kept between runs: $TRIGGERGEN_SDKCONTRACT_CACHE,
// else the user cache directory, else the temporary directory. Never inside
// the repository.
func cacheRoot() string {
	if d := os.Getenv("TRIGGERGEN_SDKCONTRACT_CACHE"); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "triggergen", "sdkcontract")
	}
	return filepath.Join(os.TempDir(), "triggergen-sdkcontract")
}

// install runs npm ci for package.json and package-lock.json into a cache
// directory named by their hash, and returns it. A complete install with the
// same hash is reused; a new one is built beside it and renamed into place,
// so an interrupted or concurrent install never leaves a half-filled
// directory behind under that name.
func install(t *testing.T, npm string) string {
	t.Helper()
	pkg, err := os.ReadFile("package.json")
	if err != nil {
		t.Fatal(err)
	}
	lock, err := os.ReadFile("package-lock.json")
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	h.Write(pkg)
	h.Write([]byte{0})
	h.Write(lock)
	root := cacheRoot()
	dir := filepath.Join(root, hex.EncodeToString(h.Sum(nil))[:16])
	if _, err := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json")); err == nil {
		t.Logf("npm packages: reusing %s", dir)
		return dir
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	tmp, err := os.MkdirTemp(root, filepath.Base(dir)+".partial-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	for name, b := range map[string][]byte{"package.json": pkg, "package-lock.json": lock} {
		if err := os.WriteFile(filepath.Join(tmp, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), installTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = tmp
	cmd.Env = baseEnv()
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci (the pinned SDK, from the npm registry): %v\n%s", err, out)
	}
	t.Logf("npm ci: %v into %s", time.Since(start).Round(time.Millisecond), dir)
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json")); statErr != nil {
			t.Fatalf("install into %s: %v", dir, err)
		}
		// Another run installed the same lock first: use its copy.
	}
	return dir
}

// runDir makes a directory for this run's files inside the install, so that
// node resolves the packages from it, and removes it at the end.
func runDir(t *testing.T, dir string) string {
	t.Helper()
	run, err := os.MkdirTemp(dir, "run-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(run) })
	return run
}

// seed adds the connected accounts contract.mjs expects, and returns the
// number of accounts of user "matrix": one per auth scheme and status.
func seed(srv *composiotest.Server) int {
	now := time.Now().UTC()
	srv.AddConnectedAccount(composiotest.ConnectedAccount{UserID: "alice", Toolkit: "github", CreatedAt: now.Add(-2 * time.Hour)})
	srv.AddConnectedAccount(composiotest.ConnectedAccount{UserID: "alice", Toolkit: "github", CreatedAt: now.Add(-time.Hour), Alias: "work"})
	srv.AddConnectedAccount(composiotest.ConnectedAccount{UserID: "bob", Toolkit: "slack", CreatedAt: now.Add(-time.Hour)})
	srv.AddConnectedAccount(composiotest.ConnectedAccount{UserID: "carol", Toolkit: "github", Status: "EXPIRED", CreatedAt: now.Add(-time.Hour)})
	srv.AddConnectedAccount(composiotest.ConnectedAccount{UserID: "dave", Toolkit: "github", AuthScheme: "API_KEY", Shared: true})
	states := composiotest.AuthStates()
	for _, st := range states {
		srv.AddConnectedAccount(composiotest.ConnectedAccount{UserID: "matrix", Toolkit: "github", AuthScheme: st.Scheme, Status: st.Status})
	}
	return len(states)
}

// controlHandler lets contract.mjs ask the fake to sign and deliver an event
// (POST /deliver {"trigger_id", "version", "age_seconds"}); it answers the
// status the subscriber answered.
func controlHandler(srv *composiotest.Server) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /deliver", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			TriggerID  string          `json:"trigger_id"`
			Version    webhook.Version `json:"version"`
			AgeSeconds int             `json:"age_seconds"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		resp, err := srv.Deliver(r.Context(), composiotest.Delivery{
			TriggerID: req.TriggerID, Version: req.Version,
			Timestamp: time.Now().Add(-time.Duration(req.AgeSeconds) * time.Second),
		})
		if err != nil {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_ = json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
			return
		}
		resp.Body.Close()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]int{"status": resp.StatusCode})
	})
	return mux
}

// clientType names the @composio/client type of an operation's 2xx answer:
// the module under @composio/client/resources and the exported type.
type clientType struct{ module, name string }

// clientTypes maps each operation of openapi/composio.yaml that
// @composio/client has to the type its methods return. The client's
// Stainless-compatible types are those of the 200 answer; upsert (201) and
// webhook endpoint create (201) answer the same shape with either status.
var clientTypes = map[string]clientType{
	"listTriggerTypes":                {"triggers-types", "TriggersTypeListResponse"},
	"getTriggerType":                  {"triggers-types", "TriggersTypeRetrieveResponse"},
	"listTriggerTypeEnum":             {"triggers-types", "TriggersTypeRetrieveEnumResponse"},
	"upsertTriggerInstance":           {"trigger-instances", "TriggerInstanceUpsertResponse"},
	"listActiveTriggers":              {"trigger-instances", "TriggerInstanceListActiveResponse"},
	"manageTriggerInstance":           {"trigger-instances/manage", "ManageUpdateResponse"},
	"deleteTriggerInstance":           {"trigger-instances/manage", "ManageDeleteResponse"},
	"listConnectedAccounts":           {"connected-accounts", "ConnectedAccountListResponse"},
	"getConnectedAccount":             {"connected-accounts", "ConnectedAccountRetrieveResponse"},
	"createWebhookEndpoint":           {"webhook-endpoints", "WebhookEndpointCreateResponse"},
	"listWebhookEndpoints":            {"webhook-endpoints", "WebhookEndpointListResponse"},
	"getWebhookEndpoint":              {"webhook-endpoints", "WebhookEndpointRetrieveResponse"},
	"updateWebhookEndpoint":           {"webhook-endpoints", "WebhookEndpointUpdateResponse"},
	"replaceWebhookEndpoint":          {"webhook-endpoints", "WebhookEndpointReplaceResponse"},
	"createWebhookSubscription":       {"webhook-subscriptions", "WebhookSubscriptionCreateResponse"},
	"listWebhookSubscriptions":        {"webhook-subscriptions", "WebhookSubscriptionListResponse"},
	"listWebhookEventTypes":           {"webhook-subscriptions", "WebhookSubscriptionListEventTypesResponse"},
	"getWebhookSubscription":          {"webhook-subscriptions", "WebhookSubscriptionRetrieveResponse"},
	"updateWebhookSubscription":       {"webhook-subscriptions", "WebhookSubscriptionUpdateResponse"},
	"deleteWebhookSubscription":       {"webhook-subscriptions", "WebhookSubscriptionDeleteResponse"},
	"rotateWebhookSubscriptionSecret": {"webhook-subscriptions", "WebhookSubscriptionRotateSecretResponse"},
}

// beyondClient are the fields the fake sends that the client's types lack,
// by operation, as a TypeScript type joined to the client's (&). There is
// one: Composio's changelog documents verified_at on webhook endpoints, and
// composio.WaitVerified polls it, but the v3.1 spec the client was
// generated from does not have it (openapi/README.md).
var beyondClient = map[string]string{
	"createWebhookEndpoint":  verifiedAt,
	"getWebhookEndpoint":     verifiedAt,
	"updateWebhookEndpoint":  verifiedAt,
	"replaceWebhookEndpoint": verifiedAt,
}

const verifiedAt = "{ verified_at?: string | null }"

// notInClient lists the operations of openapi/composio.yaml that
// @composio/client does not have, with the reason.
var notInClient = map[string]string{
	"getWebhookEndpointSchema": "documented by Composio, absent from the client's 104 operations (openapi/README.md)",
}

// typecheck writes every distinct 2xx answer as a constant of its
// operation's client type, runs tsc --strict over them, and returns one
// finding per answer that is not of its type (and per answer of an
// operation it has no type for).
func typecheck(t *testing.T, node, run string, answers []composiotest.Response) []string {
	t.Helper()
	var findings []string
	type entry struct {
		composiotest.Response
		typ        clientType
		start, end int // lines of the generated file
	}
	seen := map[string]bool{}
	var entries []*entry
	for _, a := range answers {
		typ, ok := clientTypes[a.Operation]
		if !ok {
			if _, absent := notInClient[a.Operation]; !absent {
				findings = append(findings, fmt.Sprintf("%s %s answered %d by operation %q, which has no @composio/client type here: add it to clientTypes or notInClient", a.Method, a.URI, a.Status, a.Operation))
			}
			continue
		}
		key := a.Operation + "\x00" + string(a.Body)
		if seen[key] {
			continue
		}
		seen[key] = true
		entries = append(entries, &entry{Response: a, typ: typ})
	}
	// Imports, grouped by module, in a stable order.
	byModule := map[string][]string{}
	for _, e := range entries {
		if !slices.Contains(byModule[e.typ.module], e.typ.name) {
			byModule[e.typ.module] = append(byModule[e.typ.module], e.typ.name)
		}
	}
	modules := make([]string, 0, len(byModule))
	for m := range byModule {
		modules = append(modules, m)
	}
	sort.Strings(modules)
	var src bytes.Buffer
	line := 1
	emit := func(format string, args ...any) {
		s := fmt.Sprintf(format, args...)
		src.WriteString(s)
		line += strings.Count(s, "\n")
	}
	emit("// Generated by sdkcontract_test.go: the fake's 2xx answers, typed as @composio/client types them.\n")
	for _, m := range modules {
		names := byModule[m]
		sort.Strings(names)
		emit("import type { %s } from '@composio/client/resources/%s';\n", strings.Join(names, ", "), m)
	}
	for i, e := range entries {
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, e.Body, "", "  "); err != nil {
			t.Fatalf("%s %s: answer is not JSON: %v", e.Method, e.URI, err)
		}
		emit("\n// %s: %d to %s %s\n", e.Operation, e.Status, e.Method, e.URI)
		e.start = line
		typ := e.typ.name
		if extra := beyondClient[e.Operation]; extra != "" {
			typ += " & " + extra
		}
		emit("export const answer%d: %s = %s;\n", i, typ, pretty.String())
		e.end = line - 1
	}
	if err := os.WriteFile(filepath.Join(run, "answers.mts"), src.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	tsconfig := `{
  "compilerOptions": {
    "strict": true,
    "noEmit": true,
    "target": "es2022",
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "skipLibCheck": true,
    "types": []
  },
  "files": ["answers.mts"]
}
`
	if err := os.WriteFile(filepath.Join(run, "tsconfig.json"), []byte(tsconfig), 0o644); err != nil {
		t.Fatal(err)
	}
	tsc := filepath.Join(filepath.Dir(run), "node_modules", "typescript", "bin", "tsc")
	if _, err := os.Stat(tsc); err != nil {
		t.Fatalf("typescript is not installed: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), tscTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, tsc, "-p", "tsconfig.json", "--pretty", "false")
	cmd.Dir = run
	cmd.Env = baseEnv()
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	out, err := cmd.CombinedOutput()
	ops := map[string]bool{}
	for _, e := range entries {
		ops[e.Operation] = true
	}
	t.Logf("tsc --strict: %d distinct 2xx answers of %d operations, %v", len(entries), len(ops), time.Since(start).Round(time.Millisecond))
	if err == nil {
		return findings
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("tsc: %v\n%s", err, out)
	}
	// Name the answer each error is about.
	failed := map[*entry][]string{}
	var unplaced []string
	var last *entry // an indented line continues the diagnostic above it
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		n, ok := errorLine(l)
		if !ok {
			if last != nil && strings.HasPrefix(l, " ") {
				failed[last] = append(failed[last], l)
			} else {
				unplaced = append(unplaced, l)
			}
			continue
		}
		last = nil
		i := slices.IndexFunc(entries, func(e *entry) bool { return e.start <= n && n <= e.end })
		if i < 0 {
			unplaced = append(unplaced, l)
			continue
		}
		last = entries[i]
		failed[last] = append(failed[last], l)
	}
	if len(failed) == 0 {
		t.Fatalf("tsc: %v\n%s", err, out)
	}
	for _, e := range entries {
		if msgs := failed[e]; len(msgs) > 0 {
			findings = append(findings, fmt.Sprintf("%s: the %d answer to %s %s is not a %s:\n%s\nanswer: %s", e.Operation, e.Status, e.Method, e.URI, e.typ.name, strings.Join(msgs, "\n"), truncate(e.Body, 600)))
		}
	}
	t.Logf("%d of %d distinct 2xx answers fail the strict type check against @composio/client", len(failed), len(entries))
	if len(unplaced) > 0 {
		findings = append(findings, "tsc: "+strings.Join(unplaced, "\n"))
	}
	return findings
}

var tscError = regexp.MustCompile(`^answers\.mts\((\d+),\d+\): `)

// errorLine returns the line number of a tsc diagnostic in answers.mts.
func errorLine(s string) (int, bool) {
	m := tscError.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil
}

func truncate(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "…"
}

// TestPinnedVersions keeps package.json and the lock on the versions
// README.md names: exact pins, and the lock agreeing with them.
func TestPinnedVersions(t *testing.T) {
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
		Overrides    map[string]string `json:"overrides"`
	}
	var lock struct {
		LockfileVersion int `json:"lockfileVersion"`
		Packages        map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	for name, v := range map[string]any{"package.json": &pkg, "package-lock.json": &lock} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	want := map[string]string{"@composio/core": "0.21.0", "@composio/client": "2.0.0-rc.6", "typescript": "6.0.3"}
	for name, v := range want {
		if got := pkg.Dependencies[name]; got != v {
			t.Errorf("package.json pins %s %q, want exactly %q", name, got, v)
		}
		if got := lock.Packages["node_modules/"+name].Version; got != v {
			t.Errorf("package-lock.json has %s %q, want %q", name, got, v)
		}
	}
	if got := pkg.Overrides["@composio/client"]; got != want["@composio/client"] {
		t.Errorf("package.json overrides @composio/client with %q, want %q (README.md says why)", got, want["@composio/client"])
	}
	for path, p := range lock.Packages {
		if strings.Contains(path, "@composio/client") && p.Version != want["@composio/client"] {
			t.Errorf("package-lock.json has a second @composio/client: %s %s", path, p.Version)
		}
	}
}
