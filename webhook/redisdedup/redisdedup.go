// Package redisdedup is a webhook.Deduper kept in Redis, so that several
// replicas of a receiver behind a load balancer run each delivery once.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
//	h := webhook.NewHandler(v, d, webhook.WithDeduper(redisdedup.New(rdb)))
//
// Each webhook-id is one key, the prefix followed by the id, whose value is
// its state:
//
//   - Begin runs SET key "inprogress" NX PX lease and, when the key exists,
//     GET key, in one Lua script, so two replicas receiving the same id at
//     once cannot both own it, and the answer always describes the key that
//     blocked the SET;
//   - Complete is SET key "done" with the TTL, whether or not the lease is
//     still held (the handler succeeded: that must not be lost);
//   - Forget deletes the key only while its value is "inprogress" (a Lua
//     script again), so a failure never erases a done id.
//
// A key holding any other value (such as the timestamps written by earlier
// versions, which recorded ids when first seen) counts as done.
package redisdedup

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/triggergen/triggergen/webhook"
)

// Defaults of New.
const (
	DefaultPrefix = "triggergen:webhook:seen:"
	DefaultTTL    = webhook.DefaultDedupTTL
	DefaultLease  = webhook.DefaultDedupLease
)

// The values of a key.
const (
	valueInProgress = "inprogress"
	valueDone       = "done"
)

// Client is the part of a go-redis client the Deduper uses; *redis.Client,
// *redis.ClusterClient, *redis.Ring and redis.UniversalClient satisfy it.
// Each command touches one key, so a cluster is fine.
type Client interface {
	redis.Scripter
	Set(ctx context.Context, key string, value any, expiration time.Duration) *redis.StatusCmd
}

// Deduper implements webhook.Deduper in Redis.
type Deduper struct {
	c      Client
	prefix string
	ttl    time.Duration
	lease  time.Duration
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

// New returns a Deduper that stores ids through c.
func New(c Client, opts ...Option) *Deduper {
	d := &Deduper{c: c, prefix: DefaultPrefix, ttl: DefaultTTL, lease: DefaultLease}
	for _, o := range opts {
		o(d)
	}
	d.ttl = max(d.ttl, time.Millisecond)
	d.lease = max(d.lease, time.Millisecond)
	return d
}

// Key returns the Redis key of id.
func (d *Deduper) Key(id string) string { return d.prefix + id }

// beginScript leases KEYS[1] for ARGV[1] ms unless it exists, and returns
// "" when it did, else the value that was there.
var beginScript = redis.NewScript(`
if redis.call('SET', KEYS[1], '` + valueInProgress + `', 'NX', 'PX', ARGV[1]) then
	return ''
end
return redis.call('GET', KEYS[1])
`)

// forgetScript deletes KEYS[1] if it is still in progress.
var forgetScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == '` + valueInProgress + `' then
	return redis.call('DEL', KEYS[1])
end
return 0
`)

// Begin implements webhook.Deduper.
func (d *Deduper) Begin(ctx context.Context, id string) (webhook.DedupStatus, error) {
	v, err := beginScript.Run(ctx, d.c, []string{d.Key(id)}, d.lease.Milliseconds()).Text()
	if err != nil {
		return 0, fmt.Errorf("redisdedup: begin: %w", err)
	}
	switch v {
	case "":
		return webhook.DedupNew, nil
	case valueInProgress:
		return webhook.DedupInProgress, nil
	}
	return webhook.DedupDone, nil
}

// Complete implements webhook.Deduper.
func (d *Deduper) Complete(ctx context.Context, id string) error {
	if err := d.c.Set(ctx, d.Key(id), valueDone, d.ttl).Err(); err != nil {
		return fmt.Errorf("redisdedup: complete: %w", err)
	}
	return nil
}

// Forget implements webhook.Deduper.
func (d *Deduper) Forget(ctx context.Context, id string) error {
	if err := forgetScript.Run(ctx, d.c, []string{d.Key(id)}).Err(); err != nil {
		return fmt.Errorf("redisdedup: forget: %w", err)
	}
	return nil
}
