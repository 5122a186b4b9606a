package schemadiff

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/triggergen/triggergen/internal/jsonpointer"
)

// view is a schema node normalized for comparison: $ref followed, allOf
// merged, a null branch of anyOf/oneOf (or "null" in a type list, or
// nullable: true) folded into nullable.
type view struct {
	ptr      string   // JSON pointer of the node, in the trigger-type object
	types    []string // sorted non-null types; nil when unconstrained
	nullable bool
	props    []prop
	required map[string]bool
	items    *child
	addl     *child // additionalProperties as a schema
	enum     []string
	def      *string // canonical default, nil when absent
	cons     constraints
}

type prop struct {
	name string
	child
}

type child struct {
	raw any
	ptr string
}

// walker compares one schema of one trigger (or one setup schema).
type walker struct {
	c                *collector
	schema           string
	audience         Audience
	oldRoot, newRoot any
	visited          map[string]bool
}

// view normalizes the schema node raw found at ptr; root is the document
// its $refs resolve against.
func (w *walker) view(raw any, ptr string, root any) *view {
	v := &view{ptr: ptr, required: map[string]bool{}}
	w.fill(v, raw, ptr, root, 0)
	slices.Sort(v.types)
	v.types = slices.Compact(v.types)
	return v
}

const maxDepth = 32

// fill merges the schema raw at ptr into v.
func (w *walker) fill(v *view, raw any, ptr string, root any, depth int) {
	m, ok := raw.(map[string]any)
	if !ok || depth > maxDepth {
		return
	}
	base := "/" + w.schema
	if ref, ok := m["$ref"].(string); ok {
		if target, tptr, ok := resolve(root, ref); ok {
			if depth == 0 {
				v.ptr = base + tptr
			}
			w.fill(v, target, base+tptr, root, depth+1)
		}
	}
	switch t := m["type"].(type) {
	case string:
		v.addType(t)
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok {
				v.addType(s)
			}
		}
	}
	if b, ok := m["nullable"].(bool); ok && b {
		v.nullable = true
	}
	if e, ok := m["enum"].([]any); ok {
		v.enum = []string{}
		for _, x := range e {
			if x == nil {
				v.nullable = true
				continue
			}
			v.enum = append(v.enum, canonical(x))
		}
	}
	if c, ok := m["const"]; ok && c != nil {
		v.enum = []string{canonical(c)}
	}
	if d, ok := m["default"]; ok {
		s := canonical(d)
		v.def = &s
	}
	v.fillConstraints(m, ptr)
	if props, ok := m["properties"].(map[string]any); ok {
		for _, name := range sortedKeys(props) {
			if v.hasProp(name) {
				continue
			}
			v.props = append(v.props, prop{name, child{props[name], ptr + "/properties/" + jsonpointer.Escape(name)}})
		}
	}
	if req, ok := m["required"].([]any); ok {
		for _, x := range req {
			if s, ok := x.(string); ok {
				v.required[s] = true
			}
		}
	}
	if it, ok := m["items"]; ok {
		if _, isObj := it.(map[string]any); isObj {
			v.items = &child{it, ptr + "/items"}
		}
	}
	if ap, ok := m["additionalProperties"].(map[string]any); ok {
		v.addl = &child{ap, ptr + "/additionalProperties"}
	}
	if all, ok := m["allOf"].([]any); ok {
		for i, s := range all {
			w.fill(v, s, ptr+"/allOf/"+strconv.Itoa(i), root, depth+1)
		}
	}
	for _, key := range []string{"anyOf", "oneOf"} {
		branches, ok := m[key].([]any)
		if !ok {
			continue
		}
		var nonNull []int
		for i, b := range branches {
			if isNull(b) {
				v.nullable = true
			} else {
				nonNull = append(nonNull, i)
			}
		}
		if len(nonNull) == 1 {
			i := nonNull[0]
			w.fill(v, branches[i], fmt.Sprintf("%s/%s/%d", ptr, key, i), root, depth+1)
			continue
		}
		// A union of several types: compared by the set of its branch types.
		for _, i := range nonNull {
			bv := &view{required: map[string]bool{}}
			w.fill(bv, branches[i], ptr, root, depth+1)
			if len(bv.types) == 0 {
				v.types = append(v.types, "any")
			}
			v.types = append(v.types, bv.types...)
		}
	}
}

func (v *view) addType(t string) {
	if t == "null" {
		v.nullable = true
		return
	}
	v.types = append(v.types, t)
}

func (v *view) hasProp(name string) bool {
	for _, p := range v.props {
		if p.name == name {
			return true
		}
	}
	return false
}

func (v *view) prop(name string) (child, bool) {
	for _, p := range v.props {
		if p.name == name {
			return p.child, true
		}
	}
	return child{}, false
}

func (v *view) typeString() string {
	if len(v.types) == 0 {
		return "any"
	}
	return strings.Join(v.types, "|")
}

// object reports whether the node describes an object with known fields.
func (v *view) object() bool {
	return len(v.props) > 0 || slices.Contains(v.types, "object")
}

func isNull(raw any) bool {
	m, ok := raw.(map[string]any)
	if !ok {
		return false
	}
	t, ok := m["type"].(string)
	return ok && t == "null"
}

// sortedKeys returns the keys of props sorted: decoded JSON objects lose
// their order, and the order only decides the order of reported changes.
func sortedKeys(props map[string]any) []string {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// resolve follows a local reference ("#/$defs/X", "#/definitions/X").
func resolve(root any, ref string) (any, string, bool) {
	if !strings.HasPrefix(ref, "#") {
		return nil, "", false
	}
	ptr := strings.TrimPrefix(ref, "#")
	cur := root
	if ptr == "" {
		return cur, "", true
	}
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = jsonpointer.Unescape(tok)
		switch c := cur.(type) {
		case map[string]any:
			next, ok := c[tok]
			if !ok {
				return nil, "", false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil, "", false
			}
			cur = c[i]
		default:
			return nil, "", false
		}
	}
	return cur, ptr, true
}

// label names a field for messages: `config field "a.b"`, or the schema
// itself at the root.
func (w *walker) label(field string) string {
	if field == "" {
		return w.schema + " schema"
	}
	return fmt.Sprintf("%s field %q", w.schema, field)
}

func (w *walker) add(ptr, field string, k Kind, s Severity, msg string) {
	w.c.add(Change{Schema: w.schema, Pointer: ptr, Field: field, Kind: k, Severity: s, Audience: w.audience, Message: msg})
}

// sev picks the severity by audience: the first for callers (config), the
// second for consumers (payload).
func (w *walker) sev(forCallers, forConsumers Severity) Severity {
	if w.audience == Callers {
		return forCallers
	}
	return forConsumers
}

// compare diffs two normalized nodes at the instance path field.
func (w *walker) compare(o, n *view, field string) {
	key := o.ptr + "\x00" + n.ptr
	if w.visited[key] {
		return // recursion through $ref: already compared
	}
	w.visited[key] = true // on the current path only: a $defs type used twice is compared twice
	defer delete(w.visited, key)
	label := w.label(field)

	if ot, nt := o.typeString(), n.typeString(); ot != nt {
		w.add(n.ptr, field, TypeChanged, Breaking, fmt.Sprintf("%s changed type: %s → %s", label, ot, nt))
		return
	}
	switch {
	case !o.nullable && n.nullable:
		w.add(n.ptr, field, NullableAdded, w.sev(Additive, Breaking), label+" became nullable")
	case o.nullable && !n.nullable:
		w.add(n.ptr, field, NullableRemoved, w.sev(Breaking, Additive), label+" is no longer nullable")
	}
	w.compareEnum(o, n, field, label)
	if w.audience == Callers && !equalPtr(o.def, n.def) {
		w.add(n.ptr+"/default", field, DefaultChanged, Info,
			fmt.Sprintf("%s: default changed from %s to %s", label, deref(o.def), deref(n.def)))
	}
	w.compareConstraints(o, n, field, label)
	if o.object() || n.object() {
		w.compareProps(o, n, field)
	}
	if o.items != nil && n.items != nil {
		w.compare(w.childView(o.items, w.oldRoot), w.childView(n.items, w.newRoot), field+"[]")
	}
	if o.addl != nil && n.addl != nil {
		w.compare(w.childView(o.addl, w.oldRoot), w.childView(n.addl, w.newRoot), field+"{}")
	}
}

func (w *walker) childView(c *child, root any) *view { return w.view(c.raw, c.ptr, root) }

func (w *walker) compareEnum(o, n *view, field, label string) {
	switch {
	case o.enum == nil && n.enum == nil:
		return
	case o.enum == nil:
		w.add(n.ptr+"/enum", field, EnumRestricted, w.sev(Breaking, Additive),
			fmt.Sprintf("%s now restricted to %s", label, strings.Join(n.enum, ", ")))
		return
	case n.enum == nil:
		w.add(n.ptr, field, EnumValueAdded, Additive, label+" no longer restricted to an enum")
		return
	}
	for _, x := range o.enum {
		if !slices.Contains(n.enum, x) {
			w.add(n.ptr+"/enum", field, EnumValueRemoved, w.sev(Breaking, Info),
				fmt.Sprintf("%s: enum value %s removed", label, x))
		}
	}
	for _, x := range n.enum {
		if !slices.Contains(o.enum, x) {
			w.add(n.ptr+"/enum", field, EnumValueAdded, Additive,
				fmt.Sprintf("%s: enum value %s added", label, x))
		}
	}
}

func (w *walker) compareProps(o, n *view, field string) {
	join := func(name string) string {
		if field == "" {
			return name
		}
		return field + "." + name
	}
	for _, p := range o.props {
		f := join(p.name)
		if _, ok := n.prop(p.name); !ok {
			w.add(p.ptr, f, FieldRemoved, Breaking, w.label(f)+" removed")
		}
	}
	for _, p := range n.props {
		f := join(p.name)
		op, ok := o.prop(p.name)
		if !ok {
			nv := w.view(p.raw, p.ptr, w.newRoot)
			switch {
			case n.required[p.name] && w.audience == Callers:
				w.add(p.ptr, f, RequiredFieldAdded, Breaking,
					fmt.Sprintf("%s added as required (%s)", w.label(f), nv.typeString()))
			case w.audience == Callers:
				w.add(p.ptr, f, FieldAdded, Additive,
					fmt.Sprintf("%s added (optional, %s)", w.label(f), nv.typeString()))
			default:
				w.add(p.ptr, f, FieldAdded, Additive,
					fmt.Sprintf("%s added (%s)", w.label(f), nv.typeString()))
			}
			continue
		}
		switch or, nr := o.required[p.name], n.required[p.name]; {
		case !or && nr:
			w.add(p.ptr, f, FieldBecameRequired, w.sev(Breaking, Additive), w.label(f)+" became required")
		case or && !nr:
			msg := w.label(f) + " became optional"
			if w.audience == Consumers {
				msg += " (may be absent)"
			}
			w.add(p.ptr, f, FieldBecameOptional, w.sev(Additive, Breaking), msg)
		}
		w.compare(w.view(op.raw, op.ptr, w.oldRoot), w.view(p.raw, p.ptr, w.newRoot), f)
	}
}

func equalPtr(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func deref(s *string) string {
	if s == nil {
		return "(none)"
	}
	return *s
}
