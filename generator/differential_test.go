package generator_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/triggergen/triggergen/catalog"
	"github.com/triggergen/triggergen/lockfile"
)

// TestDifferential judges instances built from every config schema (corpus
// and goldens) with the generated code and with santhosh-tekuri/jsonschema.
//
// The Go side is what a Go user gets: json.Unmarshal into the config type (a
// decode error counts as invalid), then Validate. Two agreements are checked,
// and both must be total:
//
//   - raw instances: the Go verdict equals the schema's verdict on the
//     instance itself. A missing required property, or a null where the
//     schema allows none, is rejected by the generated UnmarshalJSON (as a
//     trigger.ValidationErrors naming the mutated JSON pointer) instead of
//     decoding to an accepted Go zero value.
//   - encoded: Validate(v) is nil exactly when the schema accepts
//     json.Marshal(v), for every decoded v. This is Validate's contract.
//
// Besides mutations of values, every config schema gets the four kinds of
// instance of issue 13, written as raw JSON: a key that differs from a
// property only in case (beside the property, or instead of it), a
// repeated key in both orders (a bad value then a good one, and the
// reverse: the last wins), integers written 5.0, 5e0, 50e-1 (accepted) and
// 5.5 (rejected), and integers beyond int64. The last kind is the one
// documented limit: the schema accepts them, the generated decoder rejects
// them with the JSON pointer and the int64 range, which the test checks
// instead of agreement.
func TestDifferential(t *testing.T) {
	m := buildModule(t)
	type subject struct {
		key    string // "<import root>|<SLUG>"
		schema json.RawMessage
	}
	var subjects []subject
	add := func(root string, lk *lockfile.Lock) {
		for _, tt := range lk.TriggerTypes() {
			subjects = append(subjects, subject{root + "|" + tt.Slug, tt.Config})
		}
	}
	lk, err := catalog.Lock()
	if err != nil {
		t.Fatal(err)
	}
	add(corpusImportPath, lk)
	for _, c := range goldenCases(t) {
		if _, err := os.Stat(filepath.Join(goldenDir, c, "want")); err != nil || c == "renames" {
			continue
		}
		glk, err := loadCaseLock(c)
		if err != nil {
			t.Fatal(err)
		}
		add(goldenImportPath(c), glk)
	}
	type instance struct {
		key, desc string
		value     any
		raw       []byte // the instance as written, when set (value is then unused)
		schema    *jsonschema.Schema
		dropped   bool
		limit     bool // an integer beyond int64: the documented limit when valid
		ptr       string
		baseOK    bool // the instance mutated is valid (so the mutation is what is wrong)
	}
	var insts []instance
	for _, s := range subjects {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(s.schema))
		if err != nil {
			t.Fatal(err)
		}
		c := jsonschema.NewCompiler()
		if err := c.AddResource("mem://s.json", doc); err != nil {
			t.Fatal(err)
		}
		sch, err := c.Compile("mem://s.json")
		if err != nil {
			t.Fatalf("%s: %v", s.key, err)
		}
		var raw any
		json.Unmarshal(s.schema, &raw)
		g := &instGen{root: raw}
		baseOK := validates(sch, g.valid(raw, 0))
		for _, in := range g.instances(raw) {
			insts = append(insts, instance{s.key, in.desc, in.value, in.raw, sch, in.dropped, in.limit, in.ptr, baseOK})
		}
	}
	reqs := make([]driverRequest, len(insts))
	for i, in := range insts {
		reqs[i] = driverRequest{Key: in.key, Instance: in.value}
		if in.raw != nil {
			reqs[i].Instance = json.RawMessage(in.raw)
		}
	}
	var valid, invalid, decodeFail, agree, strict, encodedAgree, encodedTotal, limits, rawN int
	for i, res := range m.judge(t, reqs) {
		in := insts[i]
		var schemaOK bool
		if in.raw != nil {
			rawN++
			schemaOK = validatesRaw(in.schema, in.raw)
		} else {
			schemaOK = validates(in.schema, in.value)
		}
		if in.limit && schemaOK {
			// The documented limit: valid, but rejected while decoding,
			// naming the pointer and the range.
			limits++
			if !slices.Contains(res.Paths, in.ptr) || !strings.Contains(res.Decode, "int64") {
				t.Errorf("%s %s: want a decode error at %s naming the int64 range, got %q (valid %v)", in.key, in.desc, in.ptr, res.Decode, res.Valid)
			}
			continue
		}
		if schemaOK {
			valid++
		} else {
			invalid++
		}
		goOK := res.Decode == "" && res.Valid
		if res.Decode != "" {
			decodeFail++
		} else {
			encodedTotal++
			v, err := jsonschema.UnmarshalJSON(bytes.NewReader(res.JSON))
			if err != nil {
				t.Fatal(err)
			}
			if encOK := in.schema.Validate(v) == nil; encOK == res.Valid {
				encodedAgree++
			} else {
				t.Errorf("%s %s: Validate says %v (%s) but the schema says %v for the encoding %s", in.key, in.desc, res.Valid, res.Errors, encOK, res.JSON)
			}
		}
		if goOK == schemaOK {
			agree++
		} else {
			b, _ := json.Marshal(in.value)
			if in.raw != nil {
				b = in.raw
			}
			t.Errorf("%s %s: Go says %v (decode %q, %s), schema says %v for %s", in.key, in.desc, goOK, res.Decode, res.Errors, schemaOK, b)
		}
		if in.dropped && in.baseOK && !schemaOK && res.Paths != nil {
			// Rejected while decoding: the error names the mutated pointer.
			strict++
			if !slices.Contains(res.Paths, in.ptr) {
				t.Errorf("%s %s: decode error %q does not name %q", in.key, in.desc, res.Decode, in.ptr)
			}
		}
	}
	t.Logf("%d config schemas; raw instances: %d (%d valid, %d invalid per jsonschema; %d written as raw JSON: case variants, repeated keys, integer forms); agreement %d/%d; Go decode failures %d (%d of them a missing required property or a forbidden null, with its pointer); %d integers beyond int64 rejected with their pointer",
		len(subjects), len(insts), valid, invalid, rawN, agree, len(insts)-limits, decodeFail, strict, limits)
	t.Logf("encoded Go values: %d of %d agree", encodedAgree, encodedTotal)
	if agree != len(insts)-limits || encodedAgree != encodedTotal {
		t.Errorf("disagreements: %d raw, %d encoded", len(insts)-limits-agree, encodedTotal-encodedAgree)
	}
}

func loadCaseLock(c string) (*lockfile.Lock, error) {
	data, err := os.ReadFile(filepath.Join(goldenDir, c, "input.lock.json"))
	if err != nil {
		return nil, err
	}
	return lockfile.Parse(c, data)
}

func validates(s *jsonschema.Schema, v any) bool {
	b, _ := json.Marshal(v)
	return validatesRaw(s, b)
}

// validatesRaw judges the JSON text b (of repeated keys the last counts).
func validatesRaw(s *jsonschema.Schema, b []byte) bool {
	x, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return false
	}
	return s.Validate(x) == nil
}

// instGen builds instances from a schema (raw JSON decoded into any).
type instGen struct{ root any }

type inst struct {
	desc    string
	value   any
	raw     []byte // the instance as JSON text, when value cannot say it
	dropped bool
	limit   bool   // an integer beyond int64 (the documented limit when valid)
	ptr     string // JSON pointer of the mutation
}

func (g *instGen) resolve(s any) map[string]any {
	m, _ := s.(map[string]any)
	for i := 0; m != nil && i < 10; i++ {
		ref, ok := m["$ref"].(string)
		if !ok {
			break
		}
		var cur any = g.root
		for _, tok := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			cm, _ := cur.(map[string]any)
			cur = cm[tok]
		}
		next, _ := cur.(map[string]any)
		merged := map[string]any{}
		for k, v := range next {
			merged[k] = v
		}
		for k, v := range m {
			if k != "$ref" {
				merged[k] = v
			}
		}
		m = merged
	}
	if m == nil {
		return map[string]any{}
	}
	// Use the first non-null alternative of anyOf/oneOf; merge allOf.
	for _, k := range []string{"anyOf", "oneOf"} {
		if alts, ok := m[k].([]any); ok {
			for _, a := range alts {
				r := g.resolve(a)
				if r["type"] != "null" {
					return r
				}
			}
		}
	}
	if all, ok := m["allOf"].([]any); ok {
		merged := map[string]any{"type": "object", "properties": map[string]any{}}
		var req []any
		for _, a := range append(all, without(m, "allOf")) {
			r := g.resolve(a)
			if ps, ok := r["properties"].(map[string]any); ok {
				for k, v := range ps {
					merged["properties"].(map[string]any)[k] = v
				}
			}
			if rq, ok := r["required"].([]any); ok {
				req = append(req, rq...)
			}
		}
		merged["required"] = req
		return merged
	}
	return m
}

func without(m map[string]any, key string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if k != key {
			out[k] = v
		}
	}
	return out
}

func typeOf(s map[string]any) string {
	switch t := s["type"].(type) {
	case string:
		return t
	case []any:
		for _, x := range t {
			if x != "null" {
				return x.(string)
			}
		}
	}
	if _, ok := s["properties"]; ok {
		return "object"
	}
	if _, ok := s["items"]; ok {
		return "array"
	}
	return ""
}

func num(s map[string]any, k string) (float64, bool) {
	v, ok := s[k].(float64)
	return v, ok
}

// valid builds a value the schema should accept.
func (g *instGen) valid(s any, depth int) any {
	m := g.resolve(s)
	if c, ok := m["const"]; ok {
		return c
	}
	if e, ok := m["enum"].([]any); ok && len(e) > 0 {
		for _, v := range e {
			if v != nil {
				return v
			}
		}
	}
	switch typeOf(m) {
	case "string":
		switch m["format"] {
		case "date-time":
			return "2024-01-02T03:04:05Z"
		case "date":
			return "2024-01-02"
		}
		for _, cand := range []string{"abc", "ABC-123", "a", "abcdefgh"} {
			if okString(m, cand) {
				return cand
			}
		}
		return "abc"
	case "integer", "number":
		v := 1.0
		if mn, ok := num(m, "minimum"); ok {
			v = mn
		}
		if mn, ok := num(m, "exclusiveMinimum"); ok {
			v = mn + 1
			if typeOf(m) == "number" {
				v = mn + 0.25
			}
		}
		if mx, ok := num(m, "maximum"); ok && v > mx {
			v = mx
		}
		if mo, ok := num(m, "multipleOf"); ok {
			v = mo * float64(int(v/mo)+1)
		}
		return v
	case "boolean":
		return true
	case "array":
		n := 1
		if mn, ok := num(m, "minItems"); ok {
			n = int(mn)
		}
		out := []any{}
		for i := 0; i < n && depth < 6; i++ {
			out = append(out, g.valid(m["items"], depth+1))
		}
		return out
	case "object":
		out := map[string]any{}
		props, _ := m["properties"].(map[string]any)
		req := required(m)
		for k, p := range props {
			if depth < 3 || req[k] {
				out[k] = g.valid(p, depth+1)
			}
		}
		if ap, ok := m["additionalProperties"].(map[string]any); ok && len(props) == 0 {
			out["k"] = g.valid(ap, depth+1)
		}
		return out
	}
	return "anything"
}

func okString(m map[string]any, s string) bool {
	n := len([]rune(s))
	if mn, ok := num(m, "minLength"); ok && n < int(mn) {
		return false
	}
	if mx, ok := num(m, "maxLength"); ok && n > int(mx) {
		return false
	}
	if p, ok := m["pattern"].(string); ok {
		re, err := regexp.Compile(p)
		return err == nil && re.MatchString(s)
	}
	return true
}

func required(m map[string]any) map[string]bool {
	out := map[string]bool{}
	rq, _ := m["required"].([]any)
	for _, r := range rq {
		out[r.(string)] = true
	}
	return out
}

// instances returns the valid instance and its mutations.
func (g *instGen) instances(schema any) []inst {
	base := g.valid(schema, 0)
	out := []inst{{desc: "valid", value: base}}
	// Also a minimal valid instance: required properties only.
	out = append(out, inst{desc: "minimal", value: g.minimal(schema)})
	g.mutate(schema, base, nil, func(path []string, desc string, v any, dropped bool) {
		ptr := ""
		for _, p := range path {
			ptr += "/" + strings.ReplaceAll(strings.ReplaceAll(p, "~", "~0"), "/", "~1")
		}
		out = append(out, inst{desc: "/" + strings.Join(path, "/") + " " + desc, value: setAt(base, path, v), dropped: dropped, ptr: ptr})
	}, 0)
	g.rawMutations(schema, base, nil, func(path []string, desc string, raw []byte, limit bool) {
		out = append(out, inst{desc: "/" + strings.Join(path, "/") + " " + desc, raw: raw, limit: limit, ptr: pointerOf(path)})
	}, 0)
	return out
}

func pointerOf(path []string) string {
	ptr := ""
	for _, p := range path {
		ptr += "/" + strings.ReplaceAll(strings.ReplaceAll(p, "~", "~0"), "/", "~1")
	}
	return ptr
}

// placeholder marks where rawAt splices JSON text into an encoded instance.
const placeholder = "\x00triggergen-raw\x00"

// rawAt encodes base with the value at path replaced by the JSON text raw.
func rawAt(base any, path []string, raw string) []byte {
	b, _ := json.Marshal(setAt(base, path, placeholder))
	q, _ := json.Marshal(placeholder)
	return bytes.Replace(b, q, []byte(raw), 1)
}

// rawMutations reports the four kinds of issue 13 for the valid value v of
// schema s at path: case-variant keys, repeated keys in both orders,
// integer forms, and integers beyond int64 (limit).
func (g *instGen) rawMutations(s any, base any, path []string, emit func(path []string, desc string, raw []byte, limit bool), depth int) {
	m := g.resolve(s)
	if depth > 3 {
		return
	}
	v := valueAt(base, path)
	sub := func(k string) []string { return append(append([]string{}, path...), k) }
	switch typeOf(m) {
	case "integer":
		f, _ := v.(float64)
		n := int64(f)
		for _, form := range []string{fmt.Sprintf("%d.0", n), fmt.Sprintf("%de0", n), fmt.Sprintf("%de-1", n*10), fmt.Sprintf("%d.000E+0", n)} {
			emit(path, "integer form "+form, rawAt(base, path, form), false)
		}
		if n == 0 {
			emit(path, "integer form -0", rawAt(base, path, "-0"), false)
		}
		emit(path, "integer with a fraction", rawAt(base, path, fmt.Sprintf("%d.5", n)), false)
		for _, big := range []string{"9223372036854775808", "-9223372036854775809", "1e19", "123456789012345678901234567890"} {
			// Beyond int64: the documented limit where the schema accepts
			// the value; where a bound rejects it, both must reject it.
			emit(path, "beyond int64 "+big, rawAt(base, path, big), true)
		}
	case "array":
		items, _ := v.([]any)
		if len(items) > 0 {
			g.rawMutations(m["items"], base, sub("0"), emit, depth+1)
		}
	case "object":
		obj, _ := v.(map[string]any)
		props, _ := m["properties"].(map[string]any)
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if _, declared := props[k]; !declared {
				continue
			}
			good, _ := json.Marshal(obj[k])
			for _, bad := range []string{"null", `"x"`, "123", "[]"} {
				if bad == string(good) || kindOf(obj[k]) == kindOfRaw(bad) {
					continue
				}
				q, _ := json.Marshal(k)
				emit(sub(k), "repeated key, bad value first "+bad, rawAt(base, sub(k), bad+","+string(q)+":"+string(good)), false)
				emit(sub(k), "repeated key, bad value last "+bad, rawAt(base, sub(k), string(good)+","+string(q)+":"+bad), false)
				break
			}
			// A case variant is another key: beside the property, with a
			// value the property would reject, and instead of it.
			variant := caseVariant(k)
			if variant == k {
				continue
			}
			if _, declared := props[variant]; declared {
				continue
			}
			emit(sub(variant), "case variant beside "+k, rawAt(base, sub(variant), "null"), false)
			b, _ := json.Marshal(setAt(setAt(base, sub(variant), obj[k]), sub(k), dropMarker))
			emit(sub(variant), "case variant instead of "+k, b, false)
		}
		for _, k := range keys {
			if p, declared := props[k]; declared {
				g.rawMutations(p, base, sub(k), emit, depth+1)
			}
		}
	}
}

func caseVariant(k string) string {
	if u := strings.ToUpper(k); u != k {
		return u
	}
	return strings.ToLower(k)
}

func kindOfRaw(raw string) string {
	var v any
	json.Unmarshal([]byte(raw), &v)
	return kindOf(v)
}

// valueAt returns the value at path in v.
func valueAt(v any, path []string) any {
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			var i int
			fmt.Sscan(p, &i)
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func (g *instGen) minimal(schema any) any {
	m := g.resolve(schema)
	out := map[string]any{}
	props, _ := m["properties"].(map[string]any)
	for k := range required(m) {
		out[k] = g.valid(props[k], 1)
	}
	return out
}

var dropMarker = &struct{}{}

// mutate reports mutations of value v (valid for schema s) at path.
func (g *instGen) mutate(s any, v any, path []string, emit func(path []string, desc string, v any, dropped bool), depth int) {
	m := g.resolve(s)
	if depth > 3 {
		return
	}
	// Type swaps (including null).
	for _, w := range []any{"x", 123.0, 1.5, true, []any{}, map[string]any{}, nil} {
		if kindOf(w) != kindOf(v) {
			emit(path, fmt.Sprintf("type %s", kindOf(w)), w, w == nil)
		}
	}
	if _, ok := m["enum"]; ok {
		emit(path, "enum broken", "not-a-member-zz", false)
	}
	if c, ok := m["const"]; ok {
		if _, isStr := c.(string); isStr {
			emit(path, "const broken", "not-the-const", false)
		} else if b, isBool := c.(bool); isBool {
			emit(path, "const broken", !b, false)
		}
	}
	switch typeOf(m) {
	case "string":
		if mn, ok := num(m, "minLength"); ok && mn > 0 {
			emit(path, "minLength", strings.Repeat("a", int(mn)-1), false)
		}
		if mx, ok := num(m, "maxLength"); ok {
			emit(path, "maxLength", strings.Repeat("é", int(mx)+1), false)
			emit(path, "maxLength runes ok", strings.Repeat("é", int(mx)), false)
		}
		if _, ok := m["pattern"]; ok {
			emit(path, "pattern", "!!!", false)
		}
	case "integer", "number":
		f, _ := v.(float64)
		if mn, ok := num(m, "minimum"); ok {
			emit(path, "minimum", mn-1, false)
		}
		if mx, ok := num(m, "maximum"); ok {
			emit(path, "maximum", mx+1, false)
		}
		if mn, ok := num(m, "exclusiveMinimum"); ok {
			emit(path, "exclusiveMinimum", mn, false)
		}
		if mx, ok := num(m, "exclusiveMaximum"); ok {
			emit(path, "exclusiveMaximum", mx, false)
		}
		if mo, ok := num(m, "multipleOf"); ok {
			emit(path, "multipleOf", f+mo/2, false)
		}
	case "array":
		items, _ := v.([]any)
		if mn, ok := num(m, "minItems"); ok && mn > 0 {
			emit(path, "minItems", items[:int(mn)-1], false)
		}
		if mx, ok := num(m, "maxItems"); ok && len(items) > 0 {
			long := []any{}
			for i := 0; i <= int(mx); i++ {
				long = append(long, g.valid(m["items"], depth+1))
			}
			emit(path, "maxItems", long, false)
		}
		if u, _ := m["uniqueItems"].(bool); u && len(items) > 0 {
			emit(path, "uniqueItems", []any{items[0], items[0]}, false)
		}
		if len(items) > 0 {
			g.mutate(m["items"], items[0], append(append([]string{}, path...), "0"), emit, depth+1)
		}
	case "object":
		obj, _ := v.(map[string]any)
		props, _ := m["properties"].(map[string]any)
		keys := make([]string, 0, len(props))
		for k := range props {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for k := range required(m) {
			emit(append(append([]string{}, path...), k), "dropped", dropMarker, true)
		}
		for _, k := range keys {
			if pv, ok := obj[k]; ok {
				g.mutate(props[k], pv, append(append([]string{}, path...), k), emit, depth+1)
			}
		}
		if mx, ok := num(m, "maxProperties"); ok {
			big := map[string]any{}
			ap, _ := m["additionalProperties"].(map[string]any)
			for i := 0; i <= int(mx); i++ {
				big[fmt.Sprint("k", i)] = g.valid(ap, depth+1)
			}
			emit(path, "maxProperties", big, false)
		}
		if ap, ok := m["additionalProperties"].(map[string]any); ok && len(props) == 0 {
			if pv, ok := obj["k"]; ok {
				g.mutate(ap, pv, append(append([]string{}, path...), "k"), emit, depth+1)
			}
		}
	}
}

func kindOf(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64:
		if x == float64(int64(x)) {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "?"
}

// setAt returns a deep copy of base with the value at path replaced (or
// removed, for dropMarker).
func setAt(base any, path []string, v any) any {
	if len(path) == 0 {
		return v
	}
	switch b := base.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range b {
			out[k] = x
		}
		if len(path) == 1 && v == dropMarker {
			delete(out, path[0])
			return out
		}
		out[path[0]] = setAt(b[path[0]], path[1:], v)
		return out
	case []any:
		out := append([]any{}, b...)
		var i int
		fmt.Sscan(path[0], &i)
		if i < len(out) {
			out[i] = setAt(out[i], path[1:], v)
		}
		return out
	}
	return base
}
