package inbox_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/triggergen/triggergen/webhook"
	"github.com/triggergen/triggergen/webhook/inbox"
)

// The test binary doubles as a worker process that TestWorkerKilledMidTask
// kills: with helperEnv set to a Redis address, TestMain runs helperWorker
// instead of the tests.
const helperEnv = "TRIGGERGEN_INBOX_HELPER_REDIS"

func TestMain(m *testing.M) {
	if addr := os.Getenv(helperEnv); addr != "" {
		helperWorker(addr)
		return
	}
	if os.Getenv(fatalEnv) != "" {
		helperFatal()
		return
	}
	os.Exit(m.Run())
}

// helperWorker runs a Worker whose handler prints "running <id>" and then
// blocks for good: it is in the middle of its task when the test kills the
// process.
func helperWorker(addr string) {
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	d := webhook.NewDispatcher()
	d.Fallback(func(ctx context.Context, ev *webhook.Event) error {
		fmt.Printf("running %s\n", ev.ID)
		<-ctx.Done()
		return ctx.Err()
	})
	w := inbox.NewWorker(rdb, d, append(fast, quiet)...)
	if err := w.Run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// TestWorkerKilledMidTask: a worker process dies (SIGKILL, no graceful
// shutdown) while it runs a delivery. The task stays leased to it, so a
// live worker does not take it; once the lease has expired, another worker
// handles it.
//
// asynq fixes the lease at 30 s and looks for expired leases at start and
// then every minute, counting a lease expired 30 s after its deadline (for
// clock skew): up to two minutes of real time. The test instead ages the
// lease in Redis (the score of the task in asynq's lease set is its
// deadline in unix seconds) and starts a worker, whose recoverer runs at
// start.
func TestWorkerKilledMidTask(t *testing.T) {
	h := newHarness(t)
	handler := inbox.NewHandler(h.verifier, h.rdb, testLog(t))

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+h.redis.Addr)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	t.Cleanup(func() {
		if !killed {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	if c := post(handler, "msg_orphan", commitBody(t, "msg_orphan")); c != http.StatusAccepted {
		t.Fatal(c)
	}
	running := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		running <- strings.TrimSpace(line)
	}()
	select {
	case line := <-running:
		if line != "running msg_orphan" {
			t.Fatalf("helper worker printed %q\n%s", line, stderr.String())
		}
	case <-time.After(waitLimit):
		t.Fatalf("the helper worker did not start the task\n%s", stderr.String())
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	killed = true

	// A live worker handles new deliveries but leaves the leased one alone.
	r := newRuns()
	stop := h.startWorker(r.dispatcher())
	post(handler, "msg_probe", commitBody(t, "msg_probe"))
	h.waitState("msg_probe", asynq.TaskStateCompleted)
	if info := h.task("msg_orphan"); info.State != asynq.TaskStateActive || r.of("msg_orphan") != 0 {
		t.Fatalf("orphaned task while its lease holds: %v, %d runs; want active, 0", info.State, r.of("msg_orphan"))
	}
	stop()

	lease := "asynq:{" + inbox.DefaultQueue + "}:lease"
	if n, err := h.rdb.ZAddXX(context.Background(), lease, redisZ(time.Now().Add(-2*time.Minute), "msg_orphan")).Result(); err != nil || n != 0 {
		t.Fatalf("aging the lease: %d, %v", n, err)
	}
	h.startWorker(r.dispatcher())
	info := h.waitState("msg_orphan", asynq.TaskStateCompleted)
	if n := r.of("msg_orphan"); n != 1 || info.Retried != 1 || info.LastErr != asynq.ErrLeaseExpired.Error() {
		t.Fatalf("after the lease expired: %d runs, retried %d, last error %q; want 1, 1, %q", n, info.Retried, info.LastErr, asynq.ErrLeaseExpired)
	}
}

// TestRedisRestartLosesNothing: deliveries acknowledged (202) by a Redis
// with append-only persistence, fsynced on every write, survive a crash of
// Redis (SIGKILL, no shutdown save) and a restart; a worker started
// afterwards handles each once.
func TestRedisRestartLosesNothing(t *testing.T) {
	const n = 200
	h := newHarness(t, "--appendonly", "yes", "--appendfsync", "always")
	handler := inbox.NewHandler(h.verifier, h.rdb, testLog(t))
	for i := range n {
		id := fmt.Sprintf("msg_aof_%d", i)
		if c := post(handler, id, commitBody(t, id)); c != http.StatusAccepted {
			t.Fatalf("%s: %d", id, c)
		}
	}
	h.redis.Kill()
	h.redis.Restart()
	if !strings.Contains(h.redis.Log(), "DB loaded from append only file") {
		t.Fatalf("Redis did not load its append-only file:\n%s", h.redis.Log())
	}
	if q, err := h.insp.GetQueueInfo(inbox.DefaultQueue); err != nil || q.Pending != n {
		t.Fatalf("after the restart: %+v, %v; want %d pending", q, err, n)
	}

	r := newRuns()
	h.startWorker(r.dispatcher())
	waitFor(t, "every delivery handled", func() bool {
		q, err := h.insp.GetQueueInfo(inbox.DefaultQueue)
		return err == nil && q.Completed == n
	})
	runs := r.snapshot()
	for i := range n {
		if id := fmt.Sprintf("msg_aof_%d", i); runs[id] != 1 {
			t.Errorf("%s ran %d times; want 1", id, runs[id])
		}
	}
	if len(runs) != n {
		t.Errorf("%d ids handled; want %d", len(runs), n)
	}
}
