package composiotest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/triggergen/triggergen/catalog/github"
	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/composiotest"
	"github.com/triggergen/triggergen/webhook"
)

// post sends a control request as curl would, and returns the status and
// the decoded JSON answer.
func post(t *testing.T, srv *composiotest.Server, key, path, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("x-api-key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: answer is not a JSON object: %s", path, b)
	}
	return resp.StatusCode, out
}

// The control routes do over HTTP what Go tests do with methods: an account
// the client then resolves, the verification handshake WaitVerified waits
// for, and a trigger event delivered signed to a typed receiver.
func TestControlRoutes(t *testing.T) {
	srv := composiotest.NewServer(t)
	key := srv.APIKey()
	ctx := context.Background()
	client, err := srv.NewClient()
	if err != nil {
		t.Fatal(err)
	}

	// Same key as the API.
	if st, _ := post(t, srv, "", "/_fake/connected_accounts", `{"user_id":"alice","toolkit":"github"}`); st != 401 {
		t.Errorf("no key: %d", st)
	}
	if st, _ := post(t, srv, "wrong", "/_fake/connected_accounts", `{"user_id":"alice","toolkit":"github"}`); st != 401 {
		t.Errorf("wrong key: %d", st)
	}

	// An account.
	st, acct := post(t, srv, key, "/_fake/connected_accounts", `{"user_id":"alice","toolkit":"github"}`)
	if st != 201 || acct["id"] == "" {
		t.Fatalf("add account: %d %v", st, acct)
	}
	ca, err := client.ResolveConnectedAccount(ctx, "alice", "github")
	if err != nil || ca.ID != acct["id"] {
		t.Fatalf("resolve: %v %v, want %v", ca, err, acct["id"])
	}
	for _, body := range []string{`{"user_id":"alice"}`, `{"user_id":"a","toolkit":"github","colour":"red"}`, `{"user_id":"a","toolkit":"github","auth_scheme":"API_KEY","status":"EXPIRED"}`, `[`} {
		if st, _ := post(t, srv, key, "/_fake/connected_accounts", body); st != 400 {
			t.Errorf("%s: %d, want 400", body, st)
		}
	}

	// The verification handshake, which WaitVerified waits for.
	ep, _, err := client.CreateWebhookEndpoint(ctx, "slack", "client-1")
	if err != nil {
		t.Fatal(err)
	}
	verified := make(chan error, 1)
	go func() {
		_, err := client.WaitVerified(ctx, ep.ID, composio.WithPollInterval(5*time.Millisecond, 20*time.Millisecond))
		verified <- err
	}()
	if st, _ := post(t, srv, key, "/_fake/webhook_endpoints/"+ep.ID+"/verify", ``); st != 200 {
		t.Fatalf("verify: %d", st)
	}
	select {
	case err := <-verified:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("WaitVerified did not see the handshake")
	}
	if st, _ := post(t, srv, key, "/_fake/webhook_endpoints/we_nope/verify", ``); st != 404 {
		t.Errorf("unknown endpoint: %d", st)
	}

	// A trigger event, delivered signed to a typed receiver.
	tr, err := client.CreateTrigger(ctx, composio.CreateTriggerParams{UserID: "alice", Config: github.CommitEventConfig{Owner: "o", Repo: "r"}})
	if err != nil {
		t.Fatal(err)
	}
	// No subscription yet: published on the realtime channel only.
	st, ans := post(t, srv, key, "/_fake/trigger_instances/"+tr.ID+"/events", `{"data":{"author":"bob"}}`)
	if st != 200 || ans["webhook"] != nil || ans["realtime"] != true {
		t.Errorf("without a subscription: %d %v", st, ans)
	}
	var mu sync.Mutex
	var got []string
	d := webhook.NewDispatcher()
	github.OnCommitEvent(d, func(_ context.Context, _ *webhook.Event, p *github.CommitEventPayload) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, p.Author)
		return nil
	})
	sub, err := client.SetSubscription(ctx, composio.SubscriptionParams{URL: "http://placeholder.invalid/"})
	if err != nil {
		t.Fatal(err)
	}
	v, err := webhook.NewVerifier(sub.Secret)
	if err != nil {
		t.Fatal(err)
	}
	rcv := httptest.NewServer(webhook.NewHandler(v, d))
	defer rcv.Close()
	if _, err := client.SetSubscription(ctx, composio.SubscriptionParams{URL: rcv.URL}); err != nil {
		t.Fatal(err)
	}
	for _, version := range []string{"", "V2", "V1"} {
		body := `{"data":{"author":"alice","id":"abc","message":"m","timestamp":"t","url":"u"}`
		if version != "" {
			body += `,"version":"` + version + `"`
		}
		st, ans = post(t, srv, key, "/_fake/trigger_instances/"+tr.ID+"/events", body+"}")
		wh, _ := ans["webhook"].(map[string]any)
		if st != 200 || wh["status"] != float64(200) || wh["url"] != rcv.URL {
			t.Errorf("deliver %q: %d %v", version, st, ans)
		}
	}
	mu.Lock()
	if strings.Join(got, ",") != "alice,alice,alice" {
		t.Errorf("the typed handler saw %v", got)
	}
	mu.Unlock()
	for path, want := range map[string]int{
		"/_fake/trigger_instances/ti_nope/events": 404,
		"/_fake/nothing": 404,
	} {
		if st, _ := post(t, srv, key, path, `{"data":{}}`); st != want {
			t.Errorf("%s: %d, want %d", path, st, want)
		}
	}
	for _, body := range []string{`{"data":[1]}`, `{"data":{},"version":"V9"}`, `{"datum":{}}`} {
		if st, _ := post(t, srv, key, "/_fake/trigger_instances/"+tr.ID+"/events", body); st != 400 {
			t.Errorf("%s: %d, want 400", body, st)
		}
	}
	if err := client.DisableTrigger(ctx, tr.ID); err != nil {
		t.Fatal(err)
	}
	if st, _ := post(t, srv, key, "/_fake/trigger_instances/"+tr.ID+"/events", `{"data":{}}`); st != 409 {
		t.Errorf("disabled trigger: %d, want 409", st)
	}
	if v := srv.ContractViolations(); len(v) > 0 {
		t.Errorf("contract violations: %v", v)
	}
}
