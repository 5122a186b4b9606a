package emit

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/triggergen/triggergen/generator/internal/model"
)

// getters emits the nil-safe getter of each pointer field of a payload
// struct, as protobuf-go does: the value, or its zero value when the
// receiver or the field is nil; a struct field's getter returns the pointer
// (nil when the receiver is nil), so that getters chain.
//
//	func (x *ReceiveMessagePayload) GetBotID() string {
//		if x == nil || x.BotID == nil {
//			return ""
//		}
//		return *x.BotID
//	}
func (e *emitter) getters(f *jen.File, n *model.Named) {
	for _, fl := range n.Fields {
		if fl.Getter == "" {
			continue
		}
		field := jen.Id("x").Dot(fl.Name)
		var body []jen.Code
		var result jen.Code
		if fl.Type.Kind == model.Ref && fl.Type.Named.Kind == model.Struct {
			result = fieldType(fl)
			f.Add(comment(fmt.Sprintf("%s returns x.%s, or nil when x is nil.", fl.Getter, fl.Name)))
			body = []jen.Code{
				jen.If(jen.Id("x").Op("==").Nil()).Block(jen.Return(jen.Nil())),
				jen.Return(field),
			}
		} else {
			result = goType(fl.Type)
			f.Add(comment(fmt.Sprintf("%s returns *x.%s, or %s when x or x.%s is nil.", fl.Getter, fl.Name, zeroDesc(fl.Type), fl.Name)))
			body = []jen.Code{
				jen.If(jen.Id("x").Op("==").Nil().Op("||").Add(field).Op("==").Nil()).Block(jen.Return(scalarZero(fl.Type))),
				jen.Return(jen.Op("*").Add(field)),
			}
		}
		f.Func().Params(jen.Id("x").Op("*").Id(n.Name)).Id(fl.Getter).Params().Add(result).Block(body...)
		f.Line()
	}
}

// scalarZero is the Go zero value of a scalar or enum type.
func scalarZero(t *model.Type) jen.Code {
	switch t.Kind {
	case model.Bool:
		return jen.False()
	case model.Int, model.Float:
		return jen.Lit(0)
	}
	return jen.Lit("") // string, enum
}

// zeroDesc names the zero value in prose.
func zeroDesc(t *model.Type) string {
	switch t.Kind {
	case model.Bool:
		return "false"
	case model.Int, model.Float:
		return "0"
	}
	return `""`
}
