package triggerimpl

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"

	"github.com/triggergen/triggergen/internal/jsonpointer"
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
			b.WriteString(jsonpointer.Escape(d.keyAt(f.key)))
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
