package composio

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/triggergen/triggergen/gen"
	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
)

// Subscription is the project's webhook subscription: where Composio
// delivers events, and the secret their signatures are made with.
type Subscription struct {
	// ID is the subscription id (whs_…).
	ID string
	// URL receives the events.
	URL string
	// Version is the payload version deliveries are made in.
	Version webhook.Version
	// EnabledEvents are the delivered event types.
	EnabledEvents []string
	// Secret signs the deliveries; it never prints (see package secret).
	// It is zero when the response did not include it.
	Secret    secret.Value
	CreatedAt time.Time
	UpdatedAt time.Time
}

func subscriptionFromGen(s gen.WebhookSubscription) Subscription {
	return Subscription{
		ID:            s.ID,
		URL:           s.WebhookURL,
		Version:       webhook.Version(s.Version),
		EnabledEvents: s.EnabledEvents,
		Secret:        secret.New(deref(s.Secret)),
		CreatedAt:     parseTimePtr(s.CreatedAt),
		UpdatedAt:     parseTimePtr(s.UpdatedAt),
	}
}

// SubscriptionParams are the inputs of SetSubscription.
type SubscriptionParams struct {
	// URL receives the events; required.
	URL string
	// Events are the delivered event types (default: only
	// webhook.TypeTriggerMessage).
	Events []string
	// Version is the payload version (default webhook.V3).
	Version webhook.Version
}

// SetSubscription points the project's webhook subscription (there is one
// per project) at p.URL: it updates the existing subscription, or creates
// one when there is none, as the official SDKs' subscriptions.set does.
func (c *Client) SetSubscription(ctx context.Context, p SubscriptionParams, opts ...Option) (*Subscription, error) {
	const op = "set webhook subscription"
	if strings.TrimSpace(p.URL) == "" {
		return nil, errorf(op, "empty URL")
	}
	s, err := c.callSettings(opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	events := p.Events
	if len(events) == 0 {
		events = []string{webhook.TypeTriggerMessage}
	}
	version := gen.WebhookVersion(p.Version)
	if version == "" {
		version = gen.WebhookVersion(webhook.V3)
	}
	url := p.URL
	existing, err := c.firstSubscription(ctx, s, op)
	if err != nil {
		return nil, err
	}
	var sub *gen.WebhookSubscription
	if existing != nil {
		body := gen.UpdateWebhookSubscriptionRequest{WebhookURL: &url, EnabledEvents: &events, Version: &version}
		sub, _, err = call[gen.WebhookSubscription](ctx, c, s, request{op: op, retry: true, send: func(ctx context.Context, edit gen.RequestEditorFn) (*http.Response, error) {
			return c.api.UpdateWebhookSubscription(ctx, existing.ID, body, edit)
		}})
	} else {
		body := gen.CreateWebhookSubscriptionRequest{WebhookURL: url, EnabledEvents: events, Version: &version}
		// Not retried: a lost response would make a second subscription
		// (or a 409).
		sub, _, err = call[gen.WebhookSubscription](ctx, c, s, request{op: op, retry: false, send: func(ctx context.Context, edit gen.RequestEditorFn) (*http.Response, error) {
			return c.api.CreateWebhookSubscription(ctx, body, edit)
		}})
	}
	if err != nil {
		return nil, err
	}
	out := subscriptionFromGen(*sub)
	return &out, nil
}

func (c *Client) firstSubscription(ctx context.Context, s *settings, op string) (*gen.WebhookSubscription, error) {
	params := &gen.ListWebhookSubscriptionsParams{Limit: ptr(1)}
	page, _, err := call[gen.WebhookSubscriptionPage](ctx, c, s, request{op: op, retry: true, send: func(ctx context.Context, edit gen.RequestEditorFn) (*http.Response, error) {
		return c.api.ListWebhookSubscriptions(ctx, params, edit)
	}})
	if err != nil {
		return nil, err
	}
	if len(page.Items) == 0 {
		return nil, nil
	}
	return &page.Items[0], nil
}

// Subscription returns the project's webhook subscription, or an error
// matching ErrNotFound when there is none.
func (c *Client) Subscription(ctx context.Context, opts ...Option) (*Subscription, error) {
	const op = "get webhook subscription"
	s, err := c.callSettings(opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	first, err := c.firstSubscription(ctx, s, op)
	if err != nil {
		return nil, err
	}
	if first == nil {
		return nil, fmt.Errorf("%s: %w: the project has no webhook subscription (use SetSubscription)", op, ErrNotFound)
	}
	if first.Secret == nil { // list items may omit the secret; the item itself has it
		id := first.ID
		if first, _, err = call[gen.WebhookSubscription](ctx, c, s, request{op: op, retry: true, send: func(ctx context.Context, edit gen.RequestEditorFn) (*http.Response, error) {
			return c.api.GetWebhookSubscription(ctx, id, edit)
		}}); err != nil {
			return nil, err
		}
	}
	out := subscriptionFromGen(*first)
	return &out, nil
}

// EventType is an event type a subscription can enable.
type EventType struct {
	// Type is e.g. webhook.TypeTriggerMessage.
	Type        string
	Description string
	// SupportedVersions are the payload versions it is delivered in.
	SupportedVersions []webhook.Version
}

// EventTypes lists the event types a subscription can enable.
func (c *Client) EventTypes(ctx context.Context, opts ...Option) ([]EventType, error) {
	const op = "list webhook event types"
	s, err := c.callSettings(opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	l, _, err := call[gen.WebhookEventTypeList](ctx, c, s, request{op: op, retry: true, send: func(ctx context.Context, edit gen.RequestEditorFn) (*http.Response, error) {
		return c.api.ListWebhookEventTypes(ctx, edit)
	}})
	if err != nil {
		return nil, err
	}
	out := make([]EventType, 0, len(l.Items))
	for _, it := range l.Items {
		vs := make([]webhook.Version, len(it.SupportedVersions))
		for i, v := range it.SupportedVersions {
			vs[i] = webhook.Version(v)
		}
		out = append(out, EventType{Type: it.EventType, Description: it.Description, SupportedVersions: vs})
	}
	return out, nil
}

// RotateSubscriptionSecret replaces the subscription's signing secret and
// returns the new one; the old one stops verifying at once. It is not
// retried: a lost response would leave the caller without the new secret.
func (c *Client) RotateSubscriptionSecret(ctx context.Context, id string, opts ...Option) (secret.Value, error) {
	op := "rotate webhook subscription secret " + id
	if strings.TrimSpace(id) == "" {
		return secret.Value{}, errorf(op, "empty subscription id")
	}
	s, err := c.callSettings(opts)
	if err != nil {
		return secret.Value{}, fmt.Errorf("%s: %w", op, err)
	}
	res, _, err := call[gen.RotateWebhookSubscriptionSecretResult](ctx, c, s, request{op: op, retry: false, send: func(ctx context.Context, edit gen.RequestEditorFn) (*http.Response, error) {
		return c.api.RotateWebhookSubscriptionSecret(ctx, id, edit)
	}})
	if err != nil {
		return secret.Value{}, err
	}
	if res.Secret == "" {
		return secret.Value{}, errors.New(op + ": response has no secret")
	}
	return secret.New(res.Secret), nil
}

// DeleteSubscription deletes the webhook subscription; events are no
// longer delivered.
func (c *Client) DeleteSubscription(ctx context.Context, id string, opts ...Option) error {
	op := "delete webhook subscription " + id
	if strings.TrimSpace(id) == "" {
		return errorf(op, "empty subscription id")
	}
	s, err := c.callSettings(opts)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	_, err = c.do(ctx, s, request{op: op, retry: true, send: func(ctx context.Context, edit gen.RequestEditorFn) (*http.Response, error) {
		return c.api.DeleteWebhookSubscription(ctx, id, edit)
	}})
	return err
}
