package emit

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/triggergen/triggergen/generator/internal/model"
)

// constFill reports whether marshalJSON writes the field's const when it
// holds its zero value: a required, non-pointer scalar const field whose
// const is not the zero value.
func constFill(fl *model.Field) bool {
	c := &fl.Type.C
	return constImplied(fl) && !isZeroLiteral(fl.Type.Kind, c.Const)
}

// constImplied reports whether a literal may leave the field out: it is a
// scalar const whose zero value encodes as the const (constFill, or a const
// that is the zero value itself).
func constImplied(fl *model.Field) bool {
	c := &fl.Type.C
	return c.HasConst && c.Never == "" && scalarKind(fl.Type.Kind) && !fl.Pointer()
}

func isZeroLiteral(k model.Kind, v any) bool {
	switch x := v.(type) {
	case string:
		return x == ""
	case bool:
		return !x
	case json.Number:
		f, err := x.Float64()
		return err == nil && f == 0
	}
	return false
}

// marshalJSON emits, for a config struct with a const field or kept
// members, a MarshalJSON that encodes it as encoding/json would, writing a
// const field's value when the field holds its zero value (so a user never
// sets it) and adding back the kept members:
//
//	func (x CommitEventConfig) MarshalJSON() ([]byte, error) {
//		type plain CommitEventConfig
//		p := plain(x)
//		if p.Kind == "" {
//			p.Kind = "push"
//		}
//		b, err := json.Marshal(p)
//		if err != nil {
//			return nil, err
//		}
//		return triggerimpl.AppendMembers(b, x.extra)
//	}
func (e *emitter) marshalJSON(f *jen.File, n *model.Named) {
	if !n.Validated {
		return
	}
	var fills []jen.Code
	var names []string
	for _, fl := range n.Fields {
		if constFill(fl) {
			p := jen.Id("p").Dot(fl.Name)
			zero := literalZero(fl.Type.Kind)
			isZero := jen.Add(p).Op("==").Add(zero)
			if fl.Type.Kind == model.Bool {
				isZero = jen.Op("!").Add(p)
			}
			fills = append(fills, jen.If(isZero).Block(jen.Add(p).Op("=").Add(literal(fl.Type.Kind, fl.Type.C.Const))))
			names = append(names, fl.Name)
		}
	}
	if len(fills) == 0 && !n.Library {
		return
	}
	var doc []string
	doc = append(doc, "MarshalJSON encodes x as encoding/json encodes its fields")
	if len(names) > 0 {
		doc = append(doc, fmt.Sprintf(", writing the only value the schema allows for %s when the field holds its zero value (so it never needs to be set)", strings.Join(names, ", ")))
	}
	if n.Library {
		doc = append(doc, ", and adds back the members UnmarshalJSON kept without a field (unknown properties, explicit nulls of unset fields)")
	}
	f.Add(comment(strings.Join(doc, "") + "."))
	body := []jen.Code{jen.Type().Id("plain").Id(n.Name), jen.Id("p").Op(":=").Id("plain").Parens(jen.Id("x"))}
	body = append(body, fills...)
	if n.Library {
		body = append(body,
			jen.List(jen.Id("b"), jen.Err()).Op(":=").Qual(jsonPkg, "Marshal").Call(jen.Id("p")),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
			jen.Return(jen.Qual(implPkg, "AppendMembers").Call(jen.Id("b"), jen.Id("x").Dot("extra"))),
		)
	} else {
		body = append(body, jen.Return(jen.Qual(jsonPkg, "Marshal").Call(jen.Id("p"))))
	}
	f.Func().Params(jen.Id("x").Id(n.Name)).Id("MarshalJSON").Params().Params(jen.Index().Byte(), jen.Error()).Block(body...)
	f.Line()
}

func literalZero(k model.Kind) jen.Code {
	switch k {
	case model.String:
		return jen.Lit("")
	case model.Bool:
		return jen.False()
	}
	return jen.Lit(0)
}
