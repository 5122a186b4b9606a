package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/triggergen/triggergen/internal/syncbuf"
	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
	"github.com/triggergen/triggergen/webhook/inbox"
	"github.com/triggergen/triggergen/webhook/webhooktest"
)

// TestStoredThenHandledLater: a delivery is stored while no worker runs, the
// HTTP side goes away, and a worker started afterwards handles it.
func TestStoredThenHandledLater(t *testing.T) {
	h := newHarness(t)
	srv := httptest.NewServer(inbox.NewHandler(h.verifier, h.rdb, testLog(t)))
	body := commitBody(t, "msg_later")
	req, err := webhooktest.NewClientRequest(context.Background(), srv.URL, secret.New(key), body, webhooktest.WithID("msg_later"))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("delivery: %d; want 202", resp.StatusCode)
	}
	srv.Close()

	r := newRuns()
	var ctxErr atomic.Value
	r.fail = func(ctx context.Context, ev *webhook.Event, _ int) error {
		// The handler's context carries asynq's task metadata and the
		// per-run timeout.
		id, _ := asynq.GetTaskID(ctx)
		deadline, ok := ctx.Deadline()
		if left := time.Until(deadline); id != ev.ID || !ok || left < 29*time.Minute || left > 30*time.Minute {
			ctxErr.Store(fmt.Sprintf("task id %q, deadline in %v (%v); want %q, 30 minutes", id, left, ok, ev.ID))
		}
		return nil
	}
	h.startWorker(r.dispatcher())
	info := h.waitState("msg_later", asynq.TaskStateCompleted)
	if msg := ctxErr.Load(); msg != nil {
		t.Fatal(msg)
	}
	if n := r.of("msg_later"); n != 1 || info.Retried != 0 {
		t.Fatalf("handler ran %d times, task retried %d; want 1, 0", n, info.Retried)
	}
}

// TestRetriedUntilSuccess: a handler that fails N times (the first time by
// panicking) runs N+1 times, and the task completes.
func TestRetriedUntilSuccess(t *testing.T) {
	const failures = 3
	h := newHarness(t)
	handler := inbox.NewHandler(h.verifier, h.rdb, testLog(t), inbox.WithMaxRetry(failures))
	r := newRuns()
	r.fail = func(_ context.Context, _ *webhook.Event, run int) error {
		switch {
		case run == 1:
			panic("first run panics")
		case run <= failures:
			return fmt.Errorf("downstream unavailable (run %d)", run)
		}
		return nil
	}
	h.startWorker(r.dispatcher())
	if c := post(handler, "msg_flaky", commitBody(t, "msg_flaky")); c != http.StatusAccepted {
		t.Fatal(c)
	}
	info := h.waitState("msg_flaky", asynq.TaskStateCompleted)
	if n := r.of("msg_flaky"); n != failures+1 || info.Retried != failures {
		t.Fatalf("handler ran %d times, task retried %d; want %d, %d", n, info.Retried, failures+1, failures)
	}
	if info.LastErr != "downstream unavailable (run 3)" {
		t.Fatalf("last error %q", info.LastErr)
	}
}

// TestArchivedThenReplayed: a handler that always fails runs 1+MaxRetry
// times, the task is archived with the last error, and replaying it with
// asynq's Inspector runs it again.
func TestArchivedThenReplayed(t *testing.T) {
	const maxRetry = 2
	h := newHarness(t)
	handler := inbox.NewHandler(h.verifier, h.rdb, testLog(t), inbox.WithMaxRetry(maxRetry))
	r := newRuns()
	var fixed atomic.Bool
	r.fail = func(_ context.Context, _ *webhook.Event, run int) error {
		if fixed.Load() {
			return nil
		}
		return fmt.Errorf("CRM rejected the contact (run %d)", run)
	}
	stop := h.startWorker(r.dispatcher())
	if c := post(handler, "msg_dead", commitBody(t, "msg_dead")); c != http.StatusAccepted {
		t.Fatal(c)
	}
	info := h.waitState("msg_dead", asynq.TaskStateArchived)
	if n := r.of("msg_dead"); n != maxRetry+1 || info.Retried != maxRetry {
		t.Fatalf("handler ran %d times, task retried %d; want %d, %d", n, info.Retried, maxRetry+1, maxRetry)
	}
	if info.LastErr != "CRM rejected the contact (run 3)" {
		t.Fatalf("archived with error %q", info.LastErr)
	}
	// Composio's redelivery of an archived delivery is a duplicate: the
	// archive holds it for replay.
	if c := post(handler, "msg_dead", commitBody(t, "msg_dead")); c != http.StatusOK {
		t.Fatalf("redelivery of an archived delivery: %d; want 200", c)
	}

	// Replayed before the fix: one more run, straight back to the archive.
	if err := h.insp.RunTask(inbox.DefaultQueue, "msg_dead"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the replay to fail", func() bool { return r.of("msg_dead") == maxRetry+2 })
	info = h.waitState("msg_dead", asynq.TaskStateArchived)
	if info.LastErr != "CRM rejected the contact (run 4)" {
		t.Fatalf("re-archived with error %q", info.LastErr)
	}
	stop()

	// The fix is deployed; the operator replays the dead letter.
	fixed.Store(true)
	h.startWorker(r.dispatcher())
	if err := h.insp.RunTask(inbox.DefaultQueue, "msg_dead"); err != nil {
		t.Fatal(err)
	}
	h.waitState("msg_dead", asynq.TaskStateCompleted)
	if n := r.of("msg_dead"); n != maxRetry+3 {
		t.Fatalf("handler ran %d times; want %d", n, maxRetry+3)
	}
}

// TestPermanentFailuresArchivedAtOnce: what no retry can fix is archived
// after one run: a payload the generated type rejects (strict mode), a
// stored body that no longer decodes, a payload that is not a delivery.
// A delivery no handler takes completes, as webhook.Handler answers it 200.
func TestPermanentFailuresArchivedAtOnce(t *testing.T) {
	h := newHarness(t)
	handler := inbox.NewHandler(h.verifier, h.rdb, testLog(t))
	client := asynq.NewClientFromRedisClient(h.rdb)
	r := newRuns()
	d := r.dispatcher(webhook.Strict())
	h.startWorker(d)

	unknownField, err := webhooktest.Message{ID: "msg_strict", TriggerSlug: "GITHUB_COMMIT_EVENT", Data: map[string]any{"message": "m", "surprise": 1}}.Body(webhook.V3)
	if err != nil {
		t.Fatal(err)
	}
	if c := post(handler, "msg_strict", unknownField); c != http.StatusAccepted {
		t.Fatal(c)
	}
	notADelivery := asynq.NewTask(inbox.TaskType, []byte("not a delivery"))
	undecodable, _ := (&inbox.Delivery{Body: []byte(`{"no":"envelope"}`)}).MarshalBinary()
	for id, task := range map[string]*asynq.Task{
		"msg_garbage":     notADelivery,
		"msg_undecodable": asynq.NewTask(inbox.TaskType, undecodable),
	} {
		if _, err := client.Enqueue(task, asynq.TaskID(id), asynq.Queue(inbox.DefaultQueue), asynq.MaxRetry(5)); err != nil {
			t.Fatal(err)
		}
	}
	other, _ := webhooktest.Message{ID: "msg_unhandled", TriggerSlug: "SLACK_RECEIVE_MESSAGE"}.Body(webhook.V3)
	if c := post(handler, "msg_unhandled", other); c != http.StatusAccepted {
		t.Fatal(c)
	}

	for id, want := range map[string]string{
		"msg_strict":      "unknown field",
		"msg_garbage":     inbox.ErrMalformedDelivery.Error(),
		"msg_undecodable": webhook.ErrUnknownEnvelope.Error(),
	} {
		info := h.waitState(id, asynq.TaskStateArchived)
		if info.Retried != 0 || !strings.Contains(info.LastErr, want) {
			t.Errorf("%s: archived after %d retries with %q; want 0 retries, an error containing %q", id, info.Retried, info.LastErr, want)
		}
	}
	if n := r.of("msg_strict"); n != 0 {
		t.Errorf("the strict payload reached the handler %d times", n)
	}
	h.waitState("msg_unhandled", asynq.TaskStateCompleted)
}

// TestUnknownFormatRetried: a payload of a newer format is retried, not
// archived, so a rolling deploy heals once the new worker runs.
func TestUnknownFormatRetried(t *testing.T) {
	h := newHarness(t)
	client := asynq.NewClientFromRedisClient(h.rdb)
	r := newRuns()
	h.startWorker(r.dispatcher(), inbox.WithBackoff(inbox.Backoff{Base: time.Hour, Max: time.Hour}))
	payload := []byte(`{"format":2,"received_at":"2026-11-27T00:00:00Z","header":{},"envelope":{}}`)
	if _, err := client.Enqueue(asynq.NewTask(inbox.TaskType, payload), asynq.TaskID("msg_v2"), asynq.Queue(inbox.DefaultQueue)); err != nil {
		t.Fatal(err)
	}
	info := h.waitState("msg_v2", asynq.TaskStateRetry)
	if !strings.Contains(info.LastErr, inbox.ErrUnknownFormat.Error()) {
		t.Fatalf("retried with %q", info.LastErr)
	}
}

// TestGracefulShutdown: when Run's context is done, a delivery in flight
// finishes within the shutdown timeout and completes; one that does not is
// cancelled, goes back to the queue, and another worker handles it.
func TestGracefulShutdown(t *testing.T) {
	h := newHarness(t)
	handler := inbox.NewHandler(h.verifier, h.rdb, testLog(t))
	started := make(chan string, 2)
	release := make(chan struct{})
	cancelled := make(chan string, 1)
	r := newRuns()
	r.fail = func(ctx context.Context, ev *webhook.Event, run int) error {
		if run > 1 {
			return nil // the second worker's run
		}
		started <- ev.ID
		switch ev.ID {
		case "msg_finishes":
			<-release
			return nil
		default: // msg_overruns: runs until its context is cancelled
			<-ctx.Done()
			cancelled <- ev.ID
			return ctx.Err()
		}
	}
	d := r.dispatcher()

	t.Run("InFlightFinishes", func(t *testing.T) {
		stop := h.startWorker(d, inbox.WithShutdownTimeout(time.Minute))
		post(handler, "msg_finishes", commitBody(t, "msg_finishes"))
		<-started
		stopped := make(chan struct{})
		go func() { stop(); close(stopped) }()
		// Shutdown waits for the handler: the task is still active.
		h.waitActiveWhile(stopped, "msg_finishes")
		close(release)
		<-stopped
		if info := h.task("msg_finishes"); info.State != asynq.TaskStateCompleted || r.of("msg_finishes") != 1 {
			t.Fatalf("after shutdown: %v, %d runs; want completed, 1 run", info.State, r.of("msg_finishes"))
		}
	})

	t.Run("OverrunRequeued", func(t *testing.T) {
		stop := h.startWorker(d, inbox.WithShutdownTimeout(200*time.Millisecond))
		post(handler, "msg_overruns", commitBody(t, "msg_overruns"))
		<-started
		stop()
		select {
		case <-cancelled:
		case <-time.After(waitLimit):
			t.Fatal("the overrunning handler's context was not cancelled")
		}
		info := h.task("msg_overruns")
		if info.State != asynq.TaskStatePending || info.Retried != 0 {
			t.Fatalf("after shutdown: %v, retried %d; want pending, 0", info.State, info.Retried)
		}
		h.startWorker(d)
		h.waitState("msg_overruns", asynq.TaskStateCompleted)
		if n := r.of("msg_overruns"); n != 2 {
			t.Fatalf("handler ran %d times; want 2 (cut short, then again)", n)
		}
	})
}

// waitActiveWhile checks that the task of id stays active until done is
// closed or a few polls passed.
func (h *harness) waitActiveWhile(done <-chan struct{}, id string) {
	h.t.Helper()
	for range 5 {
		select {
		case <-done:
			h.t.Fatal("shutdown returned while a delivery was in flight")
		case <-time.After(20 * time.Millisecond):
		}
		if info := h.task(id); info == nil || info.State != asynq.TaskStateActive {
			h.t.Fatalf("task %s during shutdown: %+v; want active", id, info)
		}
	}
}

// TestReenqueuedAfterRetention: once a handled task has passed its
// retention and asynq's janitor deleted it, a delivery with the same
// webhook-id is stored and handled again. The test ages the task's
// completion in Redis rather than waiting the retention out.
func TestReenqueuedAfterRetention(t *testing.T) {
	h := newHarness(t)
	handler := inbox.NewHandler(h.verifier, h.rdb, testLog(t))
	r := newRuns()
	h.startWorker(r.dispatcher())
	body := commitBody(t, "msg_twice")
	post(handler, "msg_twice", body)
	h.waitState("msg_twice", asynq.TaskStateCompleted)
	if c := post(handler, "msg_twice", body); c != http.StatusOK {
		t.Fatalf("within retention: %d; want 200", c)
	}
	completed := "asynq:{" + inbox.DefaultQueue + "}:completed"
	if n, err := h.rdb.ZAddXX(context.Background(), completed, redisZ(time.Now().Add(-time.Second), "msg_twice")).Result(); err != nil || n != 0 {
		t.Fatalf("aging the completed task: %d, %v", n, err)
	}
	waitFor(t, "the janitor to delete the expired task", func() bool { return h.task("msg_twice") == nil })
	if c := post(handler, "msg_twice", body); c != http.StatusAccepted {
		t.Fatalf("after retention: %d; want 202", c)
	}
	h.waitState("msg_twice", asynq.TaskStateCompleted)
	if n := r.of("msg_twice"); n != 2 {
		t.Fatalf("handler ran %d times; want 2", n)
	}
}

func redisZ(t time.Time, member string) redis.Z {
	return redis.Z{Score: float64(t.Unix()), Member: member}
}

// TestQueueAndConfig: Handler and Worker meet on the queue WithQueue names,
// whatever WithConfig sets for Queues and Logger; asynq's own messages reach
// the Worker's slog logger tagged system=asynq.
func TestQueueAndConfig(t *testing.T) {
	h := newHarness(t)
	billing := inbox.WithQueue("billing")
	handler := inbox.NewHandler(h.verifier, h.rdb, quiet, billing)
	var logs syncbuf.Buffer
	r := newRuns()
	stop := h.startWorker(r.dispatcher(), billing,
		inbox.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))),
		inbox.WithConfig(func(c *asynq.Config) {
			c.Queues = map[string]int{"default": 1}
			c.Logger = nil
		}))
	if c := post(handler, "msg_billing", commitBody(t, "msg_billing")); c != http.StatusAccepted {
		t.Fatal(c)
	}
	waitFor(t, "the billing delivery handled", func() bool { return r.of("msg_billing") == 1 })
	if info, err := h.insp.GetTaskInfo("billing", "msg_billing"); err != nil || info.Queue != "billing" {
		t.Fatalf("task: %+v, %v; want it in queue billing", info, err)
	}
	stop()
	for _, want := range []string{`msg="Starting processing" system=asynq`, `msg="inbox: handled" webhook_id=msg_billing`} {
		if !strings.Contains(logs.String(), want) {
			t.Fatalf("worker log lacks %q:\n%s", want, logs.String())
		}
	}
}

// TestArchiveIsBounded pins what the package doc says of asynq's dead
// letters: archiving a task deletes those archived more than 90 days ago,
// and a queue's archive holds at most 10,000 tasks; beyond that asynq
// deletes the oldest (its trim, ZRANGE 0 -10000, keeps 9,999).
func TestArchiveIsBounded(t *testing.T) {
	h := newHarness(t)

	t.Run("90Days", func(t *testing.T) {
		handler := inbox.NewHandler(h.verifier, h.rdb, quiet, inbox.WithMaxRetry(0))
		r := newRuns()
		r.fail = func(context.Context, *webhook.Event, int) error { return fmt.Errorf("always") }
		stop := h.startWorker(r.dispatcher())
		defer stop()
		post(handler, "msg_old", commitBody(t, "msg_old"))
		h.waitState("msg_old", asynq.TaskStateArchived)
		archived := "asynq:{" + inbox.DefaultQueue + "}:archived"
		if n, err := h.rdb.ZAddXX(context.Background(), archived, redisZ(time.Now().AddDate(0, 0, -91), "msg_old")).Result(); err != nil || n != 0 {
			t.Fatalf("aging the archived task: %d, %v", n, err)
		}
		post(handler, "msg_new", commitBody(t, "msg_new"))
		h.waitState("msg_new", asynq.TaskStateArchived)
		if info := h.task("msg_old"); info != nil {
			t.Fatalf("a task archived 91 days ago is still there: %v", info.State)
		}
		if _, err := h.insp.DeleteAllArchivedTasks(inbox.DefaultQueue); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("10000", func(t *testing.T) {
		const over = 10
		client := asynq.NewClientFromRedisClient(h.rdb)
		for i := range 10000 + over {
			task := asynq.NewTask(inbox.TaskType, nil)
			if _, err := client.Enqueue(task, asynq.TaskID(fmt.Sprintf("msg_%d", i)), asynq.Queue(inbox.DefaultQueue)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := h.insp.ArchiveAllPendingTasks(inbox.DefaultQueue); err != nil {
			t.Fatal(err)
		}
		q, err := h.insp.GetQueueInfo(inbox.DefaultQueue)
		if err != nil || q.Archived != 9999 || q.Pending != 0 {
			t.Fatalf("after archiving %d tasks: %+v, %v; want 9,999 archived", 10000+over, q, err)
		}
	})
}

// TestRunOnce: a Worker runs once; a second Run fails instead of serving
// with a closed server.
func TestRunOnce(t *testing.T) {
	h := newHarness(t)
	w := inbox.NewWorker(h.rdb, webhook.NewDispatcher(), quiet)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := w.Run(ctx); err != nil {
		t.Fatalf("first Run: %v", err)
	}
	if err := w.Run(context.Background()); err == nil || !errors.Is(err, asynq.ErrServerClosed) {
		t.Fatalf("second Run = %v; want asynq.ErrServerClosed", err)
	}
}

// TestZeroTimeoutsKeepDefaults: WithEnqueueTimeout(0) does not answer every
// delivery 503, WithShutdownTimeout(0 or less) does not abort deliveries in
// flight.
func TestZeroTimeoutsKeepDefaults(t *testing.T) {
	h := newHarness(t)
	handler := inbox.NewHandler(h.verifier, h.rdb, quiet, inbox.WithEnqueueTimeout(0))
	if c := post(handler, "msg_zero", commitBody(t, "msg_zero")); c != http.StatusAccepted {
		t.Fatalf("WithEnqueueTimeout(0): %d; want 202", c)
	}
	release := make(chan struct{})
	started := make(chan struct{})
	r := newRuns()
	r.fail = func(context.Context, *webhook.Event, int) error {
		close(started)
		<-release
		return nil
	}
	stop := h.startWorker(r.dispatcher(), inbox.WithShutdownTimeout(0), inbox.WithShutdownTimeout(-time.Second))
	<-started
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	h.waitActiveWhile(stopped, "msg_zero")
	close(release)
	<-stopped
	if info := h.task("msg_zero"); info.State != asynq.TaskStateCompleted {
		t.Fatalf("after shutdown: %v; want completed", info.State)
	}
}
