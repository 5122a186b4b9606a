package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/triggergen/triggergen/catalog/github"
	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/composiotest"
	"github.com/triggergen/triggergen/internal/syncbuf"
	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/trigger"
	"github.com/triggergen/triggergen/webhook"
)

// listenRun is a running `triggergen listen`.
type listenRun struct {
	stdout, stderr *syncbuf.Buffer
	cancel         context.CancelFunc
	done           chan error
}

func startListen(t *testing.T, vars map[string]string, args ...string) *listenRun {
	t.Helper()
	r := &listenRun{stdout: &syncbuf.Buffer{}, stderr: &syncbuf.Buffer{}, done: make(chan error, 1)}
	e := &env{stdin: strings.NewReader(""), stdout: r.stdout, stderr: r.stderr, getenv: func(k string) string { return vars[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() { r.done <- run(ctx, e, append([]string{"listen"}, args...)) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(10 * time.Second):
			t.Error("listen did not stop")
		}
	})
	return r
}

// waitFor waits until out matches re, failing if listen exits first.
func (r *listenRun) waitFor(t *testing.T, out *syncbuf.Buffer, re *regexp.Regexp) []string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m
		}
		select {
		case err := <-r.done:
			r.done <- err
			t.Fatalf("listen exited: %v\nstdout:\n%s\nstderr:\n%s", err, r.stdout, r.stderr)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("no match for %s\nstdout:\n%s\nstderr:\n%s", re, r.stdout, r.stderr)
	return nil
}

// stop cancels listen (Ctrl-C) and returns its result.
func (r *listenRun) stop(t *testing.T) error {
	t.Helper()
	r.cancel()
	select {
	case err := <-r.done:
		r.done <- err
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("listen did not stop")
	}
	return nil
}

// quiet keeps the receivers' logs out of the test output.
var quiet = webhook.WithLogger(slog.New(slog.DiscardHandler))

var readyRE = regexp.MustCompile(`Ready: listening for trigger events on (\S+)`)

// listenFixture is a fake with alice's GITHUB_COMMIT_EVENT trigger.
func listenFixture(t *testing.T) (*composiotest.Server, string, map[string]string) {
	t.Helper()
	srv := composiotest.NewServer(t)
	srv.AddConnectedAccount(composiotest.ConnectedAccount{ID: "ca_alice", UserID: "alice", Toolkit: "github"})
	id := createTrigger(t, srv, github.CommitEventConfig{Owner: "octocat", Repo: "hello"})
	return srv, id, map[string]string{composio.EnvAPIKey: srv.APIKey(), composio.EnvBaseURL: srv.URL}
}

// createTrigger creates alice's trigger from cfg in srv.
func createTrigger(t *testing.T, srv *composiotest.Server, cfg trigger.Config) string {
	t.Helper()
	c, err := srv.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	tr, err := c.CreateTrigger(t.Context(), composio.CreateTriggerParams{UserID: "alice", Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	return tr.ID
}

// TestListenForwardTo: listen, given only COMPOSIO_API_KEY and
// COMPOSIO_BASE_URL, forwards an event to a webhook.NewHandler with a
// typed handler, signed with the random secret it printed; the receiver
// answers 200 and listen prints the event and the status.
func TestListenForwardTo(t *testing.T) {
	srv, triggerID, vars := listenFixture(t)
	got := make(chan github.CommitEventPayload, 4)
	var verifier atomic.Pointer[webhook.Verifier]
	d := webhook.NewDispatcher()
	github.OnCommitEvent(d, func(_ context.Context, ev *webhook.Event, p *github.CommitEventPayload) error {
		if ev.Version != webhook.V3 || ev.TriggerID != triggerID || ev.UserID == nil || *ev.UserID != "alice" {
			t.Errorf("forwarded event %+v", ev)
		}
		got <- *p
		return nil
	})
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		webhook.NewHandler(verifier.Load(), d, quiet).ServeHTTP(w, r)
	})
	receiver := httptest.NewServer(handler)
	defer receiver.Close()

	r := startListen(t, vars, "-forward-to", receiver.URL+"/webhooks", "-toolkits", "github")
	m := r.waitFor(t, r.stderr, regexp.MustCompile(`signed with the webhook secret (whsec_[0-9a-f]+) \(random`))
	v, err := webhook.NewVerifier(secret.New(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	verifier.Store(v)
	r.waitFor(t, r.stderr, readyRE)

	want := github.CommitEventPayload{Author: "octocat", ID: "abc123", Message: "hello", Timestamp: "2026-01-01T00:00:00Z", URL: "https://github.com/octocat/hello/commit/abc123"}
	b, _ := json.Marshal(want)
	if _, err := srv.PublishRealtime(t.Context(), composiotest.Delivery{TriggerID: triggerID, Data: b}); err != nil {
		t.Fatal(err)
	}
	select {
	case p := <-got:
		if p != want {
			t.Errorf("receiver decoded %+v, want %+v", p, want)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("receiver got nothing\nstdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
	line := r.waitFor(t, r.stdout, regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  GITHUB_COMMIT_EVENT  trigger=(\S+)  user=alice  account=ca_alice  -> 200 OK \(\d+m?s\)$`))
	if line[1] != triggerID {
		t.Errorf("printed trigger %s, want %s", line[1], triggerID)
	}
	if err := r.stop(t); err != nil {
		t.Errorf("listen after Ctrl-C: %v", err)
	}
	if !strings.Contains(r.stderr.String(), "Stopped.") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
}

// TestListenForwardToWithSecretAndFailures: a secret given by
// $COMPOSIO_WEBHOOK_SECRET or -secret (which wins) signs the forwarded
// events and is not printed; a receiver that refuses shows its status; a
// filtered event is not printed.
func TestListenForwardToWithSecretAndFailures(t *testing.T) {
	srv, triggerID, vars := listenFixture(t)
	const envSecret, flagSecret = "whsec_from_env", "whsec_from_flag"
	vars[webhookSecretEnv] = envSecret
	receiverFor := func(s string) *httptest.Server {
		v, err := webhook.NewVerifier(secret.New(s))
		if err != nil {
			t.Fatal(err)
		}
		rs := httptest.NewServer(webhook.NewHandler(v, webhook.NewDispatcher(), quiet)) // no handler: still 200
		t.Cleanup(rs.Close)
		return rs
	}
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	defer refusing.Close()

	for _, tt := range []struct {
		url, want string
		flags     []string
	}{
		{receiverFor(envSecret).URL, "-> 200 OK", nil},
		{receiverFor(flagSecret).URL, "-> 200 OK", []string{"-secret", flagSecret}},
		{receiverFor(envSecret).URL, "-> 401 Unauthorized", []string{"-secret", flagSecret}},
		{refusing.URL, "-> 418 I'm a teapot", nil},
	} {
		r := startListen(t, vars, append([]string{"-forward-to", tt.url, "-triggers", "GITHUB_COMMIT_EVENT"}, tt.flags...)...)
		r.waitFor(t, r.stderr, readyRE)
		if strings.Contains(r.stderr.String(), "whsec_from") {
			t.Errorf("the given secret was printed:\n%s", r.stderr)
		}
		if _, err := srv.PublishRealtime(t.Context(), composiotest.Delivery{TriggerID: triggerID, Data: []byte(`{"id":"x"}`)}); err != nil {
			t.Fatal(err)
		}
		r.waitFor(t, r.stdout, regexp.MustCompile(regexp.QuoteMeta(tt.want)))
		if err := r.stop(t); err != nil {
			t.Error(err)
		}
	}

	// The commit event is filtered out; the star event after it, on the
	// same connection, is printed, so the first would have been by then.
	star := createTrigger(t, srv, github.StarAddedEventConfig{Owner: "octocat", Repo: "hello"})
	r := startListen(t, vars, "-triggers", "github_star_added_event,SLACK_RECEIVE_MESSAGE")
	r.waitFor(t, r.stderr, readyRE)
	for _, id := range []string{triggerID, star} {
		if _, err := srv.PublishRealtime(t.Context(), composiotest.Delivery{TriggerID: id}); err != nil {
			t.Fatal(err)
		}
	}
	r.waitFor(t, r.stdout, regexp.MustCompile(`GITHUB_STAR_ADDED_EVENT  trigger=`+star))
	if err := r.stop(t); err != nil {
		t.Error(err)
	}
	if out := r.stdout.String(); strings.Contains(out, "COMMIT") || strings.Count(out, "\n") != 1 {
		t.Errorf("printed:\n%s", out)
	}
}

// TestListenAgainstFakeServer: against `triggergen fake-server`, the two
// variables it prints are all listen needs to subscribe.
func TestListenAgainstFakeServer(t *testing.T) {
	base, stdout, cancel, done := startFakeServer(t, "--account", "alice:github")
	defer func() {
		cancel()
		<-done
	}()
	key := regexp.MustCompile(`COMPOSIO_API_KEY=(\S+)`).FindStringSubmatch(stdout.String())
	if key == nil {
		t.Fatalf("fake-server printed no key:\n%s", stdout)
	}
	r := startListen(t, map[string]string{composio.EnvAPIKey: key[1], composio.EnvBaseURL: base})
	if m := r.waitFor(t, r.stderr, readyRE); m[1] != "private-pr_test_triggers" {
		t.Errorf("channel %s", m[1])
	}
	// End to end through the running fake-server, as a person would: a
	// trigger created over its API, an event fired at its control route,
	// printed by listen.
	client, err := composio.NewClient(composio.WithGetenv(func(string) string { return "" }),
		composio.WithBaseURL(base), composio.WithAPIKey(secret.New(key[1])))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := client.CreateTrigger(t.Context(), composio.CreateTriggerParams{UserID: "alice", Config: github.CommitEventConfig{Owner: "octocat", Repo: "hello"}})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/_fake/trigger_instances/"+tr.ID+"/events", strings.NewReader(`{"data":{"author":"octocat","id":"abc"}}`))
	req.Header.Set("x-api-key", key[1])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("control route: %s", resp.Status)
	}
	line := r.waitFor(t, r.stdout, regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  GITHUB_COMMIT_EVENT  trigger=(\S+)  user=alice  account=\S+$`))
	if line[1] != tr.ID {
		t.Errorf("listen printed trigger %s, want %s", line[1], tr.ID)
	}
	if err := r.stop(t); err != nil {
		t.Error(err)
	}
}

func TestListenErrors(t *testing.T) {
	srv, _, vars := listenFixture(t)
	for _, tt := range []struct {
		args []string
		vars map[string]string
		code int
		want string
	}{
		{[]string{"-forward-to", "localhost:8080"}, vars, 2, "want an http(s) URL"},
		{[]string{"-secret", "s"}, vars, 2, "needs -forward-to"},
		{[]string{"extra"}, vars, 2, `unexpected argument "extra"`},
		{nil, map[string]string{composio.EnvBaseURL: srv.URL}, 1, "COMPOSIO_API_KEY is not set"},
		{nil, map[string]string{composio.EnvBaseURL: srv.URL, composio.EnvAPIKey: "ak_wrong_7Hq2Zr9X"}, 1, "401"},
	} {
		var stdout, stderr strings.Builder
		e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return tt.vars[k] }}
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		code := exitCode(&stderr, run(ctx, e, append([]string{"listen"}, tt.args...)))
		cancel()
		if code != tt.code || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("listen %q: exit %d, stderr %q; want %d and %q", tt.args, code, stderr.String(), tt.code, tt.want)
		}
		if strings.Contains(stderr.String(), "ak_wrong_7Hq2Zr9X") {
			t.Errorf("the API key is in the error: %s", stderr.String())
		}
	}
	var stdout strings.Builder
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &strings.Builder{}, getenv: func(string) string { return "" }}
	if err := run(context.Background(), e, []string{"listen", "-h"}); err != nil || !strings.Contains(stdout.String(), "-forward-to") || !strings.Contains(stdout.String(), "Example:") {
		t.Errorf("listen -h: %v\n%s", err, stdout.String())
	}
}
