package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/triggergen/triggergen/catalog"
	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/composiotest"
	"github.com/triggergen/triggergen/internal/config"
	"github.com/triggergen/triggergen/lockfile"
)

// tgResult is the outcome of one triggergen command line.
type tgResult struct {
	code           int
	stdout, stderr string
}

// runTG runs a command line in-process with the given environment.
func runTG(t *testing.T, vars map[string]string, args ...string) tgResult {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}
	code := exitCode(&errb, run(context.Background(), e, args))
	return tgResult{code, out.String(), errb.String()}
}

func apiEnv(srv *composiotest.Server) map[string]string {
	return map[string]string{composio.EnvAPIKey: srv.APIKey(), composio.EnvBaseURL: srv.URL}
}

func readLockT(t *testing.T, path string) *lockfile.Lock {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lk, err := lockfile.Parse(path, data)
	if err != nil {
		t.Fatal(err)
	}
	return lk
}

func marshalT(t *testing.T, lk *lockfile.Lock) []byte {
	t.Helper()
	b, err := lk.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func canonicalJSON(t *testing.T, raw []byte) string {
	t.Helper()
	if len(raw) == 0 {
		return "null"
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// TestPullMatchesCatalog pulls every toolkit of the fake's default seed (the
// embedded catalog) and checks the lock holds the same toolkits, versions,
// trigger types, schemas and webhook endpoint schemas. Then it seeds a fake
// with the pulled lock and pulls again: the fake's seed and the new lock are
// byte-identical when marshalled. (The catalog itself cannot be
// byte-identical: the API adds toolkit, version and
// requires_webhook_endpoint_setup to every trigger-type object, and the lock
// keeps objects as the API returns them.)
func TestPullMatchesCatalog(t *testing.T) {
	cat, err := catalog.Lock()
	if err != nil {
		t.Fatal(err)
	}
	srv := composiotest.NewServer(t)
	dir := t.TempDir()
	var cfg strings.Builder
	cfg.WriteString("version: 1\ntoolkits:\n")
	for _, tk := range cat.Toolkits {
		cfg.WriteString("  " + tk.Slug + ": " + tk.Version + "\n")
	}
	cfgPath := filepath.Join(dir, "triggergen.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runTG(t, apiEnv(srv), "pull", "-config", cfgPath)
	if r.code != 0 {
		t.Fatalf("pull: exit %d\n%s", r.code, r.stderr)
	}
	lockPath := filepath.Join(dir, "triggergen.lock.json")
	got := readLockT(t, lockPath)
	if len(got.Toolkits) != len(cat.Toolkits) {
		t.Fatalf("%d toolkits, want %d", len(got.Toolkits), len(cat.Toolkits))
	}
	for _, want := range cat.Toolkits {
		tk := got.Toolkit(want.Slug)
		if tk == nil {
			t.Errorf("toolkit %s missing", want.Slug)
			continue
		}
		if tk.Version != want.Version {
			t.Errorf("%s: version %q, want %q", want.Slug, tk.Version, want.Version)
		}
		if len(tk.TriggerTypes) != len(want.TriggerTypes) {
			t.Errorf("%s: %d trigger types, want %d", want.Slug, len(tk.TriggerTypes), len(want.TriggerTypes))
			continue
		}
		for i, wt := range want.TriggerTypes {
			gt := tk.TriggerTypes[i]
			if gt.Slug != wt.Slug || gt.Name != wt.Name || gt.Description != wt.Description || gt.Instructions != wt.Instructions {
				t.Errorf("%s: trigger %d = %s %q, want %s %q", want.Slug, i, gt.Slug, gt.Name, wt.Slug, wt.Name)
			}
			if canonicalJSON(t, gt.Config) != canonicalJSON(t, wt.Config) || canonicalJSON(t, gt.Payload) != canonicalJSON(t, wt.Payload) {
				t.Errorf("%s: schemas differ from the catalog", gt.Slug)
			}
		}
		if canonicalJSON(t, tk.WebhookEndpointSchema) != canonicalJSON(t, want.WebhookEndpointSchema) {
			t.Errorf("%s: webhook endpoint schema %s, want %s", want.Slug, tk.WebhookEndpointSchema, want.WebhookEndpointSchema)
		}
		if tk.SHA256 != tk.Digest() {
			t.Errorf("%s: sha256 %s is not the digest", tk.Slug, tk.SHA256)
		}
	}
	if !strings.Contains(r.stderr, "pulled github: 5 trigger types\n") {
		t.Errorf("no plain progress line on a non-terminal:\n%s", r.stderr)
	}
	if !strings.Contains(r.stdout, "no previous lock") || !strings.Contains(r.stdout, "github: added at 20250729_00 (5 trigger types)") {
		t.Errorf("summary:\n%s", r.stdout)
	}

	// Round trip: a fake seeded with the pulled lock serves it back unchanged.
	srv2 := composiotest.NewServer(t, composiotest.WithLock(got))
	dir2 := t.TempDir()
	lock2 := filepath.Join(dir2, "triggergen.lock.json")
	if err := os.WriteFile(filepath.Join(dir2, "triggergen.yaml"), []byte(cfg.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	r = runTG(t, apiEnv(srv2), "pull", "-config", filepath.Join(dir2, "triggergen.yaml"))
	if r.code != 0 {
		t.Fatalf("second pull: exit %d\n%s", r.code, r.stderr)
	}
	data, err := os.ReadFile(lock2)
	if err != nil {
		t.Fatal(err)
	}
	if want := marshalT(t, got); !bytes.Equal(data, want) {
		t.Errorf("lock pulled from a fake seeded with L differs from Marshal(L)")
	}
	if !bytes.Equal(data, marshalT(t, readLockT(t, lock2))) {
		t.Error("the written lock is not canonical")
	}
}

// TestPullRetries injects 429s, 500s and a dropped connection; the pull
// still completes with every page.
func TestPullRetries(t *testing.T) {
	srv := composiotest.NewServer(t)
	srv.FailNext(2, composiotest.Fault{Status: http.StatusTooManyRequests, Path: "triggers_types"})
	srv.FailNext(1, composiotest.Fault{Status: http.StatusInternalServerError})
	srv.FailNext(1, composiotest.Fault{Status: http.StatusBadGateway, Path: "webhook_endpoints/schema"})
	srv.FailNext(1, composiotest.Fault{Drop: true, Path: "triggers_types"})
	dir := t.TempDir()
	lockPath := filepath.Join(dir, "l.json")
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb, getenv: getenvOf(apiEnv(srv))}
	err := pull(context.Background(), e, pullOptions{
		lockPath: lockPath,
		toolkits: toolkitsOf("github", "slack"),
		retry:    composio.RetryPolicy{MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond},
		pageSize: 2, // several pages per toolkit
	})
	if err != nil {
		t.Fatalf("pull: %v\n%s", err, errb.String())
	}
	got := readLockT(t, lockPath)
	if n := len(got.Toolkit("github").TriggerTypes); n != 5 {
		t.Errorf("github: %d trigger types, want 5", n)
	}
	if n := len(got.Toolkit("slack").TriggerTypes); n != 9 {
		t.Errorf("slack: %d trigger types, want 9", n)
	}
	if got.Toolkit("slack").WebhookEndpointSchema == nil {
		t.Error("slack: no webhook endpoint schema")
	}
	statuses := map[int]int{}
	for _, r := range srv.Requests() {
		statuses[r.Status]++
	}
	if statuses[429] != 2 || statuses[500] != 1 || statuses[502] != 1 {
		t.Errorf("statuses = %v", statuses)
	}
	if c := strings.Count(errb.String(), "retrying "); c < 4 {
		t.Errorf("%d retry lines:\n%s", c, errb.String())
	}
}

func getenvOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func toolkitsOf(slugs ...string) []config.Toolkit {
	out := make([]config.Toolkit, len(slugs))
	for i, s := range slugs {
		out[i] = config.Toolkit{Slug: s, Version: catalog.Version}
	}
	return out
}

// TestPullBadKey: a 401 fails with a clear message and leaves the old lock
// byte-identical, with no temporary file left behind.
func TestPullBadKey(t *testing.T) {
	srv := composiotest.NewServer(t)
	dir := t.TempDir()
	lockPath := filepath.Join(dir, "triggergen.lock.json")
	old := []byte("{\"lock_version\": 1, \"toolkits\": []}\n")
	if err := os.WriteFile(lockPath, old, 0o600); err != nil {
		t.Fatal(err)
	}
	vars := apiEnv(srv)
	vars[composio.EnvAPIKey] = "wrong-key"
	r := runTG(t, vars, "pull", "-lock", lockPath, "-toolkits", "github")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"triggergen: pull: list trigger types of github: composio: 401 Unauthorized", "(check COMPOSIO_API_KEY)"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "wrong-key") {
		t.Errorf("stderr shows the key:\n%s", r.stderr)
	}
	data, err := os.ReadFile(lockPath)
	if err != nil || !bytes.Equal(data, old) {
		t.Errorf("old lock changed: %q, %v", data, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files left in the lock's directory: %v", entries)
	}
}

func TestPullMissingKey(t *testing.T) {
	r := runTG(t, nil, "pull", "-toolkits", "github", "-lock", filepath.Join(t.TempDir(), "l.json"))
	if r.code != 1 || !strings.Contains(r.stderr, "triggergen: pull: COMPOSIO_API_KEY is not set") {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
	// It says how to go on without a key: init, or the fake.
	for _, want := range []string{"`triggergen init`", "`triggergen fake-server`", "COMPOSIO_BASE_URL"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("the missing-key error does not mention %s:\n%s", want, r.stderr)
		}
	}
}

// A toolkit slug the API does not know gets the slug meant: package
// directories drop the underscore (onedrive), the slug keeps it.
func TestPullSuggestsSlug(t *testing.T) {
	srv := composiotest.NewServer(t)
	lock := filepath.Join(t.TempDir(), "l.json")
	r := runTG(t, apiEnv(srv), "pull", "-toolkits", "onedrive", "-lock", lock)
	if r.code != 1 || !strings.Contains(r.stderr, `no trigger types for toolkit "onedrive"`) || !strings.Contains(r.stderr, `(did you mean "one_drive"?)`) {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
	if r := runTG(t, apiEnv(srv), "pull", "-toolkits", "one_drive", "-lock", lock); r.code != 0 {
		t.Errorf("one_drive: exit %d\n%s", r.code, r.stderr)
	}
}

func TestPullNoToolkits(t *testing.T) {
	t.Chdir(t.TempDir())
	r := runTG(t, map[string]string{composio.EnvAPIKey: "k"}, "pull")
	if r.code != 2 || !strings.Contains(r.stderr, "no toolkits to pull") {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
}

// TestPullSummaryAndMerge: -toolkits merges into the existing lock, and the
// summary names what changed, breaking changes first of all.
func TestPullSummaryAndMerge(t *testing.T) {
	cat, err := catalog.Lock()
	if err != nil {
		t.Fatal(err)
	}
	// The server has a GITHUB_COMMIT_EVENT with a new required config field.
	served := &lockfile.Lock{}
	for _, tk := range cat.Toolkits {
		if tk.Slug != "github" && tk.Slug != "slack" && tk.Slug != "gmail" {
			continue
		}
		if tk.Slug == "github" {
			tk = addRequiredConfigField(t, tk, "GITHUB_COMMIT_EVENT", "branch")
		}
		served.Toolkits = append(served.Toolkits, tk)
	}
	srv := composiotest.NewServer(t, composiotest.WithLock(served))
	dir := t.TempDir()
	lockPath := filepath.Join(dir, "triggergen.lock.json")
	// The old lock: github and gmail from the catalog.
	old := &lockfile.Lock{Toolkits: []*lockfile.Toolkit{cat.Toolkit("github"), cat.Toolkit("gmail")}}
	if err := os.WriteFile(lockPath, marshalT(t, old), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runTG(t, apiEnv(srv), "pull", "-lock", lockPath, "-toolkits", "github@20250729_00,slack")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	got := readLockT(t, lockPath)
	var slugs []string
	for _, tk := range got.Toolkits {
		slugs = append(slugs, tk.Slug)
	}
	if !reflect.DeepEqual(slugs, []string{"github", "gmail", "slack"}) {
		t.Errorf("toolkits %v, want github, gmail (kept) and slack", slugs)
	}
	for _, want := range []string{
		"wrote " + lockPath + ": 3 toolkits, 15 trigger types",
		"changes against the previous lock:",
		"  github: sha256 ",
		"5 trigger types changed (GITHUB_COMMIT_EVENT, ",
		"  slack: added at 20250729_00 (9 trigger types)",
		"1 breaking change:\n  GITHUB_COMMIT_EVENT: config field \"branch\" added as required (string)",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, r.stdout)
		}
	}
	// With no -toolkits, pull refreshes the lock's own toolkits: gmail was
	// kept from the old lock as the catalog has it, and now comes as the API
	// serves it (with toolkit, version, ...); a third pull changes nothing.
	r = runTG(t, apiEnv(srv), "pull", "-lock", lockPath)
	if r.code != 0 || !strings.Contains(r.stdout, "  gmail: sha256 ") || strings.Contains(r.stdout, "github:") {
		t.Errorf("second pull: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = runTG(t, apiEnv(srv), "pull", "-lock", lockPath)
	if r.code != 0 || !strings.Contains(r.stdout, "no changes against the previous lock") {
		t.Errorf("third pull: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// TestProgressTerminal: on a terminal the progress is one live line,
// redrawn in place; permanent lines are printed above it.
func TestProgressTerminal(t *testing.T) {
	var b bytes.Buffer
	p := &progress{w: &b, tty: true, total: 2}
	p.start("github")
	p.start("slack")
	p.finish("github", 5)
	p.finish("slack", 1)
	p.done()
	want := "pulling 0/2 toolkits… github" +
		"\r\x1b[Kpulling 0/2 toolkits… github slack" +
		"\r\x1b[Kpulled github: 5 trigger types\n" +
		"pulling 1/2 toolkits… slack" +
		"\r\x1b[Kpulled slack: 1 trigger type\n"
	if b.String() != want {
		t.Errorf("got  %q\nwant %q", b.String(), want)
	}
	// Not a terminal: plain lines only.
	b.Reset()
	p = newProgress(&b)
	p.setTotal(1)
	p.start("github")
	p.finish("github", 5)
	p.done()
	if b.String() != "pulled github: 5 trigger types\n" {
		t.Errorf("plain: %q", b.String())
	}
}
