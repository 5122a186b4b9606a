package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/triggergen/triggergen/catalog/github"
	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/composiotest"
	"github.com/triggergen/triggergen/webhook"
)

// receiver is the user's service: a verified webhook handler whose typed
// GitHub commit handler records what it saw.
type receiver struct {
	mu      sync.Mutex
	commits []github.CommitEventPayload
	events  []*webhook.Event
}

func (r *receiver) handler(t *testing.T, sub *composio.Subscription) http.Handler {
	t.Helper()
	v, err := webhook.NewVerifier(sub.Secret)
	if err != nil {
		t.Fatal(err)
	}
	d := webhook.NewDispatcher(webhook.Strict())
	github.OnCommitEvent(d, func(_ context.Context, ev *webhook.Event, p *github.CommitEventPayload) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.commits = append(r.commits, *p)
		r.events = append(r.events, ev)
		return nil
	})
	return webhook.NewHandler(v, d)
}

// TestDeliveryEndToEnd: a GitHub commit trigger created from the generated
// config, an event delivered and signed by the fake, verified and decoded by
// the receiver into the generated payload; the same delivery again is not
// handled twice.
func TestDeliveryEndToEnd(t *testing.T) {
	ctx := context.Background()
	api := composiotest.NewServer(t)
	api.AddConnectedAccount(composiotest.ConnectedAccount{UserID: "user-1", Toolkit: "github", Status: "ACTIVE"})

	client, err := api.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	var rcv receiver
	var handler http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	defer srv.Close()

	sub, err := client.SetSubscription(ctx, composio.SubscriptionParams{URL: srv.URL + "/composio"})
	if err != nil {
		t.Fatal(err)
	}
	handler = rcv.handler(t, sub)

	trig, err := client.CreateTrigger(ctx, composio.CreateTriggerParams{UserID: "user-1", Config: github.CommitEventConfig{Owner: "octocat", Repo: "Hello-World"}})
	if err != nil {
		t.Fatal(err)
	}
	if trig.ToolkitVersion != github.ToolkitVersion {
		t.Errorf("trigger pinned to %q, want the generated version %q", trig.ToolkitVersion, github.ToolkitVersion)
	}

	commit := github.CommitEventPayload{
		Author: "octocat", ID: "7638417db6d59f3c431d3e1f261cc637155684cd", Message: "Fix typo in README",
		Timestamp: "2021-04-14T02:15:15Z", URL: "https://github.com/octocat/Hello-World/commit/7638417",
	}
	data, err := json.Marshal(commit)
	if err != nil {
		t.Fatal(err)
	}
	for _, version := range []webhook.Version{webhook.V3, webhook.V2, webhook.V1} {
		id := "msg_e2e_" + string(version)
		for attempt := 1; attempt <= 2; attempt++ {
			resp, err := api.Deliver(ctx, composiotest.Delivery{TriggerID: trig.ID, Data: data, Version: version, ID: id, Attempt: attempt})
			if err != nil {
				t.Fatalf("%s attempt %d: %v", version, attempt, err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s attempt %d: receiver answered %d: %s", version, attempt, resp.StatusCode, body)
			}
		}
	}

	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	if len(rcv.commits) != 3 {
		t.Fatalf("typed handler ran %d times for 3 events delivered twice each, want 3", len(rcv.commits))
	}
	for i, got := range rcv.commits {
		if got != commit {
			t.Errorf("delivery %d: handler saw %+v, want %+v", i, got, commit)
		}
		if ev := rcv.events[i]; ev.TriggerID != trig.ID || ev.TriggerSlug != github.CommitEventSlug {
			t.Errorf("delivery %d (%s): event trigger %q/%q, want %q/%q", i, ev.Version, ev.TriggerID, ev.TriggerSlug, trig.ID, github.CommitEventSlug)
		}
	}
}

// TestDeliveryWrongSecretRejected: after the secret is rotated, a receiver
// still holding the old one answers 401 and the handler does not run.
func TestDeliveryWrongSecretRejected(t *testing.T) {
	ctx := context.Background()
	api := composiotest.NewServer(t)
	api.AddConnectedAccount(composiotest.ConnectedAccount{UserID: "u", Toolkit: "github", Status: "ACTIVE"})
	client, err := api.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	var rcv receiver
	var handler http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	defer srv.Close()
	sub, err := client.SetSubscription(ctx, composio.SubscriptionParams{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	handler = rcv.handler(t, sub)
	if _, err := client.RotateSubscriptionSecret(ctx, sub.ID); err != nil {
		t.Fatal(err)
	}
	trig, err := client.CreateTrigger(ctx, composio.CreateTriggerParams{UserID: "u", Config: github.CommitEventConfig{Owner: "o", Repo: "r"}})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := api.Deliver(ctx, composiotest.Delivery{TriggerID: trig.ID, Data: json.RawMessage(`{"author":"a","id":"1","message":"m","timestamp":"t","url":"u"}`)})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("status %d with a rotated-out secret, want 401", resp.StatusCode)
	}
	if len(rcv.commits) != 0 {
		t.Fatal("handler ran for an unverified delivery")
	}
}
