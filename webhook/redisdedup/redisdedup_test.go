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
// passes; each Deduper gets its own prefix, and its time is moved on by
// shortening the TTLs of its keys.
func TestWebhookRedisDeduperConformance(t *testing.T) {
	rdb := startRedis(t)
	var n atomic.Int32
	deduptest.Conformance(t, func(_ *testing.T, lease, ttl time.Duration) (webhook.Deduper, deduptest.Advance) {
		prefix := fmt.Sprintf("conf%d:", n.Add(1))
		d := redisdedup.New(rdb, redisdedup.WithPrefix(prefix), redisdedup.WithLease(lease), redisdedup.WithTTL(ttl))
		return d, func(t *testing.T, by time.Duration) { advanceKeys(t, rdb, prefix, by) }
	})
}

// advanceScript shortens the remaining TTL of each key in KEYS by ARGV[1]
// milliseconds, deleting those it runs out, in one atomic step.
var advanceScript = redis.NewScript(`
local by = tonumber(ARGV[1])
for _, k in ipairs(KEYS) do
	local ttl = redis.call('PTTL', k)
	if ttl >= 0 then
		if ttl <= by then
			redis.call('DEL', k)
		else
			redis.call('PEXPIRE', k, ttl - by)
		end
	end
end
return 0
`)

// advanceKeys moves Redis's time on by d for the keys under prefix: a key
// whose TTL runs out within d is gone, the others have d less to live. The
// Deduper's behaviour depends on nothing else, so this is d passing, with
// no real time spent.
func advanceKeys(t *testing.T, rdb *redis.Client, prefix string, d time.Duration) {
	t.Helper()
	ctx := context.Background()
	var keys []string
	iter := rdb.Scan(ctx, 0, prefix+"*", 100).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	if len(keys) == 0 {
		return
	}
	if err := advanceScript.Run(ctx, rdb, keys, d.Milliseconds()).Err(); err != nil {
		t.Fatal(err)
	}
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
			replicas[replica].ServeHTTP(rec, webhooktest.NewRequest(secret.New(key), body, webhooktest.WithID(id)))
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

// frozenRedis returns a client of a server that accepts connections and
// never answers, as a paused or wedged Redis does. The client has go-redis's
// default options, as most users create it.
func frozenRedis(t *testing.T) *redis.Client {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	rdb := redis.NewClient(&redis.Options{Addr: l.Addr().String()})
	t.Cleanup(func() {
		rdb.Close()
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return rdb
}

// TestWebhookRedisDeduperFrozen: a Redis that stops answering turns each
// delivery into a 503 within the Deduper's timeout (2 s by default), not
// after go-redis's own read timeout (5 s) and retries.
func TestWebhookRedisDeduperFrozen(t *testing.T) {
	t.Run("HandlerDefault", func(t *testing.T) {
		t.Parallel()
		const key = "frozen-secret"
		v, err := webhook.NewVerifier(secret.New(key))
		if err != nil {
			t.Fatal(err)
		}
		d := webhook.NewDispatcher()
		d.Fallback(func(context.Context, *webhook.Event) error { return nil })
		h := webhook.NewHandler(v, d, webhook.WithLogger(slog.New(slog.DiscardHandler)),
			webhook.WithDeduper(redisdedup.New(frozenRedis(t))))
		body, _ := (webhooktest.Message{TriggerSlug: "GITHUB_COMMIT_EVENT"}).Body(webhook.V3)
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, webhooktest.NewRequest(secret.New(key), body))
		// The bound is generous: the point is 2 s, not go-redis's 5 s.
		if took := time.Since(start); rec.Code != http.StatusServiceUnavailable || took > 3500*time.Millisecond {
			t.Fatalf("delivery with a frozen Redis: %d after %v; want 503 within about 2 s", rec.Code, took)
		}
	})
	t.Run("WithTimeout", func(t *testing.T) {
		t.Parallel()
		d := redisdedup.New(frozenRedis(t), redisdedup.WithTimeout(50*time.Millisecond))
		ctx := context.Background()
		for name, op := range map[string]func() error{
			"Begin":    func() error { _, err := d.Begin(ctx, "x"); return err },
			"Complete": func() error { return d.Complete(ctx, "x", webhook.NewLeaseToken()) },
			"Forget":   func() error { return d.Forget(ctx, "x", webhook.NewLeaseToken()) },
		} {
			start := time.Now()
			err := op()
			if took := time.Since(start); !errors.Is(err, context.DeadlineExceeded) || took > 2*time.Second {
				t.Errorf("%s with a 50ms timeout against a frozen Redis: %v after %v; want DeadlineExceeded well before go-redis's 5 s", name, err, took)
			}
		}
	})
	t.Run("CallerDeadlineFirst", func(t *testing.T) {
		// The caller's own deadline still counts when it is the earlier one.
		t.Parallel()
		d := redisdedup.New(frozenRedis(t))
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		if _, err := d.Begin(ctx, "x"); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
			t.Errorf("Begin with a 50ms context: %v after %v", err, time.Since(start))
		}
	})
}
