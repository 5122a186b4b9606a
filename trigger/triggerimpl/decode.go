package triggerimpl

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unsafe"

	"github.com/triggergen/triggergen/internal/jsonscan"
	"github.com/triggergen/triggergen/trigger"
)

// Decoder reads one JSON document in a single pass, for the UnmarshalJSON
// methods of generated types. It uses no reflection and no map, allocates
// only what the decoded values hold (strings, slices, maps, pointers), and
// validates the syntax as it goes (a value it skips is validated too), so
// that it needs no json.Valid pass first.
//
// The decoding rules, the same for configs, payloads and nested types:
//
//   - Keys match exactly (case-sensitively); a key that differs from a
//     property only in case is another key.
//   - Of repeated keys the last wins, as in JavaScript's JSON.parse, Python's
//     json and the webhook envelope: its value replaces the earlier one, and
//     errors reported for an earlier one are dropped.
//   - An integer may be written in any JSON number form whose value is an
//     integer (1, 1.0, 1e2, -0); a number with a fractional part is not an
//     integer. Integers are int64: one outside [-2^63, 2^63-1] is an error
//     (a JSON Schema validator would accept it).
//   - Numbers are float64: one beyond ±1.8e308 is an error.
//
// A strict Decoder (configs) reports, as a trigger.ValidationErrors with the
// JSON pointer of each, a value of the wrong JSON type ("type"), a null where
// the schema allows none ("type"), a missing required property ("required")
// and, where the schema says additionalProperties: false, an unknown key
// ("additionalProperties"). The pointers are built only when an error is
// reported. A tolerant Decoder (payloads) leaves the Go zero value for a
// null and for a missing property, ignores unknown keys, and reports a value
// of the wrong type as encoding/json does, with a *json.UnmarshalTypeError
// whose Field is the dotted path (the first one; decoding goes on).
//
// Syntax errors are the *json.SyntaxError that encoding/json reports for the
// same bytes.
type Decoder struct {
	data   []byte
	pos    int
	strict bool
	name   string // the root Go type, for UnmarshalTypeError
	syntax bool   // the input is not valid JSON: decoding has stopped
	errs   Errors
	typed  error // tolerant: the first type error

	// The path of the value being decoded: one frame per open object or
	// array, the first ones in place (no allocation for shallow input).
	depth  int
	frames [16]frame
	deep   []frame

	key    []byte // the current member's key, decoded
	keyBuf []byte // decoded keys with escapes
	strBuf []byte // decoded strings with escapes
}

// frame is one open object or array. For an object, key is the offset of the
// current member's key (its opening quote) in the input, -1 before the first
// member; for an array, key is -2 and index counts elements.
type frame struct {
	key   int
	index int
	n     int // members or elements read
}

// NewDecoder returns a strict Decoder (configs) for b.
func NewDecoder(b []byte) Decoder { return Decoder{data: b, strict: true} }

// NewTolerantDecoder returns a tolerant Decoder (payloads) for b; typeName
// is the Go type decoded, for error messages.
func NewTolerantDecoder(b []byte, typeName string) Decoder {
	return Decoder{data: b, name: typeName}
}

// Strict reports whether d is strict.
func (d *Decoder) Strict() bool { return d.strict }

// Finish checks that nothing but white space follows the value and returns
// the result: a syntax error, the validation errors (strict) or the first
// type error (tolerant), or nil.
func (d *Decoder) Finish() error {
	if !d.syntax {
		d.ws()
		if d.pos != len(d.data) {
			d.fail()
		}
	}
	if d.syntax {
		return syntaxError(d.data)
	}
	if d.typed != nil {
		return d.typed
	}
	return d.errs.Err()
}

// syntaxError returns the error encoding/json reports for b.
func syntaxError(b []byte) error {
	var v json.RawMessage
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	return errors.New("triggerimpl: invalid JSON") // unreachable: jsonscan agrees with json.Valid
}

func (d *Decoder) fail() { d.syntax = true }

func (d *Decoder) ws() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// peek returns the first byte of the next value, 0 at the end of the input
// or after a syntax error.
func (d *Decoder) peek() byte {
	if d.syntax {
		return 0
	}
	d.ws()
	if d.pos >= len(d.data) {
		d.fail()
		return 0
	}
	return d.data[d.pos]
}

func (d *Decoder) top() *frame {
	if d.depth <= len(d.frames) {
		return &d.frames[d.depth-1]
	}
	return &d.deep[d.depth-1-len(d.frames)]
}

func (d *Decoder) frameAt(i int) *frame {
	if i < len(d.frames) {
		return &d.frames[i]
	}
	return &d.deep[i-len(d.frames)]
}

func (d *Decoder) push(key int) bool {
	if d.depth >= jsonscan.MaxDepth {
		d.fail()
		return false
	}
	d.depth++
	if d.depth > len(d.frames) {
		d.deep = append(d.deep[:d.depth-1-len(d.frames)], frame{})
	}
	*d.top() = frame{key: key}
	return true
}

// Null consumes a JSON null and reports true, or reports false and consumes
// nothing.
func (d *Decoder) Null() bool {
	if d.peek() != 'n' {
		return false
	}
	if !d.literal("null") {
		return false
	}
	return true
}

func (d *Decoder) literal(lit string) bool {
	if len(d.data)-d.pos < len(lit) || string(d.data[d.pos:d.pos+len(lit)]) != lit {
		d.fail()
		return false
	}
	d.pos += len(lit)
	return true
}

// mismatch handles a value that is not of the wanted JSON type (described as
// "a string", "an object", ...): a null is accepted as the zero value by a
// tolerant decoder and is an error for a strict one; anything else is an
// error. The value is consumed.
func (d *Decoder) mismatch(want string, goType reflect.Type) {
	if d.syntax {
		return
	}
	if d.data[d.pos] == 'n' {
		if d.literal("null") && d.strict {
			d.add("type", "must not be null")
		}
		return
	}
	start := d.pos
	d.Skip()
	if d.syntax {
		return
	}
	if d.strict {
		d.add("type", "must be "+want)
		return
	}
	d.typeError(describe(d.data[start]), goType, start)
}

func describe(c byte) string {
	switch c {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	}
	return "number"
}

// typeError records, in a tolerant decoder, the first value that does not
// fit its Go type.
func (d *Decoder) typeError(value string, goType reflect.Type, offset int) {
	if d.typed == nil {
		d.typed = &json.UnmarshalTypeError{Value: value, Type: goType, Offset: int64(offset), Struct: d.name, Field: d.dotted()}
	}
}

// Object starts an object value: it reports true when the next value is an
// object, whose members Member then reads. Otherwise the value is consumed,
// and reported as a type error unless it is null in a tolerant decoder.
func (d *Decoder) Object() bool {
	return d.open('{', -1, "an object", reflect.TypeFor[map[string]any]())
}

// open starts the object or array opened by c (key -1 or -2 for its frame).
func (d *Decoder) open(c byte, key int, want string, goType reflect.Type) bool {
	if d.peek() != c {
		d.mismatch(want, goType)
		return false
	}
	if !d.push(key) {
		return false
	}
	d.pos++
	return true
}

// next returns the open container's frame and the next byte after white
// space; ok is false after a syntax error or at the end of the input.
func (d *Decoder) next() (f *frame, c byte, ok bool) {
	if d.syntax {
		return nil, 0, false
	}
	d.ws()
	if d.pos >= len(d.data) {
		d.fail()
		return nil, 0, false
	}
	return d.top(), d.data[d.pos], true
}

// Member advances to the next member of the object Object started and
// reports true, with its key in Key; at the end of the object (or after a
// syntax error) it reports false. Every member's value must be consumed
// (decoded or skipped) before the next call.
func (d *Decoder) Member() bool {
	f, c, ok := d.next()
	if !ok {
		return false
	}
	if f.n > 0 {
		if c == '}' {
			d.pos++
			d.depth--
			return false
		}
		if c != ',' {
			d.fail()
			return false
		}
		d.pos++
		d.ws()
		if d.pos >= len(d.data) {
			d.fail()
			return false
		}
		c = d.data[d.pos]
	} else if c == '}' {
		d.pos++
		d.depth--
		return false
	}
	if c != '"' {
		d.fail()
		return false
	}
	start := d.pos
	end, plain := jsonscan.StringPlain(d.data, start)
	if end < 0 {
		d.fail()
		return false
	}
	if plain {
		d.key = d.data[start+1 : end-1]
	} else {
		d.keyBuf = jsonscan.AppendUnquoted(d.keyBuf[:0], d.data[start:end])
		d.key = d.keyBuf
	}
	d.pos = end
	d.ws()
	if d.pos >= len(d.data) || d.data[d.pos] != ':' {
		d.fail()
		return false
	}
	d.pos++
	f.key = start
	f.n++
	if len(d.errs) > 0 {
		d.dropErrors()
	}
	return true
}

// dropErrors removes the errors reported under the current member's path:
// a repeated key replaces the earlier member, errors and all.
func (d *Decoder) dropErrors() {
	p := d.path()
	kept := d.errs[:0]
	for _, e := range d.errs {
		if e.Path == p || strings.HasPrefix(e.Path, p) && e.Path[len(p)] == '/' {
			continue
		}
		kept = append(kept, e)
	}
	clear(d.errs[len(kept):])
	d.errs = kept
}

// Key returns the current member's key, decoded; it is valid until the next
// call of Member.
func (d *Decoder) Key() []byte { return d.key }

// Array starts an array value, as Object does for objects; Elem then reads
// its elements.
func (d *Decoder) Array() bool {
	return d.open('[', -2, "an array", reflect.TypeFor[[]any]())
}

// Elem advances to the next element of the array Array started and reports
// true; at the end of the array (or after a syntax error) it reports false.
func (d *Decoder) Elem() bool {
	f, c, ok := d.next()
	if !ok {
		return false
	}
	if c == ']' {
		d.pos++
		d.depth--
		return false
	}
	if f.n > 0 {
		if c != ',' {
			d.fail()
			return false
		}
		d.pos++
	}
	f.index = f.n
	f.n++
	if len(d.errs) > 0 {
		d.dropErrors()
	}
	return true
}

// Skip consumes the next value, checking its syntax.
func (d *Decoder) Skip() {
	if d.peek() == 0 {
		return
	}
	end := jsonscan.ValueDepth(d.data, d.pos, jsonscan.MaxDepth-d.depth)
	if end < 0 {
		d.fail()
		return
	}
	d.pos = end
}

// Unknown reports the current member as a property the schema does not
// allow (additionalProperties: false) and skips its value.
func (d *Decoder) Unknown() {
	d.Skip()
	if !d.syntax && d.strict {
		d.add("additionalProperties", "is not allowed (the schema allows no other properties)")
	}
}

// Raw returns a copy of the next value's JSON text.
func (d *Decoder) Raw() json.RawMessage {
	if d.peek() == 0 {
		return nil
	}
	start := d.pos
	d.Skip()
	if d.syntax {
		return nil
	}
	return append(json.RawMessage(nil), d.data[start:d.pos]...)
}

// RawMap decodes an object into a map of raw values.
func (d *Decoder) RawMap() map[string]json.RawMessage {
	if !d.Object() {
		return nil
	}
	m := map[string]json.RawMessage{}
	for d.Member() {
		k := string(d.key)
		m[k] = d.Raw()
	}
	return m
}

// Missing reports that the required property key of the object just read
// is missing.
func (d *Decoder) Missing(key string) {
	if d.syntax || !d.strict {
		return
	}
	d.errs = append(d.errs, &trigger.ValidationError{Path: PathJoin(d.path(), key), Keyword: "required", Message: "is required"})
}

// add reports an error at the current path.
func (d *Decoder) add(keyword, msg string) {
	d.errs = append(d.errs, &trigger.ValidationError{Path: d.path(), Keyword: keyword, Message: msg})
}

// Fail reports an error at the path of the value just decoded (a strict
// decoder only): generated code calls it for a value that decodes but cannot
// be right, such as a const the declared type contradicts.
func (d *Decoder) Fail(keyword, msg string) {
	if d.strict && !d.syntax {
		d.add(keyword, msg)
	}
}

// path returns the JSON pointer of the value being decoded.
func (d *Decoder) path() string {
	var b strings.Builder
	for i := range d.depth {
		f := d.frameAt(i)
		switch {
		case f.key == -2:
			b.WriteByte('/')
			b.WriteString(strconv.Itoa(f.index))
		case f.key >= 0:
			b.WriteByte('/')
			b.WriteString(escapeToken(d.keyAt(f.key)))
		}
	}
	return b.String()
}

// dotted returns the path of the value being decoded as encoding/json
// writes UnmarshalTypeError.Field ("commits.0.id").
func (d *Decoder) dotted() string {
	var parts []string
	for i := range d.depth {
		f := d.frameAt(i)
		switch {
		case f.key == -2:
			parts = append(parts, strconv.Itoa(f.index))
		case f.key >= 0:
			parts = append(parts, d.keyAt(f.key))
		}
	}
	return strings.Join(parts, ".")
}

// keyAt decodes the key whose opening quote is at offset i.
func (d *Decoder) keyAt(i int) string {
	end := jsonscan.String(d.data, i)
	return string(jsonscan.AppendUnquoted(nil, d.data[i:end]))
}

func escapeToken(t string) string {
	if !strings.ContainsAny(t, "~/") {
		return t
	}
	return strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1")
}

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

// Member is one object member a generated struct keeps without a field for
// it: in a config that Validate checks with the JSON Schema library, the
// members beside the declared properties and the explicit nulls of optional
// properties, written back by MarshalJSON so that the library judges what
// was decoded.
type Member struct {
	Key   string
	Value json.RawMessage
}

// Keep stores the current member in *kept (replacing an earlier member of
// the same key: the last wins) and consumes its value.
func (d *Decoder) Keep(kept *[]Member) {
	key := string(d.key)
	v := d.Raw()
	if d.syntax {
		return
	}
	*kept = setMember(*kept, key, v)
}

// KeepNull consumes a null value of the current member, keeping it in
// *kept, and reports true; otherwise it drops an earlier member of the same
// key from *kept (the last wins) and reports false, consuming nothing.
func (d *Decoder) KeepNull(kept *[]Member) bool {
	if d.Null() {
		*kept = setMember(*kept, string(d.key), json.RawMessage("null"))
		return true
	}
	if len(*kept) > 0 {
		*kept = dropMember(*kept, string(d.key))
	}
	return false
}

func setMember(ms []Member, key string, v json.RawMessage) []Member {
	ms = dropMember(ms, key)
	return append(ms, Member{key, v})
}

func dropMember(ms []Member, key string) []Member {
	for i, m := range ms {
		if m.Key == key {
			return append(ms[:i], ms[i+1:]...)
		}
	}
	return ms
}

// AppendMembers adds to the JSON object b (as json.Marshal writes it) each
// kept member whose key b does not have.
func AppendMembers(b []byte, kept []Member) ([]byte, error) {
	if len(kept) == 0 {
		return b, nil
	}
	have := map[string]bool{}
	for k := range jsonscan.Members(b) {
		have[string(k)] = true
	}
	out := b[:len(b)-1] // drop '}'
	first := len(have) == 0
	for _, m := range kept {
		if have[m.Key] {
			continue
		}
		if !first {
			out = append(out, ',')
		}
		first = false
		k, err := json.Marshal(m.Key)
		if err != nil {
			return nil, err
		}
		out = append(out, k...)
		out = append(out, ':')
		out = append(out, m.Value...)
	}
	return append(out, '}'), nil
}
