// Package redisdedup is a webhook.Deduper kept in Redis, so that several
// replicas of a receiver behind a load balancer run each delivery once.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
//	h := webhook.NewHandler(v, d, webhook.WithDeduper(redisdedup.New(rdb)))
//
// Each webhook-id is one key, the prefix followed by the id, whose value is
// its state:
//
//   - Begin draws a lease token (webhook.NewLeaseToken) and runs
//     SET key "inprogress:<token>" NX PX lease and, when the key exists,
//     GET key, in one Lua script, so two replicas receiving the same id at
//     once cannot both own it, and the answer always describes the key that
//     blocked the SET;
//   - Complete is SET key "done" with the TTL, whether or not the lease is
//     still held, by this token or another (the handler succeeded: that
//     must not be lost);
//   - Forget deletes the key only while its value is "inprogress:<token>"
//     with the caller's token (a Lua compare-and-delete), so a failure
//     never erases a done id, nor the lease of a delivery that took the id
//     over after the caller's lease expired.
//
// A value other than these counts as done: an id is never run again on a
// value this package does not understand.
//
// Each call gives up after a timeout (WithTimeout, DefaultTimeout = 2 s),
// so a Redis that stops answering costs each delivery at most that before
// the Handler answers 503 and Composio retries later.
package redisdedup

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/triggergen/triggergen/webhook"
)

// Defaults of New.
const (
	DefaultPrefix  = "triggergen:webhook:seen:"
	DefaultTTL     = webhook.DefaultDedupTTL
	DefaultLease   = webhook.DefaultDedupLease
	DefaultTimeout = 2 * time.Second
)

// The values of a key: valueInProgress followed by the lease token, or
// valueDone.
const (
	valueInProgress = "inprogress"
	valueDone       = "done"
)

func inProgress(token string) string { return valueInProgress + ":" + token }

// Client is the part of a go-redis client the Deduper uses; *redis.Client,
// *redis.ClusterClient, *redis.Ring and redis.UniversalClient satisfy it.
// Each command touches one key, so a cluster is fine.
type Client interface {
	redis.Scripter
	Set(ctx context.Context, key string, value any, expiration time.Duration) *redis.StatusCmd
}

// Deduper implements webhook.Deduper in Redis.
type Deduper struct {
	c       Client
	prefix  string
	ttl     time.Duration
	lease   time.Duration
	timeout time.Duration
}

var _ webhook.Deduper = (*Deduper)(nil)

// Option configures a Deduper.
type Option func(*Deduper)

// WithPrefix sets the key prefix (default DefaultPrefix); the key of a
// delivery is the prefix followed by its webhook-id.
func WithPrefix(p string) Option { return func(d *Deduper) { d.prefix = p } }

// WithTTL sets how long a done webhook-id is remembered (default
// DefaultTTL). It should exceed Composio's retry window. Values below a
// millisecond are raised to one.
func WithTTL(ttl time.Duration) Option { return func(d *Deduper) { d.ttl = ttl } }

// WithLease sets how long a webhook-id stays in progress before another
// delivery may take it over (default DefaultLease). It should exceed the
// longest run of the handler. Values below a millisecond are raised to one.
func WithLease(lease time.Duration) Option { return func(d *Deduper) { d.lease = lease } }

// WithTimeout bounds each Begin, Complete and Forget (default
// DefaultTimeout): past it the call returns an error matching
// context.DeadlineExceeded, and the Handler answers 503 at once rather than
// hold the delivery while Redis does not answer. Zero or less removes the
// bound (the caller's context and the client's timeouts remain).
//
// go-redis ignores a context's deadline on socket reads unless the client's
// ContextTimeoutEnabled option is set; without it, the Deduper stops waiting
// at the deadline all the same, and the command finishes or fails in the
// background within the client's ReadTimeout. A Begin abandoned that way may
// still take the lease: the id then stays in progress until the lease
// expires, as when a receiver crashes.
func WithTimeout(d time.Duration) Option { return func(dd *Deduper) { dd.timeout = d } }

// New returns a Deduper that stores ids through c.
func New(c Client, opts ...Option) *Deduper {
	d := &Deduper{c: c, prefix: DefaultPrefix, ttl: DefaultTTL, lease: DefaultLease, timeout: DefaultTimeout}
	for _, o := range opts {
		o(d)
	}
	d.ttl = max(d.ttl, time.Millisecond)
	d.lease = max(d.lease, time.Millisecond)
	return d
}

// Key returns the Redis key of id.
func (d *Deduper) Key(id string) string { return d.prefix + id }

// beginScript sets KEYS[1] to ARGV[2] for ARGV[1] ms unless it exists, and
// returns "" when it did, else the value that was there.
var beginScript = redis.NewScript(`
if redis.call('SET', KEYS[1], ARGV[2], 'NX', 'PX', ARGV[1]) then
	return ''
end
return redis.call('GET', KEYS[1])
`)

// forgetScript deletes KEYS[1] if its value is ARGV[1], the lease of the
// caller.
var forgetScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
	return redis.call('DEL', KEYS[1])
end
return 0
`)

// Begin implements webhook.Deduper.
func (d *Deduper) Begin(ctx context.Context, id string) (webhook.Lease, error) {
	token := webhook.NewLeaseToken()
	v, err := bounded(ctx, d.timeout, func(ctx context.Context) (string, error) {
		return beginScript.Run(ctx, d.c, []string{d.Key(id)}, d.lease.Milliseconds(), inProgress(token)).Text()
	})
	if err != nil {
		return webhook.Lease{}, fmt.Errorf("redisdedup: begin: %w", err)
	}
	switch {
	case v == "":
		return webhook.Lease{Status: webhook.DedupNew, Token: token}, nil
	case v == valueInProgress, strings.HasPrefix(v, valueInProgress+":"):
		return webhook.Lease{Status: webhook.DedupInProgress}, nil
	}
	return webhook.Lease{Status: webhook.DedupDone}, nil
}

// Complete implements webhook.Deduper. It ignores token: the id is done
// whoever holds its lease.
func (d *Deduper) Complete(ctx context.Context, id, _ string) error {
	_, err := bounded(ctx, d.timeout, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, d.c.Set(ctx, d.Key(id), valueDone, d.ttl).Err()
	})
	if err != nil {
		return fmt.Errorf("redisdedup: complete: %w", err)
	}
	return nil
}

// Forget implements webhook.Deduper.
func (d *Deduper) Forget(ctx context.Context, id, token string) error {
	_, err := bounded(ctx, d.timeout, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, forgetScript.Run(ctx, d.c, []string{d.Key(id)}, inProgress(token)).Err()
	})
	if err != nil {
		return fmt.Errorf("redisdedup: forget: %w", err)
	}
	return nil
}

// bounded runs op with a context that expires after timeout (when positive),
// and returns op's result, or the context's error once it is done, whichever
// comes first: go-redis may go on reading past the deadline (see
// WithTimeout), and the caller must not wait for it.
func bounded[T any](ctx context.Context, timeout time.Duration, op func(context.Context) (T, error)) (T, error) {
	if timeout <= 0 {
		return op(ctx)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1) // buffered: an abandoned op does not block
	go func() {
		v, err := op(ctx)
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		select {
		case r := <-done: // finished at the same moment: keep its answer
			return r.v, r.err
		default:
		}
		var zero T
		return zero, ctx.Err()
	}
}
