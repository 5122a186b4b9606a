package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/triggergen/triggergen/catalog/github"
	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
	"github.com/triggergen/triggergen/webhook/webhooktest"
)

// receiverTimeLimit bounds one BenchmarkReceiver run whatever b.N is.
const receiverTimeLimit = 60 * time.Second

// BenchmarkReceiver drives webhook.NewHandler (verifier, default in-memory
// duplicate filter, dispatcher with a typed github.OnCommitEvent handler)
// behind httptest.NewServer on loopback with a Go load generator: c
// goroutines share one http.Client and POST signed deliveries of a real
// V3 event, each with its own webhook-id, signed before the timer starts.
// One op is one request; it reports req/s and the p50/p99 latency seen by
// the client. Client and server share the machine's cores.
func BenchmarkReceiver(b *testing.B) {
	for _, c := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("c=%d", c), func(b *testing.B) { benchReceiver(b, c) })
	}
}

func benchReceiver(b *testing.B, conc int) {
	body := readEvent(b, "v3-composio-docs-receiving-events-github-commit.json")
	ver, err := webhook.NewVerifier(secret.New(benchKey))
	if err != nil {
		b.Fatal(err)
	}
	var handled atomic.Int64
	d := webhook.NewDispatcher()
	github.OnCommitEvent(d, func(_ context.Context, _ *webhook.Event, p *github.CommitEventPayload) error {
		if p.Message == "" {
			return fmt.Errorf("no message")
		}
		handled.Add(1)
		return nil
	})
	srv := httptest.NewServer(webhook.NewHandler(ver, d, webhook.WithLogger(slog.New(slog.DiscardHandler))))
	defer srv.Close()
	loadHTTP(b, conc, srv.URL, body, http.StatusOK, "msg_bench_", func() int { return int(handled.Load()) })
}

// benchKey signs the deliveries of the load benchmarks.
const benchKey = "bench-secret"

// loadHTTP is the load generator of BenchmarkReceiver and
// BenchmarkInboxEnqueue: conc goroutines share one http.Client and POST b.N
// deliveries of body to url, each with its own webhook-id (prefix and a
// number), signed before the timer starts; every answer must be want. It
// reports req/s, and the p50/p99 latency seen by the client; done returns
// how many deliveries the server side counts as taken.
func loadHTTP(b *testing.B, conc int, url string, body []byte, want int, prefix string, done func() int) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: conc, MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc}}
	defer client.CloseIdleConnections()

	n := b.N
	now := time.Now()
	headers := make([]http.Header, n)
	for i := range headers {
		headers[i] = webhooktest.Headers(secret.New(benchKey), body, webhooktest.WithID(fmt.Sprintf("%s%d", prefix, i)), webhooktest.WithTimestamp(now))
	}
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var failed atomic.Value
	deadline := time.Now().Add(receiverTimeLimit)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n || failed.Load() != nil || time.Now().After(deadline) {
					return
				}
				req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
				req.Header = headers[i].Clone()
				t0 := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != want {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				lat[i] = time.Since(t0)
				if err != nil {
					failed.Store(err)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if err := failed.Load(); err != nil {
		b.Fatal(err)
	}
	taken := done()
	if taken == 0 {
		b.Fatal("no request handled")
	}
	if taken < n {
		b.Logf("time limit: %d of %d requests sent", taken, n)
	}
	got := slices.DeleteFunc(lat, func(d time.Duration) bool { return d == 0 })
	slices.Sort(got)
	b.ReportMetric(float64(taken)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(got[len(got)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(got[min(len(got)-1, len(got)*99/100)].Microseconds()), "p99-µs")
}
