package redisdedup_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/triggergen/triggergen/internal/redistest"
	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
	"github.com/triggergen/triggergen/webhook/internal/deduptest"
	"github.com/triggergen/triggergen/webhook/redisdedup"
	"github.com/triggergen/triggergen/webhook/webhooktest"
)

// startRedis runs redis-server on a free loopback port for the test. It
// skips when the binary is missing, unless CI is set.
func startRedis(t *testing.T) *redis.Client {
	t.Helper()
	return redistest.Start(t).Client()
}

// TestWebhookRedisDeduperConformance runs the suite the in-memory Deduper
// passes; each Deduper gets its own prefix.
func TestWebhookRedisDeduperConformance(t *testing.T) {
	rdb := startRedis(t)
	var n atomic.Int32
	deduptest.Conformance(t, func(_ *testing.T, lease, ttl time.Duration) webhook.Deduper {
		return redisdedup.New(rdb, redisdedup.WithPrefix(fmt.Sprintf("conf%d:", n.Add(1))),
			redisdedup.WithLease(lease), redisdedup.WithTTL(ttl))
	})
}

func TestWebhookRedisDeduper(t *testing.T) {
	rdb := startRedis(t)
	ctx := context.Background()

	t.Run("Keys", func(t *testing.T) {
		// The states as Redis holds them, with the lease and the TTL.
		d := redisdedup.New(rdb, redisdedup.WithPrefix("t1:"), redisdedup.WithLease(time.Minute), redisdedup.WithTTL(time.Hour))
		key := func(want string, maxTTL time.Duration) {
			t.Helper()
			v, err := rdb.Get(ctx, "t1:msg_1").Result()
			ttl, _ := rdb.PTTL(ctx, "t1:msg_1").Result()
			if err != nil || v != want || ttl <= maxTTL/2 || ttl > maxTTL {
				t.Fatalf("t1:msg_1 = %q (%v), PTTL %v; want %q, PTTL in (%v, %v]", v, err, ttl, want, maxTTL/2, maxTTL)
			}
		}
		l, err := d.Begin(ctx, "msg_1")
		if err != nil || l.Status != webhook.DedupNew || len(l.Token) != 32 {
			t.Fatalf("Begin = %+v, %v; want new, with a 32-digit token", l, err)
		}
		key("inprogress:"+l.Token, time.Minute)
		if err := d.Forget(ctx, "msg_1", webhook.NewLeaseToken()); err != nil {
			t.Fatal(err)
		}
		key("inprogress:"+l.Token, time.Minute) // not the holder's token
		if err := d.Complete(ctx, "msg_1", l.Token); err != nil {
			t.Fatal(err)
		}
		key("done", time.Hour)
		if err := d.Forget(ctx, "msg_1", l.Token); err != nil {
			t.Fatal(err)
		}
		key("done", time.Hour)

		// A key written by the earlier Seen (a timestamp) counts as done.
		rdb.Set(ctx, "t1:legacy", "2026-01-15T10:30:00Z", time.Minute)
		if l, err := d.Begin(ctx, "legacy"); err != nil || l != (webhook.Lease{Status: webhook.DedupDone}) {
			t.Fatalf("Begin(legacy) = %+v, %v; want done", l, err)
		}
		if err := d.Forget(ctx, "legacy", ""); err != nil || rdb.Exists(ctx, "t1:legacy").Val() != 1 {
			t.Fatalf("Forget(legacy) = %v; must keep the key", err)
		}

		// A lease written before lease tokens counts as in progress; no
		// token releases it, but Complete marks it done.
		rdb.Set(ctx, "t1:msg_1", "inprogress", time.Minute)
		if l, err := d.Begin(ctx, "msg_1"); err != nil || l != (webhook.Lease{Status: webhook.DedupInProgress}) {
			t.Fatalf("Begin(untokened lease) = %+v, %v; want in progress", l, err)
		}
		for _, tok := range []string{"", webhook.NewLeaseToken()} {
			if err := d.Forget(ctx, "msg_1", tok); err != nil {
				t.Fatal(err)
			}
			key("inprogress", time.Minute)
		}
		if err := d.Complete(ctx, "msg_1", ""); err != nil {
			t.Fatal(err)
		}
		key("done", time.Hour)
	})

	t.Run("Prefixes", func(t *testing.T) {
		a := redisdedup.New(rdb, redisdedup.WithPrefix("a:"))
		b := redisdedup.New(rdb, redisdedup.WithPrefix("b:"))
		if l, _ := a.Begin(ctx, "same"); l.Status != webhook.DedupNew {
			t.Fatalf("a: first Begin = %+v", l)
		}
		if l, _ := b.Begin(ctx, "same"); l.Status != webhook.DedupNew {
			t.Fatalf("b: first Begin = %+v; another prefix must not share ids", l)
		}
		if n, _ := rdb.Exists(ctx, redisdedup.DefaultPrefix+"same").Result(); n != 0 {
			t.Fatal("default prefix used despite WithPrefix")
		}
	})

	t.Run("AtomicAcrossReplicas", func(t *testing.T) {
		// Two "replicas" with their own clients race for the same ids.
		other := redis.NewClient(&redis.Options{Addr: rdb.Options().Addr})
		defer other.Close()
		replicas := []*redisdedup.Deduper{
			redisdedup.New(rdb, redisdedup.WithPrefix("race:")),
			redisdedup.New(other, redisdedup.WithPrefix("race:")),
		}
		for i := range 20 {
			id := fmt.Sprintf("msg_%d", i)
			var firsts, busy atomic.Int32
			var wg sync.WaitGroup
			for g := range 8 {
				wg.Go(func() {
					l, err := replicas[g%2].Begin(ctx, id)
					if err != nil {
						t.Error(err)
					}
					switch l.Status {
					case webhook.DedupNew:
						firsts.Add(1)
					case webhook.DedupInProgress:
						busy.Add(1)
					}
				})
			}
			wg.Wait()
			if firsts.Load() != 1 || busy.Load() != 7 {
				t.Fatalf("%s: %d callers own it, %d see it in progress; want 1 and 7", id, firsts.Load(), busy.Load())
			}
		}
	})

	t.Run("HandlerReplicas", func(t *testing.T) {
		// Two replicas behind a load balancer share the Redis filter: a
		// retried delivery that lands on the other replica is not handled
		// again, unless the first attempt failed.
		const key = "replica-secret"
		v, err := webhook.NewVerifier(secret.New(key))
		if err != nil {
			t.Fatal(err)
		}
		var runs atomic.Int32
		var failNext atomic.Bool
		d := webhook.NewDispatcher()
		d.Fallback(func(context.Context, *webhook.Event) error {
			runs.Add(1)
			if failNext.Swap(false) {
				return errors.New("transient")
			}
			return nil
		})
		quiet := webhook.WithLogger(slog.New(slog.DiscardHandler))
		replicas := []http.Handler{
			webhook.NewHandler(v, d, quiet, webhook.WithDeduper(redisdedup.New(rdb, redisdedup.WithPrefix("rep:")))),
			webhook.NewHandler(v, d, quiet, webhook.WithDeduper(redisdedup.New(rdb, redisdedup.WithPrefix("rep:")))),
		}
		body, _ := (webhooktest.Message{TriggerSlug: "GITHUB_COMMIT_EVENT"}).Body(webhook.V3)
		deliver := func(replica int, id string) int {
			rec := httptest.NewRecorder()
			replicas[replica].ServeHTTP(rec, webhooktest.NewRequest(key, body, webhooktest.WithID(id)))
			return rec.Code
		}
		if c := deliver(0, "msg_a"); c != 200 {
			t.Fatal(c)
		}
		if c := deliver(1, "msg_a"); c != 200 || runs.Load() != 1 {
			t.Fatalf("retry on the other replica: %d, runs %d; want 200, 1", c, runs.Load())
		}
		failNext.Store(true)
		if c := deliver(1, "msg_b"); c != 500 {
			t.Fatalf("failing handler: %d", c)
		}
		if c := deliver(0, "msg_b"); c != 200 || runs.Load() != 3 {
			t.Fatalf("retry after failure: %d, runs %d; want 200, 3", c, runs.Load())
		}
	})

	t.Run("ErrorsWrapped", func(t *testing.T) {
		dead := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialerRetries: 1, DialerRetryTimeout: time.Millisecond, DialTimeout: 100 * time.Millisecond})
		defer dead.Close()
		d := redisdedup.New(dead)
		if _, err := d.Begin(ctx, "x"); err == nil {
			t.Fatal("Begin against a dead server: no error")
		}
		var opErr *net.OpError
		if err := d.Forget(ctx, "x", webhook.NewLeaseToken()); err == nil || !errors.As(err, &opErr) {
			t.Fatalf("Forget against a dead server = %v; want a wrapped *net.OpError", err)
		}
		if err := d.Complete(ctx, "x", webhook.NewLeaseToken()); err == nil || !errors.As(err, &opErr) {
			t.Fatalf("Complete against a dead server = %v; want a wrapped *net.OpError", err)
		}
	})
}
