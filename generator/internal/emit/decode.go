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
func (e *emitter) unmarshalJSON(f *jen.File, n *model.Named) {
	var doc string
	newDec := jen.Qual(implPkg, "NewDecoder").Call(jen.Id("b"))
	if n.Validated {
		doc = "UnmarshalJSON decodes a JSON object into x in one pass. Keys match exactly and the last of repeated keys wins. A value of the wrong type, a null the schema does not allow, a missing required property"
		if n.Closed {
			doc += ", a property the schema does not allow (additionalProperties is false)"
		}
		doc += " and an integer outside int64 are errors: a trigger.ValidationErrors with the JSON pointer of each. The other constraints are Validate's."
	} else {
		newDec = jen.Qual(implPkg, "NewTolerantDecoder").Call(jen.Id("b"), jen.Lit(n.Name))
		doc = "UnmarshalJSON decodes a JSON object into x in one pass. Keys match exactly, the last of repeated keys wins, unknown keys are ignored, and a null or a missing property leaves the Go zero value. A value of the wrong type is a *json.UnmarshalTypeError (the rest is still decoded)."
	}
	decode := jen.Id("x").Dot("decodeJSON").Call(jen.Op("&").Id("d"))
	if n.NullOK {
		decode = jen.If(jen.Op("!").Id("d").Dot("Null").Call()).Block(decode)
	}
	f.Add(comment(doc))
	f.Func().Params(jen.Id("x").Op("*").Id(n.Name)).Id("UnmarshalJSON").Params(jen.Id("b").Index().Byte()).Error().Block(
		jen.Id("d").Op(":=").Add(newDec),
		decode,
		jen.Return(jen.Id("d").Dot("Finish").Call()),
	)
	f.Line()
}

// unmarshalRawMap emits the UnmarshalJSON of a payload without properties.
func (e *emitter) unmarshalRawMap(f *jen.File, n *model.Named) {
	f.Add(comment("UnmarshalJSON decodes a JSON object into x in one pass; of repeated keys the last wins, and null leaves x nil."))
	f.Func().Params(jen.Id("x").Op("*").Id(n.Name)).Id("UnmarshalJSON").Params(jen.Id("b").Index().Byte()).Error().Block(
		jen.Id("d").Op(":=").Qual(implPkg, "NewTolerantDecoder").Call(jen.Id("b"), jen.Lit(n.Name)),
		jen.Op("*").Id("x").Op("=").Id("d").Dot("RawMap").Call(),
		jen.Return(jen.Id("d").Dot("Finish").Call()),
	)
	f.Line()
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
func (e *emitter) decodeJSONMethod(f *jen.File, n *model.Named) {
	var cases, missing []jen.Code
	req := 0
	for _, fl := range n.Fields {
		var body []jen.Code
		if fl.KeepNull {
			// x.F = nil; if !d.KeepNull(&x.extra) { ... }
			body = []jen.Code{jen.Id("x").Dot(fl.Name).Op("=").Add(zeroValue(fl)),
				jen.If(jen.Op("!").Id("d").Dot("KeepNull").Call(jen.Op("&").Id("x").Dot("extra"))).Block(
					e.decodeTo(jen.Id("x").Dot(fl.Name), fl.Type, false, fl.Pointer(), n.Validated, 0)...)}
		} else {
			body = e.decodeTo(jen.Id("x").Dot(fl.Name), fl.Type, fl.Nullable, fl.Pointer(), n.Validated, 0)
		}
		if n.Validated {
			body = append(body, constCheck(fl)...)
		}
		if fl.Required && n.Validated {
			body = append([]jen.Code{jen.Id("seen").Index(jen.Lit(req)).Op("=").True()}, body...)
			missing = append(missing, jen.If(jen.Op("!").Id("seen").Index(jen.Lit(req))).Block(
				jen.Id("d").Dot("Missing").Call(jen.Lit(fl.JSON))))
			req++
		}
		cases = append(cases, jen.Case(jen.Lit(fl.JSON)).Block(body...))
	}
	other := jen.Id("d").Dot("Skip").Call()
	switch {
	case n.Library:
		other = jen.Id("d").Dot("Keep").Call(jen.Op("&").Id("x").Dot("extra"))
	case n.Closed && n.Validated:
		other = jen.Id("d").Dot("Unknown").Call()
	}
	body := []jen.Code{
		jen.Op("*").Id("x").Op("=").Id(n.Name).Values(),
		jen.If(jen.Op("!").Id("d").Dot("Object").Call()).Block(jen.Return()),
	}
	if req > 0 {
		body = append(body, jen.Var().Id("seen").Index(jen.Lit(req)).Bool())
	}
	if len(cases) == 0 {
		body = append(body, jen.For(jen.Id("d").Dot("Member").Call()).Block(other))
	} else {
		cases = append(cases, jen.Default().Block(other))
		body = append(body, jen.For(jen.Id("d").Dot("Member").Call()).Block(
			jen.Switch(jen.String().Parens(jen.Id("d").Dot("Key").Call())).Block(cases...),
		))
	}
	body = append(body, missing...)
	f.Add(comment("decodeJSON decodes the next JSON value into x."))
	f.Func().Params(jen.Id("x").Op("*").Id(n.Name)).Id("decodeJSON").Params(jen.Id("d").Op("*").Qual(implPkg, "Decoder")).Block(body...)
	f.Line()
}

// decodeExpr returns the expression that decodes the next value of type t
// (a pointer to it when pointer), when one expression does: scalars, enums,
// dates, raw JSON. nullable says the schema allows null there; strict that
// the value belongs to a config, where a forbidden null is an error.
func decodeExpr(t *model.Type, nullable, pointer, strict bool) (jen.Code, bool) {
	d := jen.Id("d")
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
		return d.Dot("Raw").Call(), true
	case model.DateTime, model.Date:
		if nullable && strict {
			return nil, false
		}
		if t.Kind == model.Date {
			return d.Dot("Date").Call(), true
		}
		return d.Dot("DateTime").Call(), true
	case model.Object:
		if nullable && strict {
			return nil, false
		}
		return d.Dot("RawMap").Call(), true
	case model.Ref:
		if t.Named.Kind != model.Enum {
			return nil, false
		}
		m = "String"
	default:
		return nil, false
	}
	switch {
	case pointer && (nullable || !strict):
		m += "OrNull"
	case pointer:
		m += "Ptr"
	}
	call := d.Dot(m).Call()
	if t.Kind == model.Ref { // an enum: a named string type
		if pointer {
			return jen.Parens(jen.Op("*").Id(t.Named.Name)).Parens(call), true
		}
		return jen.Id(t.Named.Name).Parens(call), true
	}
	return call, true
}

// decodeTo emits statements that decode the next value into target, a
// variable or field of type t (a pointer to it when pointer); see
// decodeExpr for nullable and strict.
func (e *emitter) decodeTo(target *jen.Statement, t *model.Type, nullable, pointer, strict bool, depth int) []jen.Code {
	if x, ok := decodeExpr(t, nullable, pointer, strict); ok {
		return []jen.Code{target.Clone().Op("=").Add(x)}
	}
	d := jen.Id("d")
	ifNotNull := func(stmts ...jen.Code) jen.Code {
		return jen.If(jen.Op("!").Add(d.Clone().Dot("Null").Call())).Block(stmts...)
	}
	switch t.Kind {
	case model.DateTime, model.Date: // nullable in a config
		name := "DateTime"
		if t.Kind == model.Date {
			name = "Date"
		}
		return []jen.Code{target.Clone().Op("=").Qual(triggerPkg, name).Values(), ifNotNull(target.Clone().Op("=").Add(d.Clone().Dot(name).Call()))}
	case model.Object: // nullable in a config
		return []jen.Code{target.Clone().Op("=").Nil(), ifNotNull(target.Clone().Op("=").Add(d.Clone().Dot("RawMap").Call()))}
	case model.Ref:
		switch t.Named.Kind {
		case model.Union:
			m := "Raw"
			if strict && !nullable {
				m = "RawNotNull"
			}
			return []jen.Code{target.Clone().Dot("raw").Op("=").Add(d.Clone().Dot(m).Call())}
		case model.Struct:
			dec := target.Clone().Dot("decodeJSON").Call(d.Clone())
			if !pointer {
				return []jen.Code{dec}
			}
			alloc := target.Clone().Op("=").New(jen.Id(t.Named.Name))
			if nullable || !strict {
				return []jen.Code{target.Clone().Op("=").Nil(), ifNotNull(alloc, dec)}
			}
			return []jen.Code{alloc, dec}
		}
	case model.Slice, model.Map:
		return e.decodeCollection(target, t, nullable, strict, depth)
	}
	return []jen.Code{d.Clone().Dot("Skip").Call()}
}

// decodeCollection emits the decoding of an array into a slice or of an
// object into a map:
//
//	x.Labels = nil
//	if d.Array() {
//		x.Labels = []string{}
//		for d.Elem() {
//			x.Labels = append(x.Labels, d.String())
//		}
//	}
func (e *emitter) decodeCollection(target *jen.Statement, t *model.Type, nullable, strict bool, depth int) []jen.Code {
	ev := jen.Id("e" + strconv.Itoa(depth))
	expr, simple := decodeExpr(t.Elem, t.ElemNullable, t.ElemPointer(), strict)
	var elem []jen.Code
	if !simple {
		elem = append([]jen.Code{jen.Var().Add(ev).Add(elemType(t))}, e.decodeTo(ev.Clone(), t.Elem, t.ElemNullable, t.ElemPointer(), strict, depth+1)...)
		expr = ev
	}
	var inner []jen.Code
	var open, next string
	var empty jen.Code
	if t.Kind == model.Slice {
		open, next = "Array", "Elem"
		empty = jen.Index().Add(elemType(t)).Values()
		inner = append(elem, target.Clone().Op("=").Append(target.Clone(), expr))
	} else {
		open, next = "Object", "Member"
		empty = jen.Map(jen.String()).Add(elemType(t)).Values()
		kv := jen.Id("k" + strconv.Itoa(depth))
		inner = append([]jen.Code{kv.Clone().Op(":=").String().Parens(jen.Id("d").Dot("Key").Call())}, elem...)
		inner = append(inner, target.Clone().Index(kv.Clone()).Op("=").Add(expr))
	}
	cond := jen.Id("d").Dot(open).Call()
	if nullable && strict {
		cond = jen.Op("!").Id("d").Dot("Null").Call().Op("&&").Add(cond)
	}
	return []jen.Code{
		target.Clone().Op("=").Nil(),
		jen.If(cond).Block(
			target.Clone().Op("=").Add(empty),
			jen.For(jen.Id("d").Dot(next).Call()).Block(inner...),
		),
	}
}

// zeroValue is the Go zero value of a field's type.
func zeroValue(fl *model.Field) jen.Code {
	if fl.Pointer() {
		return jen.Nil()
	}
	switch fl.Type.Kind {
	case model.DateTime:
		return jen.Qual(triggerPkg, "DateTime").Values()
	case model.Date:
		return jen.Qual(triggerPkg, "Date").Values()
	}
	return jen.Nil()
}

// constCheck emits the decode-time check of a const property: a field whose
// zero value marshals as the const (see marshalJSON) must not hold a zero
// value decoded from a different JSON value, so every other value is
// rejected while decoding; a const the type contradicts rejects any value.
//
//	if x.Kind != "push" {
//		d.Fail("const", `must be "push"`)
//	}
func constCheck(fl *model.Field) []jen.Code {
	c := &fl.Type.C
	if c.Never != "" {
		return []jen.Code{jen.Id("d").Dot("Fail").Call(jen.Lit(neverKeyword(c)), jen.Lit(c.Never))}
	}
	if !c.HasConst || !scalarKind(fl.Type.Kind) {
		return nil
	}
	b, _ := json.Marshal(c.Const)
	v := jen.Id("x").Dot(fl.Name)
	cond := notEqual(v, fl.Type.Kind, c.Const)
	if fl.Pointer() {
		cond = jen.Add(v).Op("!=").Nil().Op("&&").Add(notEqual(jen.Op("*").Add(v), fl.Type.Kind, c.Const))
	}
	return []jen.Code{jen.If(cond).Block(jen.Id("d").Dot("Fail").Call(jen.Lit("const"), jen.Lit("must be "+string(b))))}
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
