package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/triggergen/triggergen/internal/jsonscan"
)

// Decoding failures. Every error Decode returns is a *DecodeError that
// matches exactly one of them with errors.Is.
var (
	// ErrMalformedEvent: the body is not a JSON object, or it has the shape
	// of an envelope version but a field is missing or of the wrong type.
	ErrMalformedEvent = errors.New("malformed event")
	// ErrUnknownEnvelope: the body is a JSON object that matches no known
	// envelope version (and no version header says which to expect).
	ErrUnknownEnvelope = errors.New("body matches no known envelope version")
	// ErrVersionConflict: the x-composio-webhook-version header names one
	// version and the body has the shape of another.
	ErrVersionConflict = errors.New("envelope version conflicts with header")
	// ErrUnknownVersion: the x-composio-webhook-version header (or the
	// version given to DecodeParts) holds a value other than V1, V2 or V3.
	ErrUnknownVersion = errors.New("unknown envelope version")
)

// DecodeError describes why a body did not decode into an Event. Its fields
// follow the package's convention (see "Errors" in the package
// documentation).
type DecodeError struct {
	// Version is the envelope version the body was decoded as, if known.
	Version Version
	// HeaderVersion is the version the x-composio-webhook-version header
	// named, if any.
	HeaderVersion Version
	// Path is the JSON pointer (RFC 6901) of the value at fault in the body,
	// e.g. "/metadata/trigger_slug"; "" when the fault is the body as a
	// whole or the version header.
	Path string
	// Message is a human-readable detail; it may be empty.
	Message string
	// Err is ErrMalformedEvent, ErrUnknownEnvelope, ErrVersionConflict or
	// ErrUnknownVersion.
	Err error
}

func (e *DecodeError) Error() string {
	var b strings.Builder
	b.WriteString("webhook: decode")
	if e.Version != "" {
		b.WriteString(" " + string(e.Version))
	}
	b.WriteString(" event: ")
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Err.Error())
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	return b.String()
}

func (e *DecodeError) Unwrap() error { return e.Err }

// Decode decodes a delivered body into an Event. Like Verify it takes the
// request's headers, then the body. h may be nil; from it Decode reads
// webhook-id (the Event.ID of a V1 or V2 event, whose body carries no id) and
// x-composio-webhook-version (parsed with ParseVersion; a value it rejects
// fails with ErrUnknownVersion). See DecodeParts for the rules.
func Decode(h http.Header, body []byte) (*Event, error) {
	var v Version
	if s := header(h, canonicalVersion); s != "" {
		var err error
		if v, err = ParseVersion(s); err != nil {
			return nil, err
		}
	}
	return DecodeParts(header(h, canonicalID), v, body)
}

// ParseVersion parses an x-composio-webhook-version value ("V3", "v3").
func ParseVersion(s string) (Version, error) {
	if v := Version(strings.ToUpper(strings.TrimSpace(s))); v.known() {
		return v, nil
	}
	return "", &DecodeError{Err: ErrUnknownVersion, Message: fmt.Sprintf("%s %.20q", HeaderVersion, s)}
}

func (v Version) known() bool { return v == V1 || v == V2 || v == V3 }

// DecodeParts is Decode with the header values given directly: id is the
// webhook-id header (may be empty), version the envelope version the
// x-composio-webhook-version header names ("" when absent; a value other
// than V1, V2 or V3 fails with ErrUnknownVersion; see ParseVersion).
//
// The version is detected from the shape: a string "type" starting with
// "composio." is V3, another string "type" is V2, and "trigger_name" or
// "payload" without "type" is V1. When version is given and the shape says
// otherwise, the error matches ErrVersionConflict; when the shape is
// unrecognisable, version decides which fields are reported missing.
// Without a version an unrecognisable body gives ErrUnknownEnvelope.
//
// Normalisation:
//   - V3 composio.trigger.message: every metadata field maps to its Event
//     field; metadata.user_id may be null or absent (UserID nil).
//   - V3 composio.trigger.disabled: TriggerSlug is data.trigger_name,
//     TriggerID data.id, ConnectedAccountID data.connected_account_id,
//     UserID data.user_id.
//   - V3 composio.connected_account.expired: ConnectedAccountID is data.id,
//     AuthConfigID data.auth_config.id, UserID data.user_id; no TriggerSlug.
//   - Other composio.* types decode generically: metadata fields named as
//     in trigger.message are used when present.
//   - V2: Type becomes TypeTriggerMessage, TriggerSlug the upper-cased
//     "type". The envelope fields Composio mixes into "data"
//     (connection_id, connection_nano_id, trigger_nano_id, trigger_id,
//     user_id) fill the Event and are removed from Data, so Data holds the
//     trigger payload alone, as in V3, and strict payload decoding works.
//     TriggerID is trigger_nano_id (the ti_ id V3 and the API use),
//     falling back to trigger_id; ConnectedAccountID is connection_nano_id,
//     falling back to connection_id.
//   - V1: Type becomes TypeTriggerMessage, TriggerSlug the upper-cased
//     trigger_name, Data the "payload"; no timestamp.
//
// Unknown envelope fields are ignored in every version. Keys match exactly
// (case-sensitively); of repeated keys the last counts. Event.Data is a
// copy: body may be reused once DecodeParts returns.
func DecodeParts(id string, version Version, body []byte) (*Event, error) {
	hdr := version
	if hdr != "" && !hdr.known() {
		return nil, &DecodeError{Err: ErrUnknownVersion, Message: fmt.Sprintf("%.20q", string(hdr))}
	}
	// Valid JSON plus a '{' is exactly what a successful json.Unmarshal
	// into a non-nil map needs. jsonscan.ValidObject checks that (agreeing
	// with json.Valid) and reads the members in place, in one pass.
	d := &decoder{header: hdr}
	if !jsonscan.ValidObject(body, d.top.member) {
		reason := "body is not a JSON object"
		if len(bytes.TrimSpace(body)) == 0 {
			reason = "body is empty"
		}
		return nil, &DecodeError{HeaderVersion: hdr, Err: ErrMalformedEvent, Message: reason}
	}
	shape := d.top.detect()
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
	d.version = shape
	var ev *Event
	switch shape {
	case V3:
		ev = d.v3()
	case V2:
		ev = d.v2(id)
	default:
		ev = d.v1(id)
	}
	if d.err != nil {
		return nil, d.err
	}
	ev.Version = shape
	return ev, nil
}

// The decoder reads the envelope in place with jsonscan.Members, which
// yields every member of a valid object in document order with its key
// unescaped as encoding/json unescapes map keys. Keys are compared exactly
// (not case-insensitively, as encoding/json matches struct fields), and
// the last of repeated keys wins, as in a map[string]json.RawMessage. A raw
// value is nil when its key is absent; JSON null is the bytes "null".
// Values alias the body: Event.Data is copied out before it is returned.

// envelope holds the raw top-level values any version uses.
type envelope struct {
	id, typ, timestamp, metadata, data []byte
	logID, triggerName, triggerID      []byte
	connectionID, payload              []byte
}

// member records one top-level member (the last of repeated keys wins).
func (e *envelope) member(k, v []byte) {
	switch string(k) {
	case "id":
		e.id = v
	case "type":
		e.typ = v
	case "timestamp":
		e.timestamp = v
	case "metadata":
		e.metadata = v
	case "data":
		e.data = v
	case "log_id":
		e.logID = v
	case "trigger_name":
		e.triggerName = v
	case "trigger_id":
		e.triggerID = v
	case "connection_id":
		e.connectionID = v
	case "payload":
		e.payload = v
	}
}

// detect returns the version the shape of the envelope suggests, or "".
func (e *envelope) detect() Version {
	if e.typ != nil {
		if isNull(e.typ) {
			return V2 // null unmarshals into a string as ""
		}
		if b, ok := plainBytes(e.typ); ok {
			if bytes.HasPrefix(b, []byte("composio.")) {
				return V3
			}
			return V2
		}
		var s string
		if json.Unmarshal(e.typ, &s) != nil {
			return ""
		}
		if strings.HasPrefix(s, "composio.") {
			return V3
		}
		return V2
	}
	if e.triggerName != nil || e.payload != nil {
		return V1
	}
	return ""
}

// metadataKeys are the members of a V3 metadata object Decode reads, in the
// order decoder.metadata indexes them.
var metadataKeys = []string{"trigger_slug", "trigger_id", "connected_account_id", "auth_config_id", "log_id", "user_id"}

// members sets vals[i] to the raw value of obj's member keys[i] (the last
// one when repeated), leaving nil the absent ones. obj is a valid object.
func members(obj []byte, keys []string, vals [][]byte) {
	for k, v := range jsonscan.Members(obj) {
		for i, key := range keys {
			if string(k) == key {
				vals[i] = v
				break
			}
		}
	}
}

// decoder reads fields of one envelope, remembering the first failure.
type decoder struct {
	top     envelope
	version Version
	header  Version
	err     error
}

// fail records a failure at path, a JSON pointer into the body.
func (d *decoder) fail(path, reason string) {
	if d.err == nil {
		d.err = &DecodeError{Version: d.version, HeaderVersion: d.header, Path: path, Err: ErrMalformedEvent, Message: reason}
	}
}

// object checks that raw (the value of path+key) is an object: absent or
// null gives false (reported when required), as does any other non-object.
func (d *decoder) object(raw []byte, path, key string, required bool) bool {
	if raw == nil || isNull(raw) {
		if required {
			d.fail(path+key, "missing")
		}
		return false
	}
	if raw[0] != '{' {
		d.fail(path+key, "not an object")
		return false
	}
	return true
}

// str decodes the string raw (the value of path+key); absent or null gives "".
func (d *decoder) str(raw []byte, path, key string, required bool) string {
	if raw == nil || isNull(raw) {
		if required {
			d.fail(path+key, "missing")
		}
		return ""
	}
	s, ok := plainString(raw)
	if !ok {
		var u string // declared here: &u puts it on the heap
		if err := json.Unmarshal(raw, &u); err != nil {
			d.fail(path+key, "not a string")
			return ""
		}
		s = u
	}
	if required && s == "" {
		d.fail(path+key, "empty")
	}
	return s
}

// nullableStr is str for a string-or-null field: nil when absent or null.
func (d *decoder) nullableStr(raw []byte, path, key string) *string {
	if raw == nil || isNull(raw) {
		return nil
	}
	s := d.str(raw, path, key, false)
	return &s
}

func (d *decoder) timestamp(required bool) time.Time {
	s := d.str(d.top.timestamp, "/", "timestamp", required)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		d.fail("/timestamp", fmt.Sprintf("%.40q is not an RFC 3339 date-time", s))
	}
	return t
}

// plainString decodes a JSON string without escapes and in UTF-8, the
// common case, without going through encoding/json. raw is a valid JSON
// value.
func plainString(raw []byte) (string, bool) {
	b, ok := plainBytes(raw)
	return string(b), ok
}

// plainBytes is plainString without the copy: the bytes between the quotes.
func plainBytes(raw []byte) ([]byte, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return nil, false
	}
	end, plain := jsonscan.StringPlain(raw, 0)
	if !plain || end != len(raw) {
		return nil, false
	}
	return raw[1 : len(raw)-1], true
}

// isNull reports whether the raw value (no surrounding white space) is null.
func isNull(raw []byte) bool { return string(raw) == "null" }

// metadata reads the V3 metadata fields into ev; slugRequired for
// composio.trigger.message.
func (d *decoder) metadata(ev *Event, raw []byte, slugRequired bool) {
	var md [6][]byte
	members(raw, metadataKeys, md[:])
	ev.TriggerSlug = strings.ToUpper(d.str(md[0], "/metadata/", "trigger_slug", slugRequired))
	ev.TriggerID = d.str(md[1], "/metadata/", "trigger_id", false)
	ev.ConnectedAccountID = d.str(md[2], "/metadata/", "connected_account_id", false)
	ev.AuthConfigID = d.str(md[3], "/metadata/", "auth_config_id", false)
	ev.LogID = d.str(md[4], "/metadata/", "log_id", false)
	ev.UserID = d.nullableStr(md[5], "/metadata/", "user_id")
}

var (
	disabledKeys   = []string{"trigger_name", "id", "connected_account_id", "user_id"}
	expiredKeys    = []string{"id", "user_id", "auth_config"}
	authConfigKeys = []string{"id"}
)

func (d *decoder) v3() *Event {
	top := &d.top
	ev := &Event{
		ID:        d.str(top.id, "/", "id", true),
		Type:      d.str(top.typ, "/", "type", true),
		Timestamp: d.timestamp(true),
	}
	if top.data == nil {
		d.fail("/data", "missing")
	}
	switch ev.Type {
	case TypeTriggerMessage:
		md := d.object(top.metadata, "/", "metadata", true)
		d.object(top.data, "/", "data", true)
		if md {
			d.metadata(ev, top.metadata, true)
		}
	case TypeTriggerDisabled:
		d.object(top.metadata, "/", "metadata", false)
		if d.object(top.data, "/", "data", true) {
			var f [4][]byte
			members(top.data, disabledKeys, f[:])
			ev.TriggerSlug = strings.ToUpper(d.str(f[0], "/data/", "trigger_name", false))
			ev.TriggerID = d.str(f[1], "/data/", "id", false)
			ev.ConnectedAccountID = d.str(f[2], "/data/", "connected_account_id", false)
			ev.UserID = d.nullableStr(f[3], "/data/", "user_id")
		}
	case TypeConnectedAccountExpired:
		d.object(top.metadata, "/", "metadata", false)
		if d.object(top.data, "/", "data", true) {
			var f [3][]byte
			members(top.data, expiredKeys, f[:])
			ev.ConnectedAccountID = d.str(f[0], "/data/", "id", false)
			ev.UserID = d.nullableStr(f[1], "/data/", "user_id")
			if d.object(f[2], "/data/", "auth_config", false) {
				var ac [1][]byte
				members(f[2], authConfigKeys, ac[:])
				ev.AuthConfigID = d.str(ac[0], "/data/auth_config/", "id", false)
			}
		}
	default:
		// A type this package does not know yet: take what metadata offers.
		if d.object(top.metadata, "/", "metadata", false) {
			d.metadata(ev, top.metadata, false)
		}
	}
	if d.err == nil {
		ev.Data = bytes.Clone(top.data)
	}
	return ev
}

func (d *decoder) v2(id string) *Event {
	top := &d.top
	ev := &Event{
		ID:        id,
		Type:      TypeTriggerMessage,
		Timestamp: d.timestamp(false),
		LogID:     d.str(top.logID, "/", "log_id", false),
	}
	ev.TriggerSlug = strings.ToUpper(d.str(top.typ, "/", "type", true))
	if !d.object(top.data, "/", "data", true) {
		return ev
	}
	// One pass over data: pick out the envelope keys (the last of repeated
	// ones) and copy every other member, in order and as sent, to Data.
	var connectionID, connectionNanoID, triggerNanoID, triggerID, userID []byte
	out := make([]byte, 1, len(top.data))
	out[0] = '{'
	for k, v := range jsonscan.Members(top.data) {
		switch string(k) {
		case "connection_id":
			connectionID = v
			continue
		case "connection_nano_id":
			connectionNanoID = v
			continue
		case "trigger_nano_id":
			triggerNanoID = v
			continue
		case "trigger_id":
			triggerID = v
			continue
		case "user_id":
			userID = v
			continue
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = appendKey(out, k)
		out = append(out, ':')
		out = append(out, v...)
	}
	ev.TriggerID = first(d.str(triggerNanoID, "/data/", "trigger_nano_id", false), d.str(triggerID, "/data/", "trigger_id", false))
	ev.ConnectedAccountID = first(d.str(connectionNanoID, "/data/", "connection_nano_id", false), d.str(connectionID, "/data/", "connection_id", false))
	ev.UserID = d.nullableStr(userID, "/data/", "user_id")
	if d.err != nil {
		return ev
	}
	ev.Data = append(out, '}')
	return ev
}

// appendKey appends the object key k (unescaped) as json.Marshal writes a
// string: copied when nothing in it needs escaping, the common case.
func appendKey(out, k []byte) []byte {
	for _, c := range k {
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(string(k))
			return append(out, q...)
		}
	}
	out = append(out, '"')
	out = append(out, k...)
	return append(out, '"')
}

func (d *decoder) v1(id string) *Event {
	top := &d.top
	ev := &Event{
		ID:                 id,
		Type:               TypeTriggerMessage,
		TriggerSlug:        strings.ToUpper(d.str(top.triggerName, "/", "trigger_name", true)),
		TriggerID:          d.str(top.triggerID, "/", "trigger_id", false),
		ConnectedAccountID: d.str(top.connectionID, "/", "connection_id", false),
		LogID:              d.str(top.logID, "/", "log_id", false),
	}
	if d.object(top.payload, "/", "payload", true) {
		ev.Data = bytes.Clone(top.payload)
	}
	return ev
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
