package realtime

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/triggergen/triggergen/webhook"
)

// Message is one trigger event as the realtime channel carries it: the
// trigger data the SDKs' triggers.subscribe receives (appName, payload,
// originalPayload, metadata). Handlers reach it with FromContext; Event
// holds what a webhook delivery would.
type Message struct {
	// Toolkit is appName, lower-cased, e.g. "github".
	Toolkit string
	// TriggerSlug is metadata.triggerName, upper-cased, e.g. GITHUB_COMMIT_EVENT.
	TriggerSlug string
	// TriggerID is metadata.nanoId, the trigger instance (ti_…).
	TriggerID string
	// TriggerUUID is metadata.id, the trigger's internal id.
	TriggerUUID string
	// TriggerConfig is metadata.triggerConfig, the trigger's config as sent.
	TriggerConfig json.RawMessage
	// TriggerData is metadata.triggerData, provider details as sent (a
	// string holding JSON in the samples).
	TriggerData string
	// ConnectedAccountID is metadata.connection.connectedAccountNanoId (ca_…).
	ConnectedAccountID string
	// ConnectedAccountUUID is metadata.connection.id.
	ConnectedAccountUUID string
	// AuthConfigID is metadata.connection.authConfigNanoId (ac_…).
	AuthConfigID string
	// UserID is metadata.connection.clientUniqueUserId.
	UserID string
	// ConnectionStatus is metadata.connection.status, e.g. ACTIVE.
	ConnectionStatus string
	// Payload is the trigger's payload, as a webhook delivers it in data.
	Payload json.RawMessage
	// OriginalPayload is what the provider sent Composio.
	OriginalPayload json.RawMessage
}

// wireMessage is the trigger data as sent; see testdata/realtime.
type wireMessage struct {
	AppName         string          `json:"appName"`
	Payload         json.RawMessage `json:"payload"`
	OriginalPayload json.RawMessage `json:"originalPayload"`
	Metadata        struct {
		ID               string          `json:"id"`
		NanoID           string          `json:"nanoId"`
		ConnectionID     string          `json:"connectionId"`
		ConnectionNanoID string          `json:"connectionNanoId"`
		TriggerName      string          `json:"triggerName"`
		TriggerData      json.RawMessage `json:"triggerData"`
		TriggerConfig    json.RawMessage `json:"triggerConfig"`
		Connection       struct {
			ID                     string `json:"id"`
			ConnectedAccountNanoID string `json:"connectedAccountNanoId"`
			AuthConfigNanoID       string `json:"authConfigNanoId"`
			ClientUniqueUserID     string `json:"clientUniqueUserId"`
			Status                 string `json:"status"`
		} `json:"connection"`
	} `json:"metadata"`
}

// ParseMessage decodes the data of a trigger_to_client event (or of a
// reassembled chunked one). It needs metadata.triggerName; everything else
// may be missing.
func ParseMessage(data []byte) (*Message, error) {
	var w wireMessage
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, fmt.Errorf("realtime: decode trigger event: %w", err)
	}
	md := w.Metadata
	if md.TriggerName == "" {
		return nil, fmt.Errorf("realtime: decode trigger event: no metadata.triggerName")
	}
	m := &Message{
		Toolkit:              strings.ToLower(w.AppName),
		TriggerSlug:          strings.ToUpper(md.TriggerName),
		TriggerID:            md.NanoID,
		TriggerUUID:          md.ID,
		TriggerConfig:        nonNull(md.TriggerConfig),
		TriggerData:          jsonText(md.TriggerData),
		ConnectedAccountID:   cmp.Or(md.Connection.ConnectedAccountNanoID, md.ConnectionNanoID),
		ConnectedAccountUUID: cmp.Or(md.Connection.ID, md.ConnectionID),
		AuthConfigID:         md.Connection.AuthConfigNanoID,
		UserID:               md.Connection.ClientUniqueUserID,
		ConnectionStatus:     md.Connection.Status,
		Payload:              nonNull(w.Payload),
		OriginalPayload:      nonNull(w.OriginalPayload),
	}
	return m, nil
}

// Event is m as the webhook.Event a V3 delivery of it would decode to, with
// Version webhook.Realtime: Type composio.trigger.message, the slug, trigger
// id, connected account, auth config and user, and Data = Payload. ID,
// Timestamp and LogID are empty: the realtime channel carries none.
func (m *Message) Event() *webhook.Event {
	ev := &webhook.Event{
		Type:               webhook.TypeTriggerMessage,
		Version:            webhook.Realtime,
		TriggerSlug:        m.TriggerSlug,
		TriggerID:          m.TriggerID,
		ConnectedAccountID: m.ConnectedAccountID,
		AuthConfigID:       m.AuthConfigID,
		Data:               m.Payload,
	}
	if m.UserID != "" {
		ev.UserID = &m.UserID
	}
	return ev
}

type messageKey struct{}

// FromContext returns the realtime Message whose event a handler is
// running for, when the handler was called by Subscribe: its toolkit,
// original payload and trigger config, which webhook.Event does not carry.
func FromContext(ctx context.Context) (*Message, bool) {
	m, ok := ctx.Value(messageKey{}).(*Message)
	return m, ok
}

// Filter selects the events Subscribe dispatches, as the SDKs' subscribe
// filters do. Each non-empty field must match (toolkits and slugs without
// regard to case, ids exactly); an empty field matches everything.
type Filter struct {
	Toolkits            []string
	TriggerSlugs        []string
	TriggerIDs          []string
	ConnectedAccountIDs []string
	UserIDs             []string
	AuthConfigIDs       []string
}

// Match reports whether m passes the filter.
func (f Filter) Match(m *Message) bool {
	return anyFold(f.Toolkits, m.Toolkit) && anyFold(f.TriggerSlugs, m.TriggerSlug) &&
		anyOf(f.TriggerIDs, m.TriggerID) && anyOf(f.ConnectedAccountIDs, m.ConnectedAccountID) &&
		anyOf(f.UserIDs, m.UserID) && anyOf(f.AuthConfigIDs, m.AuthConfigID)
}

func anyOf(set []string, v string) bool { return len(set) == 0 || slices.Contains(set, v) }

func anyFold(set []string, v string) bool {
	return len(set) == 0 || slices.ContainsFunc(set, func(s string) bool { return strings.EqualFold(s, v) })
}

func nonNull(r json.RawMessage) json.RawMessage {
	if t := bytes.TrimSpace(r); len(t) > 0 && string(t) != "null" {
		return t
	}
	return nil
}

// jsonText is a JSON string's content, or any other JSON value's text.
func jsonText(r json.RawMessage) string {
	var s string
	if json.Unmarshal(r, &s) == nil {
		return s
	}
	return string(nonNull(r))
}
