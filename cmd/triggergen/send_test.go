package main

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/triggergen/triggergen/catalog"
	"github.com/triggergen/triggergen/catalog/github"
	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
)

// typedReceiver is a webhook.NewHandler with the generated typed handler of
// GITHUB_COMMIT_EVENT; it records the payloads it decoded.
func typedReceiver(t *testing.T, key string) (*httptest.Server, func() []github.CommitEventPayload) {
	t.Helper()
	v, err := webhook.NewVerifier(secret.New(key))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []github.CommitEventPayload
	d := webhook.NewDispatcher()
	github.OnCommitEvent(d, func(_ context.Context, _ *webhook.Event, p *github.CommitEventPayload) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, *p)
		return nil
	})
	srv := httptest.NewServer(webhook.NewHandler(v, d))
	t.Cleanup(srv.Close)
	return srv, func() []github.CommitEventPayload {
		mu.Lock()
		defer mu.Unlock()
		return append([]github.CommitEventPayload(nil), got...)
	}
}

func TestWebhookSend(t *testing.T) {
	const key = "whsec_send_test_secret"
	srv, got := typedReceiver(t, key)
	env := map[string]string{webhookSecretEnv: key}

	// From the schema's examples, in each envelope version.
	for _, v := range []string{"V3", "V2", "V1"} {
		r := runTG(t, env, "webhook", "send", "-url", srv.URL, "-trigger", "GITHUB_COMMIT_EVENT", "-version", v)
		if r.code != 0 || !strings.Contains(r.stdout, "\n200 OK\n") || !strings.Contains(r.stdout, "GITHUB_COMMIT_EVENT ("+v+", webhook-id msg_") {
			t.Fatalf("send %s: exit %d\nstdout %s\nstderr %s", v, r.code, r.stdout, r.stderr)
		}
		if strings.Contains(r.stdout+r.stderr, key) {
			t.Error("the secret was printed")
		}
	}
	for _, p := range got() {
		if p.Author != "octocat" || p.ID != "7638417db6d59f3c431d3e1f261cc637155684cd" {
			t.Errorf("payload from examples: %+v", p)
		}
	}
	if n := len(got()); n != 3 {
		t.Fatalf("%d events reached the typed handler, want 3", n)
	}

	// From a file.
	dir := t.TempDir()
	file := filepath.Join(dir, "p.json")
	os.WriteFile(file, []byte(`{"author":"alice","id":"abc","message":"m","timestamp":"2026-01-01T00:00:00Z","url":"https://x"}`), 0o644)
	if r := runTG(t, env, "webhook", "send", "-url", srv.URL, "-trigger", "github_commit_event", "-payload", file); r.code != 0 {
		t.Fatalf("send -payload: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if ps := got(); ps[len(ps)-1].Author != "alice" {
		t.Errorf("payload from the file: %+v", ps[len(ps)-1])
	}

	// A payload that does not fit the schema is refused before any request.
	os.WriteFile(file, []byte(`{"author":5}`), 0o644)
	r := runTG(t, env, "webhook", "send", "-url", srv.URL, "-trigger", "GITHUB_COMMIT_EVENT", "-payload", file)
	if r.code != 1 || !strings.Contains(r.stderr, "does not fit GITHUB_COMMIT_EVENT's payload schema") || !strings.Contains(r.stderr, "/author") {
		t.Errorf("bad payload: exit %d\n%s", r.code, r.stderr)
	}
	if n := len(got()); n != 4 {
		t.Errorf("a refused payload was sent (%d events)", n)
	}

	// The receiver refuses another secret: its status, exit 1.
	r = runTG(t, map[string]string{webhookSecretEnv: "whsec_other"}, "webhook", "send", "-url", srv.URL, "-trigger", "GITHUB_COMMIT_EVENT")
	if r.code != 1 || !strings.Contains(r.stdout, "\n401 Unauthorized\n") {
		t.Errorf("wrong secret: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// An unknown slug gets a suggestion; usage errors exit 2.
	r = runTG(t, env, "webhook", "send", "-url", srv.URL, "-trigger", "GITHUB_COMIT_EVENT")
	if r.code != 1 || !strings.Contains(r.stderr, `(did you mean "GITHUB_COMMIT_EVENT"?)`) {
		t.Errorf("unknown slug: exit %d\n%s", r.code, r.stderr)
	}
	for _, args := range [][]string{
		{"-trigger", "GITHUB_COMMIT_EVENT"},
		{"-url", "ftp://x", "-trigger", "GITHUB_COMMIT_EVENT"},
		{"-url", srv.URL},
		{"-url", srv.URL, "-trigger", "GITHUB_COMMIT_EVENT", "-version", "V9"},
	} {
		if r := runTG(t, env, append([]string{"webhook", "send"}, args...)...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", args, r.code, r.stderr)
		}
	}
	if r := runTG(t, nil, "webhook", "send", "-url", srv.URL, "-trigger", "GITHUB_COMMIT_EVENT"); r.code != 2 || !strings.Contains(r.stderr, "no secret") {
		t.Errorf("no secret: exit %d\n%s", r.code, r.stderr)
	}
}

// Every trigger type of the catalog gets a payload from its schema that
// fits the schema, so send works without -payload.
func TestExamplePayloadsFitTheirSchemas(t *testing.T) {
	lk, err := catalog.Lock()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range lk.TriggerTypes() {
		b, err := marshalExample(tt.Payload)
		if err != nil {
			t.Fatalf("%s: %v", tt.Slug, err)
		}
		if err := checkPayload(tt, b); err != nil {
			t.Errorf("%s: %v\n%s", tt.Slug, err, b)
		}
	}
}
