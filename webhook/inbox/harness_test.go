package inbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/triggergen/triggergen/catalog/github"
	"github.com/triggergen/triggergen/internal/redistest"
	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
	"github.com/triggergen/triggergen/webhook/inbox"
	"github.com/triggergen/triggergen/webhook/webhooktest"
)

// key is the webhook secret of the tests.
const key = "inbox-test-secret"

// waitLimit bounds every wait of these tests: a condition not met by then
// fails the test, it is never taken as a timing result.
const waitLimit = 60 * time.Second

// harness is one redis-server with the inbox's pieces around it.
type harness struct {
	t        *testing.T
	redis    *redistest.Server
	rdb      *redis.Client
	verifier *webhook.Verifier
	insp     *asynq.Inspector
}

func newHarness(t *testing.T, redisArgs ...string) *harness {
	t.Helper()
	srv := redistest.Start(t, redisArgs...)
	v, err := webhook.NewVerifier(secret.New(key))
	if err != nil {
		t.Fatal(err)
	}
	rdb := srv.Client()
	return &harness{t: t, redis: srv, rdb: rdb, verifier: v, insp: asynq.NewInspectorFromRedisClient(rdb)}
}

// quiet discards the package's log lines; testLog keeps them in the test's
// output when it fails.
var quiet = inbox.WithLogger(slog.New(slog.DiscardHandler))

func testLog(t *testing.T) inbox.Option {
	return inbox.WithLogger(slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

// fast makes a Worker poll and retry within milliseconds, so tests wait for
// events rather than asynq's production intervals.
var fast = []inbox.WorkerOption{
	inbox.WithBackoff(inbox.Backoff{Base: 10 * time.Millisecond, Max: 40 * time.Millisecond}),
	inbox.WithConfig(func(c *asynq.Config) {
		c.TaskCheckInterval = 20 * time.Millisecond
		c.DelayedTaskCheckInterval = 50 * time.Millisecond
		c.JanitorInterval = 100 * time.Millisecond
	}),
	inbox.WithShutdownTimeout(5 * time.Second),
}

// startWorker runs a Worker, with Redis connections of its own as on
// another machine, until the test ends or the returned stop is called; stop
// waits for Run to return.
func (h *harness) startWorker(d *webhook.Dispatcher, opts ...inbox.WorkerOption) (stop func()) {
	h.t.Helper()
	w := inbox.NewWorker(h.redis.Client(), d, append(append([]inbox.WorkerOption{testLog(h.t)}, fast...), opts...)...)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				h.t.Errorf("Worker.Run: %v", err)
			}
		})
	}
	h.t.Cleanup(stop)
	return stop
}

// post sends a signed delivery of body with webhook-id id to handler and
// returns the status.
func post(handler http.Handler, id string, body []byte, opts ...webhooktest.Option) int {
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, webhooktest.NewRequest(secret.New(key), body, append([]webhooktest.Option{webhooktest.WithID(id)}, opts...)...))
	return rec.Code
}

// commitData is the payload of a real GitHub commit event as Composio
// delivered it (testdata/webhooks/events, see its PROVENANCE.md).
var commitData = sync.OnceValues(func() (json.RawMessage, error) {
	body, err := os.ReadFile(filepath.Join("..", "..", "testdata", "webhooks", "events", "v3-composio-docs-receiving-events-github-commit.json"))
	if err != nil {
		return nil, err
	}
	ev, err := webhook.Decode(nil, body)
	if err != nil {
		return nil, err
	}
	return ev.Data, nil
})

// commitBody is a V3 GitHub commit event whose id is id, carrying the real
// payload.
func commitBody(t testing.TB, id string) []byte {
	t.Helper()
	data, err := commitData()
	if err != nil {
		t.Fatal(err)
	}
	body, err := webhooktest.Message{ID: id, TriggerSlug: github.CommitEventSlug, Data: data}.Body(webhook.V3)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// runs counts handler runs per event id; its Dispatcher's generated
// github.OnCommitEvent handler records each run, then calls fail (if set)
// to decide the outcome.
type runs struct {
	mu   sync.Mutex
	n    map[string]int
	fail func(ctx context.Context, ev *webhook.Event, run int) error
}

func newRuns() *runs { return &runs{n: map[string]int{}} }

func (r *runs) dispatcher(opts ...webhook.DispatcherOption) *webhook.Dispatcher {
	d := webhook.NewDispatcher(opts...)
	github.OnCommitEvent(d, func(ctx context.Context, ev *webhook.Event, p *github.CommitEventPayload) error {
		if p.Message == "" {
			return fmt.Errorf("commit payload without a message")
		}
		r.mu.Lock()
		r.n[ev.ID]++
		n, fail := r.n[ev.ID], r.fail
		r.mu.Unlock()
		if fail != nil {
			return fail(ctx, ev, n)
		}
		return nil
	})
	return d
}

func (r *runs) of(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n[id]
}

func (r *runs) snapshot() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := make(map[string]int, len(r.n))
	for k, v := range r.n {
		m[k] = v
	}
	return m
}

// waitFor polls cond until it holds, failing the test after waitLimit.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %v waiting for %s", waitLimit, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// task returns the task stored for id in the default queue (nil when none).
func (h *harness) task(id string) *asynq.TaskInfo {
	info, err := h.insp.GetTaskInfo(inbox.DefaultQueue, id)
	if err != nil {
		return nil
	}
	return info
}

// waitState waits until the task of id is in state.
func (h *harness) waitState(id string, state asynq.TaskState) *asynq.TaskInfo {
	h.t.Helper()
	var info *asynq.TaskInfo
	waitFor(h.t, fmt.Sprintf("task %s to be %v", id, state), func() bool {
		info = h.task(id)
		return info != nil && info.State == state
	})
	return info
}

// taskCount is the number of tasks the default queue holds, in any state.
func (h *harness) taskCount() int {
	h.t.Helper()
	q, err := h.insp.GetQueueInfo(inbox.DefaultQueue)
	if err != nil {
		h.t.Fatal(err)
	}
	// Size counts completed tasks too, although its doc says otherwise.
	return q.Pending + q.Active + q.Scheduled + q.Retry + q.Aggregating + q.Archived + q.Completed
}

// taskKeys counts the task hashes asynq keeps in Redis for the default
// queue, one per task whatever its state, without asking asynq.
func (h *harness) taskKeys() int {
	h.t.Helper()
	n := 0
	iter := h.rdb.Scan(context.Background(), 0, "asynq:{"+inbox.DefaultQueue+"}:t:*", 1000).Iterator()
	for iter.Next(context.Background()) {
		n++
	}
	if err := iter.Err(); err != nil {
		h.t.Fatal(err)
	}
	return n
}
