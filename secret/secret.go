// Package secret provides Value, a string that never prints.
//
// Every way the standard library formats or encodes a value for people (fmt
// verbs, %#v, encoding/json, encoding.TextMarshaler, log/slog) yields the
// redaction "[REDACTED]". The only way to the underlying string is Reveal,
// which this module calls only where the secret goes on the wire or into a
// cryptographic function: a request's header or body (package composio), an
// HMAC key (webhook.NewVerifier, webhook.Sign).
package secret

import (
	"fmt"
	"log/slog"
)

// Redacted is what a Value prints as.
const Redacted = "[REDACTED]"

// Value holds a credential. The zero Value is empty. Compare values with
// Equal, not ==.
type Value struct {
	// p points at the secret rather than holding it: fmt cannot call the
	// redacting methods of a Value kept in an unexported struct field, and
	// falls back to printing the field by reflection, which then shows an
	// address instead of the secret.
	p *string
}

// New wraps s.
func New(s string) Value { return Value{p: &s} }

// Reveal returns the secret itself. Call it only to put the value on the wire
// or into a cryptographic function, never to log it.
func (v Value) Reveal() string {
	if v.p == nil {
		return ""
	}
	return *v.p
}

// IsZero reports whether the value is empty.
func (v Value) IsZero() bool { return v.Reveal() == "" }

// Equal reports whether two values hold the same secret.
func (v Value) Equal(o Value) bool { return v.Reveal() == o.Reveal() }

// String returns the redaction.
func (Value) String() string { return Redacted }

// GoString returns the redaction, for %#v.
func (Value) GoString() string { return "secret.Value(" + Redacted + ")" }

// Format prints the redaction for every verb and flag.
func (v Value) Format(f fmt.State, verb rune) {
	switch verb {
	case 'v':
		if f.Flag('#') {
			_, _ = f.Write([]byte(v.GoString()))
			return
		}
	case 'q':
		_, _ = f.Write([]byte(`"` + Redacted + `"`))
		return
	}
	_, _ = f.Write([]byte(Redacted))
}

// MarshalJSON encodes the redaction, so a Value logged as JSON stays hidden.
// Request bodies are built with Reveal, never with this.
func (Value) MarshalJSON() ([]byte, error) { return []byte(`"` + Redacted + `"`), nil }

// MarshalText encodes the redaction.
func (Value) MarshalText() ([]byte, error) { return []byte(Redacted), nil }

// LogValue makes slog print the redaction.
func (Value) LogValue() slog.Value { return slog.StringValue(Redacted) }
