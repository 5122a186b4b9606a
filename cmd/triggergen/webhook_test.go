package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
)

// cliVector is the part of a signature vector the CLI tests use.
type cliVector struct {
	Name      string `json:"name"`
	Secret    string `json:"secret"`
	ID        string `json:"webhook_id"`
	Timestamp string `json:"webhook_timestamp"`
	Body      string `json:"body"`
	Signature string `json:"signature_header"`
	Expected  string `json:"expected"`
	Version   string `json:"expected_version"`
}

func cliVectors(t *testing.T) map[string]cliVector {
	t.Helper()
	b, err := os.ReadFile("../../testdata/webhooks/signature-vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Vectors []cliVector }
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	m := map[string]cliVector{}
	for _, v := range f.Vectors {
		m[v.Name] = v
	}
	return m
}

type cliResult struct {
	code           int
	stdout, stderr string
	err            error
}

// runWebhookCLI runs `triggergen webhook <args>` with body on stdin and the
// given environment, and maps the error to the exit status as main does.
func runWebhookCLI(t *testing.T, body string, envVars map[string]string, args ...string) cliResult {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env{
		stdin: strings.NewReader(body), stdout: &stdout, stderr: &stderr,
		getenv: func(k string) string { return envVars[k] },
	}
	err := runWebhook(context.Background(), e, args)
	if errors.Is(err, errHelp) {
		err = nil
	}
	code := exitCode(&stderr, err)
	return cliResult{code, stdout.String(), stderr.String(), err}
}

func TestWebhookCLIVerifyVectors(t *testing.T) {
	vs := cliVectors(t)
	for _, name := range []string{"fixture: v1-github-push", "fixture: v2-github-push", "fixture: v3-github-push",
		"unit(python): unicode payload, ensure_ascii=False", "unit: multiple space-separated signatures, second valid"} {
		v := vs[name]
		t.Run(name, func(t *testing.T) {
			r := runWebhookCLI(t, v.Body, nil, "verify", "-secret", v.Secret, "-id", v.ID,
				"-timestamp", v.Timestamp, "-signature", v.Signature, "-tolerance", "0")
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			var ev webhook.Event
			if err := json.Unmarshal([]byte(r.stdout), &ev); err != nil {
				t.Fatalf("stdout is not an event: %v\n%s", err, r.stdout)
			}
			if string(ev.Version) != v.Version || ev.TriggerSlug != "GITHUB_PUSH_EVENT" {
				t.Errorf("event %+v", ev)
			}
			if !strings.Contains(r.stderr, "signature valid ("+v.Version) {
				t.Errorf("stderr %q", r.stderr)
			}
		})
	}
}

func TestWebhookCLIVerifyFailures(t *testing.T) {
	vs := cliVectors(t)
	v3 := vs["fixture: v3-github-push"]
	base := func(extra ...string) []string {
		return append([]string{"verify", "-id", v3.ID, "-timestamp", v3.Timestamp, "-signature", v3.Signature, "-tolerance", "0"}, extra...)
	}
	env := map[string]string{"COMPOSIO_WEBHOOK_SECRET": v3.Secret}
	cases := []struct {
		name    string
		body    string
		env     map[string]string
		args    []string
		code    int
		stderr  string
		wantErr error
	}{
		{"secret from env", v3.Body, env, base(), 0, "signature valid (V3", nil},
		{"wrong secret", v3.Body, nil, base("-secret", "Wr0ng-Secret-Value"), 1,
			"webhook verify: invalid: webhook-signature: no matching signature: 1 v1 signature checked against 1 secret", webhook.ErrNoMatchingSignature},
		{"tampered body", strings.Replace(v3.Body, "main", "mainx", 1), env, base(), 1, "no matching signature", webhook.ErrNoMatchingSignature},
		{"trailing newline", v3.Body + "\n", env, base(), 1, "without its trailing newline", webhook.ErrNoMatchingSignature},
		{"stale with default tolerance", v3.Body, env, []string{"verify", "-id", v3.ID, "-timestamp", v3.Timestamp, "-signature", v3.Signature}, 1,
			"webhook-timestamp: timestamp outside tolerance: timestamp is ", webhook.ErrStaleTimestamp},
		{"malformed timestamp", v3.Body, env, []string{"verify", "-id", v3.ID, "-timestamp", "yesterday", "-signature", v3.Signature}, 1,
			"webhook-timestamp: malformed header", webhook.ErrMalformedHeader},
		{"no v1 prefix", v3.Body, env, base("-signature", "abc"), 1, "webhook-signature: malformed header", webhook.ErrMalformedHeader},
		{"whsec hint", v3.Body, nil, base("-secret", "whsec_abcd"), 1, "-standard-webhooks", webhook.ErrNoMatchingSignature},
		{"unknown shape still exits 0", vs["unit: valid signature over unknown payload shape"].Body, nil,
			[]string{"verify", "-secret", "test-webhook-secret-12345", "-id", "msg_test123", "-timestamp", "1768262400",
				"-signature", vs["unit: valid signature over unknown payload shape"].Signature, "-tolerance", "0"},
			0, "signature valid, but the body is not a known Composio event: decode event: body matches no known envelope version", nil},
		{"not json still exits 0", "not-json", nil,
			[]string{"verify", "-secret", "test-webhook-secret-12345", "-id", "msg_test123", "-timestamp", "1768262400",
				"-signature", vs["unit: valid signature over 'not-json'"].Signature, "-tolerance", "0"},
			0, "signature valid, but the body is not a known Composio event: decode event: malformed event: body is not a JSON object", nil},
		{"version conflict still exits 0", v3.Body, env, base("-version", "V2"), 0, "envelope version conflicts with header", nil},
		{"no secret", v3.Body, nil, base(), 2, "set $COMPOSIO_WEBHOOK_SECRET or pass -secret", nil},
		{"no id", v3.Body, env, []string{"verify", "-timestamp", "1", "-signature", "v1,x"}, 2, "-id is required", nil},
		{"bad tolerance", v3.Body, env, base("-tolerance", "soon"), 2, "invalid value for -tolerance (not shown: it may be a secret): want a duration", nil},
		{"bad version", v3.Body, env, base("-version", "V9"), 2, "-version: want V1, V2 or V3", nil},
		{"stray argument", v3.Body, env, base("body.json"), 2, "unexpected argument", nil},
		{"no subcommand", "", nil, nil, 2, "no subcommand", nil},
		{"unknown subcommand", "", nil, []string{"sign"}, 2, "unknown subcommand", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runWebhookCLI(t, c.body, c.env, c.args...)
			if r.code != c.code {
				t.Fatalf("exit %d; want %d\nstderr: %s", r.code, c.code, r.stderr)
			}
			if !strings.Contains(r.stderr, c.stderr) {
				t.Errorf("stderr %q lacks %q", r.stderr, c.stderr)
			}
			if c.wantErr != nil && !errors.Is(r.err, c.wantErr) {
				t.Errorf("err %v; want %v", r.err, c.wantErr)
			}
			if c.code == 1 && r.stdout != "" {
				t.Errorf("stdout on failure: %q", r.stdout)
			}
			for _, s := range []string{v3.Secret, "Wr0ng-Secret-Value", "whsec_abcd"} {
				if strings.Contains(r.stderr+r.stdout, s) {
					t.Errorf("output shows the secret %q:\n%s%s", s, r.stdout, r.stderr)
				}
			}
		})
	}
}

func TestWebhookCLITolerance(t *testing.T) {
	const key = "cli-tolerance-secret"
	body := `{"trigger_name":"github_commit_event","trigger_id":"ti","connection_id":"ca","payload":{},"log_id":"l"}`
	for _, c := range []struct {
		age       time.Duration
		tolerance string
		code      int
	}{
		{400 * time.Second, "", 1},
		{400 * time.Second, "300s", 1},
		{400 * time.Second, "600s", 0},
		{400 * time.Second, "600", 0}, // plain seconds
		{400 * time.Second, "10m", 0},
		{-400 * time.Second, "300s", 1}, // future
		{-400 * time.Second, "600s", 0},
		{48 * time.Hour, "0", 0}, // disabled
		{10 * time.Second, "", 0},
	} {
		ts := time.Now().Add(-c.age)
		args := []string{"verify", "-secret", key, "-id", "msg_t", "-timestamp", strconv.FormatInt(ts.Unix(), 10),
			"-signature", webhook.Sign(secret.New(key), "msg_t", ts, []byte(body))}
		if c.tolerance != "" {
			args = append(args, "-tolerance", c.tolerance)
		}
		r := runWebhookCLI(t, body, nil, args...)
		if r.code != c.code {
			t.Errorf("age %v tolerance %q: exit %d; want %d\n%s", c.age, c.tolerance, r.code, c.code, r.stderr)
		}
		if c.code == 1 && !strings.Contains(r.stderr, "pass -tolerance 0") {
			t.Errorf("stale without hint: %s", r.stderr)
		}
	}
}

func TestWebhookCLIHelp(t *testing.T) {
	r := runWebhookCLI(t, "", nil, "verify", "-h")
	if r.code != 0 || !strings.Contains(r.stdout, "COMPOSIO_WEBHOOK_SECRET") || !strings.Contains(r.stdout, "-tolerance") {
		t.Errorf("verify -h: exit %d\n%s", r.code, r.stdout)
	}
	r = runWebhookCLI(t, "", nil, "-h")
	if r.code != 0 || !strings.Contains(r.stdout, "verify") {
		t.Errorf("webhook -h: exit %d\n%s", r.code, r.stdout)
	}
}

// TestWebhookCLINeverEchoesArguments: a secret typed into the wrong flag,
// as a flag name or as a positional argument never appears in the output
// (issue 12.8); the message still names the flag at fault.
func TestWebhookCLINeverEchoesArguments(t *testing.T) {
	v3 := cliVectors(t)["fixture: v3-github-push"]
	const s = "Sup3r-S3cret-value_9f8e7d"
	env := map[string]string{"COMPOSIO_WEBHOOK_SECRET": v3.Secret}
	ok := []string{"-id", v3.ID, "-timestamp", v3.Timestamp, "-signature", v3.Signature, "-tolerance", "0"}
	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"positional", append(slices.Clone(ok), s), 2, "unexpected argument (argument 9, not shown"},
		{"positional first", []string{s, "-id", v3.ID}, 2, "unexpected argument (argument 1, not shown"},
		{"in -timestamp", []string{"-id", v3.ID, "-timestamp", s, "-signature", v3.Signature}, 1, "malformed header: -timestamp is not integer unix seconds (the value given is not shown"},
		{"in -signature", []string{"-id", v3.ID, "-timestamp", v3.Timestamp, "-signature", s, "-tolerance", "0"}, 1, "webhook-signature"},
		{"in -signature as v1", []string{"-id", v3.ID, "-timestamp", v3.Timestamp, "-signature", "v1," + s, "-tolerance", "0"}, 1, "webhook-signature"},
		{"in -id", []string{"-id", s, "-timestamp", v3.Timestamp, "-signature", v3.Signature, "-tolerance", "0"}, 1, "no matching signature"},
		{"in -tolerance", append(slices.Clone(ok), "-tolerance", s), 2, "invalid value for -tolerance (not shown"},
		{"in -tolerance=", append(slices.Clone(ok), "-tolerance="+s), 2, "invalid value for -tolerance (not shown"},
		{"in -version", append(slices.Clone(ok), "-version", s), 2, "-version: want V1, V2 or V3 (the value given is not shown"},
		{"in a boolean flag", append(slices.Clone(ok), "-standard-webhooks="+s), 2, "invalid value for -standard-webhooks (not shown"},
		{"no value", append(slices.Clone(ok), "-secret"), 2, "flag needs an argument: -secret"},
		{"as a flag", append(slices.Clone(ok), "-"+s), 2, "flag provided but not defined (argument 9, not shown"},
		{"as a flag value", append(slices.Clone(ok), "-secrt="+s), 2, "flag provided but not defined (argument 9, not shown"},
		{"bad flag syntax", append(slices.Clone(ok), "--="+s), 2, "bad flag syntax (argument 9, not shown"},
		{"bad flag syntax first", []string{"-=" + s}, 2, "bad flag syntax (argument 1, not shown"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := runWebhookCLI(t, v3.Body, env, append([]string{"verify"}, c.args...)...)
			if r.code != c.code || !strings.Contains(r.stderr, c.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, c.code, c.want)
			}
			if strings.Contains(r.stdout+r.stderr, s) || strings.Contains(r.stdout+r.stderr, s[:8]) {
				t.Errorf("output repeats the argument:\n%s%s", r.stdout, r.stderr)
			}
		})
	}
}

// TestWebhookCLIEscapesTheBody: what verify prints from a signed body (the
// event as JSON, its type and trigger, a decoding error) cannot drive the
// terminal (issue 12.13).
func TestWebhookCLIEscapesTheBody(t *testing.T) {
	const key = "cli-escape-secret"
	ts := time.Unix(1768262400, 0)
	v3 := cliVectors(t)["fixture: v3-github-push"]
	quoted, err := json.Marshal(hostile) // C1 and bidi controls stay raw
	if err != nil {
		t.Fatal(err)
	}
	h := strings.Trim(string(quoted), `"`)
	for _, body := range []string{
		strings.ReplaceAll(strings.ReplaceAll(v3.Body, "GITHUB_PUSH_EVENT", "GITHUB_"+h), "composio.trigger.message", "composio.trigger.message"+h),
		`{"unknown` + h + `":1}`,
		`{"type":"` + h + `","data":{}}`,
	} {
		r := runWebhookCLI(t, body, nil, "verify", "-secret", key, "-id", "msg_x", "-timestamp", "1768262400",
			"-signature", webhook.Sign(secret.New(key), "msg_x", ts, []byte(body)), "-tolerance", "0")
		if r.code != 0 {
			t.Errorf("exit %d\n%s", r.code, r.stderr)
		}
		assertInert(t, "stdout", r.stdout)
		assertInert(t, "stderr", r.stderr)
		if r.stdout == "" {
			continue
		}
		// The JSON says the same, escaped.
		var ev webhook.Event
		if err := json.Unmarshal([]byte(r.stdout), &ev); err != nil || !strings.Contains(ev.TriggerSlug, "\u202e") {
			t.Errorf("stdout: %v, trigger slug %q\n%s", err, ev.TriggerSlug, r.stdout)
		}
	}
}
