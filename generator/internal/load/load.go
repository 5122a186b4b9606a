// Package load compiles one JSON Schema document (a trigger type's config or
// payload) with santhosh-tekuri/jsonschema, which checks it against the
// metaschema and resolves $ref/$defs, and records what that library does not
// keep: the order of object keys, read from the raw JSON with a token walk.
package load

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	neturl "net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/triggergen/triggergen/internal/jsonpointer"
)

// Doc is one compiled schema document.
type Doc struct {
	// URL is the document's (synthetic) URL.
	URL string
	// Root is the compiled root schema.
	Root *jsonschema.Schema
	// base is the URL the document was compiled under: schema locations
	// start with it. It is URL unless the compiled document is shared (see
	// Docs).
	base string
	raw  any
	keys map[string][]string
}

// Error is a malformed schema, located by a JSON pointer into the document.
type Error struct {
	Pointer string
	Msg     string
}

func (e *Error) Error() string { return "#" + e.Pointer + ": " + e.Msg }

type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("external reference %s: only references within the schema are supported", url)
}

// Limits bound the size of one schema document; they are checked on the raw
// JSON before the document is compiled. Zero means no limit.
type Limits struct {
	// MaxDepth is the deepest nesting of subschemas (properties, items,
	// allOf members, $defs entries, ...); the root is depth 0.
	MaxDepth int
	// MaxProperties is the most properties one schema object may list.
	MaxProperties int
	// MaxEnumValues is the most values one enum may list.
	MaxEnumValues int
}

// Compile parses and compiles data. An empty document is the empty schema.
func Compile(url string, data []byte, lim Limits) (*Doc, error) {
	data = normalize(data)
	raw, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, &Error{Msg: "invalid JSON: " + err.Error()}
	}
	if err := checkLimits(raw, "", 0, lim); err != nil {
		return nil, err
	}
	keys := keyOrder(data)
	c := jsonschema.NewCompiler()
	c.UseLoader(noLoader{})
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(url, raw); err != nil {
		return nil, &Error{Msg: err.Error()}
	}
	root, err := c.Compile(url)
	if err != nil {
		return nil, compileError(url, raw, err)
	}
	return &Doc{URL: url, Root: root, base: url, raw: raw, keys: keys}, nil
}

// compileError locates a compile error within the document raw.
func compileError(url string, raw any, err error) error {
	var sve *jsonschema.SchemaValidationError
	if errors.As(err, &sve) {
		var ve *jsonschema.ValidationError
		if errors.As(sve.Err, &ve) {
			leaf := deepest(ve)
			return &Error{Pointer: jsonpointer.FromTokens(leaf.InstanceLocation), Msg: "not a valid JSON Schema: " + leafMessages(ve, leaf.InstanceLocation)}
		}
	}
	var rx *jsonschema.InvalidRegexError
	if errors.As(err, &rx) {
		return &Error{Pointer: fragment(url, rx.URL), Msg: fmt.Sprintf("pattern %q is not a regular expression Go supports: %v", rx.Regex, rx.Err)}
	}
	var nf *jsonschema.JSONPointerNotFoundError
	if errors.As(err, &nf) {
		return &Error{Pointer: fragment(url, nf.URL), Msg: "$ref target not found"}
	}
	var le *jsonschema.LoadURLError
	if errors.As(err, &le) {
		ptr, kw := refPointer(raw, url, le.URL)
		if kw == "$schema" {
			return &Error{Pointer: ptr, Msg: fmt.Sprintf("$schema %s: a metaschema of another document (a custom vocabulary) cannot be loaded; only the draft metaschemas and references within the schema are supported", le.URL)}
		}
		return &Error{Pointer: ptr, Msg: fmt.Sprintf("$ref to %s: only references within the schema are supported", le.URL)}
	}
	msg := err.Error()
	msg = strings.ReplaceAll(msg, url, "")
	return &Error{Msg: msg}
}

// refPointer returns the JSON pointer of the first "$ref" (or "$schema")
// in raw that resolves to the document target, with "$id"s changing the
// base as they do for the compiler, and which keyword it is; "" when none
// does.
func refPointer(raw any, docURL, target string) (string, string) {
	strip := func(s string) string { s, _, _ = strings.Cut(s, "#"); return s }
	target = strip(target)
	var walk func(v any, base *neturl.URL, ptr string) (string, string)
	walk = func(v any, base *neturl.URL, ptr string) (string, string) {
		switch x := v.(type) {
		case map[string]any:
			if id, ok := x["$id"].(string); ok {
				if u, err := neturl.Parse(id); err == nil {
					base = base.ResolveReference(u)
				}
			}
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				switch k {
				case "$ref", "$dynamicRef", "$schema":
					if s, ok := x[k].(string); ok {
						if u, err := neturl.Parse(s); err == nil && strip(base.ResolveReference(u).String()) == target {
							return ptr + "/" + jsonpointer.Escape(k), k
						}
					}
				case "const", "enum", "examples", "default":
				default:
					if p, kw := walk(x[k], base, ptr+"/"+jsonpointer.Escape(k)); kw != "" {
						return p, kw
					}
				}
			}
		case []any:
			for i, e := range x {
				if p, kw := walk(e, base, ptr+"/"+strconv.Itoa(i)); kw != "" {
					return p, kw
				}
			}
		}
		return "", ""
	}
	base, err := neturl.Parse(docURL)
	if err != nil {
		return "", ""
	}
	return walk(raw, base, "")
}

func deepest(ve *jsonschema.ValidationError) *jsonschema.ValidationError {
	best := ve
	var walk func(v *jsonschema.ValidationError)
	walk = func(v *jsonschema.ValidationError) {
		if len(v.InstanceLocation) > len(best.InstanceLocation) {
			best = v
		}
		for _, c := range v.Causes {
			walk(c)
		}
	}
	walk(ve)
	return best
}

// leafMessages joins the messages of every leaf error at loc, so that a value
// that fails all branches of a metaschema anyOf (a misspelt "type", say)
// names each expectation, not just the last branch tried.
func leafMessages(ve *jsonschema.ValidationError, loc []string) string {
	var msgs []string
	var walk func(v *jsonschema.ValidationError)
	walk = func(v *jsonschema.ValidationError) {
		if len(v.Causes) == 0 && slices.Equal(v.InstanceLocation, loc) {
			m := leafMessage(v)
			if strings.HasPrefix(m, "at '") {
				if i := strings.Index(m, "': "); i >= 0 {
					m = m[i+3:]
				}
			}
			if !slices.Contains(msgs, m) {
				msgs = append(msgs, m)
			}
		}
		for _, c := range v.Causes {
			walk(c)
		}
	}
	walk(ve)
	return strings.Join(msgs, "; or ")
}

func leafMessage(ve *jsonschema.ValidationError) string {
	if ve.ErrorKind != nil {
		s := fmt.Sprint(ve.ErrorKind)
		if s != "" && !strings.HasPrefix(s, "&") {
			return s
		}
	}
	msg := ve.Error()
	if i := strings.LastIndex(msg, "\n"); i >= 0 {
		msg = msg[i+1:]
	}
	return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(msg), "-"))
}

// fragment returns the JSON pointer of a location inside the document at url,
// or "" when loc is elsewhere.
func fragment(url, loc string) string {
	rest, ok := strings.CutPrefix(loc, url)
	if !ok {
		return ""
	}
	rest = strings.TrimPrefix(rest, "#")
	return unpercent(rest)
}

// unpercent undoes the percent-encoding the library applies to fragments.
func unpercent(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Pointer returns the JSON pointer of s within the document.
func (d *Doc) Pointer(s *jsonschema.Schema) (string, bool) {
	if !strings.HasPrefix(s.Location, d.base) {
		return "", false
	}
	return fragment(d.base, s.Location), true
}

// Location is the absolute location of s as if the document had been
// compiled under its own URL.
func (d *Doc) Location(s *jsonschema.Schema) string {
	if rest, ok := strings.CutPrefix(s.Location, d.base); ok {
		return d.URL + rest
	}
	return s.Location
}

// Keys returns the keys of the object at ptr in document order.
func (d *Doc) Keys(ptr string) []string { return d.keys[ptr] }

// Raw returns the JSON value at ptr (numbers as json.Number).
func (d *Doc) Raw(ptr string) (any, bool) {
	v := d.raw
	if ptr == "" {
		return v, true
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = jsonpointer.Unescape(tok)
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[tok]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// keyOrder returns, for every object in data (valid JSON), its keys in
// order (repeated keys repeated), keyed by the object's JSON pointer. It
// reads data once, keeping a stack of the open objects and arrays; a key is
// unescaped as encoding/json does, so it matches the key of the decoded map.
func keyOrder(data []byte) map[string][]string {
	type open struct {
		ptr  string
		keys []string // nil for an array
		obj  bool
		elem int    // index of the current element of an array
		key  string // the current key of an object
	}
	out := map[string][]string{}
	var stack []open
	// child is the pointer of the value about to start.
	child := func() string {
		if len(stack) == 0 {
			return ""
		}
		top := &stack[len(stack)-1]
		if top.obj {
			return top.ptr + "/" + jsonpointer.Escape(top.key)
		}
		return top.ptr + "/" + strconv.Itoa(top.elem)
	}
	expectKey := false
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '{':
			stack = append(stack, open{ptr: child(), keys: []string{}, obj: true})
			expectKey = true
		case '[':
			stack = append(stack, open{ptr: child()})
			expectKey = false
		case '}':
			top := stack[len(stack)-1]
			out[top.ptr] = top.keys
			stack = stack[:len(stack)-1]
		case ']':
			stack = stack[:len(stack)-1]
		case ',':
			top := &stack[len(stack)-1]
			if top.obj {
				expectKey = true
			} else {
				top.elem++
			}
		case '"':
			end, plain := i+1, true
			for ; data[end] != '"'; end++ {
				if data[end] == '\\' {
					plain = false
					end++
				}
			}
			if expectKey {
				raw := data[i+1 : end]
				var k string
				if plain && utf8.Valid(raw) {
					k = string(raw)
				} else {
					_ = json.Unmarshal(data[i:end+1], &k)
				}
				top := &stack[len(stack)-1]
				top.key = k
				top.keys = append(top.keys, k)
				expectKey = false
			}
			i = end
		}
	}
	return out
}

// countKeywords are the keywords whose value is a count (a non-negative
// integer) that the generated code compares with a Go int.
var countKeywords = []string{"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties", "minContains", "maxContains"}

// checkCounts rejects a count keyword whose integer value does not fit an
// int64: the schema library keeps the low 64 bits, so 2^64+1 would become a
// maxLength of 1 and 2^63 a minItems of -2^63. A value of the wrong type or
// sign is left to the compiler's metaschema check.
func checkCounts(m map[string]any, ptr string) error {
	for _, k := range countKeywords {
		n, ok := m[k].(json.Number)
		if !ok {
			continue
		}
		r, ok := new(big.Rat).SetString(string(n))
		if !ok || !r.IsInt() || r.Sign() < 0 {
			continue
		}
		if !r.Num().IsInt64() {
			return &Error{Pointer: ptr + "/" + k, Msg: fmt.Sprintf("%s %s is larger than the generated code can compare (at most %d)", k, n, int64(math.MaxInt64))}
		}
	}
	return nil
}

// Keywords whose value is a schema, an object of schemas, or an array of
// schemas (JSON Schema 2020-12 and draft-07).
var (
	schemaKeywords = map[string]bool{"additionalProperties": true, "additionalItems": true, "not": true,
		"if": true, "then": true, "else": true, "contains": true, "propertyNames": true,
		"unevaluatedProperties": true, "unevaluatedItems": true, "contentSchema": true, "items": true}
	schemaMapKeywords = map[string]bool{"properties": true, "patternProperties": true, "$defs": true,
		"definitions": true, "dependentSchemas": true}
	schemaListKeywords = map[string]bool{"allOf": true, "anyOf": true, "oneOf": true, "prefixItems": true, "items": true}
)

// checkLimits walks the subschemas of the raw schema v at ptr. Keywords of
// the wrong type are skipped: the compiler reports them.
func checkLimits(v any, ptr string, depth int, lim Limits) error {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	if lim.MaxDepth > 0 && depth > lim.MaxDepth {
		return &Error{Pointer: ptr, Msg: fmt.Sprintf("subschemas nest deeper than %d levels (Limits.MaxDepth)", lim.MaxDepth)}
	}
	if e, ok := m["enum"].([]any); ok && lim.MaxEnumValues > 0 && len(e) > lim.MaxEnumValues {
		return &Error{Pointer: ptr + "/enum", Msg: fmt.Sprintf("%d enum values, more than %d (Limits.MaxEnumValues)", len(e), lim.MaxEnumValues)}
	}
	if p, ok := m["properties"].(map[string]any); ok && lim.MaxProperties > 0 && len(p) > lim.MaxProperties {
		return &Error{Pointer: ptr + "/properties", Msg: fmt.Sprintf("%d properties, more than %d (Limits.MaxProperties)", len(p), lim.MaxProperties)}
	}
	if err := checkCounts(m, ptr); err != nil {
		return err
	}
	// Sorted keys: the first error found does not depend on map order.
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	// The pointer of a keyword is built only for the subschemas walked.
	for _, k := range keys {
		switch x := m[k].(type) {
		case map[string]any:
			if schemaKeywords[k] {
				if err := checkLimits(x, ptr+"/"+jsonpointer.Escape(k), depth+1, lim); err != nil {
					return err
				}
			} else if schemaMapKeywords[k] {
				kptr := ptr + "/" + jsonpointer.Escape(k)
				names := make([]string, 0, len(x))
				for n := range x {
					names = append(names, n)
				}
				slices.Sort(names)
				for _, n := range names {
					if err := checkLimits(x[n], kptr+"/"+jsonpointer.Escape(n), depth+1, lim); err != nil {
						return err
					}
				}
			}
		case []any:
			if schemaListKeywords[k] {
				kptr := ptr + "/" + jsonpointer.Escape(k)
				for i, s := range x {
					if err := checkLimits(s, kptr+"/"+strconv.Itoa(i), depth+1, lim); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}
