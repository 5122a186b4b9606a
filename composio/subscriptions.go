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
)

// EventTriggerMessage is the event type of trigger events, the default of
// SetSubscription.
const EventTriggerMessage = "composio.trigger.message"

// Subscription is the project's webhook subscription: where Composio
// delivers events, and the secret their signatures are made with.
type Subscription struct {
	// ID is the subscription id (whs_…).
	ID string
	// URL receives the events.
	URL string
	// Version is the payload version, "V1", "V2" or "V3".
	Version string
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
		Version:       string(s.Version),
		EnabledEvents: s.EnabledEvents,
		Secret:        secret.New(deref(s.Secret)),
		CreatedAt:     parseTimePtr(s.CreatedAt),
		UpdatedAt:     parseTimePtr(s.UpdatedAt),
	}
}

// SubscriptionOption adjusts SetSubscription.
type SubscriptionOption func(*subscriptionSettings)

type subscriptionSettings struct {
	events  []string
	version string
}

// WithEvents sets the delivered event types (default: only
// EventTriggerMessage).
func WithEvents(events ...string) SubscriptionOption {
	return func(s *subscriptionSettings) { s.events = events }
}

// WithPayloadVersion sets the payload version, "V1", "V2" or "V3" (default
// "V3").
func WithPayloadVersion(v string) SubscriptionOption {
	return func(s *subscriptionSettings) { s.version = v }
}

// SetSubscription points the project's webhook subscription (there is one
// per project) at url: it updates the existing subscription, or creates one
// when there is none, as the official SDKs' subscriptions.set does.
func (c *Client) SetSubscription(ctx context.Context, url string, opts ...SubscriptionOption) (*Subscription, error) {
	const op = "set webhook subscription"
	if strings.TrimSpace(url) == "" {
		return nil, errorf(op, "empty URL")
	}
	s := subscriptionSettings{events: []string{EventTriggerMessage}, version: string(gen.WebhookVersionV3)}
	for _, o := range opts {
		o(&s)
	}
	if len(s.events) == 0 {
		return nil, errorf(op, "no event types")
	}
	version := gen.WebhookVersion(s.version)
	existing, err := c.firstSubscription(ctx, op)
	if err != nil {
		return nil, err
	}
	var r *response
	if existing != nil {
		body := gen.UpdateWebhookSubscriptionRequest{WebhookURL: &url, EnabledEvents: &s.events, Version: &version}
		r, err = c.do(ctx, request{op: op, retry: true, send: func(ctx context.Context) (*http.Response, error) {
			return c.api.UpdateWebhookSubscription(ctx, existing.ID, body)
		}})
	} else {
		body := gen.CreateWebhookSubscriptionRequest{WebhookURL: url, EnabledEvents: s.events, Version: &version}
		// Not retried: a lost response would make a second subscription
		// (or a 409).
		r, err = c.do(ctx, request{op: op, retry: false, send: func(ctx context.Context) (*http.Response, error) {
			return c.api.CreateWebhookSubscription(ctx, body)
		}})
	}
	if err != nil {
		return nil, err
	}
	sub, err := decode[gen.WebhookSubscription](op, r)
	if err != nil {
		return nil, err
	}
	out := subscriptionFromGen(*sub)
	return &out, nil
}

func (c *Client) firstSubscription(ctx context.Context, op string) (*gen.WebhookSubscription, error) {
	params := &gen.ListWebhookSubscriptionsParams{Limit: ptr(1)}
	page, _, err := call[gen.WebhookSubscriptionPage](ctx, c, request{op: op, retry: true, send: func(ctx context.Context) (*http.Response, error) {
		return c.api.ListWebhookSubscriptions(ctx, params)
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
func (c *Client) Subscription(ctx context.Context) (*Subscription, error) {
	const op = "get webhook subscription"
	first, err := c.firstSubscription(ctx, op)
	if err != nil {
		return nil, err
	}
	if first == nil {
		return nil, fmt.Errorf("%s: %w: the project has no webhook subscription (use SetSubscription)", op, ErrNotFound)
	}
	if first.Secret == nil { // list items may omit the secret; the item itself has it
		id := first.ID
		r, err := c.do(ctx, request{op: op, retry: true, send: func(ctx context.Context) (*http.Response, error) {
			return c.api.GetWebhookSubscription(ctx, id)
		}})
		if err != nil {
			return nil, err
		}
		if first, err = decode[gen.WebhookSubscription](op, r); err != nil {
			return nil, err
		}
	}
	out := subscriptionFromGen(*first)
	return &out, nil
}

// EventType is an event type a subscription can enable.
type EventType struct {
	// Type is e.g. "composio.trigger.message".
	Type        string
	Description string
	// SupportedVersions are the payload versions it is delivered in.
	SupportedVersions []string
}

// EventTypes lists the event types a subscription can enable.
func (c *Client) EventTypes(ctx context.Context) ([]EventType, error) {
	const op = "list webhook event types"
	l, _, err := call[gen.WebhookEventTypeList](ctx, c, request{op: op, retry: true, send: func(ctx context.Context) (*http.Response, error) {
		return c.api.ListWebhookEventTypes(ctx)
	}})
	if err != nil {
		return nil, err
	}
	out := make([]EventType, 0, len(l.Items))
	for _, it := range l.Items {
		vs := make([]string, len(it.SupportedVersions))
		for i, v := range it.SupportedVersions {
			vs[i] = string(v)
		}
		out = append(out, EventType{Type: it.EventType, Description: it.Description, SupportedVersions: vs})
	}
	return out, nil
}

// RotateSubscriptionSecret replaces the subscription's signing secret and
// returns the new one; the old one stops verifying at once. It is not
// retried: a lost response would leave the caller without the new secret.
func (c *Client) RotateSubscriptionSecret(ctx context.Context, id string) (secret.Value, error) {
	op := "rotate webhook subscription secret " + id
	if strings.TrimSpace(id) == "" {
		return secret.Value{}, errorf(op, "empty subscription id")
	}
	res, _, err := call[gen.RotateWebhookSubscriptionSecretResult](ctx, c, request{op: op, retry: false, send: func(ctx context.Context) (*http.Response, error) {
		return c.api.RotateWebhookSubscriptionSecret(ctx, id)
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
func (c *Client) DeleteSubscription(ctx context.Context, id string) error {
	op := "delete webhook subscription " + id
	if strings.TrimSpace(id) == "" {
		return errorf(op, "empty subscription id")
	}
	_, err := c.do(ctx, request{op: op, retry: true, send: func(ctx context.Context) (*http.Response, error) {
		return c.api.DeleteWebhookSubscription(ctx, id)
	}})
	return err
}
