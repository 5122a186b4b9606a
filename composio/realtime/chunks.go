package realtime

import (
	"errors"
	"fmt"
	"time"
)

// ChunkLimits bound the memory spent reassembling chunked events
// (chunked-trigger_to_client: Composio splits an event's data that exceeds
// Pusher's message size into chunks sharing an id). Zero fields take the
// defaults of DefaultChunkLimits.
type ChunkLimits struct {
	// MaxBytes is the most one event may take while it is reassembled (its
	// chunks plus a small overhead per chunk); a longer one is dropped.
	MaxBytes int
	// MaxPending is the most events reassembled at once; when a chunk of
	// one more arrives, the one started first is dropped.
	MaxPending int
	// Timeout is how long after its first chunk an event may stay
	// incomplete before it is dropped.
	Timeout time.Duration
}

// DefaultChunkLimits returns the defaults: 16 MiB per event, 8 events at
// once, 2 minutes; at most 128 MiB held.
func DefaultChunkLimits() ChunkLimits {
	return ChunkLimits{MaxBytes: 16 << 20, MaxPending: 8, Timeout: 2 * time.Minute}
}

func (l ChunkLimits) withDefaults() ChunkLimits {
	d := DefaultChunkLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxPending <= 0 {
		l.MaxPending = d.MaxPending
	}
	if l.Timeout <= 0 {
		l.Timeout = d.Timeout
	}
	return l
}

// chunkOverhead is what each chunk counts against MaxBytes besides its
// text, so that a flood of empty chunks is bounded too.
const chunkOverhead = 64

// Reasons a chunked event is dropped, wrapped in a *chunkDropError.
var (
	errChunkTooLarge = errors.New("larger than the limit")
	errChunkEvicted  = errors.New("too many chunked events pending: dropped the oldest")
	errChunkTimeout  = errors.New("incomplete when the reassembly timeout passed")
	errChunkInvalid  = errors.New("invalid chunk index")
)

// chunkDropError says which chunked event was dropped and why.
type chunkDropError struct {
	ID     string
	Reason error
}

func (e *chunkDropError) Error() string {
	return fmt.Sprintf("chunked event %q dropped: %v", e.ID, e.Reason)
}

func (e *chunkDropError) Unwrap() error { return e.Reason }

// chunkSet is one event being reassembled.
type chunkSet struct {
	parts   map[int]string
	size    int
	last    int // index of the final chunk; -1 until it has arrived
	started time.Time
}

// reassembler joins the chunks of each id in index order once the final
// chunk and every index before it have arrived, in any order, within the
// limits. It is used by one goroutine.
type reassembler struct {
	limits ChunkLimits
	now    func() time.Time
	sets   map[string]*chunkSet
	// dropped remembers, until their deadline, the ids dropped before they
	// completed, so that their later chunks are ignored instead of starting
	// sets that could never complete. At most 4×MaxPending are kept.
	dropped map[string]time.Time
}

func newReassembler(l ChunkLimits, now func() time.Time) *reassembler {
	return &reassembler{limits: l.withDefaults(), now: now, sets: map[string]*chunkSet{}, dropped: map[string]time.Time{}}
}

// add takes one chunk. It returns the event's data when c completes it, and
// a *chunkDropError (possibly several, joined) for every event dropped on
// the way; both may be nil.
func (r *reassembler) add(c chunk) ([]byte, error) {
	var errs []error
	errs = append(errs, r.expire()...)
	if _, gone := r.dropped[c.ID]; gone {
		return nil, errors.Join(errs...)
	}
	set := r.sets[c.ID]
	if set == nil {
		if len(r.sets) >= r.limits.MaxPending {
			errs = append(errs, r.drop(r.oldest(), errChunkEvicted))
		}
		set = &chunkSet{parts: map[int]string{}, last: -1, started: r.now()}
		r.sets[c.ID] = set
	}
	switch {
	case c.Index < 0, set.last >= 0 && c.Index > set.last, c.Final && c.Index < set.maxIndex():
		return nil, errors.Join(append(errs, r.drop(c.ID, errChunkInvalid))...)
	}
	if _, dup := set.parts[c.Index]; !dup {
		set.size += len(c.Chunk) + chunkOverhead
		if set.size > r.limits.MaxBytes {
			return nil, errors.Join(append(errs, r.drop(c.ID, errChunkTooLarge))...)
		}
		set.parts[c.Index] = c.Chunk
	}
	if c.Final {
		set.last = c.Index
	}
	if set.last < 0 || len(set.parts) != set.last+1 {
		return nil, errors.Join(errs...)
	}
	out := make([]byte, 0, set.size)
	for i := 0; i <= set.last; i++ {
		out = append(out, set.parts[i]...)
	}
	delete(r.sets, c.ID)
	return out, errors.Join(errs...)
}

// maxIndex is the highest index received so far, -1 for none.
func (s *chunkSet) maxIndex() int {
	m := -1
	for i := range s.parts {
		m = max(m, i)
	}
	return m
}

// expire drops the sets whose timeout has passed and forgets the dropped
// ids whose deadline has passed.
func (r *reassembler) expire() []error {
	now := r.now()
	var errs []error
	for id, s := range r.sets {
		if now.Sub(s.started) >= r.limits.Timeout {
			errs = append(errs, r.drop(id, errChunkTimeout))
		}
	}
	for id, until := range r.dropped {
		if !now.Before(until) {
			delete(r.dropped, id)
		}
	}
	return errs
}

// oldest is the id of the set started first.
func (r *reassembler) oldest() string {
	var id string
	var at time.Time
	for k, s := range r.sets {
		if id == "" || s.started.Before(at) || (s.started.Equal(at) && k < id) {
			id, at = k, s.started
		}
	}
	return id
}

func (r *reassembler) drop(id string, reason error) error {
	delete(r.sets, id)
	if len(r.dropped) >= 4*r.limits.MaxPending {
		var first string
		var at time.Time
		for k, t := range r.dropped {
			if first == "" || t.Before(at) || (t.Equal(at) && k < first) {
				first, at = k, t
			}
		}
		delete(r.dropped, first)
	}
	r.dropped[id] = r.now().Add(r.limits.Timeout)
	return &chunkDropError{ID: id, Reason: reason}
}

// reset drops every pending set (the connection they came on is gone) and
// returns how many there were.
func (r *reassembler) reset() int {
	n := len(r.sets)
	clear(r.sets)
	clear(r.dropped)
	return n
}

// pending is the number of events being reassembled.
func (r *reassembler) pending() int { return len(r.sets) }
