package webhook

// The map-based decoder the scanner-based one replaced, kept (renamed, with
// the error fields and JSON-pointer paths of today's DecodeError) as the
// reference for differential tests: Decode must produce the same Event or
// the same *DecodeError for every body.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// legacyDecodeVersion is Decode as it was before the scanner-based rewrite,
// given the version and id header values.
func legacyDecodeVersion(body []byte, versionHeader, webhookID string) (*Event, error) {
	var hdr Version
	if versionHeader != "" {
		v, err := ParseVersion(versionHeader)
		if err != nil {
			return nil, err
		}
		hdr = v
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil || top == nil {
		reason := "body is not a JSON object"
		if len(bytes.TrimSpace(body)) == 0 {
			reason = "body is empty"
		}
		return nil, &DecodeError{HeaderVersion: hdr, Err: ErrMalformedEvent, Message: reason}
	}
	shape := legacyDetect(top)
	switch {
	case shape == "" && hdr == "":
		return nil, &DecodeError{Err: ErrUnknownEnvelope,
			Message: `expected "type" (V2, V3) or "trigger_name" and "payload" (V1)`}
	case shape != "" && hdr != "" && shape != hdr:
		return nil, &DecodeError{Version: shape, HeaderVersion: hdr, Err: ErrVersionConflict,
			Message: fmt.Sprintf("%s says %s, body has the shape of %s", HeaderVersion, hdr, shape)}
	case shape == "":
		shape = hdr
	}
	d := &legacyDecoder{top: top, version: shape, header: hdr}
	var ev *Event
	switch shape {
	case V3:
		ev = d.v3()
	case V2:
		ev = d.v2(webhookID)
	default:
		ev = d.v1(webhookID)
	}
	if d.err != nil {
		return nil, d.err
	}
	ev.Version = shape
	return ev, nil
}

// detect returns the version the shape of top suggests, or "".
func legacyDetect(top map[string]json.RawMessage) Version {
	if raw, ok := top["type"]; ok {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			if strings.HasPrefix(s, "composio.") {
				return V3
			}
			return V2
		}
		return ""
	}
	_, name := top["trigger_name"]
	_, payload := top["payload"]
	if name || payload {
		return V1
	}
	return ""
}

// decoder reads fields of one envelope, remembering the first failure.
type legacyDecoder struct {
	top     map[string]json.RawMessage
	version Version
	header  Version
	err     error
}

func (d *legacyDecoder) fail(field, reason string) {
	if d.err == nil {
		d.err = &DecodeError{Version: d.version, HeaderVersion: d.header, Path: field, Err: ErrMalformedEvent, Message: reason}
	}
}

// object decodes the object at obj[key]; a missing key gives nil (reported
// when required), null too.
func (d *legacyDecoder) object(obj map[string]json.RawMessage, path, key string, required bool) map[string]json.RawMessage {
	raw, ok := obj[key]
	if !ok || legacyIsNull(raw) {
		if required {
			d.fail(path+key, "missing")
		}
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		d.fail(path+key, "not an object")
		return nil
	}
	return m
}

// objectRaw checks that obj[key] is an object without decoding its members
// (the whole body is valid JSON already).
func (d *legacyDecoder) objectRaw(obj map[string]json.RawMessage, path, key string, required bool) json.RawMessage {
	raw, ok := obj[key]
	if !ok || legacyIsNull(raw) {
		if required {
			d.fail(path+key, "missing")
		}
		return nil
	}
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '{' {
		d.fail(path+key, "not an object")
		return nil
	}
	return raw
}

// str decodes the string at obj[key]; a missing key or null gives "".
func (d *legacyDecoder) str(obj map[string]json.RawMessage, path, key string, required bool) string {
	raw, ok := obj[key]
	if !ok || legacyIsNull(raw) {
		if required {
			d.fail(path+key, "missing")
		}
		return ""
	}
	s, ok := legacyPlainString(raw)
	if !ok {
		if err := json.Unmarshal(raw, &s); err != nil {
			d.fail(path+key, "not a string")
			return ""
		}
	}
	if required && s == "" {
		d.fail(path+key, "empty")
	}
	return s
}

// nullableStr is str for a string-or-null field: nil when missing or null.
func (d *legacyDecoder) nullableStr(obj map[string]json.RawMessage, path, key string) *string {
	raw, ok := obj[key]
	if !ok || legacyIsNull(raw) {
		return nil
	}
	s := d.str(obj, path, key, false)
	return &s
}

func (d *legacyDecoder) timestamp(required bool) time.Time {
	s := d.str(d.top, "/", "timestamp", required)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		d.fail("/timestamp", fmt.Sprintf("%.40q is not an RFC 3339 date-time", s))
	}
	return t
}

// plainString decodes a JSON string without escapes, the common case,
// without going through encoding/json. raw is a valid JSON value.
func legacyPlainString(raw json.RawMessage) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	in := raw[1 : len(raw)-1]
	for _, c := range in {
		if c < 0x20 || c == '\\' || c == '"' || c >= utf8.RuneSelf {
			return "", false
		}
	}
	return string(in), true
}

func legacyIsNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

func (d *legacyDecoder) v3() *Event {
	ev := &Event{
		ID:        d.str(d.top, "/", "id", true),
		Type:      d.str(d.top, "/", "type", true),
		Timestamp: d.timestamp(true),
	}
	raw, ok := d.top["data"]
	if !ok {
		d.fail("/data", "missing")
	}
	ev.Data = raw
	switch ev.Type {
	case TypeTriggerMessage:
		md := d.object(d.top, "/", "metadata", true)
		d.objectRaw(d.top, "/", "data", true)
		if md == nil {
			return ev
		}
		ev.TriggerSlug = strings.ToUpper(d.str(md, "/metadata/", "trigger_slug", true))
		ev.TriggerID = d.str(md, "/metadata/", "trigger_id", false)
		ev.ConnectedAccountID = d.str(md, "/metadata/", "connected_account_id", false)
		ev.AuthConfigID = d.str(md, "/metadata/", "auth_config_id", false)
		ev.LogID = d.str(md, "/metadata/", "log_id", false)
		ev.UserID = d.nullableStr(md, "/metadata/", "user_id")
	case TypeTriggerDisabled:
		d.object(d.top, "/", "metadata", false)
		data := d.object(d.top, "/", "data", true)
		if data == nil {
			return ev
		}
		ev.TriggerSlug = strings.ToUpper(d.str(data, "/data/", "trigger_name", false))
		ev.TriggerID = d.str(data, "/data/", "id", false)
		ev.ConnectedAccountID = d.str(data, "/data/", "connected_account_id", false)
		ev.UserID = d.nullableStr(data, "/data/", "user_id")
	case TypeConnectedAccountExpired:
		d.object(d.top, "/", "metadata", false)
		data := d.object(d.top, "/", "data", true)
		if data == nil {
			return ev
		}
		ev.ConnectedAccountID = d.str(data, "/data/", "id", false)
		ev.UserID = d.nullableStr(data, "/data/", "user_id")
		if ac := d.object(data, "/data/", "auth_config", false); ac != nil {
			ev.AuthConfigID = d.str(ac, "/data/auth_config/", "id", false)
		}
	default:
		// A type this package does not know yet: take what metadata offers.
		md := d.object(d.top, "/", "metadata", false)
		if md == nil {
			return ev
		}
		ev.TriggerSlug = strings.ToUpper(d.str(md, "/metadata/", "trigger_slug", false))
		ev.TriggerID = d.str(md, "/metadata/", "trigger_id", false)
		ev.ConnectedAccountID = d.str(md, "/metadata/", "connected_account_id", false)
		ev.AuthConfigID = d.str(md, "/metadata/", "auth_config_id", false)
		ev.LogID = d.str(md, "/metadata/", "log_id", false)
		ev.UserID = d.nullableStr(md, "/metadata/", "user_id")
	}
	return ev
}

// legacyV2EnvelopeKeys are the keys Composio mixes into a V2 event's data.
var legacyV2EnvelopeKeys = [...]string{"connection_id", "connection_nano_id", "trigger_nano_id", "trigger_id", "user_id"}

func (d *legacyDecoder) v2(webhookID string) *Event {
	ev := &Event{
		ID:        webhookID,
		Type:      TypeTriggerMessage,
		Timestamp: d.timestamp(false),
		LogID:     d.str(d.top, "/", "log_id", false),
	}
	ev.TriggerSlug = strings.ToUpper(d.str(d.top, "/", "type", true))
	data := d.object(d.top, "/", "data", true)
	if data == nil {
		return ev
	}
	ev.TriggerID = legacyFirst(d.str(data, "/data/", "trigger_nano_id", false), d.str(data, "/data/", "trigger_id", false))
	ev.ConnectedAccountID = legacyFirst(d.str(data, "/data/", "connection_nano_id", false), d.str(data, "/data/", "connection_id", false))
	ev.UserID = d.nullableStr(data, "/data/", "user_id")
	if d.err != nil {
		return ev
	}
	stripped, err := legacyStripKeys(d.top["data"], legacyV2EnvelopeKeys[:])
	if err != nil {
		d.fail("/data", err.Error())
		return ev
	}
	ev.Data = stripped
	return ev
}

func (d *legacyDecoder) v1(webhookID string) *Event {
	ev := &Event{
		ID:                 webhookID,
		Type:               TypeTriggerMessage,
		TriggerSlug:        strings.ToUpper(d.str(d.top, "/", "trigger_name", true)),
		TriggerID:          d.str(d.top, "/", "trigger_id", false),
		ConnectedAccountID: d.str(d.top, "/", "connection_id", false),
		LogID:              d.str(d.top, "/", "log_id", false),
	}
	ev.Data = d.objectRaw(d.top, "/", "payload", true)
	return ev
}

func legacyFirst(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// stripKeys returns the JSON object obj without the given top-level keys,
// keeping the order and the bytes of every other member.
func legacyStripKeys(obj json.RawMessage, drop []string) (json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	if _, err := dec.Token(); err != nil { // '{', checked by the caller
		return nil, err
	}
	out := make([]byte, 0, len(obj))
	out = append(out, '{')
	n := 0
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return nil, err
		}
		if slices.Contains(drop, key) {
			continue
		}
		if n > 0 {
			out = append(out, ',')
		}
		n++
		k, _ := json.Marshal(key)
		out = append(out, k...)
		out = append(out, ':')
		out = append(out, val...)
	}
	return append(out, '}'), nil
}
