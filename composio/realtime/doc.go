// Package realtime receives Composio trigger events over a websocket, as the
// official SDKs' triggers.subscribe does, so that a program can handle them
// without a public URL: for local development and tests. Production should
// receive webhooks (package webhook); Composio documents the realtime
// channel as development-only.
//
//	client, _ := composio.NewClient() // COMPOSIO_API_KEY, COMPOSIO_BASE_URL
//	d := webhook.NewDispatcher()
//	github.OnCommitEvent(d, func(ctx context.Context, ev *webhook.Event, p *github.CommitEventPayload) error { … })
//	err := realtime.Subscribe(ctx, client, d,
//		realtime.WithFilter(realtime.Filter{Toolkits: []string{"github"}}),
//		realtime.WithLogger(slog.Default()))
//
// Events reach the same *webhook.Dispatcher, and so the same generated OnXxx
// handlers, as webhook deliveries: each becomes a webhook.Event (Version
// webhook.Realtime) with the trigger slug, trigger id, connected account,
// auth config, user and the payload as Data. A handler that needs what only
// the realtime message carries (toolkit, original payload, trigger config)
// gets it with FromContext. `triggergen listen` prints the events and can
// forward each, signed, to a local webhook receiver.
//
// # How it connects
//
// Subscribe gets the project's Pusher credentials from Composio
// (GET /api/v3/internal/sdk/realtime/credentials, with the client's API
// key), opens a Pusher Channels websocket (protocol 7), has Composio
// authorize the private channel private-{project_id}_triggers for that
// socket (POST /api/v3/internal/sdk/realtime/auth) and subscribes. The API
// key goes only to the API, never to the websocket host. The websocket is
// wss://ws-{cluster}.pusher.com when the client's base URL is Composio's;
// otherwise (a fake such as `triggergen fake-server`) it is the base URL's
// own host, so COMPOSIO_API_KEY and COMPOSIO_BASE_URL are all there is to
// set. WithSocketURL overrides both.
//
// # Reliability
//
// Events are not stored: an event published while no connection is
// subscribed is lost, as with the SDKs. Subscribe reconnects by Pusher's
// close codes (4000-4099: not at all, the error is returned; 4100-4199:
// after a backoff; 4200-4299: at once) and after network errors, answers
// pings, pings a silent server and reconnects when it does not answer.
// Chunked events (chunked-trigger_to_client) are joined in index order, in
// whatever order the chunks come, within ChunkLimits; a set that exceeds
// them or stays incomplete past the timeout is dropped and logged.
package realtime
