package emit

import (
	"encoding/json"
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/triggergen/triggergen/generator/internal/model"
)

// unmarshalJSON emits the UnmarshalJSON of a struct, which runs the
// one-pass decoder (strict for config types, tolerant for payload types):
//
//	func (x *CommitEventConfig) UnmarshalJSON(b []byte) error {
//		d := triggerimpl.NewDecoder(b)
//		x.decodeJSON(&d)
//		return d.Finish()
//	}
func (e *emitter) unmarshalJSON(n *model.Named) {
	s := e.source()
	var doc string
	newDec := s.q(implPkg, "NewDecoder") + "(b)"
	if n.Validated {
		doc = "UnmarshalJSON decodes a JSON object into x in one pass. Keys match exactly and the last of repeated keys wins. A value of the wrong type, a null the schema does not allow, a missing required property"
		if n.Closed {
			doc += ", a property the schema does not allow (additionalProperties is false)"
		}
		doc += " and an integer outside int64 are errors: a trigger.ValidationErrors with the JSON pointer of each. The other constraints are Validate's."
	} else {
		newDec = s.q(implPkg, "NewTolerantDecoder") + "(b, " + lit(n.Name) + ")"
		doc = "UnmarshalJSON decodes a JSON object into x in one pass. Keys match exactly, the last of repeated keys wins, unknown keys are ignored, and a null or a missing property leaves the Go zero value. A value of the wrong type is a *json.UnmarshalTypeError (the rest is still decoded)."
	}
	body := []string{"d := " + newDec, "x.decodeJSON(&d)", "return d.Finish()"}
	if n.NullOK {
		body = []string{body[0], "if !d.Null() {", "\tx.decodeJSON(&d)", "}", body[2]}
	}
	e.fn(n.File, doc, "func (x *"+n.Name+") UnmarshalJSON(b []byte) error", body...)
}

// unmarshalRawMap emits the UnmarshalJSON of a payload without properties.
func (e *emitter) unmarshalRawMap(n *model.Named) {
	s := e.source()
	e.fn(n.File, "UnmarshalJSON decodes a JSON object into x in one pass; of repeated keys the last wins, and null leaves x nil.",
		"func (x *"+n.Name+") UnmarshalJSON(b []byte) error",
		"d := "+s.q(implPkg, "NewTolerantDecoder")+"(b, "+lit(n.Name)+")", "*x = d.RawMap()", "return d.Finish()")
}

// decodeJSONMethod emits the member loop of a struct:
//
//	func (x *CommitEventConfig) decodeJSON(d *triggerimpl.Decoder) {
//		*x = CommitEventConfig{}
//		if !d.Object() {
//			return
//		}
//		var seen [1]bool
//		for d.Member() {
//			switch string(d.Key()) {
//			case "owner":
//				seen[0] = true
//				x.Owner = d.String()
//			default:
//				d.Skip()
//			}
//		}
//		if !seen[0] {
//			d.Missing("owner")
//		}
//	}
func (e *emitter) decodeJSONMethod(n *model.Named) {
	s := e.source()
	req := 0
	if n.Validated {
		for _, fl := range n.Fields {
			if fl.Required {
				req++
			}
		}
	}
	other := "d.Skip()"
	switch {
	case n.Library:
		other = "d.Keep(&x.extra)"
	case n.Closed && n.Validated:
		other = "d.Unknown()"
	}
	s.doc("decodeJSON decodes the next JSON value into x.")
	s.line(0, "func (x *", n.Name, ") decodeJSON(d *", s.q(implPkg, "Decoder"), ") {")
	s.line(1, "*x = ", n.Name, "{}")
	s.line(1, "if !d.Object() {")
	s.line(2, "return")
	s.line(1, "}")
	if req > 0 {
		s.line(1, "var seen [", strconv.Itoa(req), "]bool")
	}
	s.line(1, "for d.Member() {")
	if len(n.Fields) == 0 {
		s.line(2, other)
	} else {
		s.line(2, "switch string(d.Key()) {")
		i := 0
		for _, fl := range n.Fields {
			s.line(2, "case ", lit(fl.JSON), ":")
			if fl.Required && n.Validated {
				s.line(3, "seen[", strconv.Itoa(i), "] = true")
				i++
			}
			target := "x." + fl.Name
			if fl.KeepNull {
				s.line(3, target, " = ", zeroValue(s, fl))
				s.line(3, "if !d.KeepNull(&x.extra) {")
				e.decodeTo(s, 4, target, fl.Type, false, fl.Pointer(), n.Validated, 0)
				s.line(3, "}")
			} else {
				e.decodeTo(s, 3, target, fl.Type, fl.Nullable, fl.Pointer(), n.Validated, 0)
			}
			if n.Validated {
				constCheck(s, 3, fl)
			}
		}
		s.line(2, "default:")
		s.line(3, other)
		s.line(2, "}")
	}
	s.line(1, "}")
	i := 0
	for _, fl := range n.Fields {
		if fl.Required && n.Validated {
			s.line(1, "if !seen[", strconv.Itoa(i), "] {")
			s.line(2, "d.Missing(", lit(fl.JSON), ")")
			s.line(1, "}")
			i++
		}
	}
	s.line(0, "}")
	e.add(n.File, s)
}

// decodeExpr returns the expression that decodes the next value of type t
// (a pointer to it when pointer), when one expression does: scalars, enums,
// dates, raw JSON. nullable says the schema allows null there; strict that
// the value belongs to a config, where a forbidden null is an error.
func decodeExpr(t *model.Type, nullable, pointer, strict bool) (string, bool) {
	var m string
	switch t.Kind {
	case model.String:
		m = "String"
	case model.Int:
		m = "Int"
	case model.Float:
		m = "Float"
	case model.Bool:
		m = "Bool"
	case model.Raw:
		return "d.Raw()", true
	case model.DateTime, model.Date:
		if nullable && strict {
			return "", false
		}
		if t.Kind == model.Date {
			return "d.Date()", true
		}
		return "d.DateTime()", true
	case model.Object:
		if nullable && strict {
			return "", false
		}
		return "d.RawMap()", true
	case model.Ref:
		if t.Named.Kind != model.Enum {
			return "", false
		}
		m = "String"
	default:
		return "", false
	}
	switch {
	case pointer && (nullable || !strict):
		m += "OrNull"
	case pointer:
		m += "Ptr"
	}
	call := "d." + m + "()"
	if t.Kind == model.Ref { // an enum: a named string type
		if pointer {
			return "(*" + t.Named.Name + ")(" + call + ")", true
		}
		return t.Named.Name + "(" + call + ")", true
	}
	return call, true
}

// decodeTo writes, at indent, statements that decode the next value into
// target, a variable or field of type t (a pointer to it when pointer); see
// decodeExpr for nullable and strict.
func (e *emitter) decodeTo(s *source, ind int, target string, t *model.Type, nullable, pointer, strict bool, depth int) {
	if x, ok := decodeExpr(t, nullable, pointer, strict); ok {
		s.line(ind, target, " = ", x)
		return
	}
	ifNotNull := func(stmts ...string) {
		s.line(ind, "if !d.Null() {")
		for _, st := range stmts {
			s.line(ind+1, st)
		}
		s.line(ind, "}")
	}
	switch t.Kind {
	case model.DateTime, model.Date: // nullable in a config
		name := "DateTime"
		if t.Kind == model.Date {
			name = "Date"
		}
		s.line(ind, target, " = ", s.q(triggerPkg, name), "{}")
		ifNotNull(target + " = d." + name + "()")
		return
	case model.Object: // nullable in a config
		s.line(ind, target, " = nil")
		ifNotNull(target + " = d.RawMap()")
		return
	case model.Ref:
		switch t.Named.Kind {
		case model.Union:
			m := "Raw"
			if strict && !nullable {
				m = "RawNotNull"
			}
			s.line(ind, target, ".raw = d.", m, "()")
			return
		case model.Struct:
			dec := target + ".decodeJSON(d)"
			if !pointer {
				s.line(ind, dec)
				return
			}
			alloc := target + " = new(" + t.Named.Name + ")"
			if nullable || !strict {
				s.line(ind, target, " = nil")
				ifNotNull(alloc, dec)
				return
			}
			s.line(ind, alloc)
			s.line(ind, dec)
			return
		}
	case model.Slice, model.Map:
		e.decodeCollection(s, ind, target, t, nullable, strict, depth)
		return
	}
	s.line(ind, "d.Skip()")
}

// decodeCollection writes the decoding of an array into a slice or of an
// object into a map:
//
//	x.Labels = nil
//	if d.Array() {
//		x.Labels = []string{}
//		for d.Elem() {
//			x.Labels = append(x.Labels, d.String())
//		}
//	}
func (e *emitter) decodeCollection(s *source, ind int, target string, t *model.Type, nullable, strict bool, depth int) {
	ev := "e" + strconv.Itoa(depth)
	expr, simple := decodeExpr(t.Elem, t.ElemNullable, t.ElemPointer(), strict)
	if !simple {
		expr = ev
	}
	open, next, empty := "Array", "Elem", "[]"+elemType(s, t)+"{}"
	if t.Kind == model.Map {
		open, next, empty = "Object", "Member", "map[string]"+elemType(s, t)+"{}"
	}
	cond := "d." + open + "()"
	if nullable && strict {
		cond = "!d.Null() && " + cond
	}
	s.line(ind, target, " = nil")
	s.line(ind, "if ", cond, " {")
	s.line(ind+1, target, " = ", empty)
	s.line(ind+1, "for d.", next, "() {")
	kv := "k" + strconv.Itoa(depth)
	if t.Kind == model.Map {
		s.line(ind+2, kv, " := string(d.Key())")
	}
	if !simple {
		s.line(ind+2, "var ", ev, " ", elemType(s, t))
		e.decodeTo(s, ind+2, ev, t.Elem, t.ElemNullable, t.ElemPointer(), strict, depth+1)
	}
	if t.Kind == model.Slice {
		s.line(ind+2, target, " = append(", target, ", ", expr, ")")
	} else {
		s.line(ind+2, target, "[", kv, "] = ", expr)
	}
	s.line(ind+1, "}")
	s.line(ind, "}")
}

// zeroValue is the Go zero value of a field's type.
func zeroValue(s *source, fl *model.Field) string {
	if fl.Pointer() {
		return "nil"
	}
	switch fl.Type.Kind {
	case model.DateTime:
		return s.q(triggerPkg, "DateTime") + "{}"
	case model.Date:
		return s.q(triggerPkg, "Date") + "{}"
	}
	return "nil"
}

// constCheck writes the decode-time check of a const property: a field
// whose zero value marshals as the const (see marshalJSON) must not hold a
// zero value decoded from a different JSON value, so every other value is
// rejected while decoding; a const the type contradicts rejects any value.
//
//	if x.Kind != "push" {
//		d.Fail("const", "must be \"push\"")
//	}
func constCheck(s *source, ind int, fl *model.Field) {
	c := &fl.Type.C
	if c.Never != "" {
		s.line(ind, "d.Fail(", lit(neverKeyword(c)), ", ", lit(c.Never), ")")
		return
	}
	if !c.HasConst || !scalarKind(fl.Type.Kind) {
		return
	}
	b, _ := json.Marshal(c.Const)
	v := "x." + fl.Name
	cond := notEqualExpr(v, fl.Type.Kind, c.Const)
	if fl.Pointer() {
		cond = v + " != nil && " + notEqualExpr("*"+v, fl.Type.Kind, c.Const)
	}
	s.line(ind, "if ", cond, " {")
	s.line(ind+1, "d.Fail(\"const\", ", lit("must be "+string(b)), ")")
	s.line(ind, "}")
}

func scalarKind(k model.Kind) bool {
	return k == model.Int || k == model.Float || k == model.Bool || k == model.String
}

func neverKeyword(c *model.Constraints) string {
	if c.HasConst {
		return "const"
	}
	return "enum"
}

// notEqualExpr is the condition v != the scalar x (of kind k); for a boolean,
// !v or v. The operands are primary expressions, so gofmt puts spaces
// around the operator wherever the condition stands.
func notEqualExpr(v string, k model.Kind, x any) string {
	if b, ok := x.(bool); ok {
		if b {
			return "!" + v
		}
		return v
	}
	return v + " != " + goLiteral(k, x)
}

// notEqual is the condition v != the scalar x (of kind k); for a boolean,
// !v or v.
func notEqual(v jen.Code, k model.Kind, x any) *jen.Statement {
	if b, ok := x.(bool); ok {
		if b {
			return jen.Op("!").Add(v)
		}
		return jen.Add(v)
	}
	return jen.Add(v).Op("!=").Add(literal(k, x))
}
