package triggerimpl

import (
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"unsafe"

	"github.com/triggergen/triggergen/internal/jsonscan"
	"github.com/triggergen/triggergen/trigger"
)

// The value decoders of Decoder: scalars, their pointers, dates, and the
// exact integer parser.

// String decodes a string.
func (d *Decoder) String() string {
	if d.peek() != '"' {
		d.mismatch("a string", reflect.TypeFor[string]())
		return ""
	}
	end, plain := jsonscan.StringPlain(d.data, d.pos)
	if end < 0 {
		d.fail()
		return ""
	}
	raw := d.data[d.pos:end]
	d.pos = end
	if plain {
		return string(raw[1 : len(raw)-1])
	}
	d.strBuf = jsonscan.AppendUnquoted(d.strBuf[:0], raw)
	return string(d.strBuf)
}

// Bool decodes a boolean.
func (d *Decoder) Bool() bool {
	switch d.peek() {
	case 't':
		return d.literal("true")
	case 'f':
		d.literal("false")
		return false
	}
	d.mismatch("a boolean", reflect.TypeFor[bool]())
	return false
}

// number consumes a number and returns its text, or nil (after reporting a
// mismatch) when the next value is not a number.
func (d *Decoder) number(want string, goType reflect.Type) []byte {
	c := d.peek()
	if c != '-' && (c < '0' || c > '9') {
		d.mismatch(want, goType)
		return nil
	}
	end := jsonscan.Number(d.data, d.pos)
	if end < 0 {
		d.fail()
		return nil
	}
	n := d.data[d.pos:end]
	d.pos = end
	return n
}

// Int decodes an integer (see the Decoder doc for the accepted forms).
func (d *Decoder) Int() int64 {
	n := d.number("an integer", reflect.TypeFor[int64]())
	if n == nil {
		return 0
	}
	v, st := ParseInt(n)
	switch st {
	case intFraction:
		if d.strict {
			d.add("type", "must be an integer, not "+string(n))
		} else {
			d.typeError("number "+string(n), reflect.TypeFor[int64](), d.pos-len(n))
		}
	case intRange:
		if d.strict {
			d.add("type", "is an integer outside the range generated code supports (int64: -9223372036854775808 to 9223372036854775807)")
		} else {
			d.typeError("number "+string(n), reflect.TypeFor[int64](), d.pos-len(n))
		}
	}
	return v
}

// Float decodes a number.
func (d *Decoder) Float() float64 {
	n := d.number("a number", reflect.TypeFor[float64]())
	if n == nil {
		return 0
	}
	v, err := strconv.ParseFloat(unsafe.String(&n[0], len(n)), 64)
	if err != nil && math.IsInf(v, 0) {
		if d.strict {
			d.add("type", "is a number outside the range generated code supports (float64: about ±1.8e308)")
		} else {
			d.typeError("number "+string(n), reflect.TypeFor[float64](), d.pos-len(n))
		}
		return 0
	}
	return v
}

// DateTime decodes a string as a trigger.DateTime (any string is kept).
func (d *Decoder) DateTime() trigger.DateTime {
	if d.peek() != '"' {
		d.mismatch("a string", reflect.TypeFor[string]())
		return trigger.DateTime{}
	}
	return trigger.ParseDateTime(d.String())
}

// Date decodes a string as a trigger.Date (any string is kept).
func (d *Decoder) Date() trigger.Date {
	if d.peek() != '"' {
		d.mismatch("a string", reflect.TypeFor[string]())
		return trigger.Date{}
	}
	return trigger.ParseDate(d.String())
}

// Pointer decoders: a null is nil (in a strict decoder an error unless the
// generated code checked Null first, where the schema allows null).

// StringPtr decodes a string into a new pointer; null is nil.
func (d *Decoder) StringPtr() *string {
	if d.nullPtr() {
		return nil
	}
	v := d.String()
	return &v
}

// IntPtr decodes an integer into a new pointer; null is nil.
func (d *Decoder) IntPtr() *int64 {
	if d.nullPtr() {
		return nil
	}
	v := d.Int()
	return &v
}

// FloatPtr decodes a number into a new pointer; null is nil.
func (d *Decoder) FloatPtr() *float64 {
	if d.nullPtr() {
		return nil
	}
	v := d.Float()
	return &v
}

// BoolPtr decodes a boolean into a new pointer; null is nil.
func (d *Decoder) BoolPtr() *bool {
	if d.nullPtr() {
		return nil
	}
	v := d.Bool()
	return &v
}

// StringOrNull decodes a string or null (nil) where the schema allows null.
func (d *Decoder) StringOrNull() *string {
	if d.Null() {
		return nil
	}
	return d.StringPtr()
}

// IntOrNull decodes an integer or null (nil) where the schema allows null.
func (d *Decoder) IntOrNull() *int64 {
	if d.Null() {
		return nil
	}
	return d.IntPtr()
}

// FloatOrNull decodes a number or null (nil) where the schema allows null.
func (d *Decoder) FloatOrNull() *float64 {
	if d.Null() {
		return nil
	}
	return d.FloatPtr()
}

// BoolOrNull decodes a boolean or null (nil) where the schema allows null.
func (d *Decoder) BoolOrNull() *bool {
	if d.Null() {
		return nil
	}
	return d.BoolPtr()
}

// RawNotNull is Raw for a value that must not be null: a strict decoder
// reports a null.
func (d *Decoder) RawNotNull() json.RawMessage {
	if d.strict && d.peek() == 'n' {
		d.mismatch("", nil)
		return nil
	}
	return d.Raw()
}

// nullPtr consumes a null for a pointer: true when the value was null
// (reported in a strict decoder).
func (d *Decoder) nullPtr() bool {
	if d.peek() != 'n' {
		return false
	}
	d.mismatch("", nil)
	return true
}

// ParseInt returns the value of the valid JSON number n when it is an
// integer that fits int64, with status 0; 1 when n has a fractional part;
// 2 when it is an integer outside int64. 1.0, 1e2 and -0 are integers.
func ParseInt(n []byte) (int64, int) {
	neg := n[0] == '-'
	if neg {
		n = n[1:]
	}
	// Fast path: digits only.
	i := 0
	var u uint64
	for i < len(n) && n[i] >= '0' && n[i] <= '9' {
		if u > (math.MaxUint64-9)/10 {
			break
		}
		u = u*10 + uint64(n[i]-'0')
		i++
	}
	if i == len(n) {
		return signed(u, neg)
	}
	return parseIntSlow(n, neg)
}

const (
	intOK       = 0
	intFraction = 1
	intRange    = 2
)

func signed(u uint64, neg bool) (int64, int) {
	if neg {
		if u > 1<<63 {
			return 0, intRange
		}
		return -int64(u), intOK // -(1<<63) wraps to itself
	}
	if u > math.MaxInt64 {
		return 0, intRange
	}
	return int64(u), intOK
}

// parseIntSlow handles fractions, exponents and long digit strings
// exactly: the value is the significant digits times a power of ten.
func parseIntSlow(n []byte, neg bool) (int64, int) {
	i := 0
	for i < len(n) && isDigit(n[i]) {
		i++
	}
	intPart := n[:i]
	var frac []byte
	if i < len(n) && n[i] == '.' {
		j := i + 1
		for j < len(n) && isDigit(n[j]) {
			j++
		}
		frac = n[i+1 : j]
		i = j
	}
	var exp int64
	if i < len(n) { // 'e' or 'E'
		i++
		eneg := n[i] == '-'
		if n[i] == '+' || n[i] == '-' {
			i++
		}
		for ; i < len(n); i++ {
			if exp < 1e12 {
				exp = exp*10 + int64(n[i]-'0')
			}
		}
		if eneg {
			exp = -exp
		}
	}
	digit := func(k int) byte {
		if k < len(intPart) {
			return intPart[k]
		}
		return frac[k-len(intPart)]
	}
	all := len(intPart) + len(frac)
	first := 0
	for first < all && digit(first) == '0' {
		first++
	}
	if first == all {
		return 0, intOK // zero, however written
	}
	last := all - 1
	for digit(last) == '0' {
		last--
	}
	// scale is the power of ten of the last significant digit.
	scale := exp - int64(len(frac)) + int64(all-1-last)
	if scale < 0 {
		return 0, intFraction
	}
	if int64(last-first+1)+scale > 20 {
		return 0, intRange
	}
	var u uint64
	for k := first; k <= last; k++ {
		if u > (math.MaxUint64-9)/10 {
			return 0, intRange
		}
		u = u*10 + uint64(digit(k)-'0')
	}
	for ; scale > 0; scale-- {
		if u > math.MaxUint64/10 {
			return 0, intRange
		}
		u *= 10
	}
	return signed(u, neg)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
