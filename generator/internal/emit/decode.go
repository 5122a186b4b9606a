package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/triggergen/triggergen/generator/internal/model"
)

// unmarshalStrict emits the UnmarshalJSON of a struct reachable from a
// config, which agrees with the schema where a Go zero value cannot:
//
//	func (x *CommitEventConfig) UnmarshalJSON(b []byte) error {
//		var errs triggerimpl.Errors
//		if trigger.IsJSONNull(b) {
//			errs.Add("", "type", "must not be null")
//		} else {
//			x.checkJSON(b, "", &errs)
//		}
//		if len(errs) > 0 && json.Valid(b) {
//			return errs.Err()
//		}
//		type plain CommitEventConfig
//		return json.Unmarshal(b, (*plain)(x))
//	}
func (e *emitter) unmarshalStrict(f *jen.File, n *model.Named) {
	check := jen.Id("x").Dot("checkJSON").Call(jen.Id("b"), jen.Lit(""), jen.Op("&").Id("errs"))
	first := jen.Add(check)
	if !n.NullOK {
		first = jen.If(jen.Qual(implPkg, "IsJSONNull").Call(jen.Id("b"))).Block(
			add("errs", jen.Lit(""), "type", "must not be null"),
		).Else().Block(check)
	}
	f.Add(comment("UnmarshalJSON decodes a JSON object into x. A required property that is missing, or a null the schema does not allow (here or in a nested object), is an error (a trigger.ValidationErrors with the JSON pointer of each) instead of a Go zero value; the other constraints are Validate's."))
	f.Func().Params(jen.Id("x").Op("*").Id(n.Name)).Id("UnmarshalJSON").Params(jen.Id("b").Index().Byte()).Error().Block(
		jen.Var().Id("errs").Qual(implPkg, "Errors"),
		first,
		jen.If(jen.Len(jen.Id("errs")).Op(">").Lit(0).Op("&&").Qual(jsonPkg, "Valid").Call(jen.Id("b"))).Block(jen.Return(jen.Id("errs").Dot("Err").Call())),
		jen.Type().Id("plain").Id(n.Name),
		jen.Return(jen.Qual(jsonPkg, "Unmarshal").Call(jen.Id("b"), jen.Parens(jen.Op("*").Id("plain")).Parens(jen.Id("x")))),
	)
	f.Line()
}

// checkJSONMethod emits the key and null scan of UnmarshalJSON:
//
//	func (*CommitEventConfig) checkJSON(b []byte, path string, errs *triggerimpl.Errors) {
//		if !trigger.IsJSONObject(b) {
//			return // the decoder reports the type
//		}
//		var seen [1]bool
//		for k, v := range trigger.JSONMembers(b) {
//			switch string(k) {
//			case "owner":
//				seen[0] = true
//				if trigger.IsJSONNull(v) {
//					errs.Add(path+"/owner", "type", "must not be null")
//				}
//			}
//		}
//		if !seen[0] {
//			errs.Add(path+"/owner", "required", "is required")
//		}
//	}
func (e *emitter) checkJSONMethod(f *jen.File, n *model.Named) {
	var cases, missing, onlyNull []jen.Code
	usesV := false
	req := 0
	for _, fl := range n.Fields {
		path := jen.Id("path").Op("+").Lit("/" + escapeToken(fl.JSON))
		body := e.valueJSON(fl.Type, fl.Nullable, jen.Id("v"), path, 0)
		if len(body) > 0 {
			usesV = true
		}
		if !fl.Required && len(body) > 0 && len(e.nestedJSON(fl.Type, jen.Id("v"), path, 0)) == 0 {
			// Only "not null": one case for all such properties.
			onlyNull = append(onlyNull, jen.Lit(fl.JSON))
			continue
		}
		if fl.Required {
			body = append([]jen.Code{jen.Id("seen").Index(jen.Lit(req)).Op("=").True()}, body...)
			missing = append(missing, jen.If(jen.Op("!").Id("seen").Index(jen.Lit(req))).Block(add("errs", path, "required", "is required")))
			req++
		}
		if len(body) > 0 {
			cases = append(cases, jen.Case(jen.Lit(fl.JSON)).Block(body...))
		}
	}
	if len(onlyNull) > 0 {
		cases = append(cases, jen.Case(onlyNull...).Block(
			jen.If(jen.Qual(implPkg, "IsJSONNull").Call(jen.Id("v"))).Block(
				add("errs", jen.Qual(implPkg, "PathJoin").Call(jen.Id("path"), jen.String().Parens(jen.Id("k"))), "type", "must not be null")),
		))
	}
	var body []jen.Code
	if len(cases) > 0 {
		body = append(body, jen.If(jen.Op("!").Qual(implPkg, "IsJSONObject").Call(jen.Id("b"))).Block(
			jen.Return().Comment("the decoder reports the type"),
		))
		if req > 0 {
			body = append(body, jen.Var().Id("seen").Index(jen.Lit(req)).Bool())
		}
		vars := jen.Id("k")
		if usesV {
			vars = jen.List(jen.Id("k"), jen.Id("v"))
		}
		body = append(body, jen.For(vars.Op(":=").Range().Qual(implPkg, "JSONMembers").Call(jen.Id("b"))).Block(
			jen.Switch(jen.String().Parens(jen.Id("k"))).Block(cases...),
		))
		body = append(body, missing...)
	}
	f.Add(comment("checkJSON adds to errs, at path, each required property missing from the JSON object b and each null the schema does not allow, in b and in the objects nested in it."))
	f.Func().Params(jen.Op("*").Id(n.Name)).Id("checkJSON").Params(
		jen.Id("b").Index().Byte(), jen.Id("path").String(), jen.Id("errs").Op("*").Qual(implPkg, "Errors"),
	).Block(body...)
	f.Line()
}

// valueJSON emits the null and nested checks of the raw JSON value v of a
// field, element or map value of type t.
func (e *emitter) valueJSON(t *model.Type, nullable bool, v, path jen.Code, depth int) []jen.Code {
	nested := e.nestedJSON(t, v, path, depth)
	if nullable || t.Kind == model.Raw {
		return nested
	}
	null := jen.If(jen.Qual(implPkg, "IsJSONNull").Call(v)).Block(add("errs", path, "type", "must not be null"))
	if len(nested) > 0 {
		null.Else().Block(nested...)
	}
	return []jen.Code{null}
}

// nestedJSON emits the checks inside a non-null value v of type t: the scan
// of a nested config struct, or of each element of an array or map.
func (e *emitter) nestedJSON(t *model.Type, v, path jen.Code, depth int) []jen.Code {
	switch t.Kind {
	case model.Ref:
		if t.Named.Kind == model.Struct && t.Named.Validated {
			return []jen.Code{jen.Parens(jen.Op("*").Id(t.Named.Name)).Parens(jen.Nil()).Dot("checkJSON").Call(v, path, jen.Id("errs"))}
		}
	case model.Slice:
		iv, ev := "i"+suffix(depth), "e"+suffix(depth)
		body := e.valueJSON(t.Elem, t.ElemNullable, jen.Id(ev), jen.Qual(implPkg, "PathIndex").Call(path, jen.Id(iv)), depth+1)
		if len(body) > 0 {
			return []jen.Code{jen.For(jen.List(jen.Id(iv), jen.Id(ev)).Op(":=").Range().Qual(implPkg, "JSONElements").Call(v)).Block(body...)}
		}
	case model.Map:
		kv, ev := "mk"+suffix(depth), "e"+suffix(depth)
		body := e.valueJSON(t.Elem, t.ElemNullable, jen.Id(ev), jen.Qual(implPkg, "PathJoin").Call(path, jen.String().Parens(jen.Id(kv))), depth+1)
		if len(body) > 0 {
			return []jen.Code{jen.For(jen.List(jen.Id(kv), jen.Id(ev)).Op(":=").Range().Qual(implPkg, "JSONMembers").Call(v)).Block(body...)}
		}
	}
	return nil
}
