package realtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"unicode/utf8"
)

func TestDecodePusher(t *testing.T) {
	tests := []struct {
		in      string
		event   string
		channel string
		data    string
		err     bool
	}{
		{in: `{"event":"pusher:connection_established","data":"{\"socket_id\":\"1.2\",\"activity_timeout\":120}"}`,
			event: evConnectionEstablished, data: `{"socket_id":"1.2","activity_timeout":120}`},
		{in: `{"event":"pusher:ping","data":{}}`, event: evPing, data: `{}`},
		{in: `{"event":"pusher:ping"}`, event: evPing},
		{in: `{"event":"pusher:ping","data":null}`, event: evPing},
		{in: `{"event":"trigger_to_client","channel":"private-p_triggers","data":"{\"a\":\"é\\u00e9\"}"}`,
			event: evTrigger, channel: "private-p_triggers", data: `{"a":"é\u00e9"}`},
		{in: `{"event":"pusher:error","data":{"code":4001,"message":"no app"}}`, event: evError, data: `{"code":4001,"message":"no app"}`},
		{in: `{"event":"x","data":"plain text"}`, event: "x", data: `plain text`},
		{in: `{"event":"x","data":42}`, event: "x", data: `42`},
		{in: ``, err: true},
		{in: `[]`, err: true},
		{in: `{"data":{}}`, err: true},
		{in: `{"event":""}`, err: true},
		{in: `{"event":5}`, err: true},
		{in: `{"event":"x","data":"unterminated}`, err: true},
		{in: `{"event":"x"} trailing`, err: true},
	}
	for _, tt := range tests {
		m, err := decodePusher([]byte(tt.in))
		if tt.err {
			if err == nil || !errors.Is(err, errMalformed) {
				t.Errorf("decodePusher(%q) = %+v, %v; want errMalformed", tt.in, m, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("decodePusher(%q): %v", tt.in, err)
			continue
		}
		if m.Event != tt.event || m.Channel != tt.channel || string(m.Data) != tt.data {
			t.Errorf("decodePusher(%q) = {%q %q %q}, want {%q %q %q}", tt.in, m.Event, m.Channel, m.Data, tt.event, tt.channel, tt.data)
		}
	}
}

func TestDecodeDataOfEvents(t *testing.T) {
	if e, err := decodeEstablished([]byte(`{"socket_id":"123.456","activity_timeout":30}`)); err != nil || e.SocketID != "123.456" || e.ActivityTimeout != 30 {
		t.Errorf("established %+v, %v", e, err)
	}
	for _, bad := range []string{`{}`, `{"socket_id":1}`, `x`} {
		if _, err := decodeEstablished([]byte(bad)); err == nil {
			t.Errorf("established %q accepted", bad)
		}
	}
	if c, err := decodeChunk([]byte(`{"id":"c1","index":2,"chunk":"ab","final":true}`)); err != nil || c != (chunk{"c1", 2, "ab", true}) {
		t.Errorf("chunk %+v, %v", c, err)
	}
	for _, bad := range []string{`{"index":0}`, `{"id":"c","index":"0"}`, `nope`} {
		if _, err := decodeChunk([]byte(bad)); err == nil {
			t.Errorf("chunk %q accepted", bad)
		}
	}
	if e := decodeError([]byte(`{"code":null,"message":"bad sig"}`)); e.Code != nil || e.String() != "bad sig" {
		t.Errorf("error %+v", e)
	}
	if e := decodeError([]byte(`{"code":4201,"message":"pong"}`)); e.Code == nil || e.String() != "4201: pong" {
		t.Errorf("error %+v", e)
	}
	if e := decodeError([]byte(`oops`)); e.Message != "oops" {
		t.Errorf("error %+v", e)
	}
}

// FuzzDecodePusher: the decoder never panics; what it accepts has an event
// name, and re-encoding what it decoded (data as a string, as Pusher servers
// send it) decodes to the same message.
func FuzzDecodePusher(f *testing.F) {
	for _, s := range []string{
		`{"event":"pusher:connection_established","data":"{\"socket_id\":\"1.2\",\"activity_timeout\":120}"}`,
		`{"event":"pusher:ping","data":{}}`,
		`{"event":"chunked-trigger_to_client","channel":"private-p_triggers","data":"{\"id\":\"c\",\"index\":0,\"chunk\":\"{\\\"a\\\"\",\"final\":false}"}`,
		`{"event":"pusher:error","data":{"code":null,"message":"x"}}`,
		`{"event":"x","data":null}`, `{"event":""}`, `[]`, `null`, `{"event":"x","data":"\ud800"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decodePusher(b)
		if err != nil {
			return
		}
		if m.Event == "" {
			t.Fatalf("accepted %q without an event name", b)
		}
		again, err := json.Marshal(map[string]any{"event": m.Event, "channel": m.Channel, "data": string(m.Data)})
		if err != nil {
			t.Fatal(err)
		}
		m2, err := decodePusher(again)
		if err != nil {
			t.Fatalf("re-encoded %q: %v", again, err)
		}
		if m2.Event != m.Event || m2.Channel != m.Channel || (len(m.Data) > 0 && !bytes.Equal(m2.Data, replaceInvalidBytes(m.Data))) {
			t.Fatalf("round trip of %q: %+v != %+v", b, m2, m)
		}
	})
}

// replaceInvalidBytes is what encoding/json does to a string with invalid
// UTF-8: each invalid byte becomes U+FFFD. bytes.ToValidUTF8 is not the same
// oracle, it folds a run of invalid bytes into one replacement.
func replaceInvalidBytes(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			out = utf8.AppendRune(out, utf8.RuneError)
		} else {
			out = append(out, b[:size]...)
		}
		b = b[size:]
	}
	return out
}
