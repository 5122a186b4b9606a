// Package schemasuite turns the official JSON Schema Test Suite into trigger
// configs, the way issue 19 measures a generator against it, so that
// triggergen's suite test and the peer comparison (bench/peer) use one
// wrapping:
//
//   - each group's schema becomes property "v" of an object config:
//     {"$schema": DRAFT, "type": "object", "properties": {"v": SCHEMA}};
//   - the group's "definitions" and "$defs" move to the config's root, and
//     its "$id" too, so that references resolve as in the suite; every
//     "$ref" that points into the group's schema by JSON pointer ("#",
//     "#/items") is rewritten to point under "#/properties/v" (pointers into
//     the hoisted definitions are left as they are);
//   - each test's instance is {"v": DATA}.
//
// A suite file becomes one toolkit with one trigger type per group.
package schemasuite

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/triggergen/triggergen/lockfile"
)

// Drafts are the suite directories used, with the $schema of each.
var Drafts = []struct{ Dir, Schema string }{
	{"draft7", "http://json-schema.org/draft-07/schema#"},
	{"draft2020-12", "https://json-schema.org/draft/2020-12/schema"},
}

// File is one suite file.
type File struct {
	Draft  string // "draft7" or "draft2020-12"
	Name   string // the file name without ".json", e.g. "additionalItems"
	Groups []*Group
}

// Group is one schema with its tests.
type Group struct {
	Description string          `json:"description"`
	Schema      json.RawMessage `json:"schema"`
	Tests       []*Test         `json:"tests"`
}

// Test is one instance and the suite's verdict.
type Test struct {
	Description string          `json:"description"`
	Data        json.RawMessage `json:"data"`
	Valid       bool            `json:"valid"`
}

// Load reads every file of dir/tests/<draft>/, in draft then name order.
func Load(dir string) ([]*File, error) {
	var out []*File
	for _, d := range Drafts {
		paths, err := filepath.Glob(filepath.Join(dir, "tests", d.Dir, "*.json"))
		if err != nil {
			return nil, err
		}
		if len(paths) == 0 {
			return nil, fmt.Errorf("schemasuite: no files in %s", filepath.Join(dir, "tests", d.Dir))
		}
		sort.Strings(paths)
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				return nil, err
			}
			f := &File{Draft: d.Dir, Name: strings.TrimSuffix(filepath.Base(p), ".json")}
			if err := json.Unmarshal(b, &f.Groups); err != nil {
				return nil, fmt.Errorf("schemasuite: %s: %w", p, err)
			}
			out = append(out, f)
		}
	}
	return out, nil
}

// Toolkit is the toolkit slug of the file: "s7_" or "s2020_" and the file
// name ("s7_additionalItems").
func (f *File) Toolkit() string {
	prefix := "s7_"
	if f.Draft != "draft7" {
		prefix = "s2020_"
	}
	return prefix + f.Name
}

// Slug is the trigger type slug of group i: "S7_ADDITIONALITEMS_G3".
func (f *File) Slug(i int) string {
	return strings.ToUpper(f.Toolkit()) + fmt.Sprintf("_G%d", i)
}

// DraftSchema returns the $schema of the file's draft.
func (f *File) DraftSchema() string {
	for _, d := range Drafts {
		if d.Dir == f.Draft {
			return d.Schema
		}
	}
	return ""
}

// Lock returns a lock with the file as one toolkit, one trigger type per
// group whose index is in groups (all groups when groups is nil), each
// group's wrapped schema as the config and {} as the payload.
func (f *File) Lock(groups []int) (*lockfile.Lock, error) {
	if groups == nil {
		for i := range f.Groups {
			groups = append(groups, i)
		}
	}
	tk := &lockfile.Toolkit{Slug: f.Toolkit(), Version: "1"}
	for _, i := range groups {
		cfg, err := Wrap(f.DraftSchema(), f.Groups[i].Schema)
		if err != nil {
			return nil, fmt.Errorf("%s/%s group %d: %w", f.Draft, f.Name, i, err)
		}
		tk.TriggerTypes = append(tk.TriggerTypes, &lockfile.TriggerType{
			Slug: f.Slug(i), Name: f.Groups[i].Description, Type: "webhook", Toolkit: tk.Slug, Version: "1",
			Config: cfg, Payload: json.RawMessage(`{}`),
		})
	}
	return &lockfile.Lock{Toolkits: []*lockfile.Toolkit{tk}}, nil
}

// Wrap returns the config schema for a group schema of the draft whose
// $schema is draft (see the package doc).
func Wrap(draft string, schema json.RawMessage) (json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(schema))
	dec.UseNumber() // numbers stay as written
	var s any
	if err := dec.Decode(&s); err != nil {
		return nil, err
	}
	root := map[string]any{"$schema": draft, "type": "object"}
	if m, ok := s.(map[string]any); ok {
		v := map[string]any{}
		for k, x := range m {
			v[k] = x
		}
		if own, ok := v["$schema"].(string); ok {
			root["$schema"] = own // a custom metaschema stays in force
		}
		delete(v, "$schema")
		w := &rewriter{}
		if id, ok := v["$id"].(string); ok && !strings.HasPrefix(id, "#") {
			root["$id"] = id
			delete(v, "$id")
			w.rootID, _ = url.Parse(id)
		}
		for _, k := range []string{"$defs", "definitions"} {
			if defs, ok := v[k]; ok {
				root[k] = w.rewrite(defs, w.rootID, false)
				delete(v, k)
			}
		}
		s = w.rewrite(v, w.rootID, false)
	}
	root["properties"] = map[string]any{"v": s}
	return json.Marshal(root)
}

// rewriter moves the references into the group's schema under
// /properties/v. rootID is the group's $id (nil when none).
type rewriter struct{ rootID *url.URL }

// rewrite returns schema value x with its references rewritten; base is
// the base URI in force (nil: the document's), nested tells that x is in a
// nested resource (a subschema with its own $id), where a "#..." pointer is
// relative to that resource and stays as it is. A reference that resolves
// to the group's $id is rewritten wherever it is. Data keywords (const,
// enum, examples, default) are left alone.
func (w *rewriter) rewrite(x any, base *url.URL, nested bool) any {
	switch v := x.(type) {
	case map[string]any:
		if id, ok := v["$id"].(string); ok && !strings.HasPrefix(id, "#") {
			if u, err := url.Parse(id); err == nil {
				if base != nil {
					u = base.ResolveReference(u)
				}
				base, nested = u, true
			}
		}
		out := map[string]any{}
		for k, e := range v {
			switch k {
			case "const", "enum", "examples", "default":
				out[k] = e
			case "$ref":
				if ref, ok := e.(string); ok {
					out[k] = w.ref(ref, base, nested)
				} else {
					out[k] = e
				}
			default:
				out[k] = w.rewrite(e, base, nested)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = w.rewrite(e, base, nested)
		}
		return out
	}
	return x
}

// ref rewrites one reference found under base.
func (w *rewriter) ref(ref string, base *url.URL, nested bool) string {
	if strings.HasPrefix(ref, "#") && !nested {
		return "#" + pointerUnderV(ref[1:])
	}
	if w.rootID == nil || base == nil {
		return ref
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	u = base.ResolveReference(u)
	frag := u.Fragment
	u.Fragment = ""
	root := *w.rootID
	root.Fragment = ""
	if u.String() != root.String() || frag != "" && !strings.HasPrefix(frag, "/") {
		return ref
	}
	return root.String() + "#" + pointerUnderV(frag)
}

// pointerUnderV maps a JSON pointer into the group's schema to the wrapped
// config, leaving pointers into the hoisted definitions (and anchors) alone.
func pointerUnderV(ptr string) string {
	if ptr != "" && !strings.HasPrefix(ptr, "/") {
		return ptr
	}
	if strings.HasPrefix(ptr, "/$defs/") || strings.HasPrefix(ptr, "/definitions/") || ptr == "/$defs" || ptr == "/definitions" {
		return ptr
	}
	return "/properties/v" + ptr
}

// Instance returns the instance of a test: {"v": DATA}.
func Instance(data json.RawMessage) json.RawMessage {
	b, _ := json.Marshal(map[string]json.RawMessage{"v": data})
	return b
}

// Tally counts one file's results.
type Tally struct {
	Tests           int // tests run (of groups not refused)
	Agree           int
	AcceptedInvalid int
	RejectedValid   int
	RefusedGroups   int
	RefusedTests    int
	// Groups run whose Validate uses a JSON Schema library at run time
	// (triggergen only), and the tests run natively and their agreement.
	LibraryGroups int `json:",omitempty"`
	NativeTests   int `json:",omitempty"`
	NativeAgree   int `json:",omitempty"`
}

// Add counts one test run: want is the suite's verdict, got the generated
// code's.
func (t *Tally) Add(want, got bool) {
	t.Tests++
	switch {
	case want == got:
		t.Agree++
	case got:
		t.AcceptedInvalid++
	default:
		t.RejectedValid++
	}
}

// Plus returns the sum of t and u.
func (t Tally) Plus(u Tally) Tally {
	return Tally{t.Tests + u.Tests, t.Agree + u.Agree, t.AcceptedInvalid + u.AcceptedInvalid, t.RejectedValid + u.RejectedValid,
		t.RefusedGroups + u.RefusedGroups, t.RefusedTests + u.RefusedTests, t.LibraryGroups + u.LibraryGroups,
		t.NativeTests + u.NativeTests, t.NativeAgree + u.NativeAgree}
}
