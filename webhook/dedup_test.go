package webhook_test

import (
	"testing"
	"time"

	"github.com/triggergen/triggergen/webhook"
	"github.com/triggergen/triggergen/webhook/internal/deduptest"
)

func TestWebhookMemoryDeduperConformance(t *testing.T) {
	deduptest.Conformance(t, func(_ *testing.T, lease, ttl time.Duration) (webhook.Deduper, deduptest.Advance) {
		clk := deduptest.NewClock()
		return webhook.NewMemoryDeduper(0, ttl, webhook.WithLease(lease), webhook.WithDedupClock(clk.Now)), clk.Advance
	})
}
