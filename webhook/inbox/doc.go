// Package inbox puts a durable queue between Composio's webhook deliveries
// and the code that handles them, on github.com/hibiken/asynq and Redis.
//
// webhook.Handler runs the handlers inside the webhook request. The inbox
// splits that in two:
//
//   - Handler, the enqueue side, is an http.Handler. It verifies and decodes
//     each delivery as webhook.Handler does, stores the raw delivery as one
//     asynq task whose id is the webhook-id, and answers 202 once Redis has
//     acknowledged the task (200 for a webhook-id it already holds, 503 when
//     Redis did not answer, so Composio retries).
//   - Worker, the work side, runs as many times as you like, in the same
//     process or on other machines. It takes stored deliveries from Redis,
//     decodes them and runs the same *webhook.Dispatcher, so the generated
//     OnXxx handlers run unchanged. A failing delivery is retried with
//     exponential backoff (Backoff) up to a maximum (WithMaxRetry), then
//     archived with its last error, where asynq's CLI, Inspector and web UI
//     show it and replay it.
//
// Wiring both sides:
//
//	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
//	v, err := webhook.NewVerifier(secret.New(os.Getenv("COMPOSIO_WEBHOOK_SECRET")))
//	http.Handle("POST /composio", inbox.NewHandler(v, rdb))
//
//	d := webhook.NewDispatcher()
//	github.OnCommitEvent(d, func(ctx context.Context, ev *webhook.Event, p *github.CommitEventPayload) error { … })
//	err = inbox.NewWorker(rdb, d).Run(ctx) // until ctx is done, then a graceful shutdown
//
// # Guarantees
//
// A delivery answered 202 is stored in Redis; one answered 200 was stored
// before under its webhook-id. Each stored delivery is handled at least
// once: its handler runs until it succeeds, or the delivery ends in the
// archive with its last error. Durability is Redis's: with
// "appendonly yes" and "appendfsync always" an acknowledged task survives
// a crash of Redis (a test kills Redis with SIGKILL to check it); with
// "appendfsync everysec" Redis's documentation allows a second of
// acknowledged writes to be lost, and without persistence a crash loses
// them all.
//
// A handler can run more than once for one delivery, so handlers should be
// idempotent (keyed by Event.ID, or the webhook-id, which
// asynq.GetTaskID(ctx) returns inside a handler):
//
//   - it returned an error or panicked: the delivery is retried;
//   - its Worker died mid-run (crash, kill, lost connection to Redis): once
//     the task's lease expires, another Worker runs it again; this also
//     happens when the handler had finished but the Worker died before it
//     recorded that in Redis;
//   - it outlived the shutdown timeout: its context is cancelled and the
//     task goes back to the queue;
//   - a delivery with the same webhook-id arrived after the handled task
//     had passed its retention (Handler.Retention; default 24 hours) or
//     was deleted: it is stored and handled again;
//   - someone replayed it from the archive, or ran it again by hand.
//
// Deliveries are handled in no particular order. Each run has asynq's
// default timeout of 30 minutes. A delivery that cannot succeed by retrying
// (a webhook.PayloadError, a stored body that no longer decodes) is
// archived after one run; one that no handler takes completes, with a
// warning, as webhook.Handler answers it 200. A Composio redelivery of a
// delivery waiting in the archive is answered 200 and does not replay it.
// asynq bounds each queue's archive: archiving a task deletes those
// archived more than 90 days before, and the oldest beyond 10,000 (9,999
// remain).
//
// Redis is trusted: anyone who can write to it can add tasks. Each stored
// delivery keeps its webhook-signature and webhook-timestamp, so it can be
// checked against the secret later (a Verifier WithTolerance(0)).
package inbox
