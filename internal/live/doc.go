// Package live holds the one test that talks to the real Composio API. It
// has no code of its own; the test is in live_test.go.
//
// Everything else in triggergen is tested against composiotest, the local
// fake. TestLive checks the assumptions the fake and the checked-in code are
// built on against a real project, and runs only when COMPOSIO_API_KEY is
// set (COMPOSIO_BASE_URL, default https://backend.composio.dev, says where):
//
//	COMPOSIO_API_KEY=… go test -count=1 -v ./internal/live/
//
// Without the key it skips and says so. It is read-only and side-effect
// free: its HTTP transport refuses any request that is not a GET, but for
// the realtime channel authorization (a POST that signs a socket id), so it
// creates, changes and deletes nothing. Through the runtime client
// (composio.NewClient) it
//
//   - lists the trigger types of toolkit github (two pages at most) and
//     checks that each has a slug and that its config and payload are JSON
//     objects;
//   - gets GITHUB_COMMIT_EVENT at the latest toolkit version and checks its
//     schemas against the checked-in generated types
//     (catalog/github): every required config property must be a
//     JSON field of CommitEventConfig, every field of CommitEventConfig a
//     config property and every field of CommitEventPayload a payload
//     property. A mismatch names the field: run `triggergen pull` and
//     regenerate (`make generate`);
//   - lists the webhook subscription event types (expects
//     composio.trigger.message);
//   - gets Slack's webhook endpoint schema (expects webhook_signing_secret);
//   - gets the realtime credentials and subscribes to the project's realtime
//     channel (composio/realtime) for a few seconds, receiving nothing in
//     particular: the subscription must succeed and stay up;
//   - validates every request/response pair it saw against openapi/ with
//     kin-openapi's openapi3filter, as the fake validates its own traffic.
//
// TestAgainstFake runs the same checks against composiotest.NewServer, so
// the checking code runs in CI even though the live test does not.
package live
