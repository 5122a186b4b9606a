// Package webhooktest signs deliveries the way Composio does, for tests of
// code that receives them: NewRequest for an http.Handler under test,
// NewClientRequest for a server reached over HTTP, Headers for anything else,
// and Message to build V1, V2 or V3 event bodies.
//
// It does not import package testing, so fake servers may use it too.
package webhooktest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
)

// Option adjusts a delivery.
type Option func(*delivery)

type delivery struct {
	id      string
	ts      time.Time
	version webhook.Version
	attempt int
	target  string
	sigs    []string
}

// WithID sets the webhook-id header (default: a random "msg_" id, so that
// two deliveries are never taken for duplicates).
func WithID(id string) Option { return func(d *delivery) { d.id = id } }

// WithTimestamp sets the webhook-timestamp header (default: now).
func WithTimestamp(t time.Time) Option { return func(d *delivery) { d.ts = t } }

// WithVersion sets the x-composio-webhook-version header (default: none).
func WithVersion(v webhook.Version) Option { return func(d *delivery) { d.version = v } }

// WithAttempt sets the x-composio-delivery-attempt header (default: none).
func WithAttempt(n int) Option { return func(d *delivery) { d.attempt = n } }

// WithTarget sets the request target of NewRequest (default "/").
func WithTarget(target string) Option { return func(d *delivery) { d.target = target } }

// WithExtraSignature appends a further webhook-signature entry, e.g. a
// signature with an old secret during rotation, or a deliberately wrong one.
func WithExtraSignature(entry string) Option {
	return func(d *delivery) { d.sigs = append(d.sigs, entry) }
}

func newDelivery(opts []Option) *delivery {
	d := &delivery{target: "/"}
	for _, o := range opts {
		o(d)
	}
	if d.id == "" {
		var b [16]byte
		_, _ = rand.Read(b[:])
		d.id = "msg_" + hex.EncodeToString(b[:])
	}
	if d.ts.IsZero() {
		d.ts = time.Now()
	}
	return d
}

// Headers returns the headers Composio sends with body, signed with key
// (its raw bytes, see webhook.Sign), plus Content-Type.
func Headers(key secret.Value, body []byte, opts ...Option) http.Header {
	return newDelivery(opts).headers(key, body)
}

func (d *delivery) headers(key secret.Value, body []byte) http.Header {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set(webhook.HeaderID, d.id)
	h.Set(webhook.HeaderTimestamp, strconv.FormatInt(d.ts.Unix(), 10))
	sig := webhook.Sign(key, d.id, d.ts, body)
	h.Set(webhook.HeaderSignature, strings.Join(append([]string{sig}, d.sigs...), " "))
	if d.version != "" {
		h.Set(webhook.HeaderVersion, string(d.version))
	}
	if d.attempt > 0 {
		h.Set(webhook.HeaderDeliveryAttempt, strconv.Itoa(d.attempt))
	}
	return h
}

// NewRequest returns a POST of body signed with key, as a server receives
// it, for passing to an http.Handler's ServeHTTP (see httptest.NewRequest).
func NewRequest(key secret.Value, body []byte, opts ...Option) *http.Request {
	d := newDelivery(opts)
	r := httptest.NewRequest(http.MethodPost, d.target, bytes.NewReader(body))
	for k, v := range d.headers(key, body) {
		r.Header[k] = v
	}
	return r
}

// NewClientRequest returns a POST of body to url signed with key, for an
// http.Client.
func NewClientRequest(ctx context.Context, url string, key secret.Value, body []byte, opts ...Option) (*http.Request, error) {
	d := newDelivery(opts)
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, v := range d.headers(key, body) {
		r.Header[k] = v
	}
	return r, nil
}

// Message is a composio.trigger.message event, to be encoded in any
// envelope version with Body. Empty ids get fixed test values.
type Message struct {
	ID                 string    // V3 "id" (default "msg_test")
	TriggerSlug        string    // e.g. "GITHUB_COMMIT_EVENT"; required
	TriggerID          string    // default "ti_test"
	ConnectedAccountID string    // default "ca_test"
	AuthConfigID       string    // default "ac_test"
	LogID              string    // default "log_test"
	UserID             *string   // default nil, sent as JSON null
	Timestamp          time.Time // default 2026-01-01T00:00:00Z
	// TriggerUUID and ConnectedAccountUUID are the internal ids a V2 body
	// carries in data.trigger_id and data.connection_id next to the nano ids
	// (TriggerID, ConnectedAccountID), which stand in for them when empty.
	TriggerUUID          string
	ConnectedAccountUUID string
	// Data is the trigger payload: any value encoding/json encodes as an
	// object (a generated payload struct, a map, or a json.RawMessage).
	Data any
}

// Body encodes m in the envelope of version v: V3 as Composio sends it
// today, V2 with the envelope fields mixed into data and a lower-case slug,
// V1 with the payload under "payload".
func (m Message) Body(v webhook.Version) ([]byte, error) {
	if m.TriggerSlug == "" {
		return nil, fmt.Errorf("webhooktest: message has no TriggerSlug")
	}
	def := func(s, d string) string {
		if s == "" {
			return d
		}
		return s
	}
	ts := m.Timestamp
	if ts.IsZero() {
		ts = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	data, err := json.Marshal(m.Data)
	if err != nil {
		return nil, fmt.Errorf("webhooktest: encode data: %w", err)
	}
	if m.Data == nil {
		data = []byte("{}")
	}
	if t := bytes.TrimSpace(data); len(t) == 0 || t[0] != '{' {
		return nil, fmt.Errorf("webhooktest: data encodes as %.20s…, not a JSON object", t)
	}
	var (
		triggerID = def(m.TriggerID, "ti_test")
		accountID = def(m.ConnectedAccountID, "ca_test")
	)
	switch v {
	case webhook.V3:
		return json.Marshal(struct {
			ID        string          `json:"id"`
			Type      string          `json:"type"`
			Timestamp string          `json:"timestamp"`
			Metadata  any             `json:"metadata"`
			Data      json.RawMessage `json:"data"`
		}{
			ID: def(m.ID, "msg_test"), Type: webhook.TypeTriggerMessage, Timestamp: ts.UTC().Format(time.RFC3339Nano),
			Metadata: struct {
				LogID              string  `json:"log_id"`
				TriggerSlug        string  `json:"trigger_slug"`
				TriggerID          string  `json:"trigger_id"`
				ConnectedAccountID string  `json:"connected_account_id"`
				AuthConfigID       string  `json:"auth_config_id"`
				UserID             *string `json:"user_id"`
			}{def(m.LogID, "log_test"), m.TriggerSlug, triggerID, accountID, def(m.AuthConfigID, "ac_test"), m.UserID},
			Data: data,
		})
	case webhook.V2:
		env, err := json.Marshal(struct {
			ConnectionID     string  `json:"connection_id"`
			ConnectionNanoID string  `json:"connection_nano_id"`
			TriggerNanoID    string  `json:"trigger_nano_id"`
			TriggerID        string  `json:"trigger_id"`
			UserID           *string `json:"user_id"`
		}{def(m.ConnectedAccountUUID, accountID), accountID, triggerID, def(m.TriggerUUID, triggerID), m.UserID})
		if err != nil {
			return nil, err
		}
		obj := bytes.TrimSpace(data)
		merged := append([]byte{}, obj[:len(obj)-1]...) // without the closing brace
		if len(bytes.TrimSpace(merged)) > 1 {
			merged = append(merged, ',')
		}
		merged = append(merged, env[1:]...)
		return json.Marshal(struct {
			Type      string          `json:"type"`
			Timestamp string          `json:"timestamp"`
			LogID     string          `json:"log_id"`
			Data      json.RawMessage `json:"data"`
		}{strings.ToLower(m.TriggerSlug), ts.UTC().Format(time.RFC3339Nano), def(m.LogID, "log_test"), merged})
	case webhook.V1:
		return json.Marshal(struct {
			TriggerName  string          `json:"trigger_name"`
			TriggerID    string          `json:"trigger_id"`
			ConnectionID string          `json:"connection_id"`
			Payload      json.RawMessage `json:"payload"`
			LogID        string          `json:"log_id"`
		}{strings.ToLower(m.TriggerSlug), triggerID, accountID, data, def(m.LogID, "log_test")})
	}
	return nil, fmt.Errorf("webhooktest: unknown envelope version %q", v)
}
