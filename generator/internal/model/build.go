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

// Plan is the toolkits of a lock to build, in package order. Each toolkit's
// package is built alone (Package), so the packages can be built
// concurrently; Finish joins the parts and reports what is only known from
// all of them (two toolkits with one package name, unused renames). Input
// errors are collected: the packages of a plan whose Finish reports errors
// must not be used.
type Plan struct {
	opt     Options
	docs    *load.Docs
	entries []planEntry
	errs    []Diag // toolkits asked for but missing
}

type planEntry struct {
	tk  *lockfile.Toolkit
	ptr string
}

// Part is one toolkit's package, built by Plan.Package, with its own
// warnings and errors. Pkg is nil when it has errors; Finish does not need
// it, so the caller may drop it once it has rendered it.
type Part struct {
	Pkg         *Package
	name        string // Pkg.Name; "" when Pkg is nil
	warns, errs []Diag
	usedRenames map[string]bool
	slug, ptr   string
}

// NewPlan selects the toolkits of lk that opt asks for, sorted by slug.
func NewPlan(lk *lockfile.Lock, opt Options) *Plan {
	pl := &Plan{opt: opt, docs: load.NewDocs(opt.Limits.Schema)}
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
		pl.entries = append(pl.entries, planEntry{tk, "/toolkits/" + strconv.Itoa(i)})
	}
	for _, s := range opt.Toolkits {
		if !found[strings.ToLower(s)] {
			pl.errs = append(pl.errs, Diag{Pointer: "/toolkits", Message: fmt.Sprintf("toolkit %q is not in the lock", s)})
		}
	}
	sort.Slice(pl.entries, func(i, j int) bool { return pl.entries[i].tk.Slug < pl.entries[j].tk.Slug })
	for _, e := range pl.entries {
		for _, tt := range e.tk.TriggerTypes {
			pl.docs.Expect(tt.Config)
			pl.docs.Expect(tt.Payload)
		}
	}
	return pl
}

// Len is the number of toolkits to build.
func (pl *Plan) Len() int { return len(pl.entries) }

// Size is the number of bytes of toolkit i's schemas, a measure of the work
// of building it.
func (pl *Plan) Size(i int) int {
	tk := pl.entries[i].tk
	n := len(tk.WebhookEndpointSchema)
	for _, tt := range tk.TriggerTypes {
		n += len(tt.Config) + len(tt.Payload)
	}
	return n
}

// Package builds toolkit i. Calls for different toolkits may run
// concurrently: they share nothing but the (read-only) lock and options.
func (pl *Plan) Package(i int) *Part {
	e := pl.entries[i]
	b := &builder{opt: pl.opt, docs: pl.docs, usedRenames: map[string]bool{}}
	p := b.pkg(e.tk, e.ptr)
	pt := &Part{Pkg: p, warns: b.warns, errs: b.errs, usedRenames: b.usedRenames, slug: e.tk.Slug, ptr: e.ptr}
	if p != nil {
		pt.name = p.Name
	}
	return pt
}

// Finish joins the parts (one per toolkit, in order): it returns the
// indexes of the parts whose packages make the output, in package order,
// and every warning and error.
func (pl *Plan) Finish(parts []*Part) (use []int, warnings, errs []Diag) {
	errs = append(errs, pl.errs...)
	used := map[string]bool{}
	dirs := map[string]string{}
	for i, pt := range parts {
		warnings = append(warnings, pt.warns...)
		errs = append(errs, pt.errs...)
		for k := range pt.usedRenames {
			used[k] = true
		}
		if pt.name == "" {
			continue
		}
		if prev, dup := dirs[pt.name]; dup {
			errs = append(errs, Diag{Pointer: pt.ptr + "/slug", Message: fmt.Sprintf("toolkit %q and toolkit %q both map to package %s; set Renames[%q]", prev, pt.slug, pt.name, pt.slug)})
			continue
		}
		dirs[pt.name] = pt.slug
		use = append(use, i)
	}
	var keys []string
	for k := range pl.opt.Renames {
		if !used[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		warnings = append(warnings, Diag{Message: fmt.Sprintf("rename key %q matches nothing", k)})
	}
	return use, warnings, errs
}

type builder struct {
	opt         Options
	docs        *load.Docs
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
	// enums maps a trigger and a set of string values to the enum type
	// made for them: one type per set within a trigger type.
	enums map[string]*Named
}

// site is where a schema is used: what a named type made from it is called.
type site struct {
	trig      *Trigger
	doc       *load.Doc
	part      string // "config" or "payload"
	want      string // the strong name of a type made here
	itemWant  string // want when the schema is an array's items (want + "Item")
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
	pb := &pkgBuilder{builder: b, pkg: p, byLoc: map[string]*Named{}, byContent: map[string]*Named{}, patterns: map[string]*Pattern{}, enums: map[string]*Named{}, inlining: map[*jsonschema.Schema]bool{}}
	pb.triggers(tk, ptr)
	if len(b.errs) > 0 {
		return nil
	}
	pb.credentials(tk, ptr)
	pb.resolve()
	return p
}

// triggers creates the package's triggers, decides their base names, and
// builds their types.
func (pb *pkgBuilder) triggers(tk *lockfile.Toolkit, ptr string) {
	var bases, stems []*naming.Candidate
	var stages [][]string
	for j, tt := range tk.TriggerTypes {
		t := &Trigger{Slug: tt.Slug, Name: tt.Name, Description: tt.Description, Instructions: tt.Instructions,
			Kind: tt.Type, RequiresSetup: tt.RequiresWebhookEndpointSetup, Version: tt.Version,
			Ptr: fmt.Sprintf("%s/trigger_types/%d", ptr, j)}
		if t.Kind == "" {
			t.Kind = "webhook"
		}
		stages = append(stages, slugStages(tk.Slug, tt.Slug))
		t.baseCand = &naming.Candidate{Key: tt.Slug}
		if v := pb.exportedRename(tt.Slug, t.Ptr+"/slug"); v != "" {
			t.baseCand.Want, t.baseCand.Fixed = v, true
		}
		bases = append(bases, t.baseCand)
		pb.pkg.Triggers = append(pb.pkg.Triggers, t)
	}
	chosen := pb.shortest(ptr, bases, stages)
	for i, c := range bases {
		stem := chosen[i]
		if c.Fixed {
			stem = c.Want // the file follows the rename
		} else {
			c.Want = naming.Exported(stem, "Trigger")
		}
		stems = append(stems, &naming.Candidate{Want: strings.ToLower(naming.FileStem(stem)), Key: c.Key})
	}
	if cs, err := naming.Resolve(nil, bases); err != nil {
		pb.errorf(ptr, "trigger names: %v", err)
	} else {
		for _, c := range cs {
			pb.warnf(ptr, "trigger %s: name %s collides with trigger %s; using %s (set Renames[%q] to choose)", c.Key, c.Want, c.Winner, c.Got, c.Key)
		}
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
	doc, err := pb.docs.Compile(u, raw)
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
	n.Doc = schemaDoc(s.Description)
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

// slugStages returns the base names a trigger slug can have, shortest first,
// as "_"-joined words: the slug minus the toolkit prefix, without the words
// that repeat the toolkit and without a trailing TRIGGER
// (PIPEDRIVE_PIPEDRIVE_NEW_NOTE_TRIGGER → NEW_NOTE); then with TRIGGER; then
// the whole rest (PIPEDRIVE_NEW_NOTE_TRIGGER).
func slugStages(toolkit, slug string) []string {
	rest := slug
	if r, ok := strings.CutPrefix(strings.ToUpper(slug), strings.ToUpper(toolkit)+"_"); ok && strings.TrimLeft(r, "_") != "" {
		rest = slug[len(toolkit)+1:]
	}
	full := naming.Words(rest)
	noToolkit := naming.WithoutToolkit(full, toolkit, false)
	var out []string
	for _, ws := range [][]string{naming.WithoutLast(noToolkit, "TRIGGER"), noToolkit, full} {
		if j := strings.Join(ws, "_"); len(out) == 0 || out[len(out)-1] != j {
			out = append(out, j)
		}
	}
	return out
}

// shortest picks for each trigger the shortest of its stages whose Go name
// no other trigger wants. Triggers whose names collide all step back to
// their next stage (a renamed one, or one at its last stage, stays), until
// no step removes a collision; the rest is left to naming.Resolve. The
// choice does not depend on input order. Each step back is a warning.
func (pb *pkgBuilder) shortest(ptr string, cands []*naming.Candidate, stages [][]string) []string {
	level := make([]int, len(cands))
	name := func(i int) string {
		if cands[i].Fixed {
			return cands[i].Want
		}
		return naming.Exported(stages[i][level[i]], "Trigger")
	}
	first := make([]string, len(cands)) // the collision that first moved a trigger
	for {
		owners := map[string][]int{}
		for i := range cands {
			owners[name(i)] = append(owners[name(i)], i)
		}
		moved := false
		for n, idx := range owners {
			if len(idx) < 2 {
				continue
			}
			for _, i := range idx {
				if cands[i].Fixed || level[i] == len(stages[i])-1 {
					continue
				}
				if first[i] == "" {
					var others []string
					for _, j := range idx {
						if j != i {
							others = append(others, cands[j].Key)
						}
					}
					sort.Strings(others)
					first[i] = fmt.Sprintf("name %s collides with trigger %s", n, strings.Join(others, ", "))
				}
				level[i]++
				moved = true
			}
		}
		if !moved {
			break
		}
	}
	out := make([]string, len(cands))
	for i := range cands {
		out[i] = stages[i][level[i]]
		if level[i] > 0 {
			pb.warnf(ptr, "trigger %s: %s; using %s (set Renames[%q] to choose)", cands[i].Key, first[i], name(i), cands[i].Key)
		}
	}
	return out
}
