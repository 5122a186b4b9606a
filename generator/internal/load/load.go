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
	"io"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Doc is one compiled schema document.
type Doc struct {
	// URL is the document's (synthetic) URL; schema locations start with it.
	URL string
	// Root is the compiled root schema.
	Root *jsonschema.Schema
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

// Compile parses and compiles data. An empty document is the empty schema.
func Compile(url string, data []byte) (*Doc, error) {
	if len(bytes.TrimSpace(data)) == 0 || bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		data = []byte("{}")
	}
	raw, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, &Error{Msg: "invalid JSON: " + err.Error()}
	}
	keys, err := keyOrder(data)
	if err != nil {
		return nil, &Error{Msg: "invalid JSON: " + err.Error()}
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(noLoader{})
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(url, raw); err != nil {
		return nil, &Error{Msg: err.Error()}
	}
	root, err := c.Compile(url)
	if err != nil {
		return nil, compileError(url, err)
	}
	return &Doc{URL: url, Root: root, raw: raw, keys: keys}, nil
}

// compileError locates a compile error within the document.
func compileError(url string, err error) error {
	var sve *jsonschema.SchemaValidationError
	if errors.As(err, &sve) {
		var ve *jsonschema.ValidationError
		if errors.As(sve.Err, &ve) {
			leaf := deepest(ve)
			msg := leafMessage(leaf)
			if strings.HasPrefix(msg, "at '") {
				if i := strings.Index(msg, "': "); i >= 0 {
					msg = msg[i+3:]
				}
			}
			return &Error{Pointer: pointer(leaf.InstanceLocation), Msg: "not a valid JSON Schema: " + msg}
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
		return &Error{Msg: fmt.Sprintf("$ref to %s: only references within the schema are supported", le.URL)}
	}
	msg := err.Error()
	msg = strings.ReplaceAll(msg, url, "")
	return &Error{Msg: msg}
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

func pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteString("/")
		b.WriteString(Escape(t))
	}
	return b.String()
}

// Escape escapes one JSON pointer reference token.
func Escape(t string) string {
	return strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1")
}

func unescape(t string) string {
	return strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
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
	if !strings.HasPrefix(s.Location, d.URL) {
		return "", false
	}
	return fragment(d.URL, s.Location), true
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
		tok = unescape(tok)
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

// keyOrder walks data and returns, for every object, its keys in order,
// keyed by the object's JSON pointer.
func keyOrder(data []byte) (map[string][]string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	out := map[string][]string{}
	var walk func(ptr string) error
	walk = func(ptr string) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			keys := []string{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				k := kt.(string)
				keys = append(keys, k)
				if err := walk(ptr + "/" + Escape(k)); err != nil {
					return err
				}
			}
			out[ptr] = keys
			_, err = dec.Token()
			return err
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if err := walk(ptr + "/" + strconv.Itoa(i)); err != nil {
					return err
				}
			}
			_, err = dec.Token()
			return err
		}
		return nil
	}
	if err := walk(""); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the schema")
	}
	return out, nil
}
