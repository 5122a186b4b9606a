// Package redisdedup is a webhook.Deduper kept in Redis, so that several
// replicas of a receiver behind a load balancer run each delivery once.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
//	h := webhook.NewHandler(v, d, webhook.WithDeduper(redisdedup.New(rdb)))
//
// Seen is one atomic SET key value NX with an expiry (PX, or EX for whole
// seconds), so two replicas receiving the same webhook-id at once cannot both
// see it first. Forget is DEL.
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
)

// Client is the part of a go-redis client the Deduper uses; *redis.Client,
// *redis.ClusterClient, *redis.Ring and redis.UniversalClient satisfy it.
type Client interface {
	SetNX(ctx context.Context, key string, value any, expiration time.Duration) *redis.BoolCmd
	Del(ctx context.Context, keys ...string) *redis.IntCmd
}

// Deduper implements webhook.Deduper in Redis.
type Deduper struct {
	c      Client
	prefix string
	ttl    time.Duration
	now    func() time.Time
}

var _ webhook.Deduper = (*Deduper)(nil)

// Option configures a Deduper.
type Option func(*Deduper)

// WithPrefix sets the key prefix (default DefaultPrefix); the key of a
// delivery is the prefix followed by its webhook-id.
func WithPrefix(p string) Option { return func(d *Deduper) { d.prefix = p } }

// WithTTL sets how long a webhook-id is remembered (default DefaultTTL).
// It should exceed Composio's retry window. Values below a millisecond are
// raised to one.
func WithTTL(ttl time.Duration) Option { return func(d *Deduper) { d.ttl = ttl } }

// New returns a Deduper that stores ids through c.
func New(c Client, opts ...Option) *Deduper {
	d := &Deduper{c: c, prefix: DefaultPrefix, ttl: DefaultTTL, now: time.Now}
	for _, o := range opts {
		o(d)
	}
	d.ttl = max(d.ttl, time.Millisecond)
	return d
}

// Key returns the Redis key of id.
func (d *Deduper) Key(id string) string { return d.prefix + id }

// Seen implements webhook.Deduper with SET key value NX and an expiry. The
// value is the time the id was first seen, for people inspecting Redis.
func (d *Deduper) Seen(ctx context.Context, id string) (bool, error) {
	first, err := d.c.SetNX(ctx, d.Key(id), d.now().UTC().Format(time.RFC3339Nano), d.ttl).Result()
	if err != nil {
		return false, fmt.Errorf("redisdedup: seen: %w", err)
	}
	return first, nil
}

// Forget implements webhook.Deduper with DEL.
func (d *Deduper) Forget(ctx context.Context, id string) error {
	if err := d.c.Del(ctx, d.Key(id)).Err(); err != nil {
		return fmt.Errorf("redisdedup: forget: %w", err)
	}
	return nil
}
