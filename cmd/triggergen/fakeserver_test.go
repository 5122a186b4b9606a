package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/triggergen/triggergen/internal/syncbuf"
)

var listeningRE = regexp.MustCompile(`listening on (http://\S+)`)

func startFakeServer(t *testing.T, args ...string) (base string, stdout *syncbuf.Buffer, cancel context.CancelFunc, done <-chan error) {
	t.Helper()
	stdout, stderr := &syncbuf.Buffer{}, &syncbuf.Buffer{}
	e := &env{stdin: strings.NewReader(""), stdout: stdout, stderr: stderr, getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- runFakeServer(ctx, e, append([]string{"--addr", "127.0.0.1:0"}, args...)) }()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := listeningRE.FindStringSubmatch(stdout.String()); m != nil {
			return m[1], stdout, cancel, errc
		}
		select {
		case err := <-errc:
			cancel()
			t.Fatalf("fake-server exited early: %v\n%s", err, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	t.Fatalf("fake-server did not start; stdout:\n%s", stdout.String())
	return
}

func get(t *testing.T, url, key string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if key != "" {
		req.Header.Set("x-api-key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func TestFakeServerServesAndShutsDown(t *testing.T) {
	lock := filepath.Join("..", "..", "testdata", "composiotest", "mini.lock.json")
	base, stdout, cancel, done := startFakeServer(t, "--lock", lock, "--api-key", "k1", "--account", "alice:acme")
	defer cancel()

	status, body := get(t, base+"/api/v3.1/triggers_types", "k1")
	if status != 200 {
		t.Fatalf("list: %d %s", status, body)
	}
	var page struct {
		Items []struct {
			Slug    string `json:"slug"`
			Version string `json:"version"`
		} `json:"items"`
		TotalItems int `json:"total_items"`
	}
	if err := json.Unmarshal(body, &page); err != nil || page.TotalItems != 1 || page.Items[0].Slug != "ACME_ORDER_PLACED" || page.Items[0].Version != "20260501_00" {
		t.Errorf("list: %v %s", err, body)
	}
	if status, body = get(t, base+"/api/v3.1/triggers_types", ""); status != 401 || !strings.Contains(string(body), `"error"`) {
		t.Errorf("without a key: %d %s", status, body)
	}
	status, body = get(t, base+"/api/v3.1/connected_accounts?user_ids=alice", "k1")
	if status != 200 || !strings.Contains(string(body), `"slug":"acme"`) {
		t.Errorf("seeded account: %d %s", status, body)
	}
	if !strings.Contains(stdout.String(), "COMPOSIO_BASE_URL="+base) || !strings.Contains(stdout.String(), "user alice, toolkit acme, ACTIVE") {
		t.Errorf("stdout:\n%s", stdout.String())
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("fake-server returned %v after cancel", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("fake-server did not stop on cancel")
	}
	if _, err := http.Get(base + "/api/v3.1/triggers_types"); err == nil {
		t.Error("still serving after shutdown")
	}
}

func TestFakeServerDefaultCatalog(t *testing.T) {
	base, _, cancel, done := startFakeServer(t)
	status, body := get(t, base+"/api/v3.1/triggers_types/github_commit_event", "test-api-key")
	if status != 200 || !strings.Contains(string(body), `"slug":"GITHUB_COMMIT_EVENT"`) {
		t.Errorf("get: %d %s", status, body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestFakeServerFlagErrors(t *testing.T) {
	run := func(args ...string) (string, error) {
		var out syncbuf.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &out, getenv: func(string) string { return "" }}
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // a command that got as far as serving would return at once
		err := runFakeServer(ctx, e, args)
		return out.String(), err
	}
	var ue *usageError
	if _, err := run("--nope"); !errors.As(err, &ue) {
		t.Errorf("bad flag: %v", err)
	}
	if _, err := run("extra"); !errors.As(err, &ue) {
		t.Errorf("extra argument: %v", err)
	}
	if _, err := run("--account", "alice"); !errors.As(err, &ue) {
		t.Errorf("bad --account: %v", err)
	}
	if out, err := run("-h"); !errors.Is(err, errHelp) || !strings.Contains(out, "fake-server") {
		t.Errorf("-h: %v %s", err, out)
	}
	if _, err := run("--addr", "127.0.0.1:0", "--lock", filepath.Join(t.TempDir(), "missing.json")); err == nil || errors.As(err, &ue) {
		t.Errorf("missing lock: %v", err)
	}
	if _, err := run("--addr", "127.0.0.1:0", "--lock", filepath.Join("..", "..", "testdata", "composiotest", "README.md")); err == nil {
		t.Error("a file that is not a lock was accepted")
	}
	if _, err := run("--addr", "not an address"); err == nil {
		t.Error("bad address accepted")
	}
}
