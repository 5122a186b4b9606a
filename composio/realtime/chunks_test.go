package realtime

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// fakeClock is an injected clock for the reassembler.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newTestReassembler(l ChunkLimits) (*reassembler, *fakeClock) {
	c := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	return newReassembler(l, c.now), c
}

// split cuts data into n chunks of id.
func split(id, data string, n int) []chunk {
	size := (len(data) + n - 1) / n
	var out []chunk
	for i := 0; i < n; i++ {
		lo, hi := min(i*size, len(data)), min((i+1)*size, len(data))
		out = append(out, chunk{ID: id, Index: i, Chunk: data[lo:hi], Final: i == n-1})
	}
	return out
}

func feed(t *testing.T, r *reassembler, cs []chunk) (done [][]byte, errs []error) {
	t.Helper()
	for _, c := range cs {
		data, err := r.add(c)
		if data != nil {
			done = append(done, data)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return done, errs
}

func TestReassembleInOrderAndShuffled(t *testing.T) {
	data := strings.Repeat(`{"k":"v"},`, 1000)
	for _, seed := range []uint64{0, 1, 2, 3, 42} {
		r, _ := newTestReassembler(ChunkLimits{})
		cs := split("a", data, 13)
		if seed != 0 {
			rng := rand.New(rand.NewPCG(seed, seed))
			rng.Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
		}
		done, errs := feed(t, r, cs)
		if len(errs) != 0 || len(done) != 1 || string(done[0]) != data {
			t.Fatalf("seed %d: %d events, errors %v", seed, len(done), errs)
		}
		if r.pending() != 0 {
			t.Errorf("seed %d: %d sets still pending", seed, r.pending())
		}
	}
}

func TestReassembleFinalFirstWaitsForTheRest(t *testing.T) {
	r, _ := newTestReassembler(ChunkLimits{})
	cs := split("a", "abcdef", 3)
	for _, c := range []chunk{cs[2], cs[0]} {
		if data, err := r.add(c); data != nil || err != nil {
			t.Fatalf("completed early: %q, %v", data, err)
		}
	}
	if data, err := r.add(cs[1]); string(data) != "abcdef" || err != nil {
		t.Fatalf("got %q, %v", data, err)
	}
}

func TestReassembleDuplicateChunkCountsOnce(t *testing.T) {
	r, _ := newTestReassembler(ChunkLimits{})
	cs := split("a", "abcdef", 3)
	done, errs := feed(t, r, []chunk{cs[0], cs[0], cs[1], cs[2]})
	if len(errs) != 0 || len(done) != 1 || string(done[0]) != "abcdef" {
		t.Fatalf("%q, %v", done, errs)
	}
}

func TestReassembleInterleavedIDs(t *testing.T) {
	r, _ := newTestReassembler(ChunkLimits{})
	a, b := split("a", "AAAAAA", 3), split("b", "BBBBBBBB", 4)
	done, errs := feed(t, r, []chunk{a[0], b[0], b[3], a[2], b[1], a[1], b[2]})
	if len(errs) != 0 || len(done) != 2 || string(done[0]) != "AAAAAA" || string(done[1]) != "BBBBBBBB" {
		t.Fatalf("%q, %v", done, errs)
	}
}

func TestReassembleTooManyBytes(t *testing.T) {
	r, _ := newTestReassembler(ChunkLimits{MaxBytes: 1000})
	cs := split("big", strings.Repeat("x", 2000), 10)
	done, errs := feed(t, r, cs)
	if len(done) != 0 {
		t.Fatal("an event over MaxBytes was delivered")
	}
	if len(errs) != 1 || !errors.Is(errs[0], errChunkTooLarge) || !strings.Contains(errs[0].Error(), `"big"`) {
		t.Fatalf("errors %v, want one errChunkTooLarge naming the id", errs)
	}
	if r.pending() != 0 {
		t.Errorf("%d sets pending after the drop", r.pending())
	}
	// Empty chunks count too, so a flood of them is bounded.
	var empties []chunk
	for i := range 100 {
		empties = append(empties, chunk{ID: "empty", Index: i})
	}
	if _, errs := feed(t, r, empties); len(errs) != 1 || !errors.Is(errs[0], errChunkTooLarge) {
		t.Fatalf("flood of empty chunks: %v", errs)
	}
}

func TestReassembleTooManyPendingEvictsTheOldest(t *testing.T) {
	r, clock := newTestReassembler(ChunkLimits{MaxPending: 2})
	a, b, c := split("a", "aaaa", 2), split("b", "bbbb", 2), split("c", "cccc", 2)
	feed(t, r, a[:1])
	clock.advance(time.Second)
	feed(t, r, b[:1])
	clock.advance(time.Second)
	_, errs := feed(t, r, c[:1])
	if len(errs) != 1 || !errors.Is(errs[0], errChunkEvicted) || !strings.Contains(errs[0].Error(), `"a"`) {
		t.Fatalf("errors %v, want a evicted", errs)
	}
	if r.pending() != 2 {
		t.Fatalf("%d pending, want 2", r.pending())
	}
	// a's last chunk is ignored: it neither completes nor evicts b.
	done, errs := feed(t, r, []chunk{a[1], b[1], c[1]})
	if len(errs) != 0 || len(done) != 2 || string(done[0]) != "bbbb" || string(done[1]) != "cccc" {
		t.Fatalf("%q, %v", done, errs)
	}
}

func TestReassembleIncompleteTimesOut(t *testing.T) {
	r, clock := newTestReassembler(ChunkLimits{Timeout: time.Minute})
	a := split("a", "aaaaaa", 3)
	feed(t, r, a[:2])
	clock.advance(59 * time.Second)
	if errs := r.expire(); len(errs) != 0 {
		t.Fatalf("expired early: %v", errs)
	}
	clock.advance(time.Second)
	errs := r.expire()
	if len(errs) != 1 || !errors.Is(errs[0], errChunkTimeout) {
		t.Fatalf("errors %v, want errChunkTimeout", errs)
	}
	// The late final chunk does not resurrect it.
	if data, err := r.add(a[2]); data != nil || err != nil {
		t.Fatalf("late chunk: %q, %v", data, err)
	}
	// Once the id's deadline has passed too, it may be used again.
	clock.advance(time.Minute)
	done, errs2 := feed(t, r, split("a", "new", 1))
	if len(errs2) != 0 || len(done) != 1 || string(done[0]) != "new" {
		t.Fatalf("%q, %v", done, errs2)
	}
	// add expires on its own, without an expire call.
	feed(t, r, split("b", "bbbb", 2)[:1])
	clock.advance(time.Minute)
	if _, err := r.add(chunk{ID: "c", Index: 0, Chunk: "c", Final: true}); !errors.Is(err, errChunkTimeout) {
		t.Fatalf("add did not expire b: %v", err)
	}
}

func TestReassembleInvalidIndexes(t *testing.T) {
	for name, cs := range map[string][]chunk{
		"negative":         {{ID: "x", Index: -1, Chunk: "a"}},
		"beyond final":     {{ID: "x", Index: 1, Chunk: "a", Final: true}, {ID: "x", Index: 2, Chunk: "b"}},
		"final below seen": {{ID: "x", Index: 3, Chunk: "a"}, {ID: "x", Index: 1, Chunk: "b", Final: true}},
	} {
		r, _ := newTestReassembler(ChunkLimits{})
		done, errs := feed(t, r, cs)
		if len(done) != 0 || len(errs) != 1 || !errors.Is(errs[0], errChunkInvalid) {
			t.Errorf("%s: %q, %v", name, done, errs)
		}
	}
}

func TestReassembleResetDropsEverything(t *testing.T) {
	r, _ := newTestReassembler(ChunkLimits{})
	feed(t, r, split("a", "aaaa", 2)[:1])
	feed(t, r, split("b", "bbbb", 2)[:1])
	if n := r.reset(); n != 2 || r.pending() != 0 {
		t.Fatalf("reset = %d, pending %d", n, r.pending())
	}
}

func TestReassembleSample(t *testing.T) {
	sample := readSample(t)
	r, _ := newTestReassembler(ChunkLimits{})
	cs := split("s", string(sample), 7)
	cs[0], cs[6] = cs[6], cs[0]
	done, errs := feed(t, r, cs)
	if len(errs) != 0 || len(done) != 1 || !bytes.Equal(done[0], sample) {
		t.Fatalf("sample not reassembled: %v", errs)
	}
	if _, err := ParseMessage(done[0]); err != nil {
		t.Fatal(err)
	}
}
