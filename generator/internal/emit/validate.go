package emit

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/triggergen/triggergen/generator/internal/model"
	"github.com/triggergen/triggergen/internal/jsonpointer"
)

// unionValidate emits the validate method of a union: each variant whose JSON
// kind matches and whose constraints hold counts as a match.
func (e *emitter) unionValidate(f *jen.File, n *model.Named, kinds []string) {
	body := []jen.Code{jen.Id("matches").Op(":=").Lit(0)}
	for _, v := range n.Variants {
		checks := e.checkValue(v.Type, jen.Id("v"), jen.Id("path"), "ve", 1)
		inner := []jen.Code{}
		if len(checks) > 0 {
			inner = append(inner, jen.Var().Id("ve").Qual(implPkg, "Errors"))
			inner = append(inner, checks...)
			inner = append(inner, jen.If(jen.Len(jen.Id("ve")).Op("==").Lit(0)).Block(jen.Id("matches").Op("++")))
		} else {
			inner = append(inner, jen.Id("matches").Op("++"))
		}
		vid := "v"
		if len(checks) == 0 {
			vid = "_"
		}
		cond := jen.Id("ok")
		if v.Type.Kind == model.Ref && v.Type.Named.Kind == model.Struct {
			var keys []jen.Code
			for _, fl := range v.Type.Named.Fields {
				if fl.Required {
					keys = append(keys, jen.Lit(fl.JSON))
				}
			}
			if len(keys) > 0 {
				cond = jen.Id("ok").Op("&&").Qual(implPkg, "HasKeys").Call(append([]jen.Code{jen.Id("u").Dot("raw")}, keys...)...)
			}
		}
		body = append(body, jen.If(jen.List(jen.Id(vid), jen.Id("ok")).Op(":=").Id("u").Dot("As"+v.Name).Call(), cond).Block(inner...))
	}
	if n.OneOf {
		body = append(body, jen.If(jen.Id("matches").Op("!=").Lit(1)).Block(
			jen.Id("errs").Dot("Add").Call(jen.Id("path"), jen.Lit("oneOf"), jen.Lit("must match exactly one of: "+strings.Join(kinds, ", "))),
		))
	} else {
		body = append(body, jen.If(jen.Id("matches").Op("==").Lit(0)).Block(
			jen.Id("errs").Dot("Add").Call(jen.Id("path"), jen.Lit("anyOf"), jen.Lit("must match one of: "+strings.Join(kinds, ", "))),
		))
	}
	f.Func().Params(jen.Id("u").Id(n.Name)).Id("validate").Params(jen.Id("path").String(), jen.Id("errs").Op("*").Qual(implPkg, "Errors")).Block(body...)
	f.Line()
}

// validateMethod emits
//
//	func (x T) validate(path string, errs *triggerimpl.Errors) { ... }
func (e *emitter) validateMethod(f *jen.File, n *model.Named) {
	var body []jen.Code
	for _, fl := range n.Fields {
		body = append(body, e.checkField(fl)...)
	}
	f.Func().Params(jen.Id("x").Id(n.Name)).Id("validate").Params(jen.Id("path").String(), jen.Id("errs").Op("*").Qual(implPkg, "Errors")).Block(body...)
	f.Line()
}

// add emits errs.Add(path, keyword, msg); errs names either the
// *triggerimpl.Errors parameter or a local triggerimpl.Errors.
func add(errs string, path jen.Code, keyword, msg string) jen.Code {
	return jen.Id(errs).Dot("Add").Call(path, jen.Lit(keyword), jen.Lit(msg))
}

// errsArg is errs as a *triggerimpl.Errors argument.
func errsArg(errs string) jen.Code {
	if errs == "errs" {
		return jen.Id("errs")
	}
	return jen.Op("&").Id(errs)
}

// checkField emits the checks of one struct field.
func (e *emitter) checkField(fl *model.Field) []jen.Code {
	path := jen.Id("path").Op("+").Lit("/" + jsonpointer.Escape(fl.JSON))
	val := jen.Id("x").Dot(fl.Name)
	errs := "errs"
	t := fl.Type
	required := fl.Required && !fl.Nullable && (t.Nilable() || fl.Cycle) && t.Kind != model.Raw
	var absent *jen.Statement
	var inner []jen.Code
	switch {
	case fl.Pointer():
		absent = jen.Add(val).Op("==").Nil()
		if inner = e.checkValue(t, jen.Id("v"), path, errs, 0); len(inner) > 0 && t.C.Never == "" {
			inner = append([]jen.Code{jen.Id("v").Op(":=").Op("*").Add(val)}, inner...)
		}
	case t.Kind == model.Ref && t.Named.Kind == model.Union:
		// A union holds JSON null as a value: it is absent only when unset,
		// and null is skipped only when the schema allows it.
		absent = jen.Add(val).Dot("IsZero").Call()
		inner = e.checkValue(t, val, path, errs, 0)
		if required {
			return []jen.Code{jen.If(absent).Block(add(errs, path, "required", "is required")).Else().Block(inner...)}
		}
		skip := jen.Op("!").Add(val).Dot("IsZero").Call()
		if fl.Nullable {
			skip = jen.Op("!").Add(val).Dot("IsNull").Call()
		}
		return []jen.Code{jen.If(skip).Block(inner...)}
	case t.Nilable():
		absent = zeroCheck(t, val)
		inner = e.checkValue(t, val, path, errs, 0)
	case constFill(fl):
		// The zero value marshals as the const (see marshalJSON): any
		// other value is an error.
		b, _ := json.Marshal(t.C.Const)
		cond := jen.Add(val).Op("!=").Id(literalZero(t.Kind)).Op("&&").Add(notEqual(val, t.Kind, t.C.Const))
		if t.Kind == model.Bool { // the const is true: false marshals as true
			return nil
		}
		return []jen.Code{jen.If(cond).Block(add(errs, path, "const", "must be "+string(b)))}
	default:
		return e.checkValue(t, val, path, errs, 0)
	}
	if required {
		msg := "is required"
		if t.Nilable() && t.Kind != model.DateTime && t.Kind != model.Date {
			msg = "is required (nil would be sent as null)"
		}
		if len(inner) == 0 {
			return []jen.Code{jen.If(absent).Block(add(errs, path, "required", msg))}
		}
		return []jen.Code{jen.If(absent).Block(add(errs, path, "required", msg)).Else().Block(inner...)}
	}
	if len(inner) == 0 {
		return nil
	}
	return []jen.Code{jen.If(negate(t, fl.Pointer(), val)).Block(inner...)}
}

func zeroCheck(t *model.Type, val jen.Code) *jen.Statement {
	switch {
	case t.Kind == model.DateTime || t.Kind == model.Date:
		return jen.Add(val).Dot("IsZero").Call()
	case t.Kind == model.Ref && t.Named.Kind == model.Union:
		return jen.Add(val).Dot("IsNull").Call()
	}
	return jen.Add(val).Op("==").Nil()
}

func negate(t *model.Type, pointer bool, val jen.Code) *jen.Statement {
	switch {
	case pointer:
		return jen.Add(val).Op("!=").Nil()
	case t.Kind == model.DateTime || t.Kind == model.Date:
		return jen.Op("!").Add(val).Dot("IsZero").Call()
	case t.Kind == model.Ref && t.Named.Kind == model.Union:
		return jen.Op("!").Add(val).Dot("IsNull").Call()
	}
	return jen.Add(val).Op("!=").Nil()
}

// checkValue emits the checks of a present value v of type t.
func (e *emitter) checkValue(t *model.Type, v, path jen.Code, errs string, depth int) []jen.Code {
	var out []jen.Code
	c := &t.C
	if c.Never != "" {
		return []jen.Code{add(errs, path, neverKeyword(c), c.Never)}
	}
	switch t.Kind {
	case model.Raw:
		if len(c.Kinds) > 0 {
			var kinds []jen.Code
			for _, k := range c.Kinds {
				kinds = append(kinds, jen.Lit(k))
			}
			out = append(out, jen.If(jen.Op("!").Qual(implPkg, "HasKind").Call(append([]jen.Code{v}, kinds...)...)).Block(
				add(errs, path, "type", "must be "+strings.Join(c.Kinds, " or "))))
		}
	case model.DateTime, model.Date:
		out = append(out, stringChecks(c, jen.Add(v).Dot("String").Call(), path, errs)...)
	case model.String:
		out = append(out, stringChecks(c, v, path, errs)...)
	case model.Int, model.Float:
		out = append(out, e.numberChecks(t, v, path, errs)...)
	case model.Slice:
		if c.MinItems != nil {
			out = append(out, jen.If(jen.Len(v).Op("<").Lit(*c.MinItems)).Block(
				add(errs, path, "minItems", fmt.Sprintf("must have at least %d items", *c.MinItems))))
		}
		if c.MaxItems != nil {
			out = append(out, jen.If(jen.Len(v).Op(">").Lit(*c.MaxItems)).Block(
				add(errs, path, "maxItems", fmt.Sprintf("must have at most %d items", *c.MaxItems))))
		}
		if c.UniqueItems {
			out = append(out, jen.If(jen.List(jen.Id("i"), jen.Id("dup")).Op(":=").Qual(implPkg, "DuplicateIndex").Call(v), jen.Id("dup")).Block(
				jen.Id(errs).Dot("Add").Call(jen.Qual(implPkg, "PathIndex").Call(path, jen.Id("i")), jen.Lit("uniqueItems"), jen.Lit("duplicates an earlier item"))))
		}
		iv, ev := "i"+suffix(depth), "e"+suffix(depth)
		epath := jen.Qual(implPkg, "PathIndex").Call(path, jen.Id(iv))
		if body := e.elemChecks(t, jen.Id(ev), epath, errs, depth); len(body) > 0 {
			out = append(out, jen.For(jen.List(jen.Id(iv), jen.Id(ev)).Op(":=").Range().Add(v)).Block(body...))
		}
	case model.Map, model.Object:
		if c.MinProps != nil {
			out = append(out, jen.If(jen.Len(v).Op("<").Lit(*c.MinProps)).Block(
				add(errs, path, "minProperties", fmt.Sprintf("must have at least %d properties", *c.MinProps))))
		}
		if c.MaxProps != nil {
			out = append(out, jen.If(jen.Len(v).Op(">").Lit(*c.MaxProps)).Block(
				add(errs, path, "maxProperties", fmt.Sprintf("must have at most %d properties", *c.MaxProps))))
		}
		if t.Kind == model.Map {
			kv, ev := "k"+suffix(depth), "e"+suffix(depth)
			epath := jen.Qual(implPkg, "PathJoin").Call(path, jen.Id(kv))
			if body := e.elemChecks(t, jen.Id(ev), epath, errs, depth); len(body) > 0 {
				body = append([]jen.Code{jen.Id(ev).Op(":=").Add(v).Index(jen.Id(kv))}, body...)
				out = append(out, jen.For(jen.List(jen.Id("_"), jen.Id(kv)).Op(":=").Range().Qual("slices", "Sorted").Call(jen.Qual("maps", "Keys").Call(v))).Block(body...))
			}
		}
	case model.Ref:
		switch t.Named.Kind {
		case model.Enum:
			var vals []string
			for _, ev := range t.Named.Values {
				vals = append(vals, strconv.Quote(ev.Value))
			}
			out = append(out, jen.If(jen.Op("!").Add(v).Dot("Valid").Call()).Block(
				add(errs, path, "enum", "must be one of "+strings.Join(vals, ", "))))
		case model.Struct, model.Union:
			if t.Named.HasChecks() {
				out = append(out, jen.Add(v).Dot("validate").Call(path, errsArg(errs)))
			}
		}
	}
	if len(c.Enum) > 0 && (t.Kind == model.Int || t.Kind == model.Float || t.Kind == model.Bool || t.Kind == model.String) {
		var lits []jen.Code
		var descs []string
		for _, x := range c.Enum {
			lits = append(lits, literal(t.Kind, x))
			b, _ := json.Marshal(x)
			descs = append(descs, string(b))
		}
		out = append(out, jen.Switch(v).Block(
			jen.Case(lits...),
			jen.Default().Block(add(errs, path, "enum", "must be one of "+strings.Join(descs, ", "))),
		))
	}
	if c.HasConst && (t.Kind == model.Int || t.Kind == model.Float || t.Kind == model.Bool || t.Kind == model.String) {
		b, _ := json.Marshal(c.Const)
		out = append(out, jen.If(notEqual(v, t.Kind, c.Const)).Block(add(errs, path, "const", "must be "+string(b))))
	}
	return out
}

// stringChecks emits minLength, maxLength and pattern for the string v.
func stringChecks(c *model.Constraints, v, path jen.Code, errs string) []jen.Code {
	var out []jen.Code
	if c.MinLength != nil {
		out = append(out, jen.If(jen.Qual("unicode/utf8", "RuneCountInString").Call(v).Op("<").Lit(*c.MinLength)).Block(
			add(errs, path, "minLength", fmt.Sprintf("must be at least %d characters long", *c.MinLength))))
	}
	if c.MaxLength != nil {
		out = append(out, jen.If(jen.Qual("unicode/utf8", "RuneCountInString").Call(v).Op(">").Lit(*c.MaxLength)).Block(
			add(errs, path, "maxLength", fmt.Sprintf("must be at most %d characters long", *c.MaxLength))))
	}
	if c.Pattern != nil {
		out = append(out, jen.If(jen.Op("!").Id(c.Pattern.Var).Dot("MatchString").Call(v)).Block(
			add(errs, path, "pattern", fmt.Sprintf("must match the pattern %q", c.Pattern.Source))))
	}
	return out
}

func suffix(depth int) string {
	if depth == 0 {
		return ""
	}
	return strconv.Itoa(depth)
}

// elemChecks emits the checks of one slice element or map value e.
func (e *emitter) elemChecks(t *model.Type, ev, path jen.Code, errs string, depth int) []jen.Code {
	el := t.Elem
	switch {
	case t.ElemPointer():
		pv := "v" + strconv.Itoa(depth+1)
		inner := e.checkValue(el, jen.Id(pv), path, errs, depth+1)
		if len(inner) == 0 {
			return nil
		}
		if el.C.Never == "" {
			inner = append([]jen.Code{jen.Id(pv).Op(":=").Op("*").Add(ev)}, inner...)
		}
		return []jen.Code{jen.If(jen.Add(ev).Op("!=").Nil()).Block(inner...)}
	case el.Nilable() && el.Kind != model.Raw:
		inner := e.checkValue(el, ev, path, errs, depth+1)
		if t.ElemNullable {
			if len(inner) == 0 {
				return nil
			}
			return []jen.Code{jen.If(negate(el, false, ev)).Block(inner...)}
		}
		null := add(errs, path, "type", "must not be null")
		if len(inner) == 0 {
			return []jen.Code{jen.If(zeroCheck(el, ev)).Block(null)}
		}
		return []jen.Code{jen.If(zeroCheck(el, ev)).Block(null).Else().Block(inner...)}
	}
	return e.checkValue(el, ev, path, errs, depth+1)
}

// numberChecks emits minimum, maximum, exclusive bounds and multipleOf.
func (e *emitter) numberChecks(t *model.Type, v, path jen.Code, errs string) []jen.Code {
	var out []jen.Code
	c := &t.C
	bound := func(r *big.Rat, op, keyword, msg string) {
		if r == nil {
			return
		}
		lhs, rhs := numOperands(t.Kind, v, r)
		out = append(out, jen.If(lhs.Op(op).Add(rhs)).Block(add(errs, path, keyword, msg+" "+ratString(r))))
	}
	bound(c.Minimum, "<", "minimum", "must be at least")
	bound(c.Maximum, ">", "maximum", "must be at most")
	bound(c.ExclusiveMinimum, "<=", "exclusiveMinimum", "must be greater than")
	bound(c.ExclusiveMaximum, ">=", "exclusiveMaximum", "must be less than")
	if r := c.MultipleOf; r != nil {
		var cond *jen.Statement
		if t.Kind == model.Int && r.IsInt() && r.Num().IsInt64() {
			cond = jen.Add(v).Op("%").Lit(int(r.Num().Int64())).Op("!=").Lit(0)
		} else {
			f, _ := r.Float64()
			val := jen.Add(v)
			if t.Kind == model.Int {
				val = jen.Float64().Parens(v)
			}
			cond = jen.Op("!").Qual(implPkg, "MultipleOf").Call(val, jen.Lit(f))
		}
		out = append(out, jen.If(cond).Block(add(errs, path, "multipleOf", "must be a multiple of "+ratString(r))))
	}
	return out
}

func numOperands(k model.Kind, v jen.Code, r *big.Rat) (*jen.Statement, *jen.Statement) {
	if k == model.Int && r.IsInt() && r.Num().IsInt64() {
		return jen.Add(v), jen.Id(r.Num().String())
	}
	f, _ := r.Float64()
	if k == model.Int {
		return jen.Float64().Parens(v), jen.Lit(f)
	}
	return jen.Add(v), jen.Lit(f)
}

func ratString(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	f, _ := r.Float64()
	return strconv.FormatFloat(f, 'g', -1, 64)
}
