package composio_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/composiotest"
	"github.com/triggergen/triggergen/webhook"
)

func TestSubscriptionSetTwiceUpdates(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	c := newClient(t, srv)
	ctx := ctxT(t)
	if _, err := c.Subscription(ctx); !errors.Is(err, composio.ErrNotFound) {
		t.Fatalf("before set: %v, want ErrNotFound", err)
	}
	first, err := c.SetSubscription(ctx, composio.SubscriptionParams{URL: "https://example.com/a"})
	if err != nil {
		t.Fatal(err)
	}
	if first.Version != "V3" || !slices.Equal(first.EnabledEvents, []string{webhook.TypeTriggerMessage}) || first.Secret.IsZero() {
		t.Errorf("defaults: %+v", first)
	}
	second, err := c.SetSubscription(ctx, composio.SubscriptionParams{URL: "https://example.com/b", Events: []string{webhook.TypeTriggerMessage, webhook.TypeTriggerDisabled}, Version: webhook.V3})
	if err != nil {
		t.Fatal(err)
	}
	if second.ID != first.ID {
		t.Errorf("second set made a new subscription: %s vs %s", second.ID, first.ID)
	}
	if n := len(requests(srv, "POST", "/webhook_subscriptions")); n != 1 {
		t.Errorf("%d creates, want 1", n)
	}
	if n := len(requests(srv, "PATCH", "/webhook_subscriptions/")); n != 1 {
		t.Errorf("%d updates, want 1", n)
	}
	url, sec, ok := srv.Subscription()
	if !ok || url != "https://example.com/b" {
		t.Errorf("stored url = %q", url)
	}
	got, err := c.Subscription(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.URL != "https://example.com/b" || len(got.EnabledEvents) != 2 || !got.Secret.Equal(sec) || got.CreatedAt.IsZero() {
		t.Errorf("get: %+v", got)
	}

	rotated, err := c.RotateSubscriptionSecret(ctx, got.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, sec2, _ := srv.Subscription(); !rotated.Equal(sec2) || sec2.Equal(sec) {
		t.Error("rotated secret is not the stored new one")
	}

	if err := c.DeleteSubscription(ctx, got.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Subscription(ctx); !errors.Is(err, composio.ErrNotFound) {
		t.Errorf("after delete: %v", err)
	}
}

func TestEventTypes(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	c := newClient(t, srv)
	ets, err := c.EventTypes(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(ets, func(e composio.EventType) bool { return e.Type == webhook.TypeTriggerMessage })
	if i < 0 || !slices.Contains(ets[i].SupportedVersions, "V3") || ets[i].Description == "" {
		t.Errorf("event types = %+v", ets)
	}
}
