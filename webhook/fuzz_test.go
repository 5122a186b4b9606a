package webhook_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
)

// FuzzVerify feeds arbitrary header values and bodies to the verifier. It
// must never panic, must fail with exactly one of the four sentinels, and
// must accept what Sign produces.
func FuzzVerify(f *testing.F) {
	for _, v := range loadVectors(f) {
		f.Add(v.Secret, v.ID, v.Timestamp, v.Signature, []byte(v.Body))
	}
	f.Add("s", "id", "0", "v1,", []byte{})
	f.Add("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "m", "-9223372036854775808", "v1,a v1a,b ,", []byte("{}"))
	// Keys that are words of the fixed error text ("secret", "signature",
	// "timestamp", "header") once made the leak check report a leak.
	wrongMAC := "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
	for _, key := range []string{"secr", "secret", "signature", "v1 s", "tolerance", "header"} {
		f.Add(key, "msg_1", "1768262400", wrongMAC, []byte("{}"))
		f.Add(key, "msg_1", "1", wrongMAC, []byte("{}"))
		f.Add(key, "msg_1", "1768262400", "nope", []byte("{}"))
	}
	sentinels := []error{webhook.ErrMissingHeader, webhook.ErrMalformedHeader, webhook.ErrStaleTimestamp, webhook.ErrNoMatchingSignature}
	now := time.Unix(1_768_262_400, 0)
	newVerifier := func(key string) (*webhook.Verifier, error) {
		return webhook.NewVerifier(secret.New(key), webhook.WithClock(func() time.Time { return now }),
			webhook.WithStandardWebhooksKeys())
	}
	f.Fuzz(func(t *testing.T, key, id, ts, sig string, body []byte) {
		ver, err := newVerifier(key)
		if key == "" {
			if !errors.Is(err, webhook.ErrNoSecret) {
				t.Fatalf("empty secret: %v", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		err = ver.VerifyParts(id, ts, sig, body)
		if err != nil {
			n := 0
			for _, s := range sentinels {
				if errors.Is(err, s) {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("%v matches %d sentinels", err, n)
			}
			// No part of the key shows: the message stays the same when
			// every byte of the key changes. (Looking for the key in the
			// message mistook fixed words such as "secret" for a leak of
			// the key "secr".)
			other := []byte(key)
			for i := range other {
				other[i] ^= 1
			}
			ver2, err2 := newVerifier(string(other))
			if err2 != nil {
				t.Fatal(err2)
			}
			if err2 = ver2.VerifyParts(id, ts, sig, body); err2 != nil && err2.Error() != err.Error() {
				t.Fatalf("the error depends on the secret:\n%q with it,\n%q with another", err, err2)
			}
		}
		// Whatever was sent, a correct signature over it verifies when the
		// headers are well-formed and the timestamp is fresh.
		if id != "" && !strings.ContainsAny(id, "\r\n") {
			h := http.Header{}
			h.Set(webhook.HeaderID, id)
			h.Set(webhook.HeaderTimestamp, "1768262400")
			h.Set(webhook.HeaderSignature, sig+" "+webhook.Sign(secret.New(key), id, now, body))
			if h.Get(webhook.HeaderID) == id {
				if err := ver.Verify(h, body); err != nil {
					t.Fatalf("own signature rejected: %v", err)
				}
			}
		}
	})
}

// FuzzDecode feeds arbitrary bodies and version headers to the decoder. It
// must never panic; a decoded event has a version and valid JSON data.
func FuzzDecode(f *testing.F) {
	for _, body := range loadEvents(f) {
		for _, h := range []string{"", "V1", "V2", "V3"} {
			f.Add(body, h)
		}
	}
	for _, v := range loadVectors(f) {
		f.Add([]byte(v.Body), "")
	}
	f.Add([]byte(`{"type":"x","data":{"user_id":1}}`), "")
	f.Add([]byte(`{"type":"composio.trigger.disabled","id":"m","timestamp":"2026-01-01T00:00:00Z","data":{"trigger_name":null}}`), "")
	f.Fuzz(func(t *testing.T, body []byte, header string) {
		ev, err := webhook.Decode(http.Header{"Webhook-Id": {"whid"}, "X-Composio-Webhook-Version": {header}}, body)
		if err != nil {
			var de *webhook.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %v is not a *DecodeError", err)
			}
			return
		}
		switch ev.Version {
		case webhook.V1, webhook.V2, webhook.V3:
		default:
			t.Fatalf("version %q", ev.Version)
		}
		if ev.Data != nil && !json.Valid(ev.Data) {
			t.Fatalf("invalid data %q", ev.Data)
		}
		if ev.TriggerSlug != strings.ToUpper(ev.TriggerSlug) {
			t.Fatalf("slug %q not upper case", ev.TriggerSlug)
		}
		if _, err := json.Marshal(ev); err != nil {
			t.Fatalf("event does not encode: %v", err)
		}
	})
}
