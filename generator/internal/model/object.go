package model

import (
	"encoding/json"
	"sort"
	"strings"
	"unicode"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/triggergen/triggergen/generator/internal/naming"
)

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
	reserved["UnmarshalJSON"] = "method" // the generated decoder
	if n.Validated {
		reserved["MarshalJSON"] = "method" // consts and kept members
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
		f.KeepNull = st.library && !f.Required && f.Nullable && f.Type.Kind != Raw && !(f.Type.Kind == Ref && f.Type.Named.Kind == Union)
		f.Doc, f.Examples, f.Deprecated = docOf(p.s, p.name, f.Type)
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

// docOf returns the doc text of property name (its description, else its
// title), its examples as JSON, and whether it is deprecated. A title that
// only restates the name and boilerplate (see schemaDoc) are not doc. A
// $ref property is documented by its own annotations: the target's title
// names the target, and the target's description documents the named type
// the property gets (it is used only when the property's type is not named).
func docOf(s *jsonschema.Schema, name string, t *Type) (doc string, examples []string, deprecated bool) {
	desc, title, exs, dep := schemaDoc(s.Description), s.Title, s.Examples, s.Deprecated
	if r := s.Ref; r != nil {
		if desc == "" && t.Kind != Ref {
			desc = schemaDoc(r.Description)
		}
		if len(exs) == 0 {
			exs = r.Examples
		}
		dep = dep || r.Deprecated
	}
	if naming.SameName(title, name) || schemaDoc(title) == "" {
		title = ""
	}
	switch {
	case desc != "":
		doc = desc
	case title != "":
		doc = strings.TrimSpace(title) + "."
	}
	for _, e := range exs {
		b, _ := json.Marshal(e)
		examples = append(examples, string(b))
	}
	return doc, examples, dep
}

// schemaDoc returns a description or title without what is not
// documentation: surrounding space and boilerplate that tools write on every
// schema of a kind (pydantic's "An enumeration.").
func schemaDoc(s string) string {
	s = strings.TrimSpace(s)
	if boilerplate[strings.ToLower(strings.TrimSuffix(s, "."))] {
		return ""
	}
	return s
}

var boilerplate = map[string]bool{"an enumeration": true}

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
	ms := pb.objectMembers(st, s)
	pb.fields(fst, n, ms)
	n.Closed = !st.library && len(ms) == 1 && isFalseSchema(s.AdditionalProperties)
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
