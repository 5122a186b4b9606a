package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/triggergen/triggergen/secret"
)

// Header names of a Composio delivery.
const (
	HeaderID              = "webhook-id"
	HeaderTimestamp       = "webhook-timestamp"
	HeaderSignature       = "webhook-signature"
	HeaderVersion         = "x-composio-webhook-version"
	HeaderDeliveryAttempt = "x-composio-delivery-attempt"
)

// The header names in canonical form, computed once: http.Header.Get
// canonicalises its argument on every call, which allocates for these
// lower-case names.
var (
	canonicalID              = http.CanonicalHeaderKey(HeaderID)
	canonicalTimestamp       = http.CanonicalHeaderKey(HeaderTimestamp)
	canonicalSignature       = http.CanonicalHeaderKey(HeaderSignature)
	canonicalVersion         = http.CanonicalHeaderKey(HeaderVersion)
	canonicalDeliveryAttempt = http.CanonicalHeaderKey(HeaderDeliveryAttempt)
)

// header is h.Get(key) for a key in canonical form, without allocating.
func header(h http.Header, canonicalKey string) string {
	if v := h[canonicalKey]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// DefaultTolerance is how far webhook-timestamp may lie from the verifier's
// clock, in either direction, unless WithTolerance says otherwise.
const DefaultTolerance = 300 * time.Second

// standardWebhooksPrefix marks a Standard Webhooks secret.
const standardWebhooksPrefix = "whsec_"

// Verification failures. Every error Verify returns is a *VerifyError that
// matches exactly one of them with errors.Is.
var (
	// ErrMissingHeader: webhook-id, webhook-timestamp or webhook-signature
	// is absent or empty.
	ErrMissingHeader = errors.New("missing header")
	// ErrMalformedHeader: webhook-timestamp is not integer seconds, or
	// webhook-signature holds no entry of the form "<version>,<signature>".
	ErrMalformedHeader = errors.New("malformed header")
	// ErrStaleTimestamp: webhook-timestamp lies further than the tolerance
	// from now, in the past or in the future.
	ErrStaleTimestamp = errors.New("timestamp outside tolerance")
	// ErrNoMatchingSignature: no v1 entry of webhook-signature matches any
	// accepted secret (this includes a header that has no v1 entry).
	ErrNoMatchingSignature = errors.New("no matching signature")
)

// ErrNoSecret is returned by NewVerifier when no non-empty secret is given.
var ErrNoSecret = errors.New("webhook: no webhook secret given")

// VerifyError describes why a delivery failed verification. It never holds a
// secret or the body. Its fields follow the package's convention (see
// "Errors" in the package documentation); the place at fault is a header.
type VerifyError struct {
	// Header is the header at fault: HeaderID, HeaderTimestamp or
	// HeaderSignature.
	Header string
	// Message is a human-readable detail, e.g. "timestamp is 10m0s old";
	// it may be empty.
	Message string
	// Err is ErrMissingHeader, ErrMalformedHeader, ErrStaleTimestamp or
	// ErrNoMatchingSignature.
	Err error
}

func (e *VerifyError) Error() string {
	msg := "webhook: verify " + e.Header + ": " + e.Err.Error()
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

func (e *VerifyError) Unwrap() error { return e.Err }

// Verifier checks the signature of Composio deliveries. It is safe for
// concurrent use.
type Verifier struct {
	keys      [][]byte // HMAC keys; never printed (see String)
	nSecrets  int
	secrets   []secret.Value // only while options apply
	tolerance time.Duration
	now       func() time.Time
	stdKeys   bool
}

// VerifierOption configures a Verifier.
type VerifierOption func(*Verifier)

// WithSecrets adds further accepted secrets, for rotation: a delivery signed
// with any of them verifies. Empty values are ignored.
func WithSecrets(more ...secret.Value) VerifierOption {
	return func(v *Verifier) { v.secrets = append(v.secrets, more...) }
}

// WithTolerance sets how far webhook-timestamp may be from now, in either
// direction. Zero disables the timestamp check (the header must still be
// integer seconds); a negative value is treated as zero.
func WithTolerance(d time.Duration) VerifierOption {
	return func(v *Verifier) { v.tolerance = max(d, 0) }
}

// WithClock replaces time.Now as the clock webhook-timestamp is checked
// against, for tests.
func WithClock(now func() time.Time) VerifierOption {
	return func(v *Verifier) { v.now = now }
}

// WithStandardWebhooksKeys makes a secret of the form "whsec_<base64>" also
// accept signatures keyed, as the Standard Webhooks libraries do, with the
// base64-decoded remainder. The raw string is always tried first, because that
// is how Composio signs. A whsec_ secret whose remainder is not base64 is
// used raw only.
func WithStandardWebhooksKeys() VerifierOption {
	return func(v *Verifier) { v.stdKeys = true }
}

// NewVerifier returns a Verifier that accepts deliveries signed with s (and
// any secret added by WithSecrets). It returns ErrNoSecret when every secret
// is empty.
func NewVerifier(s secret.Value, opts ...VerifierOption) (*Verifier, error) {
	v := &Verifier{
		secrets:   []secret.Value{s},
		tolerance: DefaultTolerance,
		now:       time.Now,
	}
	for _, o := range opts {
		o(v)
	}
	for _, s := range v.secrets {
		raw := s.Reveal()
		if raw == "" {
			continue
		}
		v.nSecrets++
		v.keys = append(v.keys, []byte(raw))
		if v.stdKeys && strings.HasPrefix(raw, standardWebhooksPrefix) {
			if k, err := base64.StdEncoding.DecodeString(raw[len(standardWebhooksPrefix):]); err == nil && len(k) > 0 {
				v.keys = append(v.keys, k)
			}
		}
	}
	v.secrets = nil // the keys are all we need; do not keep a second copy
	if len(v.keys) == 0 {
		return nil, ErrNoSecret
	}
	return v, nil
}

// String describes the verifier without its secrets.
func (v Verifier) String() string {
	return fmt.Sprintf("webhook.Verifier{secrets: %d, tolerance: %s}", v.nSecrets, v.tolerance)
}

// Format prints String for every verb, so no formatting shows the keys.
func (v Verifier) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, v.String()) }

// LogValue makes slog print String.
func (v Verifier) LogValue() slog.Value { return slog.StringValue(v.String()) }

// Tolerance returns the timestamp tolerance; zero means the check is off.
func (v *Verifier) Tolerance() time.Duration { return v.tolerance }

// Verify checks the webhook-id, webhook-timestamp and webhook-signature
// headers of h against body, which must be the raw bytes as received. The
// entries of every webhook-signature line count, not only the first line's:
// a sender or a proxy may spread them over several lines.
func (v *Verifier) Verify(h http.Header, body []byte) error {
	// Join allocates only when there are several lines.
	sig := strings.Join(h[canonicalSignature], " ")
	return v.VerifyParts(header(h, canonicalID), header(h, canonicalTimestamp), sig, body)
}

// VerifyParts is Verify with the three header values given directly. It
// checks, in order: all three are present; the timestamp is integer unix
// seconds within the tolerance; some v1 entry of signature equals
// base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)) for an accepted
// key, compared in constant time.
func (v *Verifier) VerifyParts(id, timestamp, signature string, body []byte) error {
	switch {
	case id == "":
		return &VerifyError{Header: HeaderID, Err: ErrMissingHeader}
	case timestamp == "":
		return &VerifyError{Header: HeaderTimestamp, Err: ErrMissingHeader}
	case strings.TrimSpace(signature) == "":
		return &VerifyError{Header: HeaderSignature, Err: ErrMissingHeader}
	}
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return &VerifyError{Header: HeaderTimestamp, Err: ErrMalformedHeader,
			Message: fmt.Sprintf("%.40q is not integer unix seconds", timestamp)}
	}
	if v.tolerance > 0 {
		if reason, ok := checkTimestamp(v.now(), ts, v.tolerance); !ok {
			return &VerifyError{Header: HeaderTimestamp, Err: ErrStaleTimestamp, Message: reason}
		}
	}

	var (
		sigs      [8][]byte // most headers hold one or two entries
		cands     = sigs[:0]
		entries   int
		unversion int
		undecoded int
	)
	for entry := range strings.FieldsSeq(signature) {
		entries++
		ver, sig, ok := strings.Cut(entry, ",")
		if !ok {
			unversion++
			continue
		}
		if ver != "v1" {
			continue
		}
		raw, err := base64.StdEncoding.Strict().DecodeString(sig) // Strict: no second spelling of a MAC
		if err != nil || len(raw) != sha256.Size {
			undecoded++
			continue
		}
		cands = append(cands, raw)
	}
	if len(cands) == 0 {
		switch {
		case unversion == entries:
			return &VerifyError{Header: HeaderSignature, Err: ErrMalformedHeader,
				Message: `no entry of the form "v1,<base64>"`}
		case undecoded > 0:
			return &VerifyError{Header: HeaderSignature, Err: ErrNoMatchingSignature,
				Message: fmt.Sprintf("%d v1 %s not a base64 HMAC-SHA256", undecoded, plural(undecoded, "entry is", "entries are"))}
		default:
			return &VerifyError{Header: HeaderSignature, Err: ErrNoMatchingSignature,
				Message: "no v1 entry (other signature versions are ignored)"}
		}
	}

	var mac [sha256.Size]byte
	for _, key := range v.keys {
		sum := signedMAC(key, id, timestamp, body, mac[:0])
		for _, c := range cands {
			if hmac.Equal(sum, c) {
				return nil
			}
		}
	}
	return &VerifyError{Header: HeaderSignature, Err: ErrNoMatchingSignature,
		Message: fmt.Sprintf("%d v1 %s checked against %d %s",
			len(cands), plural(len(cands), "signature", "signatures"),
			v.nSecrets, plural(v.nSecrets, "secret", "secrets"))}
}

// checkTimestamp reports whether ts (unix seconds) is within tol of now, and
// if not, why. It does not overflow for any ts.
func checkTimestamp(now time.Time, ts int64, tol time.Duration) (string, bool) {
	n, limit := now.Unix(), int64(tol/time.Second)
	if ts >= n-limit && ts <= n+limit {
		return "", true
	}
	const maxSec = int64(1<<63-1) / int64(time.Second)
	age := func(a, b int64) string { // a > b
		if b < 0 && a > maxSec+b || a-b > maxSec {
			return "more than 290 years"
		}
		return (time.Duration(a-b) * time.Second).String()
	}
	if ts < n {
		return fmt.Sprintf("timestamp is %s old (tolerance %s)", age(n, ts), tol), false
	}
	return fmt.Sprintf("timestamp is %s in the future (tolerance %s)", age(ts, n), tol), false
}

// signedMAC appends HMAC-SHA256(key, id "." timestamp "." body) to dst.
func signedMAC(key []byte, id, timestamp string, body []byte, dst []byte) []byte {
	var m hash.Hash = hmac.New(sha256.New, key)
	m.Write([]byte(id))
	m.Write([]byte{'.'})
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(dst)
}

// Sign returns the webhook-signature header value Composio sends for a
// delivery: "v1," followed by the standard padded base64 of
// HMAC-SHA256(key, id + "." + unix seconds of ts + "." + body), keyed with
// the secret's raw UTF-8 bytes (a whsec_ prefix is part of the key). Tests and
// fake servers use it to sign deliveries; the webhook-timestamp header to send
// with it is strconv.FormatInt(ts.Unix(), 10). Package webhooktest builds
// whole signed requests.
func Sign(key secret.Value, id string, ts time.Time, body []byte) string {
	return SignParts(key, id, strconv.FormatInt(ts.Unix(), 10), body)
}

// SignParts is Sign with the webhook-timestamp header value given as is.
func SignParts(key secret.Value, id, timestamp string, body []byte) string {
	var mac [sha256.Size]byte
	sum := signedMAC([]byte(key.Reveal()), id, timestamp, body, mac[:0])
	return "v1," + base64.StdEncoding.EncodeToString(sum)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
