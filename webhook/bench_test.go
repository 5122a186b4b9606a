package webhook_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
	"github.com/triggergen/triggergen/webhook/webhooktest"
)

var benchSizes = []struct {
	name string
	n    int
}{{"1KB", 1 << 10}, {"16KB", 16 << 10}, {"256KB", 256 << 10}}

func benchBody(n int) []byte {
	head := `{"id":"msg_b","type":"composio.trigger.message","timestamp":"2026-01-15T10:30:00Z","metadata":{"log_id":"l","trigger_slug":"GITHUB_COMMIT_EVENT","trigger_id":"ti","connected_account_id":"ca","auth_config_id":"ac","user_id":"u"},"data":{"commit_sha":"a1b2c3d","author":"jane","message":"`
	tail := `"}}`
	return []byte(head + strings.Repeat("x", max(n-len(head)-len(tail), 0)) + tail)
}

// BenchmarkVerify measures Verifier.VerifyParts; compare with
// BenchmarkHMACBaseline over the same signed content.
func BenchmarkVerify(b *testing.B) {
	const key = "bench-secret"
	ts := time.Unix(1_768_262_400, 0)
	tsStr := strconv.FormatInt(ts.Unix(), 10)
	ver, err := webhook.NewVerifier(secret.New(key), webhook.WithClock(func() time.Time { return ts }))
	if err != nil {
		b.Fatal(err)
	}
	for _, s := range benchSizes {
		body := benchBody(s.n)
		sig := webhook.Sign(secret.New(key), "msg_bench", ts, body)
		b.Run(s.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if err := ver.VerifyParts("msg_bench", tsStr, sig, body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHMACBaseline is bare crypto/hmac SHA-256 over the signed content.
func BenchmarkHMACBaseline(b *testing.B) {
	key := []byte("bench-secret")
	for _, s := range benchSizes {
		body := benchBody(s.n)
		b.Run(s.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				m := hmac.New(sha256.New, key)
				m.Write([]byte("msg_bench.1768262400."))
				m.Write(body)
				_ = m.Sum(nil)
			}
		})
	}
}

// BenchmarkDecodeEnvelope decodes a V3 and a V2 envelope.
func BenchmarkDecodeEnvelope(b *testing.B) {
	events := loadEvents(b)
	for _, name := range []string{
		"v3-composio-sdk-fixture-sanitized-capture-github-push.RAW.json",
		"v2-composio-sdk-fixture-sanitized-capture-github-push.RAW.json",
		"v1-composio-sdk-fixture-sanitized-capture-github-push.RAW.json",
	} {
		body := events[name]
		b.Run(name[:2], func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := webhook.Decode(nil, body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHandler runs verify, decode and typed dispatch through the
// http.Handler, in parallel. Requests are signed up front; the duplicate
// filter is off because the ids repeat (its cost is a map lookup).
func BenchmarkHandler(b *testing.B) {
	const key = "bench-secret"
	ver, _ := webhook.NewVerifier(secret.New(key))
	d := webhook.NewDispatcher()
	onCommitEvent(d, func(context.Context, *webhook.Event, *commitPayload) error { return nil })
	h := webhook.NewHandler(ver, d, webhook.WithLogger(slog.New(slog.DiscardHandler)), webhook.WithDeduper(nil))
	body := benchBody(1 << 10)
	const nreq = 256
	headers := make([]http.Header, nreq)
	now := time.Now()
	for i := range headers {
		headers[i] = webhooktest.Headers(secret.New(key), body, webhooktest.WithID(fmt.Sprintf("msg_%d", i)), webhooktest.WithTimestamp(now))
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
			r.Header = headers[i%nreq]
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if rec.Code != 200 {
				b.Fatalf("status %d", rec.Code)
			}
			i++
		}
	})
}
