package inbox_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook/inbox"
	"github.com/triggergen/triggergen/webhook/webhooktest"
)

// TestLoad sends deliveries, one in ten a duplicate of an earlier id, over
// HTTP on loopback through the Handler into four Workers (each with its own
// Redis connections, as on four machines) running at the same time: every id is handled exactly once (this handler never fails),
// none is lost, each duplicate is answered 200 without a second task.
func TestLoad(t *testing.T) {
	const (
		total       = 10000
		workers     = 4
		concurrency = 4 // per worker
		senders     = 16
	)
	h := newHarness(t)
	srv := httptest.NewServer(inbox.NewHandler(h.verifier, h.rdb, quiet))
	defer srv.Close()
	r := newRuns()
	for range workers {
		h.startWorker(r.dispatcher(), inbox.WithConcurrency(concurrency), quiet)
	}

	// Ids 0..unique-1, each once, plus total/10 repeats of random earlier
	// ones, in a shuffled order fixed by the seed.
	unique := total - total/10
	order := make([]int, 0, total)
	for i := range unique {
		order = append(order, i)
	}
	rnd := rand.New(rand.NewPCG(17, 17))
	for range total / 10 {
		order = append(order, rnd.IntN(unique))
	}
	rnd.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	id := func(i int) string { return fmt.Sprintf("msg_load_%05d", i) }
	bodies := make([][]byte, unique)
	for i := range bodies {
		bodies[i] = commitBody(t, id(i))
	}

	start := time.Now()
	var stored, duplicates atomic.Int64
	var next atomic.Int64
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: senders}}
	defer client.CloseIdleConnections()
	for range senders {
		wg.Go(func() {
			for {
				k := int(next.Add(1) - 1)
				if k >= len(order) || t.Failed() {
					return
				}
				i := order[k]
				req, err := webhooktest.NewClientRequest(context.Background(), srv.URL, secret.New(key), bodies[i], webhooktest.WithID(id(i)))
				if err != nil {
					t.Error(err)
					return
				}
				resp, err := client.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				switch resp.StatusCode {
				case http.StatusAccepted:
					stored.Add(1)
				case http.StatusOK:
					duplicates.Add(1)
				default:
					t.Errorf("%s: %d", id(i), resp.StatusCode)
					return
				}
			}
		})
	}
	wg.Wait()
	sent := time.Since(start)
	if t.Failed() {
		t.FailNow()
	}
	if stored.Load() != int64(unique) || duplicates.Load() != int64(total/10) {
		t.Fatalf("%d answered 202, %d answered 200; want %d stored, %d duplicates", stored.Load(), duplicates.Load(), unique, total/10)
	}
	waitFor(t, "every delivery handled", func() bool {
		q, err := h.insp.GetQueueInfo(inbox.DefaultQueue)
		return err == nil && q.Completed == unique
	})
	handled := time.Since(start)
	if n, keys := h.taskCount(), h.taskKeys(); n != unique || keys != unique {
		t.Fatalf("asynq counts %d tasks, Redis holds %d task keys; want %d, one per id", n, keys, unique)
	}
	runs := r.snapshot()
	for i := range unique {
		if n := runs[id(i)]; n != 1 {
			t.Errorf("%s ran %d times; want 1", id(i), n)
		}
	}
	if len(runs) != unique {
		t.Errorf("%d ids handled; want %d", len(runs), unique)
	}
	t.Logf("%d deliveries (%d ids): all answered in %v, all handled in %v", total, unique, sent.Round(time.Millisecond), handled.Round(time.Millisecond))
}
