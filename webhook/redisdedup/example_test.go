package redisdedup_test

import (
	"context"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
	"github.com/triggergen/triggergen/webhook/redisdedup"
)

// Several replicas of a receiver share one Redis, so a delivery Composio
// retries on another replica runs its handler once. (This example needs a
// running Redis, so it is compiled but not run.)
func ExampleNew() {
	rdb := redis.NewClient(&redis.Options{
		Addr: "localhost:6379",
		// Lets go-redis abandon a command at its context's deadline; the
		// Deduper stops waiting at its timeout either way.
		ContextTimeoutEnabled: true,
	})
	defer rdb.Close()

	v, err := webhook.NewVerifier(secret.New(os.Getenv("COMPOSIO_WEBHOOK_SECRET")))
	if err != nil {
		log.Fatal(err)
	}
	var d webhook.Dispatcher
	d.Fallback(func(ctx context.Context, ev *webhook.Event) error {
		log.Printf("event %s %s", ev.Type, ev.TriggerSlug)
		return nil
	})
	dedup := redisdedup.New(rdb,
		redisdedup.WithPrefix("myapp:composio:"), // one namespace per receiving app
		redisdedup.WithLease(5*time.Minute),      // longer than the slowest handler
		redisdedup.WithTimeout(time.Second),      // a wedged Redis costs a delivery 1 s, then 503
	)
	http.Handle("POST /composio", webhook.NewHandler(v, &d, webhook.WithDeduper(dedup)))
	log.Fatal(http.ListenAndServe(":8080", nil))
}
