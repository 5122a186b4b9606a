package emit

import (
	"fmt"

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
func (e *emitter) getters(n *model.Named) {
	for _, fl := range n.Fields {
		if fl.Getter == "" {
			continue
		}
		s := e.source()
		field := "x." + fl.Name
		if fl.Type.Kind == model.Ref && fl.Type.Named.Kind == model.Struct {
			e.fn(n.File, fmt.Sprintf("%s returns x.%s, or nil when x is nil.", fl.Getter, fl.Name),
				"func (x *"+n.Name+") "+fl.Getter+"() "+fieldType(s, fl),
				"if x == nil {", "\treturn nil", "}", "return "+field)
		} else {
			e.fn(n.File, fmt.Sprintf("%s returns *x.%s, or %s when x or x.%s is nil.", fl.Getter, fl.Name, zeroDesc(fl.Type), fl.Name),
				"func (x *"+n.Name+") "+fl.Getter+"() "+goType(s, fl.Type),
				"if x == nil || "+field+" == nil {", "\treturn "+scalarZero(fl.Type), "}", "return *"+field)
		}
	}
}

// scalarZero is the Go zero value of a scalar or enum type.
func scalarZero(t *model.Type) string {
	switch t.Kind {
	case model.Bool:
		return "false"
	case model.Int, model.Float:
		return "0"
	}
	return `""` // string, enum
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
