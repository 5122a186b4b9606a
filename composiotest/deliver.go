package composiotest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
	"github.com/triggergen/triggergen/webhook/webhooktest"
)

// Delivery is an event to deliver for a trigger instance, see Deliver.
type Delivery struct {
	// TriggerID is the trigger instance (ti_…) the event is for.
	TriggerID string
	// Data is the trigger payload (a JSON object); {} when nil.
	Data json.RawMessage
	// Version is the payload version: webhook.V3, V2 or V1. Empty means the
	// subscription's version (V3 unless it was created otherwise).
	Version webhook.Version
	// ID is the webhook-id header (and the V3 event id); "msg_<uuid>" when empty.
	ID string
	// Timestamp is the webhook-timestamp; the clock when zero.
	Timestamp time.Time
	// Attempt is x-composio-delivery-attempt; 1 when zero.
	Attempt int
}

// Errors of Deliver and DeliverProjectEvent.
var (
	ErrNoSubscription   = errors.New("composiotest: the project has no webhook subscription")
	ErrEventNotEnabled  = errors.New("composiotest: event type not enabled on the webhook subscription")
	ErrUnknownTrigger   = errors.New("composiotest: unknown trigger instance")
	ErrTriggerNotActive = errors.New("composiotest: trigger instance is disabled or deleted")
)

type outgoing struct {
	url, secret, version, id string
	ts                       time.Time
	attempt                  int
	body                     []byte
}

// Deliver signs an event for a trigger instance and POSTs it to the
// subscription's webhook_url, as Composio does: headers webhook-id,
// webhook-timestamp, webhook-signature (webhook.Sign with the subscription's
// current secret), x-composio-webhook-version, x-composio-delivery-attempt.
// The caller closes the response body. It fails without sending when the
// trigger instance is unknown, disabled or deleted, or the delivery is
// malformed; and, after publishing on the realtime channel, when there is no
// subscription or composio.trigger.message is not enabled.
//
// Every event Deliver sends is also published on the project's realtime
// channel (see PublishRealtime), whether or not a webhook subscription is
// set, as Composio does.
func (f *Fake) Deliver(ctx context.Context, d Delivery) (*http.Response, error) {
	out, err := f.buildDelivery(d)
	if err != nil && !errors.Is(err, ErrNoSubscription) && !errors.Is(err, ErrEventNotEnabled) {
		return nil, err
	}
	data, rerr := f.realtimeData(d)
	if rerr == nil {
		f.publish(ctx, data)
	}
	if err != nil {
		return nil, err
	}
	if rerr != nil {
		return nil, rerr
	}
	return f.send(ctx, out)
}

func (f *Fake) buildDelivery(d Delivery) (*outgoing, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.subscription
	if s == nil {
		return nil, ErrNoSubscription
	}
	if !slices.Contains(s.events, webhook.TypeTriggerMessage) {
		return nil, fmt.Errorf("%w: %s", ErrEventNotEnabled, webhook.TypeTriggerMessage)
	}
	t := f.triggerByID(d.TriggerID)
	if t == nil {
		return nil, fmt.Errorf("%w %q", ErrUnknownTrigger, d.TriggerID)
	}
	if t.Disabled || t.Deleted {
		return nil, fmt.Errorf("%w: %s", ErrTriggerNotActive, t.ID)
	}
	version := strings.ToUpper(string(d.Version))
	if version == "" {
		version = s.version
	}
	data := bytes.TrimSpace(d.Data)
	if len(data) == 0 {
		data = []byte("{}")
	}
	if !json.Valid(data) {
		return nil, errors.New("composiotest: Delivery.Data is not valid JSON")
	}
	out := &outgoing{url: s.url, secret: s.secret, version: version, id: d.ID, ts: d.Timestamp, attempt: d.Attempt}
	if out.id == "" {
		out.id = "msg_" + newUUID()
	}
	if out.ts.IsZero() {
		out.ts = f.now()
	}
	if out.attempt == 0 {
		out.attempt = 1
	}
	acfg, caUUID := "", ""
	if a := f.accountByID(t.ConnectedAccountID); a != nil {
		acfg, caUUID = a.AuthConfigID, a.uuid
	}
	var userID *string
	if t.UserID != "" {
		userID = &t.UserID
	}
	v, err := webhook.ParseVersion(version)
	if err != nil {
		return nil, fmt.Errorf("composiotest: unknown payload version %q (want V1, V2 or V3)", d.Version)
	}
	// The same encoder users' own tests sign events with.
	b, err := webhooktest.Message{
		ID: out.id, TriggerSlug: t.Slug, TriggerID: t.ID, TriggerUUID: t.uuid,
		ConnectedAccountID: t.ConnectedAccountID, ConnectedAccountUUID: caUUID, AuthConfigID: acfg,
		LogID: newID("log_"), UserID: userID, Timestamp: out.ts, Data: json.RawMessage(data),
	}.Body(v)
	if err != nil {
		return nil, fmt.Errorf("composiotest: %w", err)
	}
	out.body = b
	return out, nil
}

// DeliverProjectEvent delivers a project-level V3 event,
// composio.connected_account.expired or composio.trigger.disabled, with the
// given data, to the subscription (which must have the event enabled).
func (f *Fake) DeliverProjectEvent(ctx context.Context, eventType string, data json.RawMessage) (*http.Response, error) {
	f.mu.Lock()
	s := f.subscription
	if s == nil {
		f.mu.Unlock()
		return nil, ErrNoSubscription
	}
	if !slices.Contains(s.events, eventType) {
		f.mu.Unlock()
		return nil, fmt.Errorf("%w: %s", ErrEventNotEnabled, eventType)
	}
	out := &outgoing{url: s.url, secret: s.secret, version: "V3", id: "msg_" + newUUID(), ts: f.now(), attempt: 1}
	f.mu.Unlock()
	if len(bytes.TrimSpace(data)) == 0 {
		data = json.RawMessage("{}")
	}
	md := map[string]any{"project_id": f.opts.projectID}
	if eventType == webhook.TypeConnectedAccountExpired {
		md["org_id"] = "org_test"
	}
	b, err := marshal(map[string]any{
		"id": out.id, "type": eventType, "timestamp": out.ts.Format(time.RFC3339),
		"data": data, "metadata": md,
	})
	if err != nil {
		return nil, err
	}
	out.body = b
	return f.send(ctx, out)
}

func (f *Fake) send(ctx context.Context, out *outgoing) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, out.url, bytes.NewReader(out.body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "composiotest")
	req.Header.Set(webhook.HeaderID, out.id)
	req.Header.Set(webhook.HeaderTimestamp, strconv.FormatInt(out.ts.Unix(), 10))
	req.Header.Set(webhook.HeaderSignature, webhook.Sign(secret.New(out.secret), out.id, out.ts, out.body))
	req.Header.Set(webhook.HeaderVersion, out.version)
	req.Header.Set(webhook.HeaderDeliveryAttempt, strconv.Itoa(out.attempt))
	f.opts.log.Info("composiotest: delivering", "url", out.url, "id", out.id, "version", out.version)
	return f.opts.deliveryClient.Do(req)
}
