package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/triggergen/triggergen/generator/internal/load"
	"github.com/triggergen/triggergen/generator/internal/naming"
	"github.com/triggergen/triggergen/lockfile"
)

// Diag is a warning or an input error, located by a JSON pointer into the lock.
type Diag struct {
	Pointer string
	Message string
}

// Options are the inputs of Build besides the lock.
type Options struct {
	ImportPath string
	Toolkits   []string
	Renames    map[string]string
	Limits     Limits
}

// Limits bound the work one lock can cause; zero means no limit. The
// generator package documents them and sets the defaults.
type Limits struct {
	// Schema bounds each schema document (checked before it is compiled).
	Schema load.Limits
	// MaxTypes is the most named types one package may have.
	MaxTypes int
	// MaxFields is the most struct fields one package may have in all.
	MaxFields int
	// MaxInlineDepth is the most schemas followed in a row without reaching
	// a named type: bare $ref hops, single-member allOf/anyOf, array items
	// and map values.
	MaxInlineDepth int
}

// Build turns the lock into packages. Input errors are collected: when errs
// is non-empty the packages must not be used.
func Build(lk *lockfile.Lock, opt Options) (pkgs []*Package, warnings, errs []Diag) {
	b := &builder{opt: opt, usedRenames: map[string]bool{}}
	type entry struct {
		tk  *lockfile.Toolkit
		ptr string
	}
	var entries []entry
	want := map[string]bool{}
	for _, s := range opt.Toolkits {
		want[strings.ToLower(s)] = true
	}
	found := map[string]bool{}
	for i, tk := range lk.Toolkits {
		if len(want) > 0 && !want[strings.ToLower(tk.Slug)] {
			continue
		}
		found[strings.ToLower(tk.Slug)] = true
		entries = append(entries, entry{tk, "/toolkits/" + strconv.Itoa(i)})
	}
	for _, s := range opt.Toolkits {
		if !found[strings.ToLower(s)] {
			b.errorf("/toolkits", "toolkit %q is not in the lock", s)
		}
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].tk.Slug < entries[j].tk.Slug })
	dirs := map[string]string{}
	for _, e := range entries {
		p := b.pkg(e.tk, e.ptr)
		if p == nil {
			continue
		}
		if prev, dup := dirs[p.Name]; dup {
			b.errorf(e.ptr+"/slug", "toolkit %q and toolkit %q both map to package %s; set Renames[%q]", prev, e.tk.Slug, p.Name, e.tk.Slug)
			continue
		}
		dirs[p.Name] = e.tk.Slug
		pkgs = append(pkgs, p)
	}
	var keys []string
	for k := range opt.Renames {
		if !b.usedRenames[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.warnf("", "rename key %q matches nothing", k)
	}
	return pkgs, b.warns, b.errs
}

type builder struct {
	opt         Options
	warns, errs []Diag
	usedRenames map[string]bool
}

func (b *builder) errorf(ptr, format string, args ...any) {
	b.errs = append(b.errs, Diag{Pointer: ptr, Message: fmt.Sprintf(format, args...)})
}

func (b *builder) warnf(ptr, format string, args ...any) {
	b.warns = append(b.warns, Diag{Pointer: ptr, Message: fmt.Sprintf(format, args...)})
}

// rename looks key up in the rename map.
func (b *builder) rename(key string) (string, bool) {
	v, ok := b.opt.Renames[key]
	if ok {
		b.usedRenames[key] = true
	}
	return v, ok
}

// exportedRename returns the renamed Go identifier for key, or "" when none
// (or an invalid one, which is reported).
func (b *builder) exportedRename(key, ptr string) string {
	v, ok := b.rename(key)
	if !ok {
		return ""
	}
	if !naming.ValidExported(v) {
		b.errorf(ptr, "rename %q → %q: not an exported Go identifier", key, v)
		return ""
	}
	return v
}

// pkgBuilder builds one package.
type pkgBuilder struct {
	*builder
	pkg       *Package
	fieldsN   int  // struct fields so far
	over      bool // a package-wide limit was hit: build nothing more
	inlining  map[*jsonschema.Schema]bool
	byLoc     map[string]*Named // doc URL + pointer → type
	byContent map[string]*Named // canonical schema → type
	types     []*Named
	patterns  map[string]*Pattern
}

// site is where a schema is used: what a named type made from it is called.
type site struct {
	trig      *Trigger
	doc       *load.Doc
	part      string // "config" or "payload"
	want      string // the strong name of a type made here
	key       string // rename key of the schema
	ptr       string // lock pointer of the schema
	validated bool
}

func (s site) at(docPtr string) site {
	s.key = s.trig.Slug + "#/" + s.part + docPtr
	s.ptr = s.trig.Ptr + "/" + s.part + docPtr
	return s
}

func (b *builder) pkg(tk *lockfile.Toolkit, ptr string) *Package {
	name := naming.Package(tk.Slug)
	if v, ok := b.rename(tk.Slug); ok {
		if !naming.ValidPackage(v) {
			b.errorf(ptr+"/slug", "rename %q → %q: not a valid package name", tk.Slug, v)
		} else {
			name = v
		}
	}
	p := &Package{Toolkit: tk.Slug, Name: name, Dir: name, Version: tk.Version, Ptr: ptr}
	if b.opt.ImportPath != "" {
		p.ImportPath = b.opt.ImportPath + "/" + name
	}
	pb := &pkgBuilder{builder: b, pkg: p, byLoc: map[string]*Named{}, byContent: map[string]*Named{}, patterns: map[string]*Pattern{}, inlining: map[*jsonschema.Schema]bool{}}
	nerr := len(b.errs)
	pb.triggers(tk, ptr)
	if len(b.errs) > nerr {
		return nil
	}
	pb.credentials(tk, ptr)
	pb.resolve()
	return p
}

// triggers creates the package's triggers, decides their base names, and
// builds their types.
func (pb *pkgBuilder) triggers(tk *lockfile.Toolkit, ptr string) {
	prefix := strings.ToUpper(tk.Slug) + "_"
	var bases, stems []*naming.Candidate
	for j, tt := range tk.TriggerTypes {
		t := &Trigger{Slug: tt.Slug, Name: tt.Name, Description: tt.Description, Instructions: tt.Instructions,
			Kind: tt.Type, RequiresSetup: tt.RequiresWebhookEndpointSetup, Version: tt.Version,
			Ptr: fmt.Sprintf("%s/trigger_types/%d", ptr, j)}
		if t.Kind == "" {
			t.Kind = "webhook"
		}
		rest := tt.Slug
		if r, ok := strings.CutPrefix(strings.ToUpper(tt.Slug), prefix); ok && strings.TrimLeft(r, "_") != "" {
			rest = tt.Slug[len(prefix):]
		}
		t.baseCand = &naming.Candidate{Want: naming.Exported(rest, "Trigger"), Key: tt.Slug}
		if v := pb.exportedRename(tt.Slug, t.Ptr+"/slug"); v != "" {
			t.baseCand.Want, t.baseCand.Fixed = v, true
		}
		bases = append(bases, t.baseCand)
		stems = append(stems, &naming.Candidate{Want: naming.FileStem(rest), Key: tt.Slug})
		pb.pkg.Triggers = append(pb.pkg.Triggers, t)
	}
	if cs, err := naming.Resolve(nil, bases); err != nil {
		pb.errorf(ptr, "trigger names: %v", err)
	} else {
		for _, c := range cs {
			pb.warnf(ptr, "trigger %s: name %s collides with trigger %s; using %s (set Renames[%q] to choose)", c.Key, c.Want, c.Winner, c.Got, c.Key)
		}
	}
	for _, c := range stems {
		c.Want = strings.ToLower(c.Want)
	}
	naming.Resolve(map[string]string{"doc": "", "types": "", "patterns": "", "credentials": ""}, stems)
	for i, t := range pb.pkg.Triggers {
		t.Base = t.baseCand.Got
		t.stem = stems[i].Got
		t.File = t.stem + ".gen.go"
	}
	// Build in slug order so that shared types are found the same way
	// whatever the input order.
	order := slices.Clone(pb.pkg.Triggers)
	sort.Slice(order, func(i, j int) bool { return order[i].Slug < order[j].Slug })
	idx := map[*Trigger]*lockfile.TriggerType{}
	for j, t := range pb.pkg.Triggers {
		idx[t] = tk.TriggerTypes[j]
	}
	for _, t := range order {
		tt := idx[t]
		t.Config = pb.root(t, "config", tt.Config)
		t.Payload = pb.root(t, "payload", tt.Payload)
	}
	pb.pkg.Triggers = order
}

// root builds a trigger's config or payload type.
func (pb *pkgBuilder) root(t *Trigger, part string, raw json.RawMessage) *Named {
	u := "https://triggergen.invalid/" + url.PathEscape(t.Slug) + "/" + part + ".json"
	doc, err := load.Compile(u, raw, pb.opt.Limits.Schema)
	st := site{trig: t, part: part, validated: part == "config"}.at("")
	if err != nil {
		le := err.(*load.Error)
		pb.errorf(st.ptr+le.Pointer, "%s", le.Msg)
		return nil
	}
	st.doc = doc
	suffix := "Config"
	if part == "payload" {
		suffix = "Payload"
	}
	st.want = t.baseCand.Got + suffix
	s := doc.Root
	n := &Named{Kind: Struct, Key: st.key, Role: part, Trigger: t, users: map[*Trigger]bool{t: true}, Validated: st.validated}
	n.cand = &naming.Candidate{Want: st.want, Key: st.key}
	if v := pb.exportedRename("type:"+st.key, st.ptr); v != "" {
		n.cand.Want, n.cand.Fixed = v, true
	}
	n.Doc = s.Description
	n.Deprecated = s.Deprecated
	n.NullOK = s.Types == nil || s.Types.IsEmpty() || slices.Contains(s.Types.ToStrings(), "null")
	pb.byLoc[doc.URL+"#"] = n
	pb.types = append(pb.types, n)
	members := pb.objectMembers(st, s)
	props := 0
	for _, m := range members {
		props += len(m.Properties)
	}
	if part == "payload" && props == 0 && !isFalse(s.AdditionalProperties) {
		n.Kind = RawMap
		return n
	}
	if s.Types != nil && !s.Types.IsEmpty() && !slices.Contains(s.Types.ToStrings(), "object") {
		pb.errorf(st.ptr+"/type", "a trigger %s must be an object schema, not %s", part, s.Types)
	}
	pb.fields(st, n, members)
	return n
}

// validTag mirrors encoding/json's rule for struct tag names.
func validTag(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

func isFalse(ap any) bool {
	b, ok := ap.(bool)
	return ok && !b
}

// objectMembers returns the schemas whose properties make up an object:
// $ref and allOf members (recursively), then the schema itself.
func (pb *pkgBuilder) objectMembers(st site, s *jsonschema.Schema) []*jsonschema.Schema {
	var out []*jsonschema.Schema
	seen := map[*jsonschema.Schema]bool{}
	var add func(s *jsonschema.Schema)
	add = func(s *jsonschema.Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		add(s.Ref)
		for _, m := range s.AllOf {
			add(m)
		}
		if s.Ref == nil || hasStructure(s) || len(out) == 0 {
			out = append(out, s) // a bare $ref adds nothing of its own
		}
	}
	add(s)
	return out
}

// fields fills a struct from its member schemas, in property order.
func (pb *pkgBuilder) fields(st site, n *Named, members []*jsonschema.Schema) {
	required := map[string]bool{}
	seen := map[string]bool{}
	type prop struct {
		name string
		s    *jsonschema.Schema
	}
	var props []prop
	for _, m := range members {
		for _, r := range m.Required {
			required[r] = true
		}
		mptr, ok := st.doc.Pointer(m)
		if !ok {
			continue
		}
		keys := st.doc.Keys(mptr + "/properties")
		if len(keys) != len(m.Properties) { // defensive: fall back to sorted
			keys = keys[:0:0]
			for k := range m.Properties {
				keys = append(keys, k)
			}
			sort.Strings(keys)
		}
		for _, k := range keys {
			if seen[k] {
				continue
			}
			seen[k] = true
			props = append(props, prop{k, m.Properties[k]})
		}
	}
	if lim := pb.opt.Limits.Schema.MaxProperties; lim > 0 && len(props) > lim {
		pb.errorf(st.ptr, "%d properties (after merging allOf and $ref), more than %d (Limits.MaxProperties)", len(props), lim)
		return
	}
	pb.fieldsN += len(props)
	if lim := pb.opt.Limits.MaxFields; lim > 0 && pb.fieldsN > lim && !pb.over {
		pb.over = true
		pb.errorf(st.ptr, "the package has more than %d struct fields (Limits.MaxFields)", lim)
	}
	if pb.over {
		return
	}
	var cands []*naming.Candidate
	reserved := map[string]string{}
	if n.Role == "config" {
		reserved["TriggerType"] = "method"
		reserved["Validate"] = "method"
	}
	if n.Validated {
		reserved["UnmarshalJSON"] = "method" // the strict decoder
	}
	for _, p := range props {
		pptr, _ := st.doc.Pointer(p.s)
		fst := st.at(pptr)
		if !validTag(p.name) {
			// encoding/json cannot name such a key in a struct tag.
			if st.validated {
				pb.errorf(fst.ptr, "property name %q cannot be a Go struct tag name (encoding/json allows letters, digits and !#$%%&()*+-./:;<=>?@[]^_{|}~ and space)", p.name)
			} else {
				pb.warnf(fst.ptr, "property name %q cannot be a Go struct tag name; the property is not decoded", p.name)
			}
			continue
		}
		f := &Field{JSON: p.name, Key: fst.key, Required: required[p.name]}
		f.cand = &naming.Candidate{Want: naming.Exported(p.name, "Field"), Key: fst.key}
		if v := pb.exportedRename(fst.key, fst.ptr); v != "" {
			f.cand.Want, f.cand.Fixed = v, true
		}
		cands = append(cands, f.cand)
		fst.want = n.cand.Want + f.cand.Want
		f.Type, f.Nullable = pb.typeOf(fst, p.s)
		f.Doc, f.Deprecated = docOf(p.s)
		if p.s.Default != nil {
			f.Default, f.HasDefault = *p.s.Default, true
		} else if p.s.Ref != nil && p.s.Ref.Default != nil {
			f.Default, f.HasDefault = *p.s.Ref.Default, true
		}
		n.Fields = append(n.Fields, f)
	}
	cs, err := naming.Resolve(reserved, cands)
	if err != nil {
		pb.errorf(st.ptr, "field names: %v", err)
		return
	}
	for _, c := range cs {
		pb.warnf(st.ptr, "field %s: name %s collides with %s; using %s (set Renames[%q] to choose)", c.Key, c.Want, c.Winner, c.Got, c.Key)
	}
	for _, f := range n.Fields {
		f.Name = f.cand.Got
	}
}

// docOf returns the doc text of a property: title, description, examples.
func docOf(s *jsonschema.Schema) (string, bool) {
	desc, title, examples, dep := s.Description, s.Title, s.Examples, s.Deprecated
	if r := s.Ref; r != nil {
		if desc == "" {
			desc = r.Description
		}
		if title == "" {
			title = r.Title
		}
		if len(examples) == 0 {
			examples = r.Examples
		}
		dep = dep || r.Deprecated
	}
	var parts []string
	if desc != "" {
		parts = append(parts, desc)
	} else if title != "" {
		parts = append(parts, title+".")
	}
	if len(examples) > 0 {
		var ex []string
		for _, e := range examples {
			b, _ := json.Marshal(e)
			ex = append(ex, string(b))
		}
		parts = append(parts, "Examples: "+strings.Join(ex, ", ")+".")
	}
	return strings.Join(parts, "\n\n"), dep
}

// typeOf maps a schema to a Go type; nullable reports whether null is allowed.
func (pb *pkgBuilder) typeOf(st site, s *jsonschema.Schema) (*Type, bool) {
	return pb.typeOfDepth(st, s, 0)
}

func (pb *pkgBuilder) typeOfDepth(st site, s *jsonschema.Schema, depth int) (*Type, bool) {
	if s == nil || s.Bool != nil || pb.over {
		return &Type{Kind: Raw}, true
	}
	ptr, _ := st.doc.Pointer(s)
	st = st.at(ptr)
	// depth counts schemas inlined in a row (bare $ref, single-member allOf
	// or anyOf, items, map values) since the last named type. $ref cycles
	// are cut below, so this trips only on long chains.
	if lim := pb.opt.Limits.MaxInlineDepth; lim > 0 && depth > lim {
		pb.errorf(st.ptr, "more than %d schemas inlined in a row without a named type ($ref chain or nested arrays; Limits.MaxInlineDepth)", lim)
		pb.over = true
		return &Type{Kind: Raw}, true
	}
	if pb.inlining[s] {
		// A $ref cycle that reaches no object (e.g. an array of itself): a
		// Go type would be infinite, so the value is kept as raw JSON.
		pb.warnf(st.ptr, "recursive schema without an object in the cycle; kept as raw JSON (json.RawMessage)")
		return &Type{Kind: Raw}, true
	}
	pb.inlining[s] = true
	defer delete(pb.inlining, s)
	if pb.pkg != nil && st.validated {
		pb.unchecked(st, s)
	}
	// A bare $ref (annotations beside it are allowed).
	if s.Ref != nil && !hasStructure(s) {
		rst := st
		if rptr, ok := st.doc.Pointer(s.Ref); ok {
			rst = st.at(rptr)
		}
		rst.want = st.want
		return pb.typeOfDepth(rst, s.Ref, depth+1)
	}
	if s.Ref != nil || len(s.AllOf) > 0 {
		members := pb.objectMembers(st, s)
		objects := 0
		var single *jsonschema.Schema
		for _, m := range members {
			if m == s {
				continue
			}
			single = m
			if isObject(m) {
				objects++
			}
		}
		if len(members) == 2 && !hasOwnStructure(s) {
			rst := st
			if rptr, ok := st.doc.Pointer(single); ok {
				rst = st.at(rptr)
			}
			rst.want = st.want
			t, null := pb.typeOfDepth(rst, single, depth+1)
			return t, null && !typeExcludesNull(s)
		}
		if objects > 0 {
			return &Type{Kind: Ref, Named: pb.object(st, s, members)}, nullableTypes(s)
		}
		pb.warnf(st.ptr, "allOf of non-object schemas is not merged; using the first member's type")
		return pb.typeOfDepth(st, single, depth+1)
	}
	// anyOf / oneOf.
	if alts := append(slices.Clone(s.AnyOf), s.OneOf...); len(alts) > 0 && (s.Types == nil || s.Types.IsEmpty()) {
		var nonNull []*jsonschema.Schema
		null := false
		for _, a := range alts {
			if isNull(a) {
				null = true
			} else {
				nonNull = append(nonNull, a)
			}
		}
		switch len(nonNull) {
		case 0:
			return &Type{Kind: Raw}, true
		case 1:
			t, n := pb.typeOfDepth(st, nonNull[0], depth+1)
			return t, n || null
		}
		return pb.union(st, s, nonNull, len(s.OneOf) > 0, depth), null
	}
	types := []string{}
	if s.Types != nil {
		types = s.Types.ToStrings()
	}
	nullable := len(types) == 0 || slices.Contains(types, "null")
	types = slices.DeleteFunc(types, func(t string) bool { return t == "null" })
	if s.Enum != nil {
		return pb.enum(st, s, types)
	}
	if s.Const != nil && len(types) == 0 {
		t := &Type{Kind: kindOfValue(*s.Const)}
		t.C.Const, t.C.HasConst = *s.Const, true
		return t, *s.Const == nil
	}
	if len(types) == 0 {
		switch {
		case len(s.Properties) > 0 || s.AdditionalProperties != nil:
			types = []string{"object"}
		case s.Items2020 != nil || s.Items != nil:
			types = []string{"array"}
		default:
			t := &Type{Kind: Raw}
			return t, true
		}
	}
	if len(types) > 1 {
		return pb.scalarUnion(st, s, types), nullable
	}
	t := pb.single(st, s, types[0], depth)
	if s.Const != nil {
		t.C.Const, t.C.HasConst = *s.Const, true
	}
	return t, nullable
}

// unchecked warns about validation keywords of a config schema that the
// generated Validate does not check.
func (pb *pkgBuilder) unchecked(st site, s *jsonschema.Schema) {
	var kws []string
	if s.Not != nil {
		kws = append(kws, "not")
	}
	if s.If != nil {
		kws = append(kws, "if")
	}
	if len(s.PatternProperties) > 0 {
		kws = append(kws, "patternProperties")
	}
	if s.PropertyNames != nil {
		kws = append(kws, "propertyNames")
	}
	if len(s.DependentRequired) > 0 || len(s.Dependencies) > 0 {
		kws = append(kws, "dependentRequired")
	}
	if len(s.DependentSchemas) > 0 {
		kws = append(kws, "dependentSchemas")
	}
	if s.Contains != nil {
		kws = append(kws, "contains")
	}
	if len(s.PrefixItems) > 0 {
		kws = append(kws, "prefixItems")
	}
	if s.UnevaluatedProperties != nil || s.UnevaluatedItems != nil {
		kws = append(kws, "unevaluated*")
	}
	if len(kws) > 0 {
		pb.warnf(st.ptr, "Validate does not check %s", strings.Join(kws, ", "))
	}
}

func hasOwnStructure(s *jsonschema.Schema) bool {
	return len(s.Properties) > 0 || s.Enum != nil || s.Const != nil || len(s.AnyOf) > 0 || len(s.OneOf) > 0 ||
		s.Items2020 != nil || s.Items != nil || s.AdditionalProperties != nil || s.Types != nil && !s.Types.IsEmpty() && !onlyNullAndObject(s)
}

func onlyNullAndObject(s *jsonschema.Schema) bool {
	for _, t := range s.Types.ToStrings() {
		if t != "object" && t != "null" {
			return false
		}
	}
	return true
}

func hasStructure(s *jsonschema.Schema) bool { return hasOwnStructure(s) || len(s.AllOf) > 0 }

func typeExcludesNull(s *jsonschema.Schema) bool {
	return s.Types != nil && !s.Types.IsEmpty() && !slices.Contains(s.Types.ToStrings(), "null")
}

func nullableTypes(s *jsonschema.Schema) bool {
	return s.Types != nil && slices.Contains(s.Types.ToStrings(), "null")
}

func isObject(s *jsonschema.Schema) bool {
	for s != nil && s.Ref != nil && !hasStructure(s) {
		s = s.Ref
	}
	if s == nil {
		return false
	}
	if len(s.Properties) > 0 || len(s.AllOf) > 0 {
		return true
	}
	return s.Types != nil && slices.Contains(s.Types.ToStrings(), "object")
}

func isNull(s *jsonschema.Schema) bool {
	for s.Ref != nil && !hasStructure(s) {
		s = s.Ref
	}
	if s.Types != nil {
		ts := s.Types.ToStrings()
		return len(ts) == 1 && ts[0] == "null"
	}
	if s.Const != nil {
		return *s.Const == nil
	}
	return s.Enum != nil && len(s.Enum.Values) == 1 && s.Enum.Values[0] == nil
}

func kindOfValue(v any) Kind {
	switch x := v.(type) {
	case bool:
		return Bool
	case string:
		return String
	case json.Number:
		if _, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return Int
		}
		return Float
	}
	return Raw
}

// single maps a schema of one JSON type.
func (pb *pkgBuilder) single(st site, s *jsonschema.Schema, typ string, depth int) *Type {
	t := &Type{}
	switch typ {
	case "string":
		t.Kind = String
		// The library fills Format only when it asserts formats, which it
		// must not (JSON Schema 2020-12 treats format as an annotation, and
		// so does Validate): read the keyword from the raw schema.
		if ptr, ok := st.doc.Pointer(s); ok {
			if f, ok := st.doc.Raw(ptr + "/format"); ok {
				switch f {
				case "date-time":
					t.Kind = DateTime
				case "date":
					t.Kind = Date
				}
			}
		}
		t.C.MinLength, t.C.MaxLength = s.MinLength, s.MaxLength
		if s.Pattern != nil && t.Kind == String {
			t.C.Pattern = pb.pattern(s.Pattern.String())
		}
	case "integer":
		t.Kind = Int
	case "number":
		t.Kind = Float
	case "boolean":
		t.Kind = Bool
	case "array":
		t.Kind = Slice
		var items *jsonschema.Schema
		switch it := s.Items.(type) {
		case *jsonschema.Schema:
			items = it
		}
		if s.Items2020 != nil {
			items = s.Items2020
		}
		if items == nil {
			t.Elem, t.ElemNullable = &Type{Kind: Raw}, true
		} else {
			ist := st
			ist.want = st.want + "Item"
			t.Elem, t.ElemNullable = pb.typeOfDepth(ist, items, depth+1)
		}
		t.C.MinItems, t.C.MaxItems, t.C.UniqueItems = s.MinItems, s.MaxItems, s.UniqueItems
	case "object":
		if len(s.Properties) > 0 {
			return &Type{Kind: Ref, Named: pb.object(st, s, []*jsonschema.Schema{s})}
		}
		if ap, ok := s.AdditionalProperties.(*jsonschema.Schema); ok && ap.Bool == nil {
			vst := st
			vst.want = st.want + "Value"
			t.Kind = Map
			t.Elem, t.ElemNullable = pb.typeOfDepth(vst, ap, depth+1)
		} else {
			t.Kind = Object
		}
		t.C.MinProps, t.C.MaxProps = s.MinProperties, s.MaxProperties
	}
	if t.Kind == Int || t.Kind == Float {
		t.C.Minimum, t.C.Maximum = s.Minimum, s.Maximum
		t.C.ExclusiveMinimum, t.C.ExclusiveMaximum, t.C.MultipleOf = s.ExclusiveMinimum, s.ExclusiveMaximum, s.MultipleOf
	}
	return t
}

func (pb *pkgBuilder) pattern(src string) *Pattern {
	if p, ok := pb.patterns[src]; ok {
		return p
	}
	if _, err := regexp.Compile(src); err != nil {
		return nil // the schema library rejected it already
	}
	p := &Pattern{Source: src}
	pb.patterns[src] = p
	return p
}

// contentKey identifies a schema by its content, for sharing one Go type
// between identical schemas. Annotations of the use site (description,
// examples, default) are left out. Schemas containing $ref are only shared
// within their document.
func (pb *pkgBuilder) contentKey(st site, s *jsonschema.Schema, kind string) string {
	ptr, ok := st.doc.Pointer(s)
	if !ok {
		return ""
	}
	raw, ok := st.doc.Raw(ptr)
	m, isMap := raw.(map[string]any)
	if !ok || !isMap {
		return ""
	}
	c := map[string]any{}
	for k, v := range m {
		switch k {
		case "description", "examples", "default", "deprecated", "$comment", "readOnly", "writeOnly":
			continue
		}
		c[k] = v
	}
	b, err := json.Marshal(c)
	if err != nil {
		return ""
	}
	key := kind + ":" + string(b)
	if bytes.Contains(b, []byte(`"$ref"`)) || bytes.Contains(b, []byte(`"$dynamicRef"`)) {
		key = st.doc.URL + "#" + ptr + ":" + key
	}
	return key
}

// newNamed registers a named type made at st from s.
func (pb *pkgBuilder) newNamed(st site, s *jsonschema.Schema, kind NamedKind) (*Named, bool) {
	ptr, _ := st.doc.Pointer(s)
	loc := st.doc.URL + "#" + ptr
	if n, ok := pb.byLoc[loc]; ok {
		pb.use(n, st)
		return n, true
	}
	kindKey := strconv.Itoa(int(kind))
	if kind != Enum {
		// Config types decode strictly (see Named.Validated), payload types
		// tolerantly: a struct or union is never shared between the two.
		kindKey += ":" + st.part
	}
	ck := pb.contentKey(st, s, kindKey)
	if n, ok := pb.byContent[ck]; ok && ck != "" {
		pb.byLoc[loc] = n
		pb.use(n, st)
		return n, true
	}
	n := &Named{Kind: kind, Key: st.key, users: map[*Trigger]bool{}}
	n.cand = &naming.Candidate{Want: st.want, Key: st.key}
	n.strongWant = st.want
	if lim := pb.opt.Limits.MaxTypes; lim > 0 && len(pb.types) >= lim && !pb.over {
		pb.over = true
		pb.errorf(st.ptr, "the package needs more than %d named types (Limits.MaxTypes)", lim)
	}
	// A $defs entry is named after its key; an inline object after its title.
	if _, def, ok := strings.Cut(ptr, "/$defs/"); ok && !strings.Contains(def, "/") {
		n.cand.Want, n.weak = naming.Exported(unescape(def), st.want), true
	} else if _, def, ok := strings.Cut(ptr, "/definitions/"); ok && !strings.Contains(def, "/") {
		n.cand.Want, n.weak = naming.Exported(unescape(def), st.want), true
	} else if s.Title != "" && kind == Struct {
		n.cand.Want, n.weak = naming.Exported(s.Title, st.want), true
	}
	if v := pb.exportedRename("type:"+st.key, st.ptr); v != "" {
		n.cand.Want, n.cand.Fixed, n.weak = v, true, false
	}
	n.Doc = s.Description
	n.Deprecated = s.Deprecated
	pb.byLoc[loc] = n
	if ck != "" {
		pb.byContent[ck] = n
	}
	pb.types = append(pb.types, n)
	pb.use(n, st)
	return n, false
}

func unescape(t string) string {
	return strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
}

func (pb *pkgBuilder) use(n *Named, st site) {
	n.users[st.trig] = true
	if st.validated {
		pb.markValidated(n)
	}
	if st.key < n.Key {
		// Keep the smallest key, so the choice does not depend on input order.
		n.Key = st.key
		if !n.cand.Fixed {
			n.cand.Key = st.key
		}
	}
}

// object builds a struct type from member schemas.
func (pb *pkgBuilder) object(st site, s *jsonschema.Schema, members []*jsonschema.Schema) *Named {
	n, existed := pb.newNamed(st, s, Struct)
	if existed {
		return n
	}
	fst := st
	fst.want = n.cand.Want
	saved := pb.inlining
	pb.inlining = map[*jsonschema.Schema]bool{}
	pb.fields(fst, n, pb.objectMembers(st, s))
	pb.inlining = saved
	return n
}

// markValidated marks n and every type reachable from it as validated.
func (pb *pkgBuilder) markValidated(n *Named) {
	seen := map[*Named]bool{}
	var walkT func(t *Type)
	walkN := func(n *Named) {
		if seen[n] {
			return
		}
		seen[n] = true
		n.Validated = true
		for _, f := range n.Fields {
			walkT(f.Type)
		}
		for _, v := range n.Variants {
			walkT(v.Type)
		}
	}
	walkT = func(t *Type) {
		if t.Elem != nil {
			walkT(t.Elem)
		}
		if t.Named != nil {
			walkN(t.Named)
		}
	}
	walkN(n)
}

// enum maps a schema with "enum".
func (pb *pkgBuilder) enum(st site, s *jsonschema.Schema, types []string) (*Type, bool) {
	null := false
	var vals []any
	allStrings := true
	for _, v := range s.Enum.Values {
		if v == nil {
			null = true
			continue
		}
		if _, ok := v.(string); !ok {
			allStrings = false
		}
		vals = append(vals, v)
	}
	if len(types) > 0 && !slices.Contains(types, "null") && s.Types != nil {
		null = false
	}
	if len(types) > 0 && s.Types != nil && slices.Contains(s.Types.ToStrings(), "null") {
		null = true
	}
	if allStrings && len(vals) > 0 && (len(types) == 0 || len(types) == 1 && types[0] == "string") {
		n, existed := pb.newNamed(st, s, Enum)
		if !existed {
			n.cand.Want = strings.TrimSuffix(n.cand.Want, "Item")
			if !n.weak && s.Title != "" && false {
				n.cand.Want = naming.Exported(s.Title, n.cand.Want)
			}
			seen := map[string]bool{}
			for i, v := range vals {
				str := v.(string)
				if seen[str] {
					continue
				}
				seen[str] = true
				ev := &EnumValue{Value: str}
				ptr, _ := st.doc.Pointer(s)
				key := st.trig.Slug + "#/" + st.part + ptr + "/enum/" + strconv.Itoa(i)
				ev.cand = &naming.Candidate{Want: naming.Exported(str, "Empty"), Key: key}
				if r := pb.exportedRename(key, st.trig.Ptr+"/"+st.part+ptr+"/enum/"+strconv.Itoa(i)); r != "" {
					ev.cand.Want, ev.cand.Fixed = r, true
				}
				n.Values = append(n.Values, ev)
			}
		}
		return &Type{Kind: Ref, Named: n}, null
	}
	kind := Raw
	for i, v := range vals {
		k := kindOfValue(v)
		if i == 0 {
			kind = k
		} else if k != kind {
			if k == Float && kind == Int || k == Int && kind == Float {
				kind = Float
			} else {
				kind = Raw
			}
		}
	}
	if len(types) == 1 {
		switch types[0] {
		case "integer":
			if kind == Int {
				kind = Int
			}
		case "number":
			if kind == Int {
				kind = Float
			}
		}
	}
	t := &Type{Kind: kind}
	if kind == Raw {
		pb.warnf(st.ptr, "enum of mixed types is kept as raw JSON; Validate does not check it")
		return t, true
	}
	t.C.Enum = vals
	return t, null
}

// union builds a union of several non-null alternatives.
func (pb *pkgBuilder) union(st site, s *jsonschema.Schema, alts []*jsonschema.Schema, oneOf bool, depth int) *Type {
	n, existed := pb.newNamed(st, s, Union)
	if existed {
		return &Type{Kind: Ref, Named: n}
	}
	n.OneOf = oneOf
	used := map[string]bool{}
	saved := pb.inlining
	pb.inlining = map[*jsonschema.Schema]bool{}
	defer func() { pb.inlining = saved }()
	for _, a := range alts {
		ast := st
		ast.want = n.cand.Want + "Variant"
		t, _ := pb.typeOfDepth(ast, a, depth+1)
		v := &Variant{Type: t, Name: variantName(t), JSONKind: jsonKind(t)}
		base := v.Name
		for i := 2; used[v.Name]; i++ {
			v.Name = base + strconv.Itoa(i)
		}
		used[v.Name] = true
		n.Variants = append(n.Variants, v)
	}
	return &Type{Kind: Ref, Named: n}
}

// scalarUnion builds a union from a multi-type schema ("type": ["string", "integer"]).
func (pb *pkgBuilder) scalarUnion(st site, s *jsonschema.Schema, types []string) *Type {
	n, existed := pb.newNamed(st, s, Union)
	if existed {
		return &Type{Kind: Ref, Named: n}
	}
	for _, typ := range types {
		t := pb.single(st, s, typ, 0)
		n.Variants = append(n.Variants, &Variant{Type: t, Name: variantName(t), JSONKind: jsonKind(t)})
	}
	return &Type{Kind: Ref, Named: n}
}

func variantName(t *Type) string {
	switch t.Kind {
	case Bool:
		return "Bool"
	case Int:
		return "Int"
	case Float:
		return "Float"
	case String:
		return "String"
	case DateTime:
		return "DateTime"
	case Date:
		return "Date"
	case Slice:
		return "Array"
	case Map, Object:
		return "Object"
	case Ref:
		return "" // decided after naming
	}
	return "Raw"
}

func jsonKind(t *Type) string {
	switch t.Kind {
	case Bool:
		return "boolean"
	case Int:
		return "integer"
	case Float:
		return "number"
	case String, DateTime, Date:
		return "string"
	case Slice:
		return "array"
	case Map, Object:
		return "object"
	case Ref:
		switch t.Named.Kind {
		case Enum:
			return "string"
		case Struct, RawMap:
			return "object"
		}
	}
	return ""
}

// credentials reads the toolkit's webhook endpoint schema.
func (pb *pkgBuilder) credentials(tk *lockfile.Toolkit, ptr string) {
	if len(tk.WebhookEndpointSchema) == 0 {
		return
	}
	ptr += "/webhook_endpoint_schema"
	var top struct {
		SetupFields json.RawMessage `json:"setup_fields"`
	}
	if err := json.Unmarshal(tk.WebhookEndpointSchema, &top); err != nil {
		pb.errorf(ptr, "want an object: %v", err)
		return
	}
	if t := bytes.TrimSpace(top.SetupFields); len(t) == 0 || bytes.Equal(t, []byte("null")) {
		pb.warnf(ptr, "no setup_fields: no credentials type generated")
		return
	} else if t[0] != '{' {
		pb.errorf(ptr+"/setup_fields", "want an object of setup fields")
		return
	}
	order, err := objectKeys(top.SetupFields)
	if err != nil {
		pb.errorf(ptr+"/setup_fields", "%v", err)
		return
	}
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(top.SetupFields, &fields)
	if len(order) == 0 {
		pb.warnf(ptr+"/setup_fields", "no setup fields: no credentials type generated")
		return
	}
	cr := &Credentials{File: "credentials.gen.go"}
	var cands, params []*naming.Candidate
	for _, k := range order {
		fptr := ptr + "/setup_fields/" + load.Escape(k)
		var f struct {
			DisplayName *string `json:"display_name"`
			Description *string `json:"description"`
			IsRequired  *bool   `json:"is_required"`
			IsSecret    *bool   `json:"is_secret"`
		}
		if err := json.Unmarshal(fields[k], &f); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) && te.Field != "" {
				pb.errorf(fptr+"/"+te.Field, "want %s, got JSON %s", te.Type, te.Value)
			} else {
				pb.errorf(fptr, "want a setup field object")
			}
			continue
		}
		cf := &CredField{Key: k}
		if f.DisplayName != nil {
			cf.DisplayName = *f.DisplayName
		}
		if f.Description != nil {
			cf.Description = *f.Description
		}
		cf.Required = f.IsRequired != nil && *f.IsRequired
		// A field of unknown secrecy is treated as secret.
		cf.Secret = f.IsSecret == nil || *f.IsSecret
		key := tk.Slug + "#/webhook_endpoint_schema/setup_fields/" + load.Escape(k)
		c := &naming.Candidate{Want: naming.Exported(k, "Field"), Key: key}
		if v := pb.exportedRename(key, fptr); v != "" {
			c.Want, c.Fixed = v, true
		}
		cands = append(cands, c)
		params = append(params, &naming.Candidate{Want: naming.Unexported(k), Key: key})
		cr.Fields = append(cr.Fields, cf)
	}
	if len(pb.errs) > 0 {
		return
	}
	if _, err := naming.Resolve(map[string]string{"EndpointToolkit": "", "EndpointFields": "", "Validate": ""}, cands); err != nil {
		pb.errorf(ptr, "setup field names: %v", err)
		return
	}
	naming.Resolve(map[string]string{"opts": "", "c": "", "o": "", "u": "", "v": "", "errs": ""}, params)
	for i, f := range cr.Fields {
		f.Name = cands[i].Got
		f.Param = params[i].Got
	}
	pb.pkg.Creds = cr
}

func objectKeys(data []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, t.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}
