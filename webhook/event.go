package webhook

import (
	"encoding/json"
	"log/slog"
	"time"
)

// Version is the envelope version of a delivered event.
type Version string

const (
	V1 Version = "V1"
	V2 Version = "V2"
	V3 Version = "V3"
	// Realtime marks an event received over the realtime subscription
	// (package composio/realtime), not delivered as a webhook: Composio's
	// trigger data as the SDKs' triggers.subscribe receives it. Such an
	// event has no ID, Timestamp or LogID.
	Realtime Version = "REALTIME"
)

// Event types of the V3 envelope. Legacy envelopes are normalised to
// TypeTriggerMessage.
const (
	TypeTriggerMessage          = "composio.trigger.message"
	TypeConnectedAccountExpired = "composio.connected_account.expired"
	TypeTriggerDisabled         = "composio.trigger.disabled"
)

// Event is a delivered event, normalised across envelope versions.
type Event struct {
	// ID is the event id (V3 "id", else the webhook-id header when known).
	ID string `json:"id"`
	// Type is the V3 event type; V1 and V2 trigger events become TypeTriggerMessage.
	Type string `json:"type"`
	// Version is the envelope version the event arrived in.
	Version Version `json:"version"`
	// Timestamp is when the event was emitted (zero when the envelope has none).
	Timestamp time.Time `json:"timestamp,omitzero"`
	// TriggerSlug is the trigger type slug in upper case, e.g. GITHUB_COMMIT_EVENT.
	TriggerSlug string `json:"trigger_slug,omitempty"`
	// TriggerID is the trigger instance id.
	TriggerID string `json:"trigger_id,omitempty"`
	// ConnectedAccountID is the connected account the trigger belongs to.
	ConnectedAccountID string `json:"connected_account_id,omitempty"`
	// AuthConfigID is the auth config of the connected account (V3 only).
	AuthConfigID string `json:"auth_config_id,omitempty"`
	// UserID is the user the trigger belongs to; nil when Composio sends null
	// or the envelope has none.
	UserID *string `json:"user_id"`
	// LogID is Composio's log id for the delivery.
	LogID string `json:"log_id,omitempty"`
	// Data is the trigger's payload (V3 data, V2 data, V1 payload) as sent.
	Data json.RawMessage `json:"data"`
}

// LogAttrs are the log attributes that name the event: its version, type
// and, for a trigger event, its trigger slug.
func (ev *Event) LogAttrs() []slog.Attr {
	attrs := []slog.Attr{slog.String("version", string(ev.Version)), slog.String("type", ev.Type)}
	if ev.TriggerSlug != "" {
		attrs = append(attrs, slog.String("trigger_slug", ev.TriggerSlug))
	}
	return attrs
}
