// Package composio is the runtime client for Composio triggers: it creates
// and manages triggers from the typed configs triggergen generates, sets up
// the webhook subscription events are delivered to, and sets up the webhook
// endpoints some toolkits need when you bring your own OAuth app.
//
// # Flow
//
//	client, err := composio.NewClient() // COMPOSIO_API_KEY, COMPOSIO_BASE_URL
//
//	// 1. Where Composio delivers events (one subscription per project).
//	sub, err := client.SetSubscription(ctx, "https://example.com/webhooks/composio")
//	// sub.Secret verifies the deliveries (see package webhook); it never prints.
//
//	// 2. A trigger, from a generated config. It is validated before any
//	//    request, pinned to the toolkit version it was generated from, and
//	//    attached to the user's most recently created ACTIVE account.
//	tr, err := client.CreateTrigger(ctx, "alice", github.CommitEventConfig{Owner: "octocat", Repo: "hello-world"})
//
//	// 3. Manage it.
//	for t, err := range client.ActiveTriggers(ctx, composio.ActiveTriggersFilter{UserIDs: []string{"alice"}}) { … }
//	err = client.DisableTrigger(ctx, tr.ID)
//	err = client.DeleteTrigger(ctx, tr.ID)
//
// # Webhook endpoints (your own OAuth app)
//
// Trigger types with RequiresWebhookEndpointSetup need, per toolkit and OAuth
// app, an endpoint holding the app's credentials (for Slack its signing
// secret and app token). Until it exists CreateTrigger fails with
// ErrWebhookEndpointRequired. The order matters: store the credentials before
// the provider is told the URL, or its deliveries fail (Slack disables an
// endpoint after about 36 hours of failures). SetupWebhookEndpoint does both
// in one call and only then returns the URL:
//
//	ep, err := client.SetupWebhookEndpoint(ctx, clientID, slack.WebhookCredentials{
//		WebhookSigningSecret: secret.New(signingSecret),
//		AppToken:             secret.New(appToken),
//	})
//	// Register ep.URL with the provider (Slack: Event Subscriptions → Request URL).
//	ep, err = client.WaitVerified(ctx, ep.ID) // until the provider's handshake completes
//	tr, err := client.CreateTrigger(ctx, "alice", slack.ReceiveMessageConfig{})
//
// The same steps one by one are WebhookEndpointSchema, CreateWebhookEndpoint
// (idempotent per toolkit and client id: the URL never changes and stored
// secrets stay), UpdateWebhookEndpoint (PATCH: only the fields set are sent;
// refused before any request when it would clear a required one),
// ReplaceWebhookEndpoint (POST: fields not set are cleared; refused before
// any request when a required one is missing) and IngressURL (the URL of an
// endpoint whose credentials are stored, for showing it again).
//
// # Toolkit versions
//
// CreateTrigger pins the toolkit version a config was generated from. The
// version used is, by precedence: WithVersion on the call,
// WithToolkitVersion on the client, WithLatestVersions, the environment
// variable COMPOSIO_TOOLKIT_VERSION_<TOOLKIT> (as the official SDKs read it),
// then the config's version. Reads of trigger types send the client-level
// pins, and otherwise describe the latest version.
//
// # Errors
//
// A non-2xx answer is an *APIError (status, code, slug, message, request id,
// suggested fix), wrapped with the operation that failed. Compare with
// errors.Is against ErrUnauthorized, ErrNotFound, ErrRateLimited,
// ErrConflict, ErrGone, ErrInvalidConfig, ErrServer,
// ErrWebhookEndpointRequired and ErrNoConnectedAccount. An invalid config
// matches trigger.ErrInvalid. The API key and credentials never appear in an
// error, a log line or the printed client.
//
// # Retries
//
// Calls that are safe to repeat (reads, the trigger upsert, enable, disable,
// delete, endpoint create/update/replace, subscription update) are retried on
// 429, 500, 502, 503, 504 and transport errors, with exponential backoff and
// jitter, honouring Retry-After, up to RetryPolicy.MaxAttempts and never past
// the context. Creating a subscription and rotating its secret are sent once.
package composio
