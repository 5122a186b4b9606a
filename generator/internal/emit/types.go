package emit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/triggergen/triggergen/generator/internal/model"
)

// named emits a named type with its methods.
func (e *emitter) named(n *model.Named) {
	f := e.file(n.File)
	switch n.Kind {
	case model.Struct:
		e.structDecl(f, n)
		if n.Role == "config" {
			e.configMethods(f, n)
		}
		if n.Validated && n.HasChecks() {
			e.validateMethod(f, n)
		}
		e.unmarshalJSON(f, n)
		e.decodeJSONMethod(f, n)
		e.marshalJSON(f, n)
		if n.Role == "config" {
			e.defaultConsts(f, n)
		}
		if !n.Validated {
			e.getters(f, n)
		}
	case model.Enum:
		e.enumDecl(f, n)
	case model.Union:
		e.unionDecl(f, n)
	case model.RawMap:
		f.Add(comment(typeDoc(n) + "\n\nThe schema lists no properties, so the payload keeps every field as raw JSON."))
		f.Type().Id(n.Name).Map(jen.String()).Qual(jsonPkg, "RawMessage")
		f.Line()
		e.unmarshalRawMap(f, n)
	}
}

// kv is one "Key: value" element of a composite literal, kept in the order given.
func kv(key string, v jen.Code) jen.Code {
	return jen.Line().Id(key).Op(":").Add(v)
}

// structDecl emits
//
//	type CommitEventConfig struct {
//		// Owner of the repository
//		Owner string `json:"owner" triggergen:"required"`
//	}
//
// A required field of a struct reachable from a config carries the tag
// triggergen:"required", which `triggergen vet` (analysis/requiredfield)
// reads to report composite literals that leave it out; a const field a
// literal may leave out (its zero value encodes as the const) does not.
func (e *emitter) structDecl(f *jen.File, n *model.Named) {
	f.Add(comment(typeDoc(n)))
	var fields []jen.Code
	for _, fl := range n.Fields {
		tag := fl.JSON
		if o := fl.Omit(); o != "" {
			tag += "," + o
		}
		tags := map[string]string{"json": tag}
		if n.Validated && fl.Required && !constImplied(fl) {
			tags["triggergen"] = "required"
		}
		s := jen.Null()
		if d := fieldDoc(fl, n.Validated); d != "" {
			s = comment(d).Line()
		}
		fields = append(fields, s.Id(fl.Name).Add(fieldType(fl)).Tag(tags))
	}
	if n.Library {
		fields = append(fields, jen.Line().Comment("extra holds the members read without a field here (and explicit nulls of").Line().
			Comment("optional fields), which MarshalJSON writes back.").Line().Id("extra").Index().Qual(implPkg, "Member"))
	}
	f.Type().Id(n.Name).Struct(fields...)
	f.Line()
}

func fieldType(fl *model.Field) jen.Code {
	if fl.Pointer() {
		return jen.Op("*").Add(goType(fl.Type))
	}
	return goType(fl.Type)
}

// goType is the Go type of a value of t.
func goType(t *model.Type) *jen.Statement {
	switch t.Kind {
	case model.Bool:
		return jen.Bool()
	case model.Int:
		return jen.Int64()
	case model.Float:
		return jen.Float64()
	case model.String:
		return jen.String()
	case model.DateTime:
		return jen.Qual(triggerPkg, "DateTime")
	case model.Date:
		return jen.Qual(triggerPkg, "Date")
	case model.Object:
		return jen.Map(jen.String()).Qual(jsonPkg, "RawMessage")
	case model.Map:
		return jen.Map(jen.String()).Add(elemType(t))
	case model.Slice:
		return jen.Index().Add(elemType(t))
	case model.Ref:
		return jen.Id(t.Named.Name)
	}
	return jen.Qual(jsonPkg, "RawMessage")
}

func elemType(t *model.Type) *jen.Statement {
	if t.ElemPointer() {
		return jen.Op("*").Add(goType(t.Elem))
	}
	return goType(t.Elem)
}

// configMethods emits TriggerType and Validate:
//
//	func (CommitEventConfig) TriggerType() trigger.Type { return trigger.Type{...} }
//	func (c CommitEventConfig) Validate() error { ... }
func (e *emitter) configMethods(f *jen.File, n *model.Named) {
	t := n.Trigger
	kind := "Webhook"
	if t.Kind == "poll" {
		kind = "Poll"
	}
	version := jen.Id("ToolkitVersion")
	if t.Version != "" && t.Version != e.p.Version {
		version = jen.Lit(t.Version)
	}
	f.Add(comment(fmt.Sprintf("TriggerType returns the metadata of the %s trigger type.", t.Slug)))
	f.Func().Params(jen.Id(n.Name)).Id("TriggerType").Params().Qual(triggerPkg, "Type").Block(
		jen.Return(jen.Qual(triggerPkg, "Type").Values(
			kv("Slug", jen.Id(t.SlugConst)),
			kv("Toolkit", jen.Id("Toolkit")),
			kv("ToolkitVersion", version),
			kv("Kind", jen.Qual(triggerPkg, kind)),
			kv("RequiresWebhookEndpointSetup", jen.Lit(t.RequiresSetup)),
			jen.Line(),
		)),
	)
	f.Line()
	if n.Library {
		f.Add(comment(fmt.Sprintf("Validate checks c against the config schema of %s with the JSON Schema library santhosh-tekuri/jsonschema (the generated checks do not cover %s): it encodes c and validates the JSON. A violation makes the error a trigger.ValidationErrors listing each with its JSON pointer.", t.Slug, n.LibraryReason)))
		f.Func().Params(jen.Id("c").Id(n.Name)).Id("Validate").Params().Error().Block(
			jen.Return(jen.Id(n.SchemaVar).Dot("Validate").Call(jen.Id("c"))),
		)
		f.Line()
		f.Add(comment(fmt.Sprintf("%s is the config schema of %s, compiled on first use.", n.SchemaVar, t.Slug)))
		f.Var().Id(n.SchemaVar).Op("=").Qual(schemacheckPkg, "New").Call(jen.Lit(n.SchemaURL), schemaLit(n.Schema))
		f.Line()
		f.Var().Id("_").Qual(triggerPkg, "Config").Op("=").Id(n.Name).Values()
		f.Line()
		return
	}
	if n.HasChecks() {
		f.Add(comment(fmt.Sprintf("Validate checks c against the config schema of %s. A non-nil error is a trigger.ValidationErrors listing every violation with its JSON pointer.", t.Slug)))
		f.Func().Params(jen.Id("c").Id(n.Name)).Id("Validate").Params().Error().Block(
			jen.Var().Id("errs").Qual(implPkg, "Errors"),
			jen.Id("c").Dot("validate").Call(jen.Lit(""), jen.Op("&").Id("errs")),
			jen.Return(jen.Id("errs").Dot("Err").Call()),
		)
	} else {
		f.Add(comment(fmt.Sprintf("Validate returns nil: every value of %s satisfies the config schema of %s (decoding checks the JSON types and required properties).", n.Name, t.Slug)))
		f.Func().Params(jen.Id(n.Name)).Id("Validate").Params().Error().Block(jen.Return(jen.Nil()))
	}
	f.Line()
	f.Var().Id("_").Qual(triggerPkg, "Config").Op("=").Id(n.Name).Values()
	f.Line()
}

// defaultConsts emits the defaults of optional config fields:
//
//	const NewMessageConfigIntervalDefault float64 = 1
func (e *emitter) defaultConsts(f *jen.File, n *model.Named) {
	var defs []jen.Code
	for _, fl := range n.Fields {
		if fl.DefaultConst == "" {
			continue
		}
		c := comment(fmt.Sprintf("%s is the default of %s.%s, which the server applies when the field is unset.", fl.DefaultConst, n.Name, fl.Name)).Line().Id(fl.DefaultConst)
		switch v := fl.Default.(type) {
		case string:
			if fl.Type.Kind == model.Ref {
				for _, ev := range fl.Type.Named.Values {
					if ev.Value == v {
						c.Id(fl.Type.Named.Name).Op("=").Id(ev.Name)
					}
				}
			} else {
				c.Op("=").Lit(v)
			}
		case bool:
			c.Op("=").Lit(v)
		case json.Number:
			if fl.Type.Kind == model.Int {
				c.Int64().Op("=").Id(string(v))
			} else {
				c.Float64().Op("=").Id(string(v))
			}
		}
		defs = append(defs, c)
	}
	if len(defs) > 0 {
		f.Const().Defs(defs...)
		f.Line()
	}
}

// enumDecl emits
//
//	type Color string
//	const ( ColorRed Color = "red" )
//	func (v Color) Valid() bool { ... }
func (e *emitter) enumDecl(f *jen.File, n *model.Named) {
	f.Add(comment(typeDoc(n)))
	f.Type().Id(n.Name).String()
	f.Line()
	var defs, ids []jen.Code
	for _, v := range n.Values {
		defs = append(defs, jen.Id(v.Name).Id(n.Name).Op("=").Lit(v.Value))
		ids = append(ids, jen.Id(v.Name))
	}
	f.Add(comment(fmt.Sprintf("Values of %s.", n.Name)))
	f.Const().Defs(defs...)
	f.Line()
	f.Add(comment("Valid reports whether v is one of the values the schema allows."))
	f.Func().Params(jen.Id("v").Id(n.Name)).Id("Valid").Params().Bool().Block(
		jen.Switch(jen.Id("v")).Block(jen.Case(ids...).Block(jen.Return(jen.True()))),
		jen.Return(jen.False()),
	)
	f.Line()
}

// unionDecl emits
//
//	type Value struct{ raw json.RawMessage }
//	func (u Value) AsString() (string, bool) { return trigger.DecodeAs[string](u.raw, "string") }
//	func (u *Value) SetString(v string) { u.raw = trigger.EncodeRaw(v) }
func (e *emitter) unionDecl(f *jen.File, n *model.Named) {
	var kinds []string
	for _, v := range n.Variants {
		kinds = append(kinds, variantDesc(v))
	}
	word := "any"
	if n.OneOf {
		word = "exactly one"
	}
	f.Add(comment(typeDoc(n) + fmt.Sprintf("\n\nThe value must match %s of: %s.", word, strings.Join(kinds, ", "))))
	f.Type().Id(n.Name).Struct(jen.Id("raw").Qual(jsonPkg, "RawMessage"))
	f.Line()
	for _, v := range n.Variants {
		what := "the " + variantDesc(v) + " v"
		if v.Type.Kind == model.Raw {
			what = "the JSON value v"
		}
		f.Add(comment(fmt.Sprintf("%s returns a %s holding %s.", v.Ctor, n.Name, what)))
		f.Func().Id(v.Ctor).Params(jen.Id("v").Add(goType(v.Type))).Id(n.Name).Block(
			jen.Var().Id("u").Id(n.Name),
			jen.Id("u").Dot("Set"+v.Name).Call(jen.Id("v")),
			jen.Return(jen.Id("u")),
		)
		f.Line()
	}
	for _, v := range n.Variants {
		gt := goType(v.Type)
		f.Add(comment(fmt.Sprintf("As%s returns the value as %s; ok is false when it is not one.", v.Name, variantDesc(v))))
		f.Func().Params(jen.Id("u").Id(n.Name)).Id("As"+v.Name).Params().Params(jen.Id("v").Add(gt), jen.Id("ok").Bool()).Block(
			jen.Return(jen.Qual(implPkg, "DecodeAs").Index(goType(v.Type)).Call(jen.Id("u").Dot("raw"), jen.Lit(v.JSONKind))),
		)
		f.Line()
		f.Add(comment(fmt.Sprintf("Set%s sets the value to v.", v.Name)))
		f.Func().Params(jen.Id("u").Op("*").Id(n.Name)).Id("Set" + v.Name).Params(jen.Id("v").Add(goType(v.Type))).Block(
			jen.Id("u").Dot("raw").Op("=").Qual(implPkg, "EncodeRaw").Call(jen.Id("v")),
		)
		f.Line()
	}
	f.Add(comment("Raw returns the JSON value as received or set."))
	f.Func().Params(jen.Id("u").Id(n.Name)).Id("Raw").Params().Qual(jsonPkg, "RawMessage").Block(jen.Return(jen.Id("u").Dot("raw")))
	f.Line()
	f.Add(comment("IsNull reports whether the value is unset or JSON null."))
	f.Func().Params(jen.Id("u").Id(n.Name)).Id("IsNull").Params().Bool().Block(
		jen.Return(jen.Id("u").Dot("raw").Op("==").Nil().Op("||").Qual(implPkg, "JSONKind").Call(jen.Id("u").Dot("raw")).Op("==").Lit("null")),
	)
	f.Line()
	f.Add(comment("IsZero reports whether the value is unset (omitzero omits it)."))
	f.Func().Params(jen.Id("u").Id(n.Name)).Id("IsZero").Params().Bool().Block(jen.Return(jen.Id("u").Dot("raw").Op("==").Nil()))
	f.Line()
	f.Add(comment("MarshalJSON writes the value as received or set; unset is null."))
	f.Func().Params(jen.Id("u").Id(n.Name)).Id("MarshalJSON").Params().Params(jen.Index().Byte(), jen.Error()).Block(
		jen.If(jen.Id("u").Dot("raw").Op("==").Nil()).Block(jen.Return(jen.Index().Byte().Parens(jen.Lit("null")), jen.Nil())),
		jen.Return(jen.Id("u").Dot("raw"), jen.Nil()),
	)
	f.Line()
	f.Add(comment("UnmarshalJSON keeps the JSON value; it never fails."))
	f.Func().Params(jen.Id("u").Op("*").Id(n.Name)).Id("UnmarshalJSON").Params(jen.Id("b").Index().Byte()).Error().Block(
		jen.Id("u").Dot("raw").Op("=").Append(jen.Qual(jsonPkg, "RawMessage").Parens(jen.Nil()), jen.Id("b").Op("...")),
		jen.Return(jen.Nil()),
	)
	f.Line()
	if n.Validated {
		e.unionValidate(f, n, kinds)
	}
}

// literal is the Go literal of a JSON scalar for a value of kind k.
func literal(k model.Kind, x any) jen.Code {
	switch v := x.(type) {
	case json.Number:
		if k == model.Int {
			// The model keeps only integer consts and enums in int64.
			r, _ := new(big.Rat).SetString(string(v))
			return jen.Id(r.Num().String())
		}
		f, _ := v.Float64()
		return jen.Lit(f)
	case bool:
		return jen.Lit(v)
	case string:
		return jen.Lit(v)
	}
	return jen.Nil()
}

// schemaLit is the Go literal of a schema: the JSON indented in a raw
// string, or a quoted string when the JSON holds a backquote.
func schemaLit(schema []byte) jen.Code {
	var buf bytes.Buffer
	if json.Indent(&buf, schema, "", "\t") != nil || bytes.ContainsRune(buf.Bytes(), '`') || bytes.ContainsRune(buf.Bytes(), '\r') {
		return jen.Lit(string(schema))
	}
	return jen.Op("`" + buf.String() + "`")
}
