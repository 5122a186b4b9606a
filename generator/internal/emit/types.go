package emit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dave/jennifer/jen"

	"github.com/triggergen/triggergen/generator/internal/model"
)

// named emits a named type with its methods.
func (e *emitter) named(n *model.Named) {
	switch n.Kind {
	case model.Struct:
		e.structDecl(n)
		if n.Role == "config" {
			e.configMethods(n)
		}
		if n.Validated && n.HasChecks() {
			e.validateMethod(e.jenFile(n.File), n)
		}
		e.unmarshalJSON(n)
		e.decodeJSONMethod(n)
		e.marshalJSON(n)
		if n.Role == "config" {
			e.defaultConsts(n)
		}
		if !n.Validated {
			e.getters(n)
		}
	case model.Enum:
		e.enumDecl(n)
	case model.Union:
		e.unionDecl(n)
	case model.RawMap:
		s := e.source()
		s.doc(typeDoc(n) + "\n\nThe schema lists no properties, so the payload keeps every field as raw JSON.")
		s.line(0, "type ", n.Name, " map[string]", s.q(jsonPkg, "RawMessage"))
		e.add(n.File, s)
		e.unmarshalRawMap(n)
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
//
// As gofmt does, the names, types and tags of fields written on
// consecutive lines (no comment between them) are aligned in columns: each
// column is as wide as its widest cell plus one space.
func (e *emitter) structDecl(n *model.Named) {
	s := e.source()
	s.doc(typeDoc(n))
	if len(n.Fields) == 0 && !n.Library {
		s.line(0, "type ", n.Name, " struct{}")
		e.add(n.File, s)
		return
	}
	s.line(0, "type ", n.Name, " struct {")
	type row struct{ name, typ, tag string }
	var run []row
	flush := func() {
		wn, wt := 0, 0
		for _, r := range run {
			wn, wt = max(wn, width(r.name)), max(wt, width(r.typ))
		}
		for _, r := range run {
			s.line(1, r.name, pad(wn-width(r.name)+1), r.typ, pad(wt-width(r.typ)+1), r.tag)
		}
		run = run[:0]
	}
	for _, fl := range n.Fields {
		tg := fl.JSON
		if o := fl.Omit(); o != "" {
			tg += "," + o
		}
		t := tag("json", tg)
		if n.Validated && fl.Required && !constImplied(fl) {
			t = tag("json", tg, "triggergen", "required")
		}
		if d := fieldDoc(fl, n.Validated); d != "" {
			flush()
			s.comment(1, d)
		}
		run = append(run, row{fl.Name, fieldType(s, fl), t})
	}
	flush()
	if n.Library {
		// gofmt keeps the blank line written before the comment, even
		// right after the brace.
		s.line(0)
		s.line(1, "// extra holds the members read without a field here (and explicit nulls of")
		s.line(1, "// optional fields), which MarshalJSON writes back.")
		s.line(1, "extra []", s.q(implPkg, "Member"))
	}
	s.line(0, "}")
	e.add(n.File, s)
}

// pad is n spaces.
func pad(n int) string { return strings.Repeat(" ", n) }

// width is the width of a cell as gofmt's tabwriter counts it, in runes.
func width(s string) int { return utf8.RuneCountInString(s) }

func fieldType(s *source, fl *model.Field) string {
	if fl.Pointer() {
		return "*" + goType(s, fl.Type)
	}
	return goType(s, fl.Type)
}

// goType is the Go type of a value of t.
func goType(s *source, t *model.Type) string {
	switch t.Kind {
	case model.Bool:
		return "bool"
	case model.Int:
		return "int64"
	case model.Float:
		return "float64"
	case model.String:
		return "string"
	case model.DateTime:
		return s.q(triggerPkg, "DateTime")
	case model.Date:
		return s.q(triggerPkg, "Date")
	case model.Object:
		return "map[string]" + s.q(jsonPkg, "RawMessage")
	case model.Map:
		return "map[string]" + elemType(s, t)
	case model.Slice:
		return "[]" + elemType(s, t)
	case model.Ref:
		return t.Named.Name
	}
	return s.q(jsonPkg, "RawMessage")
}

func elemType(s *source, t *model.Type) string {
	if t.ElemPointer() {
		return "*" + goType(s, t.Elem)
	}
	return goType(s, t.Elem)
}

// configMethods emits TriggerType and Validate:
//
//	func (CommitEventConfig) TriggerType() trigger.Type { return trigger.Type{...} }
//	func (c CommitEventConfig) Validate() error { ... }
//
// The keys of the composite literal are aligned, as gofmt aligns the
// key-value pairs of consecutive lines when no key is long.
func (e *emitter) configMethods(n *model.Named) {
	t := n.Trigger
	kind := "Webhook"
	if t.Kind == "poll" {
		kind = "Poll"
	}
	version := "ToolkitVersion"
	if t.Version != "" && t.Version != e.p.Version {
		version = lit(t.Version)
	}
	doc := fmt.Sprintf("TriggerType returns the metadata of the %s trigger type.", t.Slug)
	if len(version) > maxAlignedValue || len(t.SlugConst) > maxAlignedValue {
		e.triggerTypeJen(n, doc, version, kind)
	} else {
		e.triggerType(n, doc, version, kind)
	}
	if n.Library {
		e.fn(n.File, fmt.Sprintf("Validate checks c against the config schema of %s with the JSON Schema library santhosh-tekuri/jsonschema (the generated checks do not cover %s): it encodes c and validates the JSON. A violation makes the error a trigger.ValidationErrors listing each with its JSON pointer.", t.Slug, n.LibraryReason),
			"func (c "+n.Name+") Validate() error",
			"return "+n.SchemaVar+".Validate(c)")
		s := e.source()
		s.doc(fmt.Sprintf("%s is the config schema of %s, compiled on first use.", n.SchemaVar, t.Slug))
		s.line(0, "var ", n.SchemaVar, " = ", s.q(schemacheckPkg, "New"), "(", lit(n.SchemaURL), ", ", schemaLit(n.Schema), ")")
		e.add(n.File, s)
		e.assertConfig(n)
		return
	}
	if n.HasChecks() {
		s := e.source()
		doc = fmt.Sprintf("Validate checks c against the config schema of %s. A non-nil error is a trigger.ValidationErrors listing every violation with its JSON pointer.", t.Slug)
		e.fn(n.File, doc, "func (c "+n.Name+") Validate() error",
			"var errs "+s.q(implPkg, "Errors"), "c.validate(\"\", &errs)", "return errs.Err()")
	} else {
		doc = fmt.Sprintf("Validate returns nil: every value of %s satisfies the config schema of %s (decoding checks the JSON types and required properties).", n.Name, t.Slug)
		e.fn(n.File, doc, "func ("+n.Name+") Validate() error", "return nil")
	}
	e.assertConfig(n)
}

// maxAlignedValue bounds the values triggerType aligns: gofmt stops
// aligning the key-value pairs of a composite literal around a pair longer
// than a million bytes (go/printer's exprList), which only a hostile lock's
// version or slug could make; such a literal goes through jennifer and gofmt.
const maxAlignedValue = 1 << 16

// triggerType emits the TriggerType method:
//
//	func (CommitEventConfig) TriggerType() trigger.Type {
//		return trigger.Type{
//			Slug:                         CommitEventSlug,
//			...
//		}
//	}
func (e *emitter) triggerType(n *model.Named, doc, version, kind string) {
	s := e.source()
	typ := s.q(triggerPkg, "Type")
	e.fn(n.File, doc, "func ("+n.Name+") TriggerType() "+typ,
		"return "+typ+"{",
		"\tSlug:                         "+n.Trigger.SlugConst+",",
		"\tToolkit:                      Toolkit,",
		"\tToolkitVersion:               "+version+",",
		"\tKind:                         "+s.q(triggerPkg, kind)+",",
		"\tRequiresWebhookEndpointSetup: "+lit(n.Trigger.RequiresSetup)+",",
		"}")
}

// triggerTypeJen is triggerType through jennifer and gofmt.
func (e *emitter) triggerTypeJen(n *model.Named, doc, version, kind string) {
	f := e.jenFile(n.File)
	f.Add(comment(doc))
	f.Func().Params(jen.Id(n.Name)).Id("TriggerType").Params().Qual(triggerPkg, "Type").Block(
		jen.Return(jen.Qual(triggerPkg, "Type").Values(
			kv("Slug", jen.Id(n.Trigger.SlugConst)),
			kv("Toolkit", jen.Id("Toolkit")),
			kv("ToolkitVersion", jen.Id(version)),
			kv("Kind", jen.Qual(triggerPkg, kind)),
			kv("RequiresWebhookEndpointSetup", jen.Lit(n.Trigger.RequiresSetup)),
			jen.Line(),
		)),
	)
	f.Line()
}

// assertConfig emits var _ trigger.Config = CommitEventConfig{}.
func (e *emitter) assertConfig(n *model.Named) {
	s := e.source()
	s.line(0, "var _ ", s.q(triggerPkg, "Config"), " = ", n.Name, "{}")
	e.add(n.File, s)
}

// defaultConsts emits the defaults of optional config fields:
//
//	const (
//		// NewMessageConfigIntervalDefault is the default of ...
//		NewMessageConfigIntervalDefault float64 = 1
//	)
func (e *emitter) defaultConsts(n *model.Named) {
	s := e.source()
	for _, fl := range n.Fields {
		if fl.DefaultConst == "" {
			continue
		}
		if s.Len() == 0 {
			s.line(0, "const (")
		}
		s.comment(1, fmt.Sprintf("%s is the default of %s.%s, which the server applies when the field is unset.", fl.DefaultConst, n.Name, fl.Name))
		switch v := fl.Default.(type) {
		case string:
			if fl.Type.Kind == model.Ref {
				val := ""
				for _, ev := range fl.Type.Named.Values {
					if ev.Value == v {
						val += " " + fl.Type.Named.Name + " = " + ev.Name
					}
				}
				s.line(1, fl.DefaultConst, val)
			} else {
				s.line(1, fl.DefaultConst, " = ", lit(v))
			}
		case bool:
			s.line(1, fl.DefaultConst, " = ", lit(v))
		case json.Number:
			if fl.Type.Kind == model.Int {
				s.line(1, fl.DefaultConst, " int64 = ", string(v))
			} else {
				s.line(1, fl.DefaultConst, " float64 = ", string(v))
			}
		default:
			s.line(1, fl.DefaultConst)
		}
	}
	if s.Len() > 0 {
		s.line(0, ")")
		e.add(n.File, s)
	}
}

// enumDecl emits
//
//	type Color string
//	const ( ColorRed Color = "red" )
//	func (v Color) Valid() bool { ... }
//
// The names of the constants are aligned, as gofmt aligns the names,
// types and values of a const block.
func (e *emitter) enumDecl(n *model.Named) {
	s := e.source()
	s.doc(typeDoc(n))
	s.line(0, "type ", n.Name, " string")
	e.add(n.File, s)
	s = e.source()
	s.doc(fmt.Sprintf("Values of %s.", n.Name))
	w := 0
	for _, v := range n.Values {
		w = max(w, width(v.Name))
	}
	s.line(0, "const (")
	ids := make([]string, len(n.Values))
	for i, v := range n.Values {
		s.line(1, v.Name, pad(w-width(v.Name)+1), n.Name, " = ", lit(v.Value))
		ids[i] = v.Name
	}
	s.line(0, ")")
	e.add(n.File, s)
	e.fn(n.File, "Valid reports whether v is one of the values the schema allows.",
		"func (v "+n.Name+") Valid() bool",
		"switch v {", "case "+strings.Join(ids, ", ")+":", "\treturn true", "}", "return false")
}

// unionDecl emits
//
//	type Value struct{ raw json.RawMessage }
//	func (u Value) AsString() (string, bool) { return trigger.DecodeAs[string](u.raw, "string") }
//	func (u *Value) SetString(v string) { u.raw = trigger.EncodeRaw(v) }
func (e *emitter) unionDecl(n *model.Named) {
	var kinds []string
	for _, v := range n.Variants {
		kinds = append(kinds, variantDesc(v))
	}
	word := "any"
	if n.OneOf {
		word = "exactly one"
	}
	s := e.source()
	s.doc(typeDoc(n) + fmt.Sprintf("\n\nThe value must match %s of: %s.", word, strings.Join(kinds, ", ")))
	s.line(0, "type ", n.Name, " struct {")
	s.line(1, "raw ", s.q(jsonPkg, "RawMessage"))
	s.line(0, "}")
	e.add(n.File, s)
	for _, v := range n.Variants {
		what := "the " + variantDesc(v) + " v"
		if v.Type.Kind == model.Raw {
			what = "the JSON value v"
		}
		e.fn(n.File, fmt.Sprintf("%s returns a %s holding %s.", v.Ctor, n.Name, what),
			"func "+v.Ctor+"(v "+goType(s, v.Type)+") "+n.Name,
			"var u "+n.Name, "u.Set"+v.Name+"(v)", "return u")
	}
	for _, v := range n.Variants {
		gt := goType(s, v.Type)
		e.fn(n.File, fmt.Sprintf("As%s returns the value as %s; ok is false when it is not one.", v.Name, variantDesc(v)),
			"func (u "+n.Name+") As"+v.Name+"() (v "+gt+", ok bool)",
			"return "+s.q(implPkg, "DecodeAs")+"["+gt+"](u.raw, "+lit(v.JSONKind)+")")
		e.fn(n.File, fmt.Sprintf("Set%s sets the value to v.", v.Name),
			"func (u *"+n.Name+") Set"+v.Name+"(v "+goType(s, v.Type)+")",
			"u.raw = "+s.q(implPkg, "EncodeRaw")+"(v)")
	}
	e.fn(n.File, "Raw returns the JSON value as received or set.",
		"func (u "+n.Name+") Raw() "+s.q(jsonPkg, "RawMessage"),
		"return u.raw")
	e.fn(n.File, "IsNull reports whether the value is unset or JSON null.",
		"func (u "+n.Name+") IsNull() bool",
		"return u.raw == nil || "+s.q(implPkg, "JSONKind")+"(u.raw) == \"null\"")
	e.fn(n.File, "IsZero reports whether the value is unset (omitzero omits it).",
		"func (u "+n.Name+") IsZero() bool",
		"return u.raw == nil")
	e.fn(n.File, "MarshalJSON writes the value as received or set; unset is null.",
		"func (u "+n.Name+") MarshalJSON() ([]byte, error)",
		"if u.raw == nil {", "\treturn []byte(\"null\"), nil", "}", "return u.raw, nil")
	e.fn(n.File, "UnmarshalJSON keeps the JSON value; it never fails.",
		"func (u *"+n.Name+") UnmarshalJSON(b []byte) error",
		"u.raw = append("+s.q(jsonPkg, "RawMessage")+"(nil), b...)", "return nil")
	if n.Validated {
		e.unionValidate(e.jenFile(n.File), n, kinds)
	}
}

// goLiteral is the Go literal of a JSON scalar for a value of kind k.
func goLiteral(k model.Kind, x any) string {
	switch v := x.(type) {
	case json.Number:
		if k == model.Int {
			r, _ := new(big.Rat).SetString(string(v))
			return r.Num().String()
		}
		f, _ := v.Float64()
		return lit(f)
	case bool:
		return lit(v)
	case string:
		return lit(v)
	}
	return "nil"
}

// literal is goLiteral as jennifer code.
func literal(k model.Kind, x any) jen.Code { return jen.Id(goLiteral(k, x)) }

// schemaLit is the Go literal of a schema: the JSON indented in a raw
// string, or a quoted string when a raw string cannot hold it as it is (a
// backquote, a carriage return, which raw strings drop, invalid UTF-8, which
// Go source cannot hold, or a rune that is not printable, such as a BOM or a
// bidi control).
func schemaLit(schema []byte) string {
	var buf bytes.Buffer
	if json.Indent(&buf, schema, "", "\t") != nil || !rawStringSafe(buf.String()) {
		return lit(string(schema))
	}
	return "`" + buf.String() + "`"
}

// rawStringSafe reports whether s reads the same in a Go raw string literal
// and prints as itself.
func rawStringSafe(s string) bool {
	for _, r := range s {
		if r == '`' || r == utf8.RuneError || (r != '\n' && r != '\t' && !unicode.IsPrint(r)) {
			return false
		}
	}
	return true
}
