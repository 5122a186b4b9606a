package inbox_test

import (
	"context"
	"log"
	"net/http"
	"os"
	"os/signal"

	"github.com/redis/go-redis/v9"

	"github.com/triggergen/triggergen/catalog/github"
	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
	"github.com/triggergen/triggergen/webhook/inbox"
)

// A receiver and a worker in one process. Either side can run alone, on
// as many machines as needed, as long as they share the Redis and the queue.
// (It needs a Redis, so it is compiled but not run by go test.)
func Example() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
	defer rdb.Close()

	v, err := webhook.NewVerifier(secret.New(os.Getenv("COMPOSIO_WEBHOOK_SECRET")))
	if err != nil {
		log.Fatal(err)
	}
	http.Handle("POST /webhooks/composio", inbox.NewHandler(v, rdb))
	go func() { log.Fatal(http.ListenAndServe(":8080", nil)) }()

	d := webhook.NewDispatcher()
	github.OnCommitEvent(d, func(ctx context.Context, ev *webhook.Event, p *github.CommitEventPayload) error {
		log.Printf("%s committed %s", p.Author, p.ID)
		return nil // an error retries the delivery later
	})
	if err := inbox.NewWorker(rdb, d).Run(ctx); err != nil {
		log.Fatal(err)
	}
}
