// Package lockfile decodes (Parse) and encodes (Lock.Marshal)
// triggergen.lock.json, the one input of the generator: per toolkit, the
// trigger-type objects exactly as the Composio API returned them and the
// toolkit's webhook endpoint schema. Reading and writing the file is the
// caller's (triggergen pull writes it atomically).
//
// The format:
//
//	{
//	  "lock_version": 1,
//	  "toolkits": [
//	    {
//	      "slug": "github",
//	      "version": "20250930_00",
//	      "trigger_types": [ {API trigger-type object, unknown keys kept} ],
//	      "webhook_endpoint_schema": null,
//	      "sha256": "…"
//	    }
//	  ]
//	}
//
// Toolkits are written sorted by slug and trigger types by slug, so a lock is
// a stable, reviewable artifact.
package lockfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Version is the lock_version this package reads and writes.
const Version = 1

// Lock is a parsed lock file.
type Lock struct {
	Toolkits []*Toolkit
}

// Toolkit is one toolkit's entry.
type Toolkit struct {
	// Slug is the toolkit slug, e.g. "github".
	Slug string
	// Version is the toolkit version the trigger types were pulled at.
	Version string
	// TriggerTypes are the toolkit's trigger types.
	TriggerTypes []*TriggerType
	// WebhookEndpointSchema is the raw response of
	// GET /api/v3.1/webhook_endpoints/schema for the toolkit, or nil when the
	// toolkit has none.
	WebhookEndpointSchema json.RawMessage
	// SHA256 is the digest of the entry's content (see Digest). Parse keeps
	// the file's value, or computes it when absent; Marshal recomputes it.
	SHA256 string
}

// TriggerType is one trigger-type object. The decoded fields are what
// triggergen uses; Raw is the object as the API returned it and is what
// Marshal stores.
type TriggerType struct {
	Slug         string
	Name         string
	Description  string
	Instructions string
	// Type is "webhook" or "poll".
	Type string
	// Toolkit is the toolkit slug: the object's own toolkit (a string, or the
	// API's {"slug": …} object), else the entry's.
	Toolkit string
	// Version is the object's version, else the entry's.
	Version                      string
	Config                       json.RawMessage
	Payload                      json.RawMessage
	RequiresWebhookEndpointSetup bool
	// Raw is the complete object, unknown keys included.
	Raw json.RawMessage
}

// Error is a malformed lock, located by a JSON pointer.
type Error struct {
	// File is the lock's name, when known.
	File string
	// Pointer is the JSON pointer of the offending value, e.g. "/toolkits/2/slug".
	Pointer string
	Msg     string
}

func (e *Error) Error() string {
	loc := "#" + e.Pointer
	if e.File != "" {
		loc = e.File + loc
	}
	return loc + ": " + e.Msg
}

// Parse decodes a lock. name is used in errors only.
func Parse(name string, data []byte) (*Lock, error) {
	p := parser{file: name}
	return p.lock(data)
}

type parser struct{ file string }

func (p *parser) errorf(ptr, format string, args ...any) error {
	return &Error{File: p.file, Pointer: ptr, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) lock(data []byte) (*Lock, error) {
	var top struct {
		LockVersion *int              `json:"lock_version"`
		Toolkits    []json.RawMessage `json:"toolkits"`
	}
	if err := p.decode("", data, &top); err != nil {
		return nil, err
	}
	if top.LockVersion == nil {
		return nil, p.errorf("/lock_version", "missing lock_version")
	}
	if *top.LockVersion != Version {
		return nil, p.errorf("/lock_version", "unsupported lock_version %d (this triggergen reads %d)", *top.LockVersion, Version)
	}
	lk := &Lock{}
	toolkits := map[string]string{}
	triggers := map[string]string{}
	for i, raw := range top.Toolkits {
		ptr := "/toolkits/" + strconv.Itoa(i)
		tk, err := p.toolkit(ptr, raw)
		if err != nil {
			return nil, err
		}
		if prev, dup := toolkits[tk.Slug]; dup {
			return nil, p.errorf(ptr+"/slug", "toolkit %q already at %s", tk.Slug, prev)
		}
		toolkits[tk.Slug] = ptr
		for j, tt := range tk.TriggerTypes {
			key := strings.ToUpper(tt.Slug)
			tptr := fmt.Sprintf("%s/trigger_types/%d/slug", ptr, j)
			if prev, dup := triggers[key]; dup {
				return nil, p.errorf(tptr, "trigger type %q already at %s", tt.Slug, prev)
			}
			triggers[key] = tptr
		}
		lk.Toolkits = append(lk.Toolkits, tk)
	}
	return lk, nil
}

func (p *parser) toolkit(ptr string, data []byte) (*Toolkit, error) {
	var raw struct {
		Slug                  *string           `json:"slug"`
		Version               string            `json:"version"`
		TriggerTypes          []json.RawMessage `json:"trigger_types"`
		WebhookEndpointSchema json.RawMessage   `json:"webhook_endpoint_schema"`
		SHA256                string            `json:"sha256"`
	}
	if err := p.decode(ptr, data, &raw); err != nil {
		return nil, err
	}
	if raw.Slug == nil || *raw.Slug == "" {
		return nil, p.errorf(ptr+"/slug", "missing toolkit slug")
	}
	tk := &Toolkit{Slug: *raw.Slug, Version: raw.Version, SHA256: raw.SHA256}
	if s := bytes.TrimSpace(raw.WebhookEndpointSchema); len(s) > 0 && !bytes.Equal(s, []byte("null")) {
		if s[0] != '{' {
			return nil, p.errorf(ptr+"/webhook_endpoint_schema", "want an object or null")
		}
		tk.WebhookEndpointSchema = compact(s)
	}
	for j, rt := range raw.TriggerTypes {
		tt, err := p.triggerType(fmt.Sprintf("%s/trigger_types/%d", ptr, j), rt, tk)
		if err != nil {
			return nil, err
		}
		tk.TriggerTypes = append(tk.TriggerTypes, tt)
	}
	if tk.SHA256 == "" {
		tk.SHA256 = tk.Digest()
	}
	return tk, nil
}

func (p *parser) triggerType(ptr string, data []byte, tk *Toolkit) (*TriggerType, error) {
	var raw struct {
		Slug                         *string         `json:"slug"`
		Name                         string          `json:"name"`
		Description                  string          `json:"description"`
		Instructions                 string          `json:"instructions"`
		Type                         string          `json:"type"`
		Toolkit                      json.RawMessage `json:"toolkit"`
		Version                      string          `json:"version"`
		Config                       json.RawMessage `json:"config"`
		Payload                      json.RawMessage `json:"payload"`
		RequiresWebhookEndpointSetup *bool           `json:"requires_webhook_endpoint_setup"`
	}
	if err := p.decode(ptr, data, &raw); err != nil {
		return nil, err
	}
	if raw.Slug == nil || *raw.Slug == "" {
		return nil, p.errorf(ptr+"/slug", "missing trigger type slug")
	}
	tt := &TriggerType{
		Slug: *raw.Slug, Name: raw.Name, Description: raw.Description,
		Instructions: raw.Instructions, Type: raw.Type, Version: raw.Version,
		Raw: compact(data),
	}
	switch tt.Type {
	case "", "webhook", "poll":
	default:
		return nil, p.errorf(ptr+"/type", "unknown trigger kind %q (want webhook or poll)", tt.Type)
	}
	if raw.RequiresWebhookEndpointSetup != nil {
		tt.RequiresWebhookEndpointSetup = *raw.RequiresWebhookEndpointSetup
	}
	if err := p.schema(ptr+"/config", raw.Config); err != nil {
		return nil, err
	}
	if err := p.schema(ptr+"/payload", raw.Payload); err != nil {
		return nil, err
	}
	tt.Config, tt.Payload = compact(raw.Config), compact(raw.Payload)
	switch t := bytes.TrimSpace(raw.Toolkit); {
	case len(t) == 0 || bytes.Equal(t, []byte("null")):
	case t[0] == '"':
		_ = json.Unmarshal(t, &tt.Toolkit)
	case t[0] == '{':
		var obj struct {
			Slug string `json:"slug"`
		}
		if err := json.Unmarshal(t, &obj); err != nil {
			return nil, p.errorf(ptr+"/toolkit/slug", "want a string")
		}
		tt.Toolkit = obj.Slug
	default:
		return nil, p.errorf(ptr+"/toolkit", "want a toolkit slug or object")
	}
	if tt.Toolkit == "" {
		tt.Toolkit = tk.Slug
	} else if !strings.EqualFold(tt.Toolkit, tk.Slug) {
		return nil, p.errorf(ptr+"/toolkit", "trigger type of toolkit %q listed under toolkit %q", tt.Toolkit, tk.Slug)
	}
	if tt.Version == "" {
		tt.Version = tk.Version
	}
	return tt, nil
}

// schema checks that a config or payload is a JSON Schema object (or a
// boolean schema, or absent).
func (p *parser) schema(ptr string, s json.RawMessage) error {
	t := bytes.TrimSpace(s)
	if len(t) == 0 || t[0] == '{' || bytes.Equal(t, []byte("true")) || bytes.Equal(t, []byte("false")) || bytes.Equal(t, []byte("null")) {
		return nil
	}
	return p.errorf(ptr, "want a JSON Schema object")
}

// decode unmarshals data into v, turning syntax and type errors into errors
// that point into the lock.
func (p *parser) decode(ptr string, data []byte, v any) error {
	err := json.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		line, col := position(data, syn.Offset)
		return p.errorf(ptr, "invalid JSON at line %d, column %d: %v", line, col, syn)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		field := ""
		if typ.Field != "" {
			field = "/" + strings.ReplaceAll(typ.Field, ".", "/")
		}
		return p.errorf(ptr+field, "want %s, got JSON %s", typ.Type, typ.Value)
	}
	return p.errorf(ptr, "%v", err)
}

func position(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

func compact(s []byte) json.RawMessage {
	s = bytes.TrimSpace(s)
	if len(s) == 0 {
		return nil
	}
	s = canonicalText(s)
	var b bytes.Buffer
	if err := json.Compact(&b, s); err != nil {
		return slices.Clone(s)
	}
	return b.Bytes()
}

// canonicalText writes U+2028 and U+2029 as \u escapes and each invalid
// UTF-8 byte as \ufffd (what decoding reads it as). Go 1.27's encoding/json
// escapes the separators in a json.RawMessage that Go 1.26's keeps raw, so
// without this the bytes Marshal writes, and the digest over them, would
// depend on the Go release that wrote the lock. In valid JSON both can occur
// only inside strings, so the text substitution is exact.
func canonicalText(b []byte) []byte {
	if utf8.Valid(b) && !bytes.Contains(b, []byte("\u2028")) && !bytes.Contains(b, []byte("\u2029")) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && size == 1:
			out = append(out, `\ufffd`...)
		case r == '\u2028':
			out = append(out, `\u2028`...)
		case r == '\u2029':
			out = append(out, `\u2029`...)
		default:
			out = append(out, b[:size]...)
		}
		b = b[size:]
	}
	return out
}

// Digest is the hex SHA-256 of the toolkit's content: slug, version, trigger
// types (sorted by slug, compact JSON) and webhook endpoint schema. It does
// not depend on the order of trigger types in the file.
func (tk *Toolkit) Digest() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", tk.Slug, tk.Version)
	for _, tt := range sortedTriggers(tk.TriggerTypes) {
		h.Write(tt.Raw)
		h.Write([]byte{0})
	}
	h.Write(tk.WebhookEndpointSchema)
	return hex.EncodeToString(h.Sum(nil))
}

func sortedTriggers(tts []*TriggerType) []*TriggerType {
	out := slices.Clone(tts)
	slices.SortStableFunc(out, func(a, b *TriggerType) int { return strings.Compare(a.Slug, b.Slug) })
	return out
}

// Toolkit returns the entry for slug, or nil.
func (l *Lock) Toolkit(slug string) *Toolkit {
	for _, tk := range l.Toolkits {
		if strings.EqualFold(tk.Slug, slug) {
			return tk
		}
	}
	return nil
}

// Marshal encodes the lock canonically: toolkits and trigger types sorted by
// slug, two-space indentation, each toolkit's sha256 recomputed, a final
// newline. Trigger-type objects keep their keys and key order.
func (l *Lock) Marshal() ([]byte, error) {
	type toolkitJSON struct {
		Slug                  string            `json:"slug"`
		Version               string            `json:"version"`
		TriggerTypes          []json.RawMessage `json:"trigger_types"`
		WebhookEndpointSchema json.RawMessage   `json:"webhook_endpoint_schema"`
		SHA256                string            `json:"sha256"`
	}
	out := struct {
		LockVersion int           `json:"lock_version"`
		Toolkits    []toolkitJSON `json:"toolkits"`
	}{LockVersion: Version, Toolkits: []toolkitJSON{}}
	tks := slices.Clone(l.Toolkits)
	slices.SortStableFunc(tks, func(a, b *Toolkit) int { return strings.Compare(a.Slug, b.Slug) })
	for _, tk := range tks {
		tj := toolkitJSON{Slug: tk.Slug, Version: tk.Version, TriggerTypes: []json.RawMessage{},
			WebhookEndpointSchema: json.RawMessage("null"), SHA256: tk.Digest()}
		if len(tk.WebhookEndpointSchema) > 0 {
			tj.WebhookEndpointSchema = tk.WebhookEndpointSchema
		}
		for _, tt := range sortedTriggers(tk.TriggerTypes) {
			if len(tt.Raw) == 0 {
				return nil, fmt.Errorf("lockfile: trigger type %s has no raw object", tt.Slug)
			}
			tj.TriggerTypes = append(tj.TriggerTypes, tt.Raw)
		}
		out.Toolkits = append(out.Toolkits, tj)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return nil, fmt.Errorf("lockfile: %w", err)
	}
	return b.Bytes(), nil
}

// TriggerTypes returns every trigger type of the lock, toolkit by toolkit.
func (l *Lock) TriggerTypes() []*TriggerType {
	var out []*TriggerType
	for _, tk := range l.Toolkits {
		out = append(out, tk.TriggerTypes...)
	}
	return out
}
