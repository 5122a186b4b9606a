package emit

import (
	"encoding/json"
	"fmt"
	"strings"

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
func (e *emitter) marshalJSON(n *model.Named) {
	if !n.Validated {
		return
	}
	s := e.source()
	type fill struct{ isZero, set string }
	var fills []fill
	var names []string
	for _, fl := range n.Fields {
		if constFill(fl) {
			p := "p." + fl.Name
			isZero := p + " == " + literalZero(fl.Type.Kind)
			if fl.Type.Kind == model.Bool {
				isZero = "!" + p
			}
			fills = append(fills, fill{isZero, p + " = " + goLiteral(fl.Type.Kind, fl.Type.C.Const)})
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
	s.doc(strings.Join(doc, "") + ".")
	s.line(0, "func (x ", n.Name, ") MarshalJSON() ([]byte, error) {")
	s.line(1, "type plain ", n.Name)
	s.line(1, "p := plain(x)")
	for _, f := range fills {
		s.line(1, "if ", f.isZero, " {")
		s.line(2, f.set)
		s.line(1, "}")
	}
	if n.Library {
		s.line(1, "b, err := ", s.q(jsonPkg, "Marshal"), "(p)")
		s.line(1, "if err != nil {")
		s.line(2, "return nil, err")
		s.line(1, "}")
		s.line(1, "return ", s.q(implPkg, "AppendMembers"), "(b, x.extra)")
	} else {
		s.line(1, "return ", s.q(jsonPkg, "Marshal"), "(p)")
	}
	s.line(0, "}")
	e.add(n.File, s)
}

// literalZero is the Go zero value of a scalar of kind k.
func literalZero(k model.Kind) string {
	switch k {
	case model.String:
		return `""`
	case model.Bool:
		return "false"
	}
	return "0"
}
