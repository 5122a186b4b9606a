package webhook

import (
	"container/list"
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"sync"
	"time"
)

// Deduper remembers the webhook-id of deliveries, so a delivery Composio
// sends again (it retries until it sees a 2xx, and may retry one that is
// still running) runs the handler once, and never zero times.
//
// Each id is in one of two states. Begin leases an id for its caller: it is
// in progress until the caller reports the outcome or the lease expires (the
// caller crashed). Complete marks it done, remembered for a long time;
// Forget releases the lease so that the next delivery runs again.
// Implementations must be safe for concurrent use; webhook/redisdedup
// provides one shared by several replicas.
//
// Each lease carries a token that only its holder knows, and Forget
// releases a lease only when given its token. A caller whose lease expired
// and was taken over by another delivery therefore cannot release the new
// holder's lease when it fails: the id stays in progress until the new
// holder settles it or its own lease expires.
//
// The lease should outlast the longest run of the handler: once it expires,
// another delivery of the id may run while the first is still running.
//
// The Handler waits for Begin before it answers, so an implementation
// backed by a remote store should bound each call (webhook/redisdedup gives
// up after 2 s by default) rather than hold deliveries while the store
// hangs.
type Deduper interface {
	// Begin records id as in progress, with a lease, if it is neither in
	// progress nor done, and returns a Lease whose Status is DedupNew and
	// whose Token identifies the new lease: the caller then owns it and
	// must call Complete or Forget with that token. Otherwise it returns a
	// Lease whose Status is DedupInProgress or DedupDone, with no token, and
	// records nothing. Testing and recording must be one atomic step.
	Begin(ctx context.Context, id string) (Lease, error)
	// Complete records id as done, whether or not token still holds its
	// lease (the lease may have expired, or been taken over by another
	// delivery): the handler succeeded, and later deliveries of id are
	// skipped. Implementations must not require token to match.
	Complete(ctx context.Context, id, token string) error
	// Forget releases id if it is in progress under the lease token
	// identifies, so that a later delivery of it runs again. An id that is
	// done stays done, and one leased under another token (a delivery that
	// took over after token's lease expired) stays in progress. The
	// Handler calls it when the handler fails.
	Forget(ctx context.Context, id, token string) error
}

// Lease is what Deduper.Begin found for a webhook-id, and the token of the
// lease it granted, if any.
type Lease struct {
	// Status is DedupNew when Begin leased the id to its caller, and
	// DedupInProgress or DedupDone when it did not.
	Status DedupStatus
	// Token identifies the lease when Status is DedupNew, to be passed to
	// Complete or Forget; it is empty otherwise. The Dedupers of this
	// module use 128 random bits, hex-encoded (NewLeaseToken).
	Token string
}

// NewLeaseToken returns a fresh lease token: 128 bits from crypto/rand,
// hex-encoded (32 characters). Deduper implementations may use it for
// Lease.Token.
func NewLeaseToken() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (it crashes the program instead)
	return hex.EncodeToString(b[:])
}

// DedupStatus is what Deduper.Begin found for a webhook-id.
type DedupStatus int

// The results of Deduper.Begin. The zero DedupStatus is none of them.
const (
	// DedupNew: the id was unknown (or its lease had expired); the caller
	// now holds its lease.
	DedupNew DedupStatus = iota + 1
	// DedupInProgress: another caller holds the id's lease.
	DedupInProgress
	// DedupDone: the id was handled.
	DedupDone
)

// String returns "new", "in progress" or "done".
func (s DedupStatus) String() string {
	switch s {
	case DedupNew:
		return "new"
	case DedupInProgress:
		return "in progress"
	case DedupDone:
		return "done"
	}
	return "DedupStatus(" + strconv.Itoa(int(s)) + ")"
}

// Defaults of the in-memory Deduper that NewHandler uses; webhook/redisdedup
// uses the same TTL and lease.
const (
	DefaultDedupCapacity = 10_000
	DefaultDedupTTL      = 24 * time.Hour
	DefaultDedupLease    = 2 * time.Minute
)

// MemoryDeduper is an in-process Deduper holding at most a fixed number of
// ids: those in progress for the lease, those done for the TTL. When full it
// forgets the least recently recorded done id (or, when none is done, the
// oldest lease). It suits a single replica; several replicas need a shared
// store such as webhook/redisdedup.
//
// The zero MemoryDeduper is ready to use, with DefaultDedupCapacity,
// DefaultDedupTTL and DefaultDedupLease; NewMemoryDeduper sets others. A
// MemoryDeduper must not be copied after first use.
type MemoryDeduper struct {
	mu    sync.Mutex
	cap   int           // 0: DefaultDedupCapacity
	ttl   time.Duration // 0: DefaultDedupTTL
	lease time.Duration // 0: DefaultDedupLease
	now   func() time.Time
	// Each list holds the entries of one state, oldest first. The entries
	// of a list share one lifetime, so they also expire front first.
	leased, done list.List // of *memEntry
	ids          map[string]*list.Element
}

type memEntry struct {
	id      string
	state   DedupStatus // DedupInProgress or DedupDone
	token   string      // of the lease, while in progress
	expires time.Time
}

// MemoryDeduperOption configures a MemoryDeduper.
type MemoryDeduperOption func(*MemoryDeduper)

// WithLease sets how long an id stays in progress before another delivery
// may take it over (default DefaultDedupLease; values <= 0 keep it).
func WithLease(d time.Duration) MemoryDeduperOption {
	return func(m *MemoryDeduper) {
		if d > 0 {
			m.lease = d
		}
	}
}

// WithDedupClock replaces time.Now as the clock leases and TTLs are measured
// on, for tests that move time on instead of waiting (nil keeps time.Now).
func WithDedupClock(now func() time.Time) MemoryDeduperOption {
	return func(m *MemoryDeduper) { m.now = now }
}

// NewMemoryDeduper returns a MemoryDeduper that holds up to capacity ids
// (DefaultDedupCapacity if capacity <= 0), remembering done ids for ttl
// (DefaultDedupTTL if ttl <= 0).
func NewMemoryDeduper(capacity int, ttl time.Duration, opts ...MemoryDeduperOption) *MemoryDeduper {
	if capacity <= 0 {
		capacity = DefaultDedupCapacity
	}
	if ttl <= 0 {
		ttl = DefaultDedupTTL
	}
	m := &MemoryDeduper{cap: capacity, ttl: ttl, lease: DefaultDedupLease}
	for _, o := range opts {
		o(m)
	}
	m.init()
	return m
}

// init sets the defaults a zero MemoryDeduper leaves out; m.mu is held or
// m not shared yet.
func (m *MemoryDeduper) init() {
	if m.ids != nil {
		return
	}
	m.ids = map[string]*list.Element{}
	if m.cap <= 0 {
		m.cap = DefaultDedupCapacity
	}
	if m.ttl <= 0 {
		m.ttl = DefaultDedupTTL
	}
	if m.lease <= 0 {
		m.lease = DefaultDedupLease
	}
	if m.now == nil {
		m.now = time.Now
	}
}

// Begin implements Deduper.
func (m *MemoryDeduper) Begin(_ context.Context, id string) (Lease, error) {
	token := NewLeaseToken() // outside the lock
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	now := m.now()
	m.expire(now)
	if e, ok := m.ids[id]; ok {
		return Lease{Status: e.Value.(*memEntry).state}, nil
	}
	m.makeRoom()
	m.ids[id] = m.leased.PushBack(&memEntry{id: id, state: DedupInProgress, token: token, expires: now.Add(m.lease)})
	return Lease{Status: DedupNew, Token: token}, nil
}

// Complete implements Deduper.
func (m *MemoryDeduper) Complete(_ context.Context, id, _ string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	now := m.now()
	m.expire(now)
	if e, ok := m.ids[id]; ok {
		m.remove(e)
	} else {
		m.makeRoom()
	}
	m.ids[id] = m.done.PushBack(&memEntry{id: id, state: DedupDone, expires: now.Add(m.ttl)})
	return nil
}

// Forget implements Deduper.
func (m *MemoryDeduper) Forget(_ context.Context, id, token string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	if e, ok := m.ids[id]; ok {
		if me := e.Value.(*memEntry); me.state == DedupInProgress && me.token == token {
			m.remove(e)
		}
	}
	return nil
}

// Len returns the number of ids held, in progress or done.
func (m *MemoryDeduper) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	m.expire(m.now())
	return len(m.ids)
}

// expire drops the entries whose time is up.
func (m *MemoryDeduper) expire(now time.Time) {
	for _, l := range []*list.List{&m.leased, &m.done} {
		for e := l.Front(); e != nil && !now.Before(e.Value.(*memEntry).expires); e = l.Front() {
			m.remove(e)
		}
	}
}

// makeRoom evicts entries until one more fits: the oldest done ids first,
// since a lease is short-lived and evicting it would let a concurrent
// delivery run the handler again at once.
func (m *MemoryDeduper) makeRoom() {
	for len(m.ids) >= m.cap {
		e := m.done.Front()
		if e == nil {
			e = m.leased.Front()
		}
		m.remove(e)
	}
}

func (m *MemoryDeduper) remove(e *list.Element) {
	me := e.Value.(*memEntry)
	if me.state == DedupInProgress {
		m.leased.Remove(e)
	} else {
		m.done.Remove(e)
	}
	delete(m.ids, me.id)
}
