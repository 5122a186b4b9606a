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
	DefaultPrefix = "triggergen:webhook:seen:"
	DefaultTTL    = webhook.DefaultDedupTTL
	DefaultLease  = webhook.DefaultDedupLease
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
	v, err := beginScript.Run(ctx, d.c, []string{d.Key(id)}, d.lease.Milliseconds(), inProgress(token)).Text()
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
	if err := d.c.Set(ctx, d.Key(id), valueDone, d.ttl).Err(); err != nil {
		return fmt.Errorf("redisdedup: complete: %w", err)
	}
	return nil
}

// Forget implements webhook.Deduper.
func (d *Deduper) Forget(ctx context.Context, id, token string) error {
	if err := forgetScript.Run(ctx, d.c, []string{d.Key(id)}, inProgress(token)).Err(); err != nil {
		return fmt.Errorf("redisdedup: forget: %w", err)
	}
	return nil
}
