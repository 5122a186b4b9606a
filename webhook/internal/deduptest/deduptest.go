// Package deduptest is the behavioural test suite every webhook.Deduper in
// this module passes: the in-memory one in package webhook and the Redis one
// in webhook/redisdedup. Leases and TTLs run out only when the suite moves
// the Deduper's time on (Advance), never by waiting, so no check depends on
// how fast a loaded machine runs. It imports package testing, so only tests
// use it.
package deduptest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
	"github.com/triggergen/triggergen/webhook/webhooktest"
)

// NewFunc returns an empty Deduper (one that shares no ids with those
// returned before) whose ids stay in progress for lease and done for ttl,
// and the function that moves its time on.
type NewFunc func(t *testing.T, lease, ttl time.Duration) (webhook.Deduper, Advance)

// Advance moves a Deduper's time forward by d: a lease or TTL that runs out
// within d has run out when Advance returns, and one that does not has not.
// The suite never waits for real time to pass, so it holds on a loaded
// machine: the in-memory Deduper reads a Clock, the Redis one has its keys'
// remaining TTLs shortened by d.
type Advance func(t *testing.T, d time.Duration)

// The durations of the suite: a lease and a TTL far longer than any test
// runs, so that real time never makes one run out; only Advance does.
// margin is how close to expiry the suite goes; real time elapsing within a
// test (milliseconds, seconds on a loaded machine) stays far below it.
const (
	lease  = time.Hour
	ttl    = 24 * time.Hour
	margin = time.Minute
)

// Clock is a time source a test moves by hand, for Dedupers that take a
// clock (webhook.WithDedupClock). It is safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a Clock set to a fixed instant.
func NewClock() *Clock { return &Clock{now: time.Unix(1_768_262_400, 0)} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d; it is an Advance.
func (c *Clock) Advance(_ *testing.T, d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Conformance runs the suite against the Dedupers newDeduper returns.
func Conformance(t *testing.T, newDeduper NewFunc) {
	t.Run("Lifecycle", func(t *testing.T) {
		d, _ := newDeduper(t, lease, ttl)
		c := newChecker(t, d)
		a := c.begin("a", webhook.DedupNew)
		c.begin("a", webhook.DedupInProgress)
		b := c.begin("b", webhook.DedupNew) // ids are independent
		c.complete("a", a)
		c.begin("a", webhook.DedupDone)
		c.forget("a", a) // a failure elsewhere never erases a done id
		c.begin("a", webhook.DedupDone)
		c.forget("b", "") // no token: not released
		c.forget("b", a)  // another lease's token: not released
		c.forget("a2", b) // another id's token: a no-op
		c.begin("b", webhook.DedupInProgress)
		c.forget("b", b) // released by its holder: the retry runs
		c.begin("b", webhook.DedupNew)
		c.forget("never-seen", b)
		c.begin("never-seen", webhook.DedupNew)
		c.complete("unleased", "") // recorded although never begun
		c.begin("unleased", webhook.DedupDone)
	})

	t.Run("LeaseExpiry", func(t *testing.T) {
		// A crashed first attempt never settles its id: once the lease
		// runs out, and not before, a retry takes it over.
		d, advance := newDeduper(t, lease, ttl)
		c := newChecker(t, d)
		c.begin("crashed", webhook.DedupNew)
		advance(t, lease-margin)
		c.begin("crashed", webhook.DedupInProgress)
		advance(t, margin)
		retry := c.begin("crashed", webhook.DedupNew)
		c.begin("crashed", webhook.DedupInProgress) // the new owner holds it
		advance(t, lease-margin)
		c.begin("crashed", webhook.DedupInProgress) // for a lease of its own
		c.complete("crashed", retry)
		c.begin("crashed", webhook.DedupDone)
	})

	t.Run("ForgetAfterTakeover", func(t *testing.T) {
		// Attempt A outlives its lease, retry B takes the id over, then A
		// fails: releasing A's lease must leave B's in place, or a third
		// delivery would run concurrently with B.
		d, advance := newDeduper(t, lease, ttl)
		c := newChecker(t, d)
		a := c.begin("overtaken", webhook.DedupNew)
		advance(t, lease)
		b := c.begin("overtaken", webhook.DedupNew)
		c.forget("overtaken", a)
		c.begin("overtaken", webhook.DedupInProgress) // B's lease
		c.forget("overtaken", b)                      // B fails too: its own token releases it
		c.begin("overtaken", webhook.DedupNew)
	})

	t.Run("CompleteAfterTakeover", func(t *testing.T) {
		// A succeeds after B took over: the id is done all the same, and
		// B's later failure does not undo it.
		d, advance := newDeduper(t, lease, ttl)
		c := newChecker(t, d)
		a := c.begin("overtaken", webhook.DedupNew)
		advance(t, lease)
		b := c.begin("overtaken", webhook.DedupNew)
		c.complete("overtaken", a)
		c.begin("overtaken", webhook.DedupDone)
		c.forget("overtaken", b)
		c.begin("overtaken", webhook.DedupDone)
	})

	t.Run("DoneOutlivesLease", func(t *testing.T) {
		d, advance := newDeduper(t, lease, ttl)
		c := newChecker(t, d)
		x := c.begin("x", webhook.DedupNew)
		c.complete("x", x)
		advance(t, 3*lease)
		c.begin("x", webhook.DedupDone)
	})

	t.Run("CompleteAfterLeaseExpired", func(t *testing.T) {
		// A handler that outlived its lease still records its success.
		d, advance := newDeduper(t, lease, ttl)
		c := newChecker(t, d)
		slow := c.begin("slow", webhook.DedupNew)
		advance(t, 2*lease)
		c.complete("slow", slow)
		c.begin("slow", webhook.DedupDone)
	})

	t.Run("DoneExpiry", func(t *testing.T) {
		// A done id is remembered for the TTL from Complete, then forgotten.
		d, advance := newDeduper(t, lease, ttl)
		c := newChecker(t, d)
		old := c.begin("old", webhook.DedupNew)
		advance(t, lease/2)
		c.complete("old", old)
		advance(t, ttl-margin)
		c.begin("old", webhook.DedupDone)
		advance(t, margin)
		c.begin("old", webhook.DedupNew)
	})

	t.Run("Concurrent", func(t *testing.T) {
		d, _ := newDeduper(t, lease, ttl)
		for i := range 10 {
			id := fmt.Sprintf("race_%d", i)
			counts, token := beginAll(t, d, id, 16)
			if counts[webhook.DedupNew] != 1 || counts[webhook.DedupInProgress] != 15 {
				t.Fatalf("%s: 16 concurrent Begin calls got %v; want one new, 15 in progress", id, counts)
			}
			if err := d.Complete(context.Background(), id, token); err != nil {
				t.Fatal(err)
			}
			if counts, _ := beginAll(t, d, id, 16); counts[webhook.DedupDone] != 16 {
				t.Fatalf("%s: after Complete got %v; want 16 done", id, counts)
			}
		}
	})

	t.Run("Handler", func(t *testing.T) { handlerSuite(t, newDeduper) })
}

// checker calls a Deduper and fails the test on an unexpected answer. It
// checks that each lease gets a token of its own, and only leases do.
type checker struct {
	t      *testing.T
	d      webhook.Deduper
	tokens map[string]bool
}

func newChecker(t *testing.T, d webhook.Deduper) *checker {
	return &checker{t: t, d: d, tokens: map[string]bool{}}
}

// begin calls Begin and returns the lease's token.
func (c *checker) begin(id string, want webhook.DedupStatus) string {
	c.t.Helper()
	got, err := c.d.Begin(context.Background(), id)
	if err != nil || got.Status != want {
		c.t.Fatalf("Begin(%s) = %+v, %v; want %v", id, got, err, want)
	}
	c.checkToken(id, got)
	return got.Token
}

func (c *checker) checkToken(id string, l webhook.Lease) {
	c.t.Helper()
	switch {
	case l.Status == webhook.DedupNew && l.Token == "":
		c.t.Fatalf("Begin(%s) = %+v: a new lease without a token", id, l)
	case l.Status != webhook.DedupNew && l.Token != "":
		c.t.Fatalf("Begin(%s) = %+v: a token without a lease", id, l)
	case c.tokens[l.Token]:
		c.t.Fatalf("Begin(%s) = %+v: token handed out before", id, l)
	}
	if l.Token != "" {
		c.tokens[l.Token] = true
	}
}

func (c *checker) complete(id, token string) {
	c.t.Helper()
	if err := c.d.Complete(context.Background(), id, token); err != nil {
		c.t.Fatalf("Complete(%s): %v", id, err)
	}
}

func (c *checker) forget(id, token string) {
	c.t.Helper()
	if err := c.d.Forget(context.Background(), id, token); err != nil {
		c.t.Fatalf("Forget(%s): %v", id, err)
	}
}

// beginAll calls Begin n times at once, and returns how often it answered
// each status and the token of the (last) new lease.
func beginAll(t *testing.T, d webhook.Deduper, id string, n int) (map[webhook.DedupStatus]int, string) {
	var mu sync.Mutex
	counts := map[webhook.DedupStatus]int{}
	var token string
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			l, err := d.Begin(context.Background(), id)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			counts[l.Status]++
			if l.Token != "" {
				token = l.Token
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	return counts, token
}

const key = "deduptest-secret"

// rig is a Handler whose handler blocks until released, so a test can send
// a retry while the first attempt still runs.
type rig struct {
	h       http.Handler
	runs    atomic.Int32
	block   atomic.Bool   // whether the handler blocks
	started chan struct{} // receives when a blocking handler starts
	release chan error    // what the blocked handler returns
	body    []byte        // a V3 event
	codes   chan int      // answers of background deliveries
	hdr     chan http.Header
}

func newRig(t *testing.T, d webhook.Deduper) *rig {
	t.Helper()
	v, err := webhook.NewVerifier(secret.New(key))
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{started: make(chan struct{}, 8), release: make(chan error), codes: make(chan int, 8), hdr: make(chan http.Header, 8)}
	disp := webhook.NewDispatcher()
	disp.Fallback(func(context.Context, *webhook.Event) error {
		r.runs.Add(1)
		if !r.block.Load() {
			return nil
		}
		r.started <- struct{}{}
		return <-r.release
	})
	r.h = webhook.NewHandler(v, disp, webhook.WithDeduper(d), webhook.WithLogger(slog.New(slog.DiscardHandler)))
	if r.body, err = (webhooktest.Message{TriggerSlug: "GITHUB_COMMIT_EVENT"}).Body(webhook.V3); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *rig) deliver(id string) (int, http.Header) {
	rec := httptest.NewRecorder()
	r.h.ServeHTTP(rec, webhooktest.NewRequest(secret.New(key), r.body, webhooktest.WithID(id)))
	return rec.Code, rec.Header()
}

// deliverBlocked starts a delivery whose handler blocks, and waits until
// the handler runs.
func (r *rig) deliverBlocked(t *testing.T, id string) {
	t.Helper()
	r.block.Store(true)
	go func() {
		code, hdr := r.deliver(id)
		r.codes <- code
		r.hdr <- hdr
	}()
	select {
	case <-r.started:
	case <-time.After(5 * time.Second):
		t.Fatal("handler did not start")
	}
	r.block.Store(false)
}

// finish lets the blocked handler return err and returns its answer.
func (r *rig) finish(err error) int {
	r.release <- err
	<-r.hdr
	return <-r.codes
}

func (r *rig) wantRetryLater(t *testing.T, id string) {
	t.Helper()
	code, hdr := r.deliver(id)
	if code != http.StatusConflict || hdr.Get("Retry-After") == "" {
		t.Fatalf("delivery of %s while in progress: %d, Retry-After %q; want 409 with Retry-After", id, code, hdr.Get("Retry-After"))
	}
}

func handlerSuite(t *testing.T, newDeduper NewFunc) {
	t.Run("RetryWhileRunning", func(t *testing.T) {
		// Two replicas share the Deduper. A retry that reaches the other
		// replica while the first attempt runs is told to come back; once
		// the first succeeds, the retry is answered 200 without running.
		d, _ := newDeduper(t, lease, ttl)
		first, second := newRig(t, d), newRig(t, d)
		first.deliverBlocked(t, "msg_slow")
		second.wantRetryLater(t, "msg_slow")
		first.wantRetryLater(t, "msg_slow")
		if code := first.finish(nil); code != 200 {
			t.Fatalf("first attempt: %d; want 200", code)
		}
		if code, _ := second.deliver("msg_slow"); code != 200 {
			t.Fatalf("retry after success: %d; want 200", code)
		}
		if n := first.runs.Load() + second.runs.Load(); n != 1 {
			t.Fatalf("handler ran %d times; want 1", n)
		}
	})

	t.Run("RetryAfterFailure", func(t *testing.T) {
		// The first attempt fails after a retry was told to come back:
		// the next retry runs the handler, so the event is not lost.
		d, _ := newDeduper(t, lease, ttl)
		r := newRig(t, d)
		r.deliverBlocked(t, "msg_fail")
		r.wantRetryLater(t, "msg_fail")
		if code := r.finish(errors.New("database down")); code != 500 {
			t.Fatalf("failing first attempt: %d; want 500", code)
		}
		if code, _ := r.deliver("msg_fail"); code != 200 || r.runs.Load() != 2 {
			t.Fatalf("retry after failure: %d, runs %d; want 200, 2", code, r.runs.Load())
		}
		if code, _ := r.deliver("msg_fail"); code != 200 || r.runs.Load() != 2 {
			t.Fatalf("retry after success: %d, runs %d; want 200 without running", code, r.runs.Load())
		}
	})

	t.Run("CrashedAttempt", func(t *testing.T) {
		// A replica died holding the lease: retries are told to come
		// back until it expires, then one runs the handler.
		d, advance := newDeduper(t, lease, ttl)
		r := newRig(t, d)
		if l, err := d.Begin(context.Background(), "msg_crash"); err != nil || l.Status != webhook.DedupNew {
			t.Fatalf("Begin = %+v, %v", l, err)
		}
		r.wantRetryLater(t, "msg_crash")
		advance(t, lease-margin)
		r.wantRetryLater(t, "msg_crash")
		advance(t, margin)
		if code, _ := r.deliver("msg_crash"); code != 200 || r.runs.Load() != 1 {
			t.Fatalf("retry once the crashed attempt's lease expired: %d, runs %d; want 200, 1", code, r.runs.Load())
		}
		if code, _ := r.deliver("msg_crash"); code != 200 || r.runs.Load() != 1 {
			t.Fatalf("after takeover: %d, runs %d; want 200, 1", code, r.runs.Load())
		}
	})

	t.Run("FailureAfterTakeover", func(t *testing.T) {
		// The first attempt outlives its lease and a retry on another
		// replica takes over; then the first fails. Its 500 must not
		// release the retry's lease: a third delivery is told to come
		// back, and the event runs to success once more, not twice.
		d, advance := newDeduper(t, lease, ttl)
		first, second := newRig(t, d), newRig(t, d)
		first.deliverBlocked(t, "msg_overtaken")
		advance(t, lease) // the first attempt's lease expires
		second.deliverBlocked(t, "msg_overtaken")
		if code := first.finish(errors.New("too slow")); code != 500 {
			t.Fatalf("failing first attempt: %d; want 500", code)
		}
		if code, hdr := first.deliver("msg_overtaken"); code != http.StatusConflict || hdr.Get("Retry-After") == "" {
			t.Fatalf("third delivery after the takeover: %d; want 409 with Retry-After (the retry still holds the lease)", code)
		}
		if code := second.finish(nil); code != 200 {
			t.Fatalf("retry that took over: %d; want 200", code)
		}
		if code, _ := first.deliver("msg_overtaken"); code != 200 {
			t.Fatalf("delivery after success: %d; want 200", code)
		}
		if n := first.runs.Load() + second.runs.Load(); n != 2 {
			t.Fatalf("handler ran %d times; want 2 (the failed attempt and the retry)", n)
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		d, _ := newDeduper(t, lease, ttl)
		r := newRig(t, d)
		var wg sync.WaitGroup
		var bad atomic.Int32
		for range 16 {
			wg.Go(func() {
				if code, _ := r.deliver("msg_burst"); code != 200 && code != http.StatusConflict {
					bad.Add(1)
				}
			})
		}
		wg.Wait()
		if r.runs.Load() != 1 || bad.Load() != 0 {
			t.Fatalf("16 concurrent deliveries: runs %d, %d answers neither 200 nor 409", r.runs.Load(), bad.Load())
		}
		if code, _ := r.deliver("msg_burst"); code != 200 || r.runs.Load() != 1 {
			t.Fatalf("later retry: %d, runs %d", code, r.runs.Load())
		}
	})
}
