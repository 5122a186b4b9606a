package webhook

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// exactCases pin how envelope keys are matched: exactly, after JSON
// unescaping, last occurrence wins (as in a map[string]json.RawMessage),
// never case-insensitively as encoding/json matches struct fields.
var exactCases = []struct {
	name, body, header string
	err                error  // nil: decodes
	path               string // DecodeError.Path
	slug, user, data   string // on success; user "<nil>" for nil
}{
	{name: "Type is not type", body: `{"Type":"x_y","data":{}}`, err: ErrUnknownEnvelope},
	{name: "TYPE composio is not type", body: `{"TYPE":"composio.trigger.message","data":{}}`, err: ErrUnknownEnvelope},
	{name: "Type beside type", body: `{"type":"x_y","Type":"composio.trigger.message","data":{}}`, slug: "X_Y", user: "<nil>", data: `{}`},
	{name: "Type after type, reversed", body: `{"Type":"a_b","type":"x_y","data":{}}`, slug: "X_Y", user: "<nil>", data: `{}`},
	{name: "Data is not data", body: `{"type":"x_y","Data":{}}`, err: ErrMalformedEvent, path: "/data"},
	{name: "Type with V2 header", body: `{"Type":"x_y","data":{}}`, header: "V2", err: ErrMalformedEvent, path: "/type"},
	{name: "Trigger_Name is not V1", body: `{"Trigger_Name":"a","Payload":{}}`, err: ErrUnknownEnvelope},
	{name: "V3 Metadata is not metadata", body: `{"id":"m","type":"composio.trigger.message","timestamp":"2026-01-15T10:30:00Z","Metadata":{"trigger_slug":"S"},"data":{}}`, err: ErrMalformedEvent, path: "/metadata"},
	{name: "V3 Trigger_Slug is not trigger_slug", body: `{"id":"m","type":"composio.trigger.message","timestamp":"2026-01-15T10:30:00Z","metadata":{"Trigger_Slug":"S"},"data":{}}`, err: ErrMalformedEvent, path: "/metadata/trigger_slug"},
	{name: "V3 User_Id ignored", body: `{"id":"m","type":"composio.trigger.message","timestamp":"2026-01-15T10:30:00Z","metadata":{"trigger_slug":"S","User_Id":"u"},"data":{}}`, slug: "S", user: "<nil>", data: `{}`},
	{name: "V2 User_Id kept in data", body: `{"type":"x","data":{"User_Id":"u","user_id":"v"}}`, slug: "X", user: "v", data: `{"User_Id":"u"}`},
	{name: "V1 Payload is not payload", body: `{"trigger_name":"a","Payload":{}}`, err: ErrMalformedEvent, path: "/payload"},
	{name: "escaped key", body: `{"typ\u0065":"x_y","d\u0061ta":{"user_\u0069d":"u","\u0061":1}}`, slug: "X_Y", user: "u", data: `{"a":1}`},
	{name: "duplicate key, last wins", body: `{"type":"a","type":"b","data":{"x":1},"data":{"y":2}}`, slug: "B", user: "<nil>", data: `{"y":2}`},
	{name: "duplicate user_id, last wins, both removed", body: `{"type":"a","data":{"user_id":"1","k":0,"user_id":null}}`, slug: "A", user: "<nil>", data: `{"k":0}`},
	{name: "V2 duplicate payload keys kept", body: `{"type":"a","data":{"k":1,"k":2}}`, slug: "A", user: "<nil>", data: `{"k":1,"k":2}`},
	{name: "V2 keys re-encoded as encoding/json writes them", body: `{"type":"a","data":{"<b>&":1,"\u00e9\/":2,"\u2028":3,"tab\t":4,"x\ud800":5,"ok":6}}`,
		slug: "A", user: "<nil>", data: `{"\u003cb\u003e\u0026":1,"é/":2,"\u2028":3,"tab\t":4,"x` + "\ufffd" + `":5,"ok":6}`},
	{name: "V2 invalid UTF-8 key", body: "{\"type\":\"a\",\"data\":{\"k\xff\":1}}", slug: "A", user: "<nil>", data: "{\"k\ufffd\":1}"},
	{name: "V2 white space", body: " {\n \"type\" : \"a\" ,\t\"data\" : { \"z\" : [ 1 , 2 ] , \"user_id\" : \"u\" , \"s\" : \"x y\" } } \n", slug: "A", user: "u", data: `{"z":[ 1 , 2 ],"s":"x y"}`},
	{name: "V3 data as sent", body: `{"id":"m","type":"composio.trigger.message","timestamp":"2026-01-15T10:30:00Z","metadata":{"trigger_slug":"s"},"data": { "a" : 1 } }`, slug: "S", user: "<nil>", data: `{ "a" : 1 }`},
	{name: "V1 payload as sent", body: `{"trigger_name":"t","payload": { "a" : 1 } }`, slug: "T", user: "<nil>", data: `{ "a" : 1 }`},
	{name: "null type is V2", body: `{"type":null,"data":{}}`, err: ErrMalformedEvent, path: "/type"},
	{name: "null type, V3 header", body: `{"type":null,"data":{}}`, header: "V3", err: ErrVersionConflict},
	{name: "escaped string values", body: `{"type":"a\u005fb","log_id":"l\n","data":{"user_id":"\u00fc"}}`, slug: "A_B", user: "ü", data: `{}`},
	{name: "null metadata fields", body: `{"id":"m","type":"composio.x","timestamp":"2026-01-15T10:30:00Z","metadata":{"trigger_slug":null,"user_id":null},"data":null}`, user: "<nil>", data: `null`},
	{name: "null metadata, message", body: `{"id":"m","type":"composio.trigger.message","timestamp":"2026-01-15T10:30:00Z","metadata":null,"data":{}}`, err: ErrMalformedEvent, path: "/metadata"},
	{name: "expired auth_config", body: `{"id":"m","type":"composio.connected_account.expired","timestamp":"2026-01-15T10:30:00Z","data":{"id":"ca","auth_config":{"ID":"x","id":"ac"},"user_id":"u"}}`, user: "u", data: `{"id":"ca","auth_config":{"ID":"x","id":"ac"},"user_id":"u"}`},
	{name: "expired auth_config not object", body: `{"id":"m","type":"composio.connected_account.expired","timestamp":"2026-01-15T10:30:00Z","data":{"id":"ca","auth_config":"ac"}}`, err: ErrMalformedEvent, path: "/data/auth_config"},
	{name: "disabled metadata not object", body: `{"id":"m","type":"composio.trigger.disabled","timestamp":"2026-01-15T10:30:00Z","metadata":1,"data":{}}`, err: ErrMalformedEvent, path: "/metadata"},
	{name: "first failure wins", body: `{"type":"a","data":{"trigger_nano_id":1,"connection_id":2}}`, err: ErrMalformedEvent, path: "/data/trigger_nano_id"},
	{name: "V2 bad timestamp", body: `{"type":"a","timestamp":"x","data":{}}`, err: ErrMalformedEvent, path: "/timestamp"},
	{name: "whitespace only", body: " \n\t", err: ErrMalformedEvent},
	{name: "unterminated", body: `{"type":"a","data":{}`, err: ErrMalformedEvent},
	{name: "two objects", body: `{"type":"a","data":{}}{}`, err: ErrMalformedEvent},
}

// TestDecodeExactKeys pins the key-matching rules, and checks that the
// decoder agrees with the map-based reference on each case.
func TestDecodeExactKeys(t *testing.T) {
	for _, c := range exactCases {
		t.Run(c.name, func(t *testing.T) {
			ev, err := decodeHeaders([]byte(c.body), c.header, "")
			if c.err != nil {
				var de *DecodeError
				if !errors.Is(err, c.err) || !errors.As(err, &de) || de.Path != c.path {
					t.Fatalf("Decode = %+v, %v; want %v at %q", ev, err, c.err, c.path)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				user := "<nil>"
				if ev.UserID != nil {
					user = *ev.UserID
				}
				if ev.TriggerSlug != c.slug || user != c.user || string(ev.Data) != c.data {
					t.Errorf("got slug %q user %q data %s; want %q %q %s", ev.TriggerSlug, user, ev.Data, c.slug, c.user, c.data)
				}
			}
			checkSameAsLegacy(t, []byte(c.body), c.header, "")
		})
	}
}

// TestDecodeDataDoesNotAliasBody: Event.Data is a copy, so the caller may
// reuse the body's buffer.
func TestDecodeDataDoesNotAliasBody(t *testing.T) {
	for _, body := range []string{
		`{"id":"m","type":"composio.trigger.message","timestamp":"2026-01-15T10:30:00Z","metadata":{"trigger_slug":"s","user_id":"u"},"data":{"a":"b"}}`,
		`{"trigger_name":"t","payload":{"a":"b"}}`,
		`{"type":"t","data":{"a":"b"}}`,
	} {
		b := []byte(body)
		ev, err := Decode(nil, b)
		if err != nil {
			t.Fatal(err)
		}
		for i := range b {
			b[i] = 'x'
		}
		if string(ev.Data) != `{"a":"b"}` || (ev.UserID != nil && *ev.UserID != "u") {
			t.Errorf("%s: after overwriting the body, data = %s", body, ev.Data)
		}
	}
}

// TestDecodeSameAsLegacyOnEvents runs every real event and signing vector
// body, with every header, through both decoders.
func TestDecodeSameAsLegacyOnEvents(t *testing.T) {
	for _, body := range diffCorpus(t) {
		for _, h := range []string{"", "V1", "V2", "v3", "V4"} {
			checkSameAsLegacy(t, body, h, "whid")
		}
	}
}

// FuzzDecodeSameAsLegacy: for any body and header the decoder returns what
// the map-based reference returns.
func FuzzDecodeSameAsLegacy(f *testing.F) {
	for _, body := range diffCorpus(f) {
		f.Add(body, "")
		f.Add(body, "V2")
	}
	for _, c := range exactCases {
		f.Add([]byte(c.body), c.header)
	}
	f.Fuzz(func(t *testing.T, body []byte, header string) {
		checkSameAsLegacy(t, body, header, "whid")
	})
}

func diffCorpus(tb testing.TB) [][]byte {
	tb.Helper()
	files, err := filepath.Glob("../testdata/webhooks/events/*.json")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no events: %v", err)
	}
	var out [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// decodeHeaders runs Decode with the given x-composio-webhook-version and
// webhook-id header values ("" for absent).
func decodeHeaders(body []byte, version, id string) (*Event, error) {
	h := http.Header{}
	if version != "" {
		h.Set(HeaderVersion, version)
	}
	if id != "" {
		h.Set(HeaderID, id)
	}
	return Decode(h, body)
}

func checkSameAsLegacy(t *testing.T, body []byte, header, id string) {
	t.Helper()
	orig := bytes.Clone(body)
	want, wantErr := legacyDecodeVersion(body, header, id)
	got, gotErr := decodeHeaders(body, header, id)
	if !bytes.Equal(body, orig) {
		t.Fatalf("Decode modified the body")
	}
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("body %q header %q: err %v; legacy %v", body, header, gotErr, wantErr)
	}
	if wantErr != nil {
		if !reflect.DeepEqual(gotErr, wantErr) {
			t.Fatalf("body %q header %q: err %#v; legacy %#v", body, header, gotErr, wantErr)
		}
		return
	}
	if !got.Timestamp.Equal(want.Timestamp) || got.Timestamp.Format(time.RFC3339Nano) != want.Timestamp.Format(time.RFC3339Nano) {
		t.Fatalf("body %q: timestamp %v; legacy %v", body, got.Timestamp, want.Timestamp)
	}
	if (got.Data == nil) != (want.Data == nil) || !bytes.Equal(got.Data, want.Data) {
		t.Fatalf("body %q: data %q; legacy %q", body, got.Data, want.Data)
	}
	if (got.UserID == nil) != (want.UserID == nil) || (got.UserID != nil && *got.UserID != *want.UserID) {
		t.Fatalf("body %q: user id %v; legacy %v", body, got.UserID, want.UserID)
	}
	g, w := *got, *want
	g.Timestamp, w.Timestamp, g.Data, w.Data, g.UserID, w.UserID = time.Time{}, time.Time{}, nil, nil, nil, nil
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("body %q header %q:\n got %+v\nwant %+v", body, header, g, w)
	}
}
