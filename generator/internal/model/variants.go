package model

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/triggergen/triggergen/generator/internal/naming"
)

// enum maps a schema with "enum" (types: its non-null types).
func (pb *pkgBuilder) enum(st site, s *jsonschema.Schema, types []string) (*Type, bool) {
	null := false
	var vals []any
	allStrings := true
	for _, v := range s.Enum.Values {
		if v == nil {
			null = true
			continue
		}
		if len(types) > 0 && st.validated && !typeAllows(types, jsonTypeOf(v)) {
			continue // the type rules this value out
		}
		if _, ok := v.(string); !ok {
			allStrings = false
		}
		vals = append(vals, v)
	}
	// null is valid when the enum lists it and the type (if any) allows it;
	// a payload is tolerant and takes null when either says so.
	if typed := typesOf(s); len(typed) > 0 {
		typeNull := slices.Contains(typed, "null")
		if st.validated {
			null = null && typeNull
		} else {
			null = null || typeNull
		}
	}
	if st.validated && len(vals) == 0 {
		if null {
			return &Type{Kind: Raw, C: Constraints{Kinds: []string{"null"}}}, true
		}
		t := pb.single(st, s, append(types, "string")[0], 0)
		b, _ := json.Marshal(s.Enum.Values)
		t.C.Never = "must be one of " + string(b) + ", which the schema's type (" + strings.Join(types, ", ") + ") does not allow: no value is valid"
		return t, false
	}
	if allStrings && len(vals) > 0 && (len(types) == 0 || len(types) == 1 && types[0] == "string") {
		if st.want == st.itemWant && st.itemWant != "" {
			// An array's item: the singular of the array's name
			// (XConfigStatusesItem → XConfigStatus).
			st.want = naming.Singular(strings.TrimSuffix(st.want, "Item"))
		}
		vkey := enumKey(st.trig, vals)
		if n, ok := pb.enums[vkey]; ok {
			pb.shareEnum(n, st, s)
			return &Type{Kind: Ref, Named: n}, null
		}
		n, existed := pb.newNamed(st, s, Enum)
		pb.enums[vkey] = n
		if !existed {
			n.roleFree = roleFree(st)
			seen := map[string]bool{}
			for i, v := range s.Enum.Values {
				str, ok := v.(string)
				if !ok || seen[str] {
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
	if kind == Int && (slices.Contains(types, "number") || st.validated && !allFitInt64(vals)) {
		kind = Float
	}
	t := &Type{Kind: kind}
	if kind == Raw {
		if !st.validated {
			pb.warnf(st.ptr, "enum of mixed types is kept as raw JSON")
		}
		return t, true
	}
	t.C.Enum = vals
	return t, null
}

// enumKey identifies a set of string enum values within a trigger type.
func enumKey(t *Trigger, vals []any) string {
	strs := make([]string, 0, len(vals))
	for _, v := range vals {
		strs = append(strs, v.(string))
	}
	slices.Sort(strs)
	strs = slices.Compact(strs)
	b, _ := json.Marshal(strs)
	return t.Slug + "\x00" + string(b)
}

// shareEnum makes n, an enum with the values of schema s, the type of s at
// st too. An enum used by both the config and the payload of a trigger
// loses the role in its name (XConfigStatus → XStatus), unless it is named
// after a title or $defs key or renamed.
func (pb *pkgBuilder) shareEnum(n *Named, st site, s *jsonschema.Schema) {
	if ptr, ok := st.doc.Pointer(s); ok {
		pb.byLoc[st.doc.URL+"#"+ptr] = n
	}
	if st.part != n.part && n.roleFree != "" && !n.weak && !n.cand.Fixed {
		n.cand.Want, n.strongWant = n.roleFree, n.roleFree
	}
	pb.use(n, st)
}

// roleFree returns the name of an enum made at st without the role of the
// trigger's root type it hangs off (IssueConfigStatus → IssueStatus), or "".
func roleFree(st site) string {
	for _, role := range []string{"Config", "Payload"} {
		if rest, ok := strings.CutPrefix(st.want, st.trig.baseCand.Got+role); ok && rest != "" {
			return st.trig.baseCand.Got + rest
		}
	}
	return ""
}

// typeAllows reports whether a value of JSON type typ satisfies a schema
// with the (non-null) types.
func typeAllows(types []string, typ string) bool {
	return slices.Contains(types, typ) || typ == "integer" && slices.Contains(types, "number")
}

func allFitInt64(vals []any) bool {
	for _, v := range vals {
		if !fitsInt64(v) {
			return false
		}
	}
	return true
}

// union builds a union of several non-null alternatives; null reports
// whether one of them accepts null.
func (pb *pkgBuilder) union(st site, s *jsonschema.Schema, alts []*jsonschema.Schema, oneOf bool, depth int) (*Type, bool) {
	n, existed := pb.newNamed(st, s, Union)
	if existed {
		return &Type{Kind: Ref, Named: n}, n.nullVariant
	}
	n.OneOf = oneOf
	used := map[string]bool{}
	saved := pb.inlining
	pb.inlining = map[*jsonschema.Schema]bool{}
	defer func() { pb.inlining = saved }()
	for _, a := range alts {
		ast := st
		ast.want = n.cand.Want + "Variant"
		t, null := pb.typeOfDepth(ast, a, depth+1)
		n.nullVariant = n.nullVariant || null
		v := &Variant{Type: t, Name: variantName(t), JSONKind: jsonKind(t)}
		base := v.Name
		for i := 2; used[v.Name]; i++ {
			v.Name = base + strconv.Itoa(i)
		}
		used[v.Name] = true
		n.Variants = append(n.Variants, v)
	}
	return &Type{Kind: Ref, Named: n}, n.nullVariant
}

// scalarUnion builds a union from a multi-type schema ("type": ["string", "integer"]).
func (pb *pkgBuilder) scalarUnion(st site, s *jsonschema.Schema, types []string) *Type {
	n, existed := pb.newNamed(st, s, Union)
	if existed {
		return &Type{Kind: Ref, Named: n}
	}
	for _, typ := range types {
		var t *Type
		if st.validated && typ == "object" && (len(s.Properties) > 0 || isFalseSchema(s.AdditionalProperties)) {
			// A struct made from s would be s's own named type, which is
			// this union: keep the object raw (the library checks it).
			t = &Type{Kind: Object}
		} else {
			t = pb.single(st, s, typ, 0)
		}
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
