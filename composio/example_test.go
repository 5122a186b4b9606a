package composio_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"

	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/composiotest"
	"github.com/triggergen/triggergen/internal/generated/github"
	"github.com/triggergen/triggergen/secret"
)

// Example creates a trigger on every commit to a GitHub repository and has
// its events delivered to your server. The github package is what
// `triggergen generate` writes for the GitHub toolkit.
func Example() {
	fake, srv := exampleServer() // a fake Composio; in production, omit WithBaseURL and WithHTTPClient
	defer srv.Close()

	// --- user code ---
	ctx := context.Background()
	client, err := composio.NewClient(
		composio.WithAPIKey(secret.New(fake.APIKey())), // or COMPOSIO_API_KEY
		composio.WithBaseURL(srv.URL),
		composio.WithHTTPClient(srv.Client()),
	)
	if err != nil {
		log.Fatal(err)
	}
	// Where Composio delivers events (one subscription per project).
	if _, err := client.SetSubscription(ctx, composio.SubscriptionParams{URL: "https://example.com/webhooks/composio"}); err != nil {
		log.Fatal(err)
	}
	// The trigger: validated, pinned to the toolkit version the config was
	// generated from, on alice's newest ACTIVE GitHub account.
	tr, err := client.CreateTrigger(ctx, composio.CreateTriggerParams{
		UserID: "alice",
		Config: github.CommitEventConfig{Owner: "octocat", Repo: "hello-world"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tr.Slug, tr.ToolkitVersion)
	// --- end of user code ---

	// Output: GITHUB_COMMIT_EVENT 20250729_00
}

// exampleServer starts a fake Composio with a connected GitHub account.
func exampleServer() (*composiotest.Fake, *httptest.Server) {
	fake, err := composiotest.New()
	if err != nil {
		log.Fatal(err)
	}
	fake.AddConnectedAccount(composiotest.ConnectedAccount{UserID: "alice", Toolkit: "github"})
	return fake, httptest.NewServer(fake.Handler())
}
