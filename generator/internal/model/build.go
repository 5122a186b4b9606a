package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

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
	library   bool // a config that Validate checks with the library
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
	var libraryReason string
	if st.validated {
		if p, what := libraryNeed(doc, doc.Root); what != "" {
			st.library = true
			libraryReason = describe(p, what)
		}
	}
	suffix := "Config"
	if part == "payload" {
		suffix = "Payload"
	}
	st.want = t.baseCand.Got + suffix
	s := doc.Root
	n := &Named{Kind: Struct, Key: st.key, Role: part, Trigger: t, users: map[*Trigger]bool{t: true}, Validated: st.validated, Library: st.library}
	if st.library {
		n.LibraryReason = libraryReason
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err == nil {
			n.Schema = buf.Bytes()
		}
		n.SchemaURL = doc.URL
		pb.warnf(st.ptr, "Validate checks this config with santhosh-tekuri/jsonschema (the package imports trigger/schemacheck): the generated checks do not cover %s", libraryReason)
	}
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
	n.Closed = !st.library && len(members) == 1 && isFalseSchema(s.AdditionalProperties)
	return n
}
