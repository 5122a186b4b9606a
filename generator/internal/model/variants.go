package model

import (
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/triggergen/triggergen/generator/internal/naming"
)

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
