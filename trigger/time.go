package trigger

import (
	"bytes"
	"encoding/json"
	"errors"
	"time"
)

// DateTime is a JSON Schema "date-time" string. It decodes every JSON string,
// RFC 3339 or not, so that one odd timestamp never makes an event
// undecodable: Time returns the instant when the string parses as RFC 3339,
// and the string itself is kept and written back unchanged. Build one with
// NewDateTime or ParseDateTime; the zero value is unset (null, omitted by
// omitzero).
type DateTime struct {
	t   time.Time
	raw string
	set bool
}

// NewDateTime returns t as a DateTime; it encodes as RFC 3339 with
// nanoseconds when present.
func NewDateTime(t time.Time) DateTime {
	return DateTime{t: t, raw: t.Format(time.RFC3339Nano), set: true}
}

// ParseDateTime wraps s, parsing it when it is RFC 3339.
func ParseDateTime(s string) DateTime {
	d := DateTime{raw: s, set: true}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		d.t = t
	}
	return d
}

// Time returns the parsed instant: the zero time when the string is not
// RFC 3339 (see Valid) or d is unset.
func (d DateTime) Time() time.Time { return d.t }

// String returns the string as received (or as built by NewDateTime).
func (d DateTime) String() string { return d.raw }

// Valid reports whether the string is an RFC 3339 date-time.
func (d DateTime) Valid() bool { return d.set && isRFC3339(d.raw) }

// IsZero reports whether d holds no value; omitzero uses it.
func (d DateTime) IsZero() bool { return !d.set }

// MarshalJSON writes the string.
func (d DateTime) MarshalJSON() ([]byte, error) {
	if !d.set {
		return []byte("null"), nil
	}
	return json.Marshal(d.raw)
}

// UnmarshalJSON accepts any JSON string (and null, which leaves d zero).
func (d *DateTime) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*d = DateTime{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errors.New("trigger: date-time must be a JSON string")
	}
	*d = ParseDateTime(s)
	return nil
}

func isRFC3339(s string) bool {
	_, err := time.Parse(time.RFC3339Nano, s)
	return err == nil
}

// Date is a JSON Schema "date" string (YYYY-MM-DD). Like DateTime it decodes
// every JSON string, keeping the string and parsing it when it is a
// full-date. Build one with NewDate or ParseDate; the zero value is unset.
type Date struct {
	t   time.Time
	raw string
	set bool
}

// NewDate returns the date year-month-day. Values outside their usual
// ranges are normalized as time.Date does: NewDate(2026, 2, 30) is
// 2026-03-02, NewDate(2026, 13, 1) is 2027-01-01. A year outside 0-9999
// has no full-date form: the result is not Valid.
func NewDate(year int, month time.Month, day int) Date {
	t := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
	return ParseDate(t.Format(time.DateOnly))
}

// ParseDate wraps s, parsing it when it is a full-date.
func ParseDate(s string) Date {
	d := Date{raw: s, set: true}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		d.t = t
	}
	return d
}

// Time returns midnight UTC of the date: the zero time when the string is
// not a full-date (see Valid) or d is unset.
func (d Date) Time() time.Time { return d.t }

// String returns the string as received.
func (d Date) String() string { return d.raw }

// Valid reports whether the string is a full-date.
func (d Date) Valid() bool {
	_, err := time.Parse(time.DateOnly, d.raw)
	return d.set && err == nil
}

// IsZero reports whether d holds no value; omitzero uses it.
func (d Date) IsZero() bool { return !d.set }

// MarshalJSON writes the string.
func (d Date) MarshalJSON() ([]byte, error) {
	if !d.set {
		return []byte("null"), nil
	}
	return json.Marshal(d.raw)
}

// UnmarshalJSON accepts any JSON string (and null, which leaves d zero).
func (d *Date) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errors.New("trigger: date must be a JSON string")
	}
	*d = ParseDate(s)
	return nil
}
