package webhook_test

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
)

// vectorOutcome maps a vector's expected_error to the sentinel the Go
// verifier or decoder returns. A nil sentinel with verifyFails means "any
// verification error".
func vectorOutcome(t *testing.T, v vector) (verifyErr, decodeErr error) {
	t.Helper()
	e := v.ExpectedError
	switch {
	case e == "" && v.Expected == "invalid":
		return webhook.ErrNoMatchingSignature, nil // body or signature altered
	case strings.Contains(e, "No signature header value"), strings.Contains(e, "No webhook ID"):
		return webhook.ErrMissingHeader, nil
	case strings.Contains(e, "Invalid webhook timestamp"):
		if v.Timestamp == "" {
			return webhook.ErrMissingHeader, nil
		}
		return webhook.ErrMalformedHeader, nil
	case strings.Contains(e, "outside the allowed tolerance"):
		return webhook.ErrStaleTimestamp, nil
	case strings.Contains(e, "No valid v1 signature found"):
		return webhook.ErrMalformedHeader, nil // "invalid-signature-no-prefix": no "<version>,<sig>" entry
	case strings.Contains(e, "No webhook payload"),
		strings.HasPrefix(e, "SignatureVerificationError"):
		return webhook.ErrNoMatchingSignature, nil
	case strings.Contains(e, "does not match any known version"):
		return nil, webhook.ErrUnknownEnvelope
	case strings.HasPrefix(e, "PayloadError"):
		return nil, webhook.ErrMalformedEvent // not JSON
	}
	t.Fatalf("vector %q: unmapped expected_error %q", v.Name, e)
	return nil, nil
}

func vectorVerifier(t *testing.T, v vector, opts ...webhook.VerifierOption) (*webhook.Verifier, error) {
	now := time.Now
	if v.NowUnix != nil {
		now = func() time.Time { return time.Unix(*v.NowUnix, 0) }
	}
	opts = append([]webhook.VerifierOption{
		webhook.WithTolerance(time.Duration(v.ToleranceSeconds) * time.Second),
		webhook.WithClock(now),
	}, opts...)
	return webhook.NewVerifier(secret.New(v.Secret), opts...)
}

// TestWebhookVectors runs every vector of signature-vectors.json. Their
// scope is Composio's whole verifyWebhook (signature, then JSON parse and
// version detection), so the outcome is Verify followed by Decode.
func TestWebhookVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			if v.ExpectedByKey != nil {
				testStandardWebhooksVector(t, v)
				return
			}
			ver, err := vectorVerifier(t, v)
			if v.Secret == "" {
				if !errors.Is(err, webhook.ErrNoSecret) || v.Expected != "invalid" {
					t.Fatalf("NewVerifier(empty) = %v; want ErrNoSecret and an invalid vector", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			body := []byte(v.Body)
			verr := ver.VerifyParts(v.ID, v.Timestamp, v.Signature, body)
			var ev *webhook.Event
			var derr error
			if verr == nil {
				ev, derr = webhook.Decode(nil, body)
			}
			switch v.Expected {
			case "valid":
				if verr != nil || derr != nil {
					t.Fatalf("verify: %v; decode: %v; want valid", verr, derr)
				}
				if got := string(ev.Version); got != v.ExpectedVersion {
					t.Errorf("version = %s; want %s", got, v.ExpectedVersion)
				}
				for k, want := range v.ExpectedNormalized {
					var got string
					switch k {
					case "triggerSlug":
						got = ev.TriggerSlug
					case "triggerId":
						got = ev.TriggerID
					case "connectedAccountId":
						got = ev.ConnectedAccountID
					case "userId":
						got = deref(ev.UserID)
					default:
						t.Fatalf("unknown expected_normalized key %q", k)
					}
					if got != want {
						t.Errorf("%s = %q; want %q", k, got, want)
					}
				}
			case "invalid":
				wantV, wantD := vectorOutcome(t, v)
				if wantV != nil && !errors.Is(verr, wantV) {
					t.Fatalf("verify = %v; want %v", verr, wantV)
				}
				if wantD != nil {
					if verr != nil {
						t.Fatalf("verify = %v; the signature is valid, the body is not an event", verr)
					}
					if !errors.Is(derr, wantD) {
						t.Fatalf("decode = %v; want %v", derr, wantD)
					}
				}
			default:
				t.Fatalf("unknown expected %q", v.Expected)
			}
		})
	}
}

// testStandardWebhooksVector: the whsec_ reference vector fails by default
// (Composio keys with the raw string) and passes WithStandardWebhooksKeys;
// the raw-key signature passes both ways.
func testStandardWebhooksVector(t *testing.T, v vector) {
	body := []byte(v.Body)
	for key, want := range v.ExpectedByKey {
		var opts []webhook.VerifierOption
		if strings.HasPrefix(key, "standard_webhooks") {
			opts = append(opts, webhook.WithStandardWebhooksKeys())
		} else if !strings.HasPrefix(key, "composio_sdk_utf8_raw") {
			t.Fatalf("unknown key derivation %q", key)
		}
		ver, err := vectorVerifier(t, v, opts...)
		if err != nil {
			t.Fatal(err)
		}
		err = ver.VerifyParts(v.ID, v.Timestamp, v.Signature, body)
		if (err == nil) != (want == "valid") {
			t.Errorf("%s: verify = %v; want %s", key, err, want)
		}
		if want == "invalid" && !errors.Is(err, webhook.ErrNoMatchingSignature) {
			t.Errorf("%s: verify = %v; want ErrNoMatchingSignature", key, err)
		}
		if err := ver.VerifyParts(v.ID, v.Timestamp, v.SignatureIfRaw, body); err != nil {
			t.Errorf("%s: raw-key signature: %v; the raw key is always accepted", key, err)
		}
	}
	if got := webhook.SignParts(secret.New(v.Secret), v.ID, v.Timestamp, body); got != v.SignatureIfRaw {
		t.Errorf("Sign keys with the raw whsec_ string: got %s, want %s", got, v.SignatureIfRaw)
	}
}

func deref(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

// TestWebhookSignMatchesVectors: Sign reproduces every valid raw-key vector.
func TestWebhookSignMatchesVectors(t *testing.T) {
	n := 0
	for _, v := range loadVectors(t) {
		if v.Expected != "valid" || v.KeyDerivation != "utf8-raw" || strings.Contains(v.Signature, " ") {
			continue
		}
		n++
		if got := webhook.SignParts(secret.New(v.Secret), v.ID, v.Timestamp, []byte(v.Body)); got != v.Signature {
			t.Errorf("%s: Sign = %s; want %s", v.Name, got, v.Signature)
		}
		ts, _ := strconv.ParseInt(v.Timestamp, 10, 64)
		if got := webhook.Sign(secret.New(v.Secret), v.ID, time.Unix(ts, 0), []byte(v.Body)); got != v.Signature {
			t.Errorf("%s: Sign(time) = %s; want %s", v.Name, got, v.Signature)
		}
	}
	if n < 10 {
		t.Fatalf("only %d valid vectors", n)
	}
}

// fixtureV3 is the "fixture: v3-github-push" vector: Composio's own signed
// capture.
func fixtureV3(t *testing.T) vector {
	for _, v := range loadVectors(t) {
		if v.Name == "fixture: v3-github-push" {
			return v
		}
	}
	t.Fatal("fixture: v3-github-push not found")
	return vector{}
}

// TestWebhookTamper flips each byte of id, timestamp, body and signature in
// turn; every change must fail verification.
func TestWebhookTamper(t *testing.T) {
	v := fixtureV3(t)
	ver, err := webhook.NewVerifier(secret.New(v.Secret), webhook.WithTolerance(0))
	if err != nil {
		t.Fatal(err)
	}
	if err := ver.VerifyParts(v.ID, v.Timestamp, v.Signature, []byte(v.Body)); err != nil {
		t.Fatalf("untampered: %v", err)
	}
	flip := func(s string, i int) string { b := []byte(s); b[i] ^= 0x01; return string(b) }
	fields := []struct {
		name string
		val  string
		try  func(s string) error
	}{
		{"id", v.ID, func(s string) error { return ver.VerifyParts(s, v.Timestamp, v.Signature, []byte(v.Body)) }},
		{"timestamp", v.Timestamp, func(s string) error { return ver.VerifyParts(v.ID, s, v.Signature, []byte(v.Body)) }},
		{"body", v.Body, func(s string) error { return ver.VerifyParts(v.ID, v.Timestamp, v.Signature, []byte(s)) }},
		{"signature", v.Signature, func(s string) error { return ver.VerifyParts(v.ID, v.Timestamp, s, []byte(v.Body)) }},
	}
	for _, f := range fields {
		for i := range len(f.val) {
			if err := f.try(flip(f.val, i)); err == nil {
				t.Errorf("%s byte %d flipped (%q): verified", f.name, i, flip(f.val, i))
			}
		}
		// Dropping or appending a byte fails too.
		if err := f.try(f.val[:len(f.val)-1]); err == nil {
			t.Errorf("%s truncated: verified", f.name)
		}
		if err := f.try(f.val + "0"); err == nil {
			t.Errorf("%s extended: verified", f.name)
		}
	}
}

// TestWebhookTolerance checks the timestamp window in both directions.
func TestWebhookTolerance(t *testing.T) {
	const key = "tolerance-secret"
	now := time.Unix(1_768_262_400, 0)
	body := []byte(`{"type":"github_push_event","data":{}}`)
	check := func(offset time.Duration, tol *time.Duration, want error) {
		t.Helper()
		ts := now.Add(offset)
		opts := []webhook.VerifierOption{webhook.WithClock(func() time.Time { return now })}
		if tol != nil {
			opts = append(opts, webhook.WithTolerance(*tol))
		}
		ver, err := webhook.NewVerifier(secret.New(key), opts...)
		if err != nil {
			t.Fatal(err)
		}
		h := http.Header{}
		h.Set(webhook.HeaderID, "msg_tol")
		h.Set(webhook.HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
		h.Set(webhook.HeaderSignature, webhook.Sign(secret.New(key), "msg_tol", ts, body))
		err = ver.Verify(h, body)
		if want == nil && err != nil || want != nil && !errors.Is(err, want) {
			t.Errorf("offset %v tolerance %v: %v; want %v", offset, tol, err, want)
		}
	}
	d := func(x time.Duration) *time.Duration { return &x }
	check(-301*time.Second, nil, webhook.ErrStaleTimestamp)
	check(-300*time.Second, nil, nil)
	check(-301*time.Second, d(600*time.Second), nil)
	check(-601*time.Second, d(600*time.Second), webhook.ErrStaleTimestamp)
	check(301*time.Second, nil, webhook.ErrStaleTimestamp) // future
	check(300*time.Second, nil, nil)
	check(301*time.Second, d(600*time.Second), nil)
	check(-10*365*24*time.Hour, d(0), nil) // 0 disables
	check(10*365*24*time.Hour, d(0), nil)
	check(-10*time.Minute, d(-time.Second), nil) // negative = disabled

	ver, _ := webhook.NewVerifier(secret.New(key), webhook.WithClock(func() time.Time { return now }))
	err := ver.VerifyParts("msg_tol", "1768261800", "v1,x", body)
	if err == nil || !strings.Contains(err.Error(), "10m0s old") {
		t.Errorf("stale reason = %v; want it to say 10m0s old", err)
	}
	err = ver.VerifyParts("msg_tol", "-9223372036854775808", "v1,x", body)
	if !errors.Is(err, webhook.ErrStaleTimestamp) || !strings.Contains(err.Error(), "more than 290 years") {
		t.Errorf("minimum int64 timestamp: %v", err)
	}
	err = ver.VerifyParts("msg_tol", "9223372036854775807", "v1,x", body)
	if !errors.Is(err, webhook.ErrStaleTimestamp) || !strings.Contains(err.Error(), "future") {
		t.Errorf("maximum int64 timestamp: %v", err)
	}
}

// verifyFixture is a verifier whose clock stands at ts, a body, and the
// signatures of it as delivery msg_1 at ts with the verifier's secret (good)
// and with another (other).
type verifyFixture struct {
	ver         *webhook.Verifier
	ts          time.Time
	body        []byte
	good, other string
}

func newVerifyFixture(t *testing.T) verifyFixture {
	t.Helper()
	key := secret.New("fixture-secret")
	f := verifyFixture{ts: time.Unix(1_700_000_000, 0), body: []byte(`{}`)}
	f.good = webhook.Sign(key, "msg_1", f.ts, f.body)
	f.other = webhook.Sign(secret.New("another-secret"), "msg_1", f.ts, f.body)
	var err error
	if f.ver, err = webhook.NewVerifier(key, webhook.WithClock(func() time.Time { return f.ts })); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestWebhookVerifyErrors checks each failure's sentinel and header name.
func TestWebhookVerifyErrors(t *testing.T) {
	f := newVerifyFixture(t)
	ver, body, good, other := f.ver, f.body, f.good, f.other
	tsStr := strconv.FormatInt(f.ts.Unix(), 10)
	cases := []struct {
		name, id, ts, sig string
		want              error
		header            string
	}{
		{"ok", "msg_1", tsStr, good, nil, ""},
		{"several entries, last matches", "msg_1", tsStr, other + " v1,bm9wZQ== " + good, nil, ""},
		{"other versions ignored", "msg_1", tsStr, "v1a,abc v2," + strings.TrimPrefix(good, "v1,") + " " + good, nil, ""},
		{"tabs and repeated spaces", "msg_1", tsStr, "\t" + other + "   " + good + " ", nil, ""},
		{"missing id", "", tsStr, good, webhook.ErrMissingHeader, webhook.HeaderID},
		{"missing timestamp", "msg_1", "", good, webhook.ErrMissingHeader, webhook.HeaderTimestamp},
		{"missing signature", "msg_1", tsStr, "", webhook.ErrMissingHeader, webhook.HeaderSignature},
		{"blank signature", "msg_1", tsStr, "   ", webhook.ErrMissingHeader, webhook.HeaderSignature},
		{"float timestamp", "msg_1", tsStr + ".5", good, webhook.ErrMalformedHeader, webhook.HeaderTimestamp},
		{"millisecond timestamp", "msg_1", tsStr + "000", good, webhook.ErrStaleTimestamp, webhook.HeaderTimestamp},
		{"no version prefix", "msg_1", tsStr, strings.TrimPrefix(good, "v1,"), webhook.ErrMalformedHeader, webhook.HeaderSignature},
		{"only other versions", "msg_1", tsStr, "v2," + strings.TrimPrefix(good, "v1,"), webhook.ErrNoMatchingSignature, webhook.HeaderSignature},
		{"not base64", "msg_1", tsStr, "v1,!!!", webhook.ErrNoMatchingSignature, webhook.HeaderSignature},
		{"unpadded", "msg_1", tsStr, strings.TrimRight(good, "="), webhook.ErrNoMatchingSignature, webhook.HeaderSignature},
		{"wrong secret", "msg_1", tsStr, other, webhook.ErrNoMatchingSignature, webhook.HeaderSignature},
		{"uppercase V1", "msg_1", tsStr, "V1," + strings.TrimPrefix(good, "v1,"), webhook.ErrNoMatchingSignature, webhook.HeaderSignature},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := ver.VerifyParts(c.id, c.ts, c.sig, body)
			if c.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v; want %v", err, c.want)
			}
			ve, ok := errors.AsType[*webhook.VerifyError](err)
			if !ok || ve.Header != c.header {
				t.Fatalf("err = %#v; want a *VerifyError for %s", err, c.header)
			}
			for _, s := range []error{webhook.ErrMissingHeader, webhook.ErrMalformedHeader, webhook.ErrStaleTimestamp, webhook.ErrNoMatchingSignature} {
				if s != c.want && errors.Is(err, s) {
					t.Errorf("err also matches %v", s)
				}
			}
		})
	}
}

// TestWebhookRotation: every configured secret is accepted, others are not.
func TestWebhookRotation(t *testing.T) {
	ts := time.Now()
	body := []byte(`{"x":1}`)
	ver, err := webhook.NewVerifier(secret.New("new-secret"),
		webhook.WithSecrets(secret.New("old-secret"), secret.Value{}))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"new-secret", "old-secret"} {
		if err := ver.VerifyParts("m", strconv.FormatInt(ts.Unix(), 10), webhook.Sign(secret.New(s), "m", ts, body), body); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	err = ver.VerifyParts("m", strconv.FormatInt(ts.Unix(), 10), webhook.Sign(secret.New("retired"), "m", ts, body), body)
	if !errors.Is(err, webhook.ErrNoMatchingSignature) || !strings.Contains(err.Error(), "2 secrets") {
		t.Errorf("unknown secret: %v", err)
	}
	if _, err := webhook.NewVerifier(secret.Value{}, webhook.WithSecrets(secret.New(""))); !errors.Is(err, webhook.ErrNoSecret) {
		t.Errorf("all-empty secrets: %v; want ErrNoSecret", err)
	}
	if v, err := webhook.NewVerifier(secret.Value{}, webhook.WithSecrets(secret.New("only-rotation"))); err != nil || v == nil {
		t.Errorf("empty primary with a rotation secret: %v", err)
	}
}

// TestWebhookStandardWebhooksKeys: the option adds the decoded key after the
// raw one, and a whsec_ secret that is not base64 still works raw.
func TestWebhookStandardWebhooksKeys(t *testing.T) {
	ts := time.Now()
	tsStr := strconv.FormatInt(ts.Unix(), 10)
	body := []byte(`{}`)
	ver, err := webhook.NewVerifier(secret.New("whsec_not*base64"), webhook.WithStandardWebhooksKeys())
	if err != nil {
		t.Fatal(err)
	}
	if err := ver.VerifyParts("m", tsStr, webhook.Sign(secret.New("whsec_not*base64"), "m", ts, body), body); err != nil {
		t.Fatal(err)
	}
	if err := ver.VerifyParts("m", tsStr, webhook.Sign(secret.New("not*base64"), "m", ts, body), body); err == nil {
		t.Fatal("the prefix-stripped raw remainder is not a key")
	}
}

// TestWebhookNoSecretLeak: no error, log line or formatting of a Verifier
// shows the secret.
func TestWebhookNoSecretLeak(t *testing.T) {
	const key = "Sup3r-s3cret-VALUE-do-not-print"
	old := "0ld-r0tated-s3cret-VALUE"
	ver, err := webhook.NewVerifier(secret.New(key), webhook.WithSecrets(secret.New(old)), webhook.WithStandardWebhooksKeys())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tsStr := strconv.FormatInt(now.Unix(), 10)
	var texts []string
	for _, c := range [][3]string{
		{"", tsStr, "v1,x"}, {"m", "", "v1,x"}, {"m", tsStr, ""}, {"m", "abc", "v1,x"},
		{"m", "1", "v1,x"}, {"m", tsStr, "garbage"}, {"m", tsStr, "v1,AAAA"},
		{"m", tsStr, webhook.Sign(secret.New("wrong"), "m", now, nil)},
		{"m", tsStr, "v1," + key}, {key, tsStr, "v1,x"},
	} {
		err := ver.VerifyParts(c[0], c[1], c[2], []byte("{}"))
		if err == nil {
			t.Fatalf("%q verified", c)
		}
		texts = append(texts, err.Error(), fmt.Sprintf("%+v %#v", err, err))
	}
	texts = append(texts, fmt.Sprint(ver), fmt.Sprintf("%+v %#v %s %x %q", ver, ver, ver, ver, ver),
		fmt.Sprintf("%v %+v %#v", *ver, *ver, *ver))
	for _, s := range texts {
		// The header values above are not echoed either, so even the
		// cases that put the secret in a header must not show it.
		for _, leak := range []string{key, old, fmt.Sprint([]byte(key)), fmt.Sprintf("%x", key)} {
			if strings.Contains(s, leak) {
				t.Errorf("secret leaked: %s", s)
			}
		}
	}
}

// TestWebhookVerifySignatureLines: a delivery may carry webhook-signature on
// several header lines (a proxy, or a sender that adds one line per secret
// during rotation), each holding one or more entries: all of them count.
func TestWebhookVerifySignatureLines(t *testing.T) {
	f := newVerifyFixture(t)
	ver, body, good, other := f.ver, f.body, f.good, f.other
	headers := func(lines ...string) http.Header {
		h := http.Header{}
		h.Set(webhook.HeaderID, "msg_1")
		h.Set(webhook.HeaderTimestamp, strconv.FormatInt(f.ts.Unix(), 10))
		for _, l := range lines {
			h.Add(webhook.HeaderSignature, l)
		}
		return h
	}
	for _, lines := range [][]string{
		{other, good},
		{other + " v1,bm9wZQ==", "garbage", "v2,x " + good},
		{"", good},
		{good, other},
	} {
		if err := ver.Verify(headers(lines...), body); err != nil {
			t.Errorf("lines %q: %v", lines, err)
		}
	}
	for _, c := range []struct {
		lines []string
		want  error
	}{
		{[]string{other, other}, webhook.ErrNoMatchingSignature},
		{[]string{"", " "}, webhook.ErrMissingHeader},
		{[]string{"garbage", "more-garbage"}, webhook.ErrMalformedHeader},
	} {
		if err := ver.Verify(headers(c.lines...), body); !errors.Is(err, c.want) {
			t.Errorf("lines %q: %v; want %v", c.lines, err, c.want)
		}
	}
}
