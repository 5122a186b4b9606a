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
//	sub, err := client.SetSubscription(ctx, composio.SubscriptionParams{URL: "https://example.com/webhooks/composio"})
//	// sub.Secret verifies the deliveries (see package webhook); it never prints.
//
//	// 2. A trigger, from a generated config. It is validated before any
//	//    request, pinned to the toolkit version it was generated from, and
//	//    attached to the user's most recently created ACTIVE account.
//	tr, err := client.CreateTrigger(ctx, composio.CreateTriggerParams{
//		UserID: "alice",
//		Config: github.CommitEventConfig{Owner: "octocat", Repo: "hello-world"},
//	})
//
//	// 3. Manage it.
//	for t, err := range client.ActiveTriggers(ctx, composio.ActiveTriggersParams{UserIDs: []string{"alice"}}) { … }
//	err = client.DisableTrigger(ctx, tr.ID)
//	err = client.DeleteTrigger(ctx, tr.ID)
//
// # Options and params
//
// There is one option type, Option. NewClient takes options for every call
// (WithAPIKey, WithBaseURL, WithHTTPClient, WithRetry, WithLogger, …), and
// every method takes options as its last arguments for that call only, on
// top of the client's (WithRequestTimeout, WithHeader, WithRetry,
// WithToolkitVersion, …). A method's own inputs, beyond an id, are a params
// struct: CreateTriggerParams, ActiveTriggersParams, TriggerTypesParams,
// SubscriptionParams. Zero fields of a params struct take the documented
// default.
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
//	tr, err := client.CreateTrigger(ctx, composio.CreateTriggerParams{UserID: "alice", Config: slack.ReceiveMessageConfig{}})
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
// WithToolkitVersion is the one way to choose a toolkit version in code, on
// the client or on a call. The version a call uses for a toolkit is, by
// precedence:
//
//  1. WithToolkitVersion(toolkit, v) for that toolkit;
//  2. WithToolkitVersion(AllToolkits, v);
//  3. the environment variable COMPOSIO_TOOLKIT_VERSION_<TOOLKIT> (as the
//     official SDKs read it);
//  4. for CreateTrigger, the version the config was generated from; for
//     reads of trigger types, the latest.
//
// Within 1 and 2, a call's option replaces the client's.
//
// # Errors
//
// A non-2xx answer is an *APIError (status, code, slug, message, request id,
// suggested fix), wrapped with the operation that failed. Compare with
// errors.Is against the sentinels; their documentation says which are
// reliable (decided by the status) and which are guesses from the error's
// slug and message. An invalid config matches trigger.ErrInvalid. The API
// key and credentials never appear in an error, a log line or the printed
// client: every text the server sends back is scrubbed of them, a truncated
// echo of eight bytes or more included.
//
// # Retries and limits
//
// Calls that are safe to repeat (reads, the trigger upsert, enable, disable,
// delete, endpoint create/update/replace, subscription update) are retried on
// 429, 500, 502, 503, 504 and transport errors, with exponential backoff and
// jitter, honouring Retry-After up to RetryPolicy.MaxRetryAfter (a longer
// one is returned as the error at once), up to RetryPolicy.MaxAttempts and
// never past the context. Each wait is logged (RetryLogMessage). Creating a
// subscription and rotating its secret are sent once.
//
// A response longer than 32 MiB fails with ErrResponseTooLarge; a list that
// runs past WithMaxPages pages, or whose server repeats a cursor, fails with
// ErrPagination; a page size above MaxPageSize fails before any request; a
// redirect to another host fails with ErrRedirect, so that neither the key
// nor a body leaves the base URL's host.
package composio
