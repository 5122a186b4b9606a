package webhook

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// Deduper remembers the webhook-id of deliveries, so a delivery Composio
// sends again (it retries until it sees a 2xx, and may retry one that was
// slow) runs the handler once. Implementations must be safe for concurrent
// use; webhook/redisdedup provides one shared by several replicas.
type Deduper interface {
	// Seen records id and reports whether this is the first time it is
	// seen. Recording and testing must be one atomic step.
	Seen(ctx context.Context, id string) (first bool, err error)
	// Forget removes id, so that a later delivery of it runs again. The
	// Handler calls it when the handler fails.
	Forget(ctx context.Context, id string) error
}

// Defaults of the in-memory Deduper that NewHandler uses.
const (
	DefaultDedupCapacity = 10_000
	DefaultDedupTTL      = 24 * time.Hour
)

// MemoryDeduper is an in-process Deduper holding at most a fixed number of
// ids, each for a fixed time; when full it forgets the least recently
// recorded id. It suits a single replica; several replicas need a shared
// store such as webhook/redisdedup.
type MemoryDeduper struct {
	mu    sync.Mutex
	cap   int
	ttl   time.Duration
	now   func() time.Time
	order *list.List // of memEntry, oldest at the front
	ids   map[string]*list.Element
}

type memEntry struct {
	id      string
	expires time.Time
}

// NewMemoryDeduper returns a MemoryDeduper that holds up to capacity ids
// (DefaultDedupCapacity if capacity <= 0) for ttl each (DefaultDedupTTL if
// ttl <= 0).
func NewMemoryDeduper(capacity int, ttl time.Duration) *MemoryDeduper {
	if capacity <= 0 {
		capacity = DefaultDedupCapacity
	}
	if ttl <= 0 {
		ttl = DefaultDedupTTL
	}
	return &MemoryDeduper{cap: capacity, ttl: ttl, now: time.Now, order: list.New(), ids: map[string]*list.Element{}}
}

// Seen implements Deduper.
func (m *MemoryDeduper) Seen(_ context.Context, id string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	// Entries are in insertion order and share one TTL, so expired ones are
	// all at the front.
	for e := m.order.Front(); e != nil; e = m.order.Front() {
		if now.Before(e.Value.(memEntry).expires) {
			break
		}
		m.remove(e)
	}
	if _, ok := m.ids[id]; ok {
		return false, nil
	}
	if m.order.Len() >= m.cap {
		m.remove(m.order.Front())
	}
	m.ids[id] = m.order.PushBack(memEntry{id: id, expires: now.Add(m.ttl)})
	return true, nil
}

// Forget implements Deduper.
func (m *MemoryDeduper) Forget(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.ids[id]; ok {
		m.remove(e)
	}
	return nil
}

// Len returns the number of ids held.
func (m *MemoryDeduper) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.order.Len()
}

func (m *MemoryDeduper) remove(e *list.Element) {
	m.order.Remove(e)
	delete(m.ids, e.Value.(memEntry).id)
}
