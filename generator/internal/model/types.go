package model

import (
	"bytes"
	"encoding/json"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/triggergen/triggergen/generator/internal/naming"
	"github.com/triggergen/triggergen/internal/jsonpointer"
)

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
		if !st.validated { // a config says why it is validated by the library
			pb.warnf(st.ptr, "recursive schema without an object in the cycle; kept as raw JSON (json.RawMessage)")
		}
		return &Type{Kind: Raw}, true
	}
	pb.inlining[s] = true
	defer delete(pb.inlining, s)
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
		if st.validated {
			return pb.configAllOf(st, s, depth)
		}
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
			switch {
			case isNull(a):
				null = true
			case st.validated && len(s.OneOf) == 0 && acceptsAll(a):
				// anyOf with a branch that takes anything takes anything.
				return &Type{Kind: Raw}, true
			default:
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
		t, vnull := pb.union(st, s, nonNull, len(s.OneOf) > 0, depth)
		if st.validated {
			null = null || vnull
		}
		return t, null
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
		if *s.Const == nil {
			return &Type{Kind: Raw, C: Constraints{Kinds: []string{"null"}}}, true
		}
		t := &Type{Kind: kindOfValue(*s.Const)}
		t.C.Const, t.C.HasConst = *s.Const, true
		return t, false
	}
	if len(types) == 0 {
		switch {
		case nullable && s.Types != nil && !s.Types.IsEmpty():
			// {"type": "null"}
			return &Type{Kind: Raw, C: Constraints{Kinds: []string{"null"}}}, true
		case st.validated:
			// Without a type, properties or items do not make the value an
			// object or an array: any JSON value is kept.
			return &Type{Kind: Raw}, true
		case len(s.Properties) > 0 || s.AdditionalProperties != nil:
			types = []string{"object"}
		case s.Items2020 != nil || s.Items != nil:
			types = []string{"array"}
		default:
			t := &Type{Kind: Raw}
			return t, true
		}
	}
	if s.Const != nil {
		if *s.Const == nil || !slices.Contains(types, jsonTypeOf(*s.Const)) && !(jsonTypeOf(*s.Const) == "integer" && slices.Contains(types, "number")) {
			// A const the type contradicts: nothing is valid.
			t := pb.single(st, s, types[0], depth)
			b, _ := json.Marshal(*s.Const)
			t.C.Never = "must be " + string(b) + ", which the schema's type (" + strings.Join(types, ", ") + ") does not allow: no value is valid"
			t.C.Const, t.C.HasConst = *s.Const, true // Never rules: no comparison is emitted
			return t, false
		}
	}
	if len(types) > 1 {
		return pb.scalarUnion(st, s, types), nullable
	}
	return pb.single(st, s, types[0], depth), nullable
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

// configAllOf maps a config schema with allOf (or a $ref beside other
// keywords) to a type that holds every value it accepts: the one member of
// an allOf beside annotations only; a struct of the merged members when one
// of them says type object; else the type of a member with a type (every
// accepted value satisfies it), or raw JSON.
func (pb *pkgBuilder) configAllOf(st site, s *jsonschema.Schema, depth int) (*Type, bool) {
	own := len(typesOf(s)) > 0 || len(s.Required) > 0 || s.Enum != nil || s.Const != nil || len(s.AnyOf)+len(s.OneOf) > 0 || hasTypeKeywords(s)
	if !own && s.Ref == nil && len(s.AllOf) == 1 {
		rst := st
		if rptr, ok := st.doc.Pointer(s.AllOf[0]); ok {
			rst = st.at(rptr)
		}
		rst.want = st.want
		return pb.typeOfDepth(rst, s.AllOf[0], depth+1)
	}
	members := pb.objectMembers(st, s)
	if pinned, nullable := pinsObject(append(members, s)); pinned {
		return &Type{Kind: Ref, Named: pb.object(st, s, members)}, nullable
	}
	for _, m := range members {
		if m != s && (len(typesOf(m)) > 0 || m.Enum != nil || m.Const != nil) {
			rst := st
			if rptr, ok := st.doc.Pointer(m); ok {
				rst = st.at(rptr)
			}
			rst.want = st.want
			return pb.typeOfDepth(rst, m, depth+1)
		}
	}
	return &Type{Kind: Raw}, true
}

// pinsObject reports whether one of the schemas says type object, and
// whether all those with a type allow null.
func pinsObject(ss []*jsonschema.Schema) (pinned, nullable bool) {
	nullable = true
	for _, s := range ss {
		ts := typesOf(s)
		if slices.Contains(ts, "object") {
			pinned = true
		}
		if len(ts) > 0 && !slices.Contains(ts, "null") {
			nullable = false
		}
	}
	return pinned, nullable
}

// acceptsAll reports whether the schema (after bare $refs) has no
// validation keyword: {} or true.
func acceptsAll(s *jsonschema.Schema) bool {
	s = bare(s)
	if s == nil {
		return true
	}
	if s.Bool != nil {
		return *s.Bool
	}
	return s.Ref == nil && len(typesOf(s)) == 0 && s.Enum == nil && s.Const == nil && len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) == 0 &&
		!hasTypeKeywords(s) && libraryKeyword(s) == ""
}

// jsonTypeOf returns the JSON Schema type of a decoded JSON value
// ("integer" for integral numbers).
func jsonTypeOf(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		if r, ok := new(big.Rat).SetString(string(x)); ok && r.IsInt() {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return ""
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
		if s.Pattern != nil {
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
		if st.validated && len(s.PrefixItems) > 0 {
			items = nil // items applies only after the prefix: elements differ
		}
		if items == nil {
			t.Elem, t.ElemNullable = &Type{Kind: Raw}, true
		} else {
			ist := st
			ist.want = st.want + "Item"
			ist.itemWant = ist.want
			t.Elem, t.ElemNullable = pb.typeOfDepth(ist, items, depth+1)
		}
		t.C.MinItems, t.C.MaxItems, t.C.UniqueItems = s.MinItems, s.MaxItems, s.UniqueItems
	case "object":
		if len(s.Properties) > 0 || st.validated && isFalseSchema(s.AdditionalProperties) && len(s.PatternProperties) == 0 {
			return &Type{Kind: Ref, Named: pb.object(st, s, []*jsonschema.Schema{s})}
		}
		if ap, ok := s.AdditionalProperties.(*jsonschema.Schema); ok && ap.Bool == nil && !(st.validated && len(s.PatternProperties) > 0) {
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
	if s.Const != nil && typeAllows([]string{typ}, jsonTypeOf(*s.Const)) {
		t.C.Const, t.C.HasConst = *s.Const, true
		if t.Kind == Int && !fitsInt64(*s.Const) {
			t.C.Never = "must be " + string((*s.Const).(json.Number)) + ", an integer outside the range generated code supports (int64)"
		}
	}
	return t
}

// fitsInt64 reports whether the JSON number v is an integer in int64.
func fitsInt64(v any) bool {
	n, ok := v.(json.Number)
	if !ok {
		return false
	}
	r, ok := new(big.Rat).SetString(string(n))
	return ok && r.IsInt() && r.Num().IsInt64()
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
		// tolerantly, and a library config's types keep what they do not
		// hold: a struct or union is never shared between the three.
		kindKey += ":" + st.part
		if st.library {
			kindKey += ":library"
		}
	}
	ck := pb.contentKey(st, s, kindKey)
	if n, ok := pb.byContent[ck]; ok && ck != "" {
		pb.byLoc[loc] = n
		pb.use(n, st)
		return n, true
	}
	n := &Named{Kind: kind, Key: st.key, users: map[*Trigger]bool{}, part: st.part, Library: st.library && kind != Enum}
	n.cand = &naming.Candidate{Want: st.want, Key: st.key}
	n.strongWant = st.want
	if lim := pb.opt.Limits.MaxTypes; lim > 0 && len(pb.types) >= lim && !pb.over {
		pb.over = true
		pb.errorf(st.ptr, "the package needs more than %d named types (Limits.MaxTypes)", lim)
	}
	// A $defs entry is named after its key; an inline object after its title.
	if _, def, ok := strings.Cut(ptr, "/$defs/"); ok && !strings.Contains(def, "/") {
		pb.weakName(n, jsonpointer.Unescape(def), st.want)
	} else if _, def, ok := strings.Cut(ptr, "/definitions/"); ok && !strings.Contains(def, "/") {
		pb.weakName(n, jsonpointer.Unescape(def), st.want)
	} else if s.Title != "" && kind == Struct {
		pb.weakName(n, s.Title, st.want)
	}
	if v := pb.exportedRename("type:"+st.key, st.ptr); v != "" {
		n.cand.Want, n.cand.Fixed, n.weak = v, true, false
	}
	n.Doc = schemaDoc(s.Description)
	n.Deprecated = s.Deprecated
	pb.byLoc[loc] = n
	if ck != "" {
		pb.byContent[ck] = n
	}
	pb.types = append(pb.types, n)
	pb.use(n, st)
	return n, false
}

// weakName names n after a $defs key or title: without the toolkit's words
// at the start and a trailing "Schema" (OneDriveItemSchema → Item in
// toolkit one_drive). The whole name is kept as the fallback for a
// collision (see resolve).
func (pb *pkgBuilder) weakName(n *Named, title, fallback string) {
	ws := naming.WithoutLast(naming.WithoutToolkit(naming.Words(title), pb.pkg.Toolkit, true), "Schema")
	n.cand.Want, n.weak = naming.Exported(strings.Join(ws, "_"), fallback), true
	n.fullWant = naming.Exported(title, fallback)
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
