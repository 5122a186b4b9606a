package bench

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/triggergen/triggergen/internal/redistest"
	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
	"github.com/triggergen/triggergen/webhook/inbox"
)

// BenchmarkInboxEnqueue drives the inbox's enqueue side (inbox.NewHandler:
// verify, decode, store one asynq task per delivery in Redis, answer 202)
// with the load generator of BenchmarkReceiver and the same real V3 event,
// so the two compare in one run. Redis (a redis-server on loopback, one per
// sub-benchmark) persists with append-only files, fsynced once a second
// (appendfsync=everysec, Redis's default with append-only) or before each
// answer (appendfsync=always, what the inbox's no-loss test uses). No worker
// runs: this is the cost of taking a delivery, not of handling it.
func BenchmarkInboxEnqueue(b *testing.B) {
	for _, fsync := range []string{"everysec", "always"} {
		for _, c := range []int{1, 16, 64} {
			b.Run(fmt.Sprintf("fsync=%s/c=%d", fsync, c), func(b *testing.B) { benchInbox(b, fsync, c) })
		}
	}
}

// inboxRuns numbers the runs of benchInbox, so that no run's webhook-ids
// are taken for duplicates of an earlier run's.
var inboxRuns atomic.Int64

func benchInbox(b *testing.B, fsync string, conc int) {
	body := readEvent(b, "v3-composio-docs-receiving-events-github-commit.json")
	ver, err := webhook.NewVerifier(secret.New(benchKey))
	if err != nil {
		b.Fatal(err)
	}
	rdb := redistest.Start(b, "--appendonly", "yes", "--appendfsync", fsync).Client()
	var stored atomic.Int64
	h := inbox.NewHandler(ver, rdb, inbox.WithLogger(slog.New(slog.DiscardHandler)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		if rec.status == http.StatusAccepted {
			stored.Add(1)
		}
	}))
	defer srv.Close()
	prefix := fmt.Sprintf("msg_inbox_%d_", inboxRuns.Add(1))
	loadHTTP(b, conc, srv.URL, body, http.StatusAccepted, prefix, func() int { return int(stored.Load()) })
}

// statusRecorder notes the status a handler answers.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}
