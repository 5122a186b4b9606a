package model

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/triggergen/triggergen/generator/internal/load"
	"github.com/triggergen/triggergen/internal/jsonpointer"
)

// The generated Validate of a config checks a subset of JSON Schema itself
// (the native subset) and hands every other config to
// santhosh-tekuri/jsonschema at run time (trigger/schemacheck), whole: no
// config mixes native and library checks, so no violation is reported twice
// and none is missed. The native subset is what maps onto Go types exactly:
//
//   - type (one type, or several: a union), optionally with null;
//   - strings: minLength, maxLength, pattern (format is an annotation);
//   - numbers: minimum, maximum, exclusiveMinimum, exclusiveMaximum,
//     multipleOf;
//   - arrays: items (one schema), minItems, maxItems, uniqueItems;
//   - objects: properties, required (names among the properties),
//     additionalProperties (false; or a schema when there are no properties,
//     with minProperties and maxProperties);
//   - enum and const of strings, numbers, booleans and null, beside type
//     only;
//   - anyOf and oneOf of branches that each have a type (or are {}), beside
//     nothing but annotations;
//   - allOf of object schemas with distinct properties (merged into one
//     struct), or of one schema beside annotations only;
//   - $ref beside annotations only, to a schema in the config.
//
// Anything else (not, if/then/else, patternProperties, propertyNames,
// contains, dependencies, prefixItems, draft-7 tuple items, unevaluated*,
// $dynamicRef, false subschemas, enum or const with object or array values,
// validation keywords on a schema without type, a $ref to a metaschema, a
// recursive schema without an object in the cycle, ...) sends the config to
// the library.

// nativeCheck walks a config schema to find the first keyword outside the
// native subset.
type nativeCheck struct {
	doc        *load.Doc
	done       map[*jsonschema.Schema]bool
	inProgress map[*jsonschema.Schema]bool
	chain      map[*jsonschema.Schema]bool // schemas inlined since the last struct or union
}

// libraryNeed returns "" when the native subset covers the config schema
// root, else the JSON pointer (in the schema document) and a description of
// the first construct it does not cover.
func libraryNeed(doc *load.Doc, root *jsonschema.Schema) (ptr, what string) {
	c := &nativeCheck{doc: doc, done: map[*jsonschema.Schema]bool{}, inProgress: map[*jsonschema.Schema]bool{}, chain: map[*jsonschema.Schema]bool{}}
	return c.object(root, "", true)
}

// boundary checks s as the first schema of a new named type (a struct
// field's or a union variant's), where a $ref cycle is fine.
func (c *nativeCheck) boundary(s *jsonschema.Schema, from string) (string, string) {
	saved := c.chain
	c.chain = map[*jsonschema.Schema]bool{}
	defer func() { c.chain = saved }()
	return c.check(s, from)
}

func (c *nativeCheck) check(s *jsonschema.Schema, from string) (string, string) {
	if s == nil {
		return "", ""
	}
	ptr, ok := c.doc.Pointer(s)
	if !ok {
		return from, "a $ref to a schema outside the config (" + c.doc.Location(s) + ")"
	}
	if c.chain[s] {
		return ptr, "a recursive schema without an object in the cycle"
	}
	if c.done[s] || c.inProgress[s] {
		return "", ""
	}
	c.inProgress[s] = true
	c.chain[s] = true
	p, w := c.node(s, ptr)
	delete(c.inProgress, s)
	c.done[s] = true
	return p, w
}

// libraryKeyword returns a keyword of s that only the library checks.
func libraryKeyword(s *jsonschema.Schema) string {
	switch {
	case s.Not != nil:
		return "not"
	case s.If != nil:
		return "if"
	case len(s.PatternProperties) > 0:
		return "patternProperties"
	case s.PropertyNames != nil:
		return "propertyNames"
	case len(s.Dependencies) > 0:
		return "dependencies"
	case len(s.DependentRequired) > 0:
		return "dependentRequired"
	case len(s.DependentSchemas) > 0:
		return "dependentSchemas"
	case s.Contains != nil:
		return "contains"
	case s.MinContains != nil:
		return "minContains"
	case s.MaxContains != nil:
		return "maxContains"
	case len(s.PrefixItems) > 0:
		return "prefixItems"
	case s.AdditionalItems != nil:
		return "additionalItems"
	case s.UnevaluatedProperties != nil:
		return "unevaluatedProperties"
	case s.UnevaluatedItems != nil:
		return "unevaluatedItems"
	case s.DynamicRef != nil:
		return "$dynamicRef"
	case s.RecursiveRef != nil:
		return "$recursiveRef"
	case len(s.Extensions) > 0:
		return "a keyword of another vocabulary"
	}
	if _, tuple := s.Items.([]*jsonschema.Schema); tuple {
		return "items (array form)"
	}
	return ""
}

func hasStringKeywords(s *jsonschema.Schema) bool {
	return s.MinLength != nil || s.MaxLength != nil || s.Pattern != nil
}

func hasNumberKeywords(s *jsonschema.Schema) bool {
	return s.Minimum != nil || s.Maximum != nil || s.ExclusiveMinimum != nil || s.ExclusiveMaximum != nil || s.MultipleOf != nil
}

func hasArrayKeywords(s *jsonschema.Schema) bool {
	return s.MinItems != nil || s.MaxItems != nil || s.UniqueItems || s.Items != nil || s.Items2020 != nil
}

func hasObjectKeywords(s *jsonschema.Schema) bool {
	return len(s.Properties) > 0 || len(s.Required) > 0 || s.AdditionalProperties != nil || s.MinProperties != nil || s.MaxProperties != nil
}

// hasTypeKeywords reports keywords that apply to one JSON type.
func hasTypeKeywords(s *jsonschema.Schema) bool {
	return hasStringKeywords(s) || hasNumberKeywords(s) || hasArrayKeywords(s) || hasObjectKeywords(s)
}

func typesOf(s *jsonschema.Schema) []string {
	if s.Types == nil {
		return nil
	}
	return s.Types.ToStrings()
}

// bare follows $refs that have nothing beside them.
func bare(s *jsonschema.Schema) *jsonschema.Schema {
	for i := 0; s != nil && s.Ref != nil && i < 1000; i++ {
		if len(typesOf(s)) > 0 || s.Enum != nil || s.Const != nil || len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) > 0 || hasTypeKeywords(s) || libraryKeyword(s) != "" {
			return s
		}
		s = s.Ref
	}
	return s
}

func (c *nativeCheck) node(s *jsonschema.Schema, ptr string) (string, string) {
	if s.Bool != nil {
		if !*s.Bool {
			return ptr, "a false schema"
		}
		return "", ""
	}
	if kw := libraryKeyword(s); kw != "" {
		return ptr, kw
	}
	types := typesOf(s)
	if s.Ref != nil {
		if len(types) > 0 || s.Enum != nil || s.Const != nil || len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) > 0 || hasTypeKeywords(s) {
			return ptr, "$ref beside other validation keywords"
		}
		return c.check(s.Ref, ptr)
	}
	if len(s.AllOf) > 0 {
		return c.allOf(s, ptr)
	}
	if alts := append(slices.Clone(s.AnyOf), s.OneOf...); len(alts) > 0 {
		if len(types) > 0 || s.Enum != nil || s.Const != nil || hasTypeKeywords(s) {
			return ptr, "anyOf or oneOf beside other validation keywords"
		}
		if len(s.AnyOf) > 0 && len(s.OneOf) > 0 {
			return ptr, "anyOf beside oneOf"
		}
		nulls := 0
		for _, a := range alts {
			b := bare(a)
			if b.Bool != nil && !*b.Bool {
				return ptr, "a false schema"
			}
			if acceptsNull(b) {
				nulls++
			}
			if len(s.OneOf) > 0 && acceptsAll(b) {
				return ptr, "a oneOf branch that accepts every value"
			}
			if len(b.AnyOf)+len(b.OneOf) > 0 {
				return ptr, "anyOf or oneOf nested in anyOf or oneOf"
			}
			if len(typesOf(b)) == 0 && b.Enum == nil && b.Const == nil && (hasTypeKeywords(b) || len(b.AllOf) > 0) {
				return ptr, "an anyOf or oneOf branch with validation keywords but no type"
			}
			if p, w := c.boundary(a, ptr); w != "" {
				return p, w
			}
		}
		if len(s.OneOf) > 0 && nulls > 1 {
			return ptr, "several oneOf branches that accept null"
		}
		return "", ""
	}
	if s.Enum != nil && s.Const != nil {
		return ptr, "enum beside const"
	}
	if s.Enum != nil || s.Const != nil {
		var vals []any
		if s.Enum != nil {
			vals = s.Enum.Values
		} else {
			vals = []any{*s.Const}
		}
		kind := ""
		for _, v := range vals {
			k := ""
			switch v.(type) {
			case nil:
				continue
			case string:
				k = "string"
			case bool:
				k = "boolean"
			case map[string]any, []any:
				return ptr, "enum or const with object or array values"
			default:
				k = "number"
			}
			if kind != "" && k != kind {
				return ptr, "enum of values of several types"
			}
			kind = k
		}
		if hasTypeKeywords(s) {
			return ptr, "enum or const beside validation keywords other than type"
		}
		if nonNull := slices.DeleteFunc(slices.Clone(types), func(t string) bool { return t == "null" }); len(nonNull) > 1 {
			return ptr, "enum or const beside several types"
		}
		return "", ""
	}
	if len(types) == 0 {
		if hasTypeKeywords(s) {
			return ptr, "validation keywords on a schema without type"
		}
		return "", "" // {}: any value
	}
	if slices.Contains(types, "object") {
		nonNull := slices.DeleteFunc(slices.Clone(types), func(t string) bool { return t == "null" })
		if len(nonNull) > 1 && (len(s.Properties) > 0 || len(s.Required) > 0 || isFalseSchema(s.AdditionalProperties)) {
			return ptr, "object keywords beside several types"
		}
		if p, w := c.object(s, ptr, false); w != "" {
			return p, w
		}
	}
	if slices.Contains(types, "array") {
		items := s.Items2020
		if it, ok := s.Items.(*jsonschema.Schema); ok {
			items = it
		}
		if p, w := c.check(items, ptr); w != "" {
			return p, w
		}
	}
	return "", ""
}

// object checks the object keywords of s (a config root when root).
func (c *nativeCheck) object(s *jsonschema.Schema, ptr string, root bool) (string, string) {
	if root {
		if kw := libraryKeyword(s); kw != "" {
			return ptr, kw
		}
		if s.Ref != nil || len(s.AllOf) > 0 {
			return c.allOf(s, ptr)
		}
		if len(s.AnyOf)+len(s.OneOf) > 0 || s.Enum != nil || s.Const != nil {
			return ptr, "anyOf, oneOf, enum or const on the config itself"
		}
	}
	for _, r := range s.Required {
		if _, ok := s.Properties[r]; !ok {
			return ptr + "/required", "required names a property not under properties"
		}
	}
	if root || isFalseSchema(s.AdditionalProperties) {
		// The config itself and a closed object are structs: no map to count.
		if s.MinProperties != nil || s.MaxProperties != nil {
			return ptr, "minProperties or maxProperties on an object that becomes a struct"
		}
	}
	if ap, ok := s.AdditionalProperties.(*jsonschema.Schema); root && ok && ap.Bool == nil {
		return ptr + "/additionalProperties", "additionalProperties schema on the config itself"
	}
	if len(s.Properties) > 0 {
		if s.MinProperties != nil || s.MaxProperties != nil {
			return ptr, "minProperties or maxProperties beside properties"
		}
		if ap, ok := s.AdditionalProperties.(*jsonschema.Schema); ok && (ap.Bool == nil || *ap.Bool) {
			return ptr + "/additionalProperties", "additionalProperties schema beside properties"
		}
	} else if ap, ok := s.AdditionalProperties.(*jsonschema.Schema); ok {
		if p, w := c.check(ap, ptr+"/additionalProperties"); w != "" {
			return p, w
		}
	}
	return c.properties(s, ptr)
}

func (c *nativeCheck) properties(s *jsonschema.Schema, ptr string) (string, string) {
	names := make([]string, 0, len(s.Properties))
	for n := range s.Properties {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if p, w := c.boundary(s.Properties[n], ptr+"/properties/"+jsonpointer.Escape(n)); w != "" {
			return p, w
		}
	}
	return "", ""
}

// allOf checks a schema with allOf (or a $ref beside object keywords):
// natively, either one member beside annotations only (inlined), or plain
// object schemas with distinct properties (merged into one struct).
func (c *nativeCheck) allOf(s *jsonschema.Schema, ptr string) (string, string) {
	if s.Enum != nil || s.Const != nil || len(s.AnyOf)+len(s.OneOf) > 0 || hasStringKeywords(s) || hasNumberKeywords(s) || hasArrayKeywords(s) ||
		s.AdditionalProperties != nil || s.MinProperties != nil || s.MaxProperties != nil {
		return ptr, "allOf beside validation keywords other than type, properties and required"
	}
	parentTypes := typesOf(s)
	if s.Ref == nil && len(s.AllOf) == 1 && len(parentTypes) == 0 && len(s.Properties) == 0 && len(s.Required) == 0 {
		return c.check(s.AllOf[0], ptr+"/allOf/0")
	}
	var members []*jsonschema.Schema
	var flatten func(m *jsonschema.Schema) string
	flatten = func(m *jsonschema.Schema) string {
		m = bare(m)
		if m == nil || slices.Contains(members, m) {
			return ""
		}
		if m.Bool != nil {
			if !*m.Bool {
				return "a false schema"
			}
			return ""
		}
		if _, ok := c.doc.Pointer(m); !ok {
			return "a $ref to a schema outside the config (" + c.doc.Location(m) + ")"
		}
		if libraryKeyword(m) != "" || m.Enum != nil || m.Const != nil || len(m.AnyOf)+len(m.OneOf) > 0 || hasStringKeywords(m) || hasNumberKeywords(m) ||
			hasArrayKeywords(m) || m.AdditionalProperties != nil || m.MinProperties != nil || m.MaxProperties != nil {
			return "allOf of schemas that are not plain objects (type, properties, required)"
		}
		for _, t := range typesOf(m) {
			if t != "object" && t != "null" {
				return "allOf of schemas that are not plain objects (type, properties, required)"
			}
		}
		members = append(members, m)
		if m.Ref != nil {
			if w := flatten(m.Ref); w != "" {
				return w
			}
		}
		for _, x := range m.AllOf {
			if w := flatten(x); w != "" {
				return w
			}
		}
		return ""
	}
	members = append(members, s)
	for _, t := range parentTypes {
		if t != "object" && t != "null" {
			return ptr, "allOf beside a type other than object"
		}
	}
	if s.Ref != nil {
		if w := flatten(s.Ref); w != "" {
			return ptr, w
		}
	}
	for _, m := range s.AllOf {
		if w := flatten(m); w != "" {
			return ptr, w
		}
	}
	props := map[string]bool{}
	pinned, nullable := false, slices.Contains(parentTypes, "null")
	for _, m := range members {
		ts := typesOf(m)
		if slices.Contains(ts, "object") {
			pinned = true
		}
		if len(ts) > 0 && nullable != slices.Contains(ts, "null") {
			return ptr, "allOf members that disagree about null"
		}
		for n := range m.Properties {
			if props[n] {
				return ptr, "allOf members that declare the same property"
			}
			props[n] = true
		}
	}
	if !pinned && ptr != "" {
		return ptr, "allOf without type object"
	}
	for _, m := range members {
		for _, r := range m.Required {
			if !props[r] {
				return ptr, "required names a property not under properties"
			}
		}
	}
	for _, m := range members {
		mptr, _ := c.doc.Pointer(m)
		c.done[m] = true
		if p, w := c.properties(m, mptr); w != "" {
			return p, w
		}
	}
	return "", ""
}

// acceptsNull reports whether the schema s (after bare $refs) accepts null
// by its type, enum or const, or by having none of them.
func acceptsNull(s *jsonschema.Schema) bool {
	if s.Bool != nil {
		return *s.Bool
	}
	if s.Enum != nil {
		for _, v := range s.Enum.Values {
			if v == nil {
				return true
			}
		}
		return false
	}
	if s.Const != nil {
		return *s.Const == nil
	}
	ts := typesOf(s)
	if len(ts) == 0 {
		return len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) == 0 && s.Ref == nil
	}
	return slices.Contains(ts, "null")
}

// isFalseSchema reports an additionalProperties (or similar) value that is
// false, as a bool or a boolean schema.
func isFalseSchema(v any) bool {
	switch x := v.(type) {
	case bool:
		return !x
	case *jsonschema.Schema:
		return x != nil && x.Bool != nil && !*x.Bool
	}
	return false
}

// describe is the short form of a library reason for messages:
// `"not" at #/properties/v`, `a false schema at the config's root`.
func describe(ptr, what string) string {
	if !strings.Contains(what, " ") {
		what = strconv.Quote(what)
	}
	if ptr == "" {
		return what + " at the config's root"
	}
	return what + " at #" + ptr
}
