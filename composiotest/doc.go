// Package composiotest is a stateful, in-memory fake of the Composio v3.1
// API described in openapi/composio.yaml, for tests (NewServer) and for
// trying the CLI by hand (`triggergen fake-server`). It plays the part
// stripe-mock plays for Stripe, with the semantics of the real service as
// openapi/README.md documents them (Composio's published description, its
// SDKs and its API reference).
//
// In a test of your code:
//
//	srv := composiotest.NewServer(t)
//	srv.AddConnectedAccount(composiotest.ConnectedAccount{UserID: "alice", Toolkit: "github"})
//	client, err := srv.NewClient() // a *composio.Client for srv
//	// ... run your code with client, then look at srv.TriggerInstances(),
//	// srv.Requests(), srv.Subscription() ...
//
// # Contract checking
//
// Every request is validated against the description with kin-openapi's
// openapi3filter before it is handled, and every response before it is sent.
// A mismatch is a contract violation: it is kept (ContractViolations), logged,
// and under NewServer fails the test with t.Errorf naming the operation and
// the problem. So is seeding a connected account whose auth scheme and
// status have no state in Composio's types (AuthStates lists those that
// do). An invalid request is answered 400 VALIDATION_ERROR (as the
// real server would reject it) and is also a violation, because the client
// under test should not send it; tests that send malformed requests on
// purpose pass AllowInvalidRequests(). When the invalid request is a webhook
// endpoint write, every value its body carries is masked (SecretMask) in the
// answer, the log and the violation, so that no credential is echoed. A
// request for a path or method that is not in the description is a
// violation answered 404. Injected faults (FailNext) are not validated. The security requirement is not part of the
// check: the fake answers a missing or wrong x-api-key with 401 itself.
//
// # Seed data
//
// Trigger types and webhook endpoint schemas come from lock files (WithLock;
// default the embedded catalog, catalog.Lock()). A toolkit's version is the
// lock entry's version; with several locks a toolkit can be served at several
// versions, the greatest being "latest". Connected accounts are added with
// AddConnectedAccount; there are none at start.
//
// # Semantics
//
//   - Trigger types: list (toolkit_slugs, toolkit_versions, limit,
//     cursor), get and enum. Slugs are case-insensitive. An unknown slug is
//     400 TRIGGER_TYPE_NOT_FOUND (as the real API, not 404); a version that
//     a listed toolkit does not have is 400 TOOLKIT_VERSION_NOT_FOUND.
//     toolkit_versions comes in both forms the description declares:
//     bracket notation (toolkit_versions[slug]=version) pins one toolkit, a
//     plain value (toolkit_versions=latest, the official SDKs' default)
//     every toolkit the request touches, so a plain version is honoured or
//     is that 400; empty (null) means latest, as Composio documents; a
//     bracket pin wins over the plain value. Toolkits in bracket pins that
//     the fake does not know are ignored.
//   - Pagination: an opaque cursor (base64url JSON of page and limit);
//     limit defaults to 20 (WithDefaultPageSize). It is at most 50 for
//     trigger types, active trigger instances and subscriptions, as the
//     description declares (a larger limit is an invalid request: 400
//     VALIDATION_ERROR and a contract violation); a connected-account page
//     holds at most 1000 (a larger limit is capped, as is a default page size
//     over a list's maximum); limit < 1 or a bad cursor is 400. next_cursor is
//     null on the last page; total_pages = ceil(total_items/limit) (0 for an
//     empty list).
//   - Nulls: Composio's client sends a null query parameter as an empty
//     value (limit=). The description allows it where the client does, but
//     what the API does with it is not documented, so the fake answers 400
//     VALIDATION_ERROR naming the parameter ("… is empty, which is how
//     Composio's clients send null …"); toolkit_versions is the exception
//     above. A manage PATCH without a status and a subscription PATCH
//     without a field (the client sends {} for an omitted body) are 400
//     VALIDATION_ERROR too. An upsert's null toolkit_versions means latest.
//   - Upsert: the trigger type (400 TRIGGER_TYPE_NOT_FOUND), the toolkit
//     version from the body's toolkit_versions (400
//     TOOLKIT_VERSION_NOT_FOUND), then the connected account: a given
//     connected_account_id must exist (404 CONNECTED_ACCOUNT_NOT_FOUND) and be
//     of the trigger's toolkit (400 CONNECTED_ACCOUNT_TOOLKIT_MISMATCH); else
//     user_id resolves to the user's newest ACTIVE account of the toolkit
//     (created_at desc, later insertion wins a tie), none is 400
//     CONNECTED_ACCOUNT_NOT_FOUND; neither is 400 VALIDATION_ERROR. The
//     owner is not checked against user_id when both are given (a project
//     without 2FA). Then a trigger type with requires_webhook_endpoint_setup
//     and no webhook endpoint of its toolkit is 400 WEBHOOK_ENDPOINT_REQUIRED
//     ("… a webhook endpoint must be set up for toolkit X …"); then
//     trigger_config is validated against the config JSON Schema
//     (santhosh-tekuri/jsonschema/v6): 422 INVALID_TRIGGER_CONFIG whose
//     message and errors list name JSON pointers such as
//     /trigger_config/owner. The same (slug, connected account, config) again
//     returns the same trigger_id, re-enables it when disabled and records
//     the toolkit version used. A created instance is answered 201, an
//     existing one 200 (the client also declares a 204, which the fake
//     never sends).
//   - Trigger instances: list with every filter (comma-separated) and
//     show_disabled; deleted ones are never listed. PATCH manage: 404
//     TRIGGER_INSTANCE_NOT_FOUND for an id never issued, 409
//     TRIGGER_INSTANCE_ALREADY_ENABLED / _ALREADY_DISABLED, 410
//     TRIGGER_INSTANCE_GONE once deleted. DELETE: 200 the first time; again
//     within the retention window (WithDeletedRetention, default 24 h of the
//     fake's clock) 409 TRIGGER_INSTANCE_ALREADY_DELETED, after it 410
//     TRIGGER_INSTANCE_GONE; 404 for an id never issued.
//   - Connected accounts: list (toolkit_slugs, statuses, user_ids,
//     auth_config_ids, connected_account_ids, order_by created_at|updated_at,
//     order_direction asc|desc, default created_at desc; account_type
//     PRIVATE, the default, SHARED or ALL), get (404
//     CONNECTED_ACCOUNT_NOT_FOUND). Each account carries the v3.1 fields
//     (word_id null, alias, auth_config.auth_scheme, experimental.account_type)
//     and a state that is the variant Composio's types give its auth scheme
//     and status: the fields it requires are filled, secret ones "****".
//   - Webhook endpoints: schema per toolkit (404
//     WEBHOOK_ENDPOINT_SCHEMA_NOT_FOUND for a toolkit without one, 404
//     TOOLKIT_NOT_FOUND for an unknown toolkit); create is idempotent per
//     (toolkit_slug, client_id): 201 new, 200 existing, unchanged (400
//     TOOLKIT_NOT_FOUND for a toolkit the fake does not know). webhook_url is
//     IngressBaseURL/{toolkit}/{we_id}/trigger_event and never changes. PATCH
//     merges data; POST replaces it and a missing required setup field is 400
//     WEBHOOK_ENDPOINT_MISSING_REQUIRED_FIELD naming it. When the toolkit has
//     a schema, a field it does not declare is 400
//     WEBHOOK_ENDPOINT_UNKNOWN_FIELD. Secret values (is_secret, or every value
//     when the toolkit has no schema) are "****" in every response; data is
//     null until set; verified_at is null until VerifyWebhookEndpoint.
//   - Webhook subscriptions: one per project (a second create is 409
//     WEBHOOK_SUBSCRIPTION_ALREADY_EXISTS); event types
//     composio.trigger.message (V1, V2, V3), composio.connected_account.expired
//     and composio.trigger.disabled (V3); an unknown event is 400
//     UNKNOWN_EVENT_TYPE; the secret is "whsec_" + random and is used raw as
//     the HMAC key; rotate replaces it (deliveries sign with the new one).
//   - Every route needs x-api-key (401 UNAUTHORIZED when missing, 401
//     INVALID_API_KEY when wrong). Every error is the Error envelope
//     {"error":{"message","code","status","slug","request_id",…}} with code =
//     status; only an injected 429 uses the documented {"message": …} body.
//
// # Faults and deliveries
//
// FailNext queues failures (429 with Retry-After, 5xx, a dropped connection,
// latency) for the next matching requests; SetLatency delays everything. A
// Go http.Client may transparently retry an idempotent request whose reused
// connection was dropped, so queue two drops or use a fresh connection to see
// the error. Deliver and DeliverProjectEvent sign events with webhook.Sign
// and POST them to the subscription's URL.
//
// # Realtime
//
// The fake also plays Composio's realtime channel (the SDKs'
// triggers.subscribe; package composio/realtime and `triggergen listen`):
//
//   - GET /api/v3/internal/sdk/realtime/credentials answers RealtimeKey,
//     the project id (WithProjectID, default pr_test) and RealtimeCluster;
//     POST /api/v3/internal/sdk/realtime/auth (form socket_id,
//     channel_name) answers Pusher's signature, key:hex(HMAC-SHA256(app
//     secret, socket_id:channel_name)), for the project's channel
//     (RealtimeChannel, private-{project}_triggers) only, else 403. Both are
//     validated against openapi/ like every other route.
//   - The Handler serves a Pusher protocol 7 websocket at /app/{key}, the
//     base URL's own host (no Pusher host is involved): a missing or other
//     protocol is closed 4008/4007, an unknown key 4001;
//     pusher:connection_established carries a socket id and
//     activity_timeout 120; pusher:subscribe to a private channel is
//     checked against the signature and answered
//     pusher_internal:subscription_succeeded or pusher:subscription_error
//     (status 401); pusher:ping is answered pusher:pong. SilenceRealtime
//     makes the open connections stop answering and receiving, as a dead
//     network path would; CloseRealtime closes every connection with a
//     given code, after a pusher:error carrying it.
//   - Deliver publishes every trigger event it sends on the channel, and
//     does so even when there is no webhook subscription (it then still
//     returns ErrNoSubscription); PublishRealtime publishes without
//     delivering. The data is the SDKs' trigger data (appName, payload,
//     originalPayload, metadata with connection), sent as trigger_to_client,
//     or, when longer than WithRealtimeChunkSize (default 8 KiB), as
//     chunked-trigger_to_client events {id, index, chunk, final} cut on rune
//     boundaries.
package composiotest
