package composio_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/triggergen/triggergen/catalog/github"
	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/composiotest"
	"github.com/triggergen/triggergen/secret"
)

// Example creates a trigger on every commit to a GitHub repository and has
// its events delivered to your server. The github package is what
// `triggergen generate` writes for the GitHub toolkit. The README's
// "Creating a trigger" is this code.
func Example() {
	defer fakeComposio()() // COMPOSIO_API_KEY and COMPOSIO_BASE_URL lead to a fake
	ctx := context.Background()

	client, err := composio.NewClient() // COMPOSIO_API_KEY, COMPOSIO_BASE_URL
	if err != nil {
		log.Fatal(err)
	}
	// Where Composio delivers events (one subscription per project).
	sub, err := client.SetSubscription(ctx, composio.SubscriptionParams{URL: "https://example.com/webhooks/composio"})
	if err != nil {
		log.Fatal(err)
	}
	// Validated before any request, pinned to the toolkit version the config was
	// generated from, on alice's most recently created ACTIVE GitHub account.
	tr, err := client.CreateTrigger(ctx, composio.CreateTriggerParams{
		UserID: "alice",
		Config: github.CommitEventConfig{Owner: "octocat", Repo: "hello-world"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tr.Slug, tr.ToolkitVersion)

	fmt.Println(sub.Secret) // it verifies the deliveries, and never prints
	// Output:
	// GITHUB_COMMIT_EVENT 20250729_00
	// [REDACTED]
}

// ExampleAPIError tells an error of the API from the others and reads its
// details.
func ExampleAPIError() {
	client, _, done := exampleClient()
	defer done()

	_, err := client.TriggerType(context.Background(), "GITHUB_NO_SUCH_EVENT")
	var apiErr *composio.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.Status, apiErr.Slug)
	}
	// The sentinels say what kind of error it is (see their documentation
	// for which are exact).
	fmt.Println(errors.Is(err, composio.ErrNotFound), errors.Is(err, composio.ErrUnauthorized))
	// Output:
	// 400 TRIGGER_TYPE_NOT_FOUND
	// true false
}

// ExampleClient_ActiveTriggers lists a user's triggers, disabled ones
// included, 50 a request, across every page.
func ExampleClient_ActiveTriggers() {
	client, _, done := exampleClient()
	defer done()
	ctx := context.Background()

	for tr, err := range client.ActiveTriggers(ctx, composio.ActiveTriggersParams{
		UserIDs:      []string{"alice"},
		ShowDisabled: true,
		PageSize:     composio.MaxPageSize,
	}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(tr.Slug, string(tr.Config), tr.Disabled)
	}
	// Output:
	// GITHUB_COMMIT_EVENT {"owner":"octocat","repo":"hello-world"} false
	// GITHUB_COMMIT_EVENT {"owner":"octocat","repo":"spoon-knife"} true
}

// ExampleClient_SetupWebhookEndpoint sets up the endpoint a Slack app of
// your own delivers to: the credentials are stored before the URL is handed
// out, then the provider's handshake is awaited.
func ExampleClient_SetupWebhookEndpoint() {
	client, fake, done := exampleClient()
	defer done()
	ctx := context.Background()

	// What the generated slack.WebhookCredentials{…} would hold.
	creds := slackCredentials{SigningSecret: secret.New("8f742231b10e8888abcd99yyyzzz85a5"), AppToken: secret.New("xapp-1-A0B1C2-...")}
	ep, err := client.SetupWebhookEndpoint(ctx, "1234567890.0987654321", creds)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.HasSuffix(ep.URL, "/slack/"+ep.ID+"/trigger_event"), ep.Verified())

	// Register ep.URL with Slack (Event Subscriptions, Request URL); Slack
	// then completes its handshake, which here the fake does.
	if err := fake.VerifyWebhookEndpoint(ep.ID); err != nil {
		log.Fatal(err)
	}

	ep, err = client.WaitVerified(ctx, ep.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ep.Verified(), ep.Data["webhook_signing_secret"]) // data never prints
	// Output:
	// true false
	// true [REDACTED]
}

// ExampleClient_RotateSubscriptionSecret replaces the secret deliveries are
// signed with. The old one stops verifying at once: give the new one to your
// receivers (webhook.NewVerifier) right away.
func ExampleClient_RotateSubscriptionSecret() {
	client, _, done := exampleClient()
	defer done()
	ctx := context.Background()

	sub, err := client.SetSubscription(ctx, composio.SubscriptionParams{URL: "https://example.com/webhooks/composio"})
	if err != nil {
		log.Fatal(err)
	}
	rotated, err := client.RotateSubscriptionSecret(ctx, sub.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(rotated.Equal(sub.Secret), rotated)
	// Output: false [REDACTED]
}

// exampleClient returns a client for a fake Composio where alice has a
// GitHub and a Slack account, and two GitHub triggers, one disabled.
func exampleClient() (*composio.Client, *composiotest.Fake, func()) {
	fake, err := composiotest.New()
	if err != nil {
		log.Fatal(err)
	}
	fake.AddConnectedAccount(composiotest.ConnectedAccount{UserID: "alice", Toolkit: "github"})
	fake.AddConnectedAccount(composiotest.ConnectedAccount{UserID: "alice", Toolkit: "slack"})
	srv := httptest.NewServer(fake.Handler())
	client, err := composio.NewClient(
		composio.WithAPIKey(secret.New(fake.APIKey())),
		composio.WithBaseURL(srv.URL),
		composio.WithGetenv(func(string) string { return "" }),
	)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for _, repo := range []string{"hello-world", "spoon-knife"} {
		tr, err := client.CreateTrigger(ctx, composio.CreateTriggerParams{UserID: "alice", Config: CommitEventConfig{Owner: "octocat", Repo: repo}})
		if err != nil {
			log.Fatal(err)
		}
		if repo == "spoon-knife" {
			if err := client.DisableTrigger(ctx, tr.ID); err != nil {
				log.Fatal(err)
			}
		}
	}
	return client, fake, srv.Close
}

// fakeComposio starts a fake Composio where alice has a GitHub account and
// points COMPOSIO_API_KEY and COMPOSIO_BASE_URL at it, with no
// COMPOSIO_TOOLKIT_VERSION_* pin; the returned function restores the
// environment.
func fakeComposio() func() {
	fake, err := composiotest.New()
	if err != nil {
		log.Fatal(err)
	}
	fake.AddConnectedAccount(composiotest.ConnectedAccount{UserID: "alice", Toolkit: "github"})
	srv := httptest.NewServer(fake.Handler())
	saved := os.Environ()
	for _, kv := range saved {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, composio.EnvToolkitVersionPrefix) {
			os.Unsetenv(k)
		}
	}
	os.Setenv(composio.EnvAPIKey, fake.APIKey())
	os.Setenv(composio.EnvBaseURL, srv.URL)
	return func() {
		srv.Close()
		os.Clearenv()
		for _, kv := range saved {
			k, v, _ := strings.Cut(kv, "=")
			os.Setenv(k, v)
		}
	}
}
