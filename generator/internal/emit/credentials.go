package emit

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/triggergen/triggergen/generator/internal/model"
	"github.com/triggergen/triggergen/internal/jsonpointer"
)

// credentials emits credentials.gen.go: two structs with named fields, the
// full set for a replace (POST; required fields are values tagged
// triggergen:"required", optional ones pointers) and the partial update for
// a merge (PATCH; every field a pointer, only non-nil ones sent), each with
// the methods of trigger.EndpointCredentials / trigger.EndpointUpdate and a
// redacting Format.
//
//	type WebhookCredentials struct {
//		WebhookSigningSecret secret.Value `triggergen:"required"`
//		AppToken             secret.Value `triggergen:"required"`
//	}
//	type WebhookCredentialsUpdate struct {
//		WebhookSigningSecret *secret.Value
//		AppToken             *secret.Value
//	}
func (e *emitter) credentials() {
	cr := e.p.Creds
	f := e.jenFile(cr.File)
	tk := e.p.Toolkit

	// The full set.
	f.Add(comment(fmt.Sprintf("%s is the full set of setup fields of the %s webhook endpoint: the body of a replace (POST), which clears every field it does not carry. Required fields are values, optional ones pointers (nil is not sent); the client calls Validate before any request, so a required field left empty is refused without one. Secret fields are secret.Value and never print.", cr.Type, tk)))
	var fields []jen.Code
	for _, fl := range cr.Fields {
		t := credType(fl)
		if !fl.Required {
			t = jen.Op("*").Add(t)
		}
		field := comment(credDoc(fl, false)).Line().Id(fl.Name).Add(t)
		if fl.Required {
			field.Tag(map[string]string{"triggergen": "required"})
		}
		fields = append(fields, field)
	}
	f.Type().Id(cr.Type).Struct(fields...)
	f.Line()
	e.endpointToolkit(f, cr.Type)
	f.Add(comment("EndpointFields lists the required fields and the optional fields that are set, in schema order."))
	body := []jen.Code{jen.Var().Id("fields").Index().Qual(triggerPkg, "EndpointField")}
	for _, fl := range cr.Fields {
		if fl.Required {
			body = append(body, appendField(fl, jen.Id("c").Dot(fl.Name)))
		} else {
			body = append(body, jen.If(jen.Id("c").Dot(fl.Name).Op("!=").Nil()).Block(appendField(fl, jen.Op("*").Id("c").Dot(fl.Name))))
		}
	}
	body = append(body, jen.Return(jen.Id("fields")))
	f.Func().Params(jen.Id("c").Id(cr.Type)).Id("EndpointFields").Params().Index().Qual(triggerPkg, "EndpointField").Block(body...)
	f.Line()
	f.Add(comment("Validate reports each required field of c left empty."))
	vbody := []jen.Code{jen.Var().Id("errs").Qual(implPkg, "Errors")}
	for _, fl := range cr.Fields {
		if fl.Required {
			vbody = append(vbody, requireSet(fl, "c", false, "is required"))
		}
	}
	vbody = append(vbody, jen.Return(jen.Id("errs").Dot("Err").Call()))
	f.Func().Params(jen.Id("c").Id(cr.Type)).Id("Validate").Params().Error().Block(vbody...)
	f.Line()
	e.endpointFormat(f, cr.Type, "c")

	// The partial update.
	f.Add(comment(fmt.Sprintf("%s is a partial update of the %s webhook endpoint's setup fields: the body of a merge (PATCH). Only its non-nil fields are sent; the server keeps the others. The client calls Validate before any request and refuses an update that sets no field.", cr.Update, tk)))
	var ufields []jen.Code
	for _, fl := range cr.Fields {
		ufields = append(ufields, comment(credDoc(fl, true)).Line().Id(fl.Name).Op("*").Add(credType(fl)))
	}
	f.Type().Id(cr.Update).Struct(ufields...)
	f.Line()
	e.endpointToolkit(f, cr.Update)
	f.Add(comment("EndpointFields lists the fields that are set, in schema order."))
	body = []jen.Code{jen.Var().Id("fields").Index().Qual(triggerPkg, "EndpointField")}
	for _, fl := range cr.Fields {
		body = append(body, jen.If(jen.Id("u").Dot(fl.Name).Op("!=").Nil()).Block(appendField(fl, jen.Op("*").Id("u").Dot(fl.Name))))
	}
	body = append(body, jen.Return(jen.Id("fields")))
	f.Func().Params(jen.Id("u").Id(cr.Update)).Id("EndpointFields").Params().Index().Qual(triggerPkg, "EndpointField").Block(body...)
	f.Line()
	f.Add(comment("Validate reports each required field that u sets to an empty value: the merge would clear it."))
	vbody = []jen.Code{jen.Var().Id("errs").Qual(implPkg, "Errors")}
	for _, fl := range cr.Fields {
		if fl.Required {
			vbody = append(vbody, jen.If(jen.Id("u").Dot(fl.Name).Op("!=").Nil()).Block(
				requireSet(fl, "u", true, "is required and cannot be cleared")))
		}
	}
	vbody = append(vbody, jen.Return(jen.Id("errs").Dot("Err").Call()))
	f.Func().Params(jen.Id("u").Id(cr.Update)).Id("Validate").Params().Error().Block(vbody...)
	f.Line()
	e.endpointFormat(f, cr.Update, "u")
	f.Var().Defs(
		jen.Id("_").Qual(triggerPkg, "EndpointCredentials").Op("=").Id(cr.Type).Values(),
		jen.Id("_").Qual(triggerPkg, "EndpointUpdate").Op("=").Id(cr.Update).Values(),
	)
}

// endpointToolkit emits
//
//	func (WebhookCredentials) EndpointToolkit() string { return Toolkit }
func (e *emitter) endpointToolkit(f *jen.File, typ string) {
	f.Add(comment("EndpointToolkit returns the toolkit slug."))
	f.Func().Params(jen.Id(typ)).Id("EndpointToolkit").Params().String().Block(jen.Return(jen.Id("Toolkit")))
	f.Line()
}

// endpointFormat emits a Format method that prints the fields set, secret
// values redacted: fmt would print a pointer field as an address.
//
//	func (c WebhookCredentials) Format(f fmt.State, _ rune) { triggerimpl.FormatEndpointFields(...) }
func (e *emitter) endpointFormat(f *jen.File, typ, recv string) {
	f.Add(comment(fmt.Sprintf("Format prints the setup fields %s sets, with secret values redacted, for every verb.", recv)))
	f.Func().Params(jen.Id(recv).Id(typ)).Id("Format").Params(jen.Id("f").Qual("fmt", "State"), jen.Id("_").Rune()).Block(
		jen.Qual(implPkg, "FormatEndpointFields").Call(jen.Id("f"), jen.Lit(e.p.Name+"."+typ), jen.Id(recv).Dot("EndpointFields").Call()),
	)
	f.Line()
}

// requireSet emits the check that field fl of recv (a pointer to follow
// when deref) is not empty:
//
//	if c.AppToken.IsZero() { errs.Add("/app_token", "required", "App-Level Token is required") }
//	if *u.Region == "" { ... }
func requireSet(fl *model.CredField, recv string, deref bool, what string) jen.Code {
	val := jen.Id(recv).Dot(fl.Name)
	var cond *jen.Statement
	switch {
	case fl.Secret:
		cond = val.Dot("IsZero").Call() // a method of secret.Value, also through a pointer
	case deref:
		cond = jen.Op("*").Add(val).Op("==").Lit("")
	default:
		cond = val.Op("==").Lit("")
	}
	return jen.If(cond).Block(jen.Id("errs").Dot("Add").Call(jen.Lit("/"+jsonpointer.Escape(fl.Key)), jen.Lit("required"), jen.Lit(display(fl)+" "+what)))
}

func credType(fl *model.CredField) *jen.Statement {
	if fl.Secret {
		return jen.Qual(secretPkg, "Value")
	}
	return jen.String()
}

// appendField emits
//
//	fields = append(fields, trigger.EndpointField{Name: "app_token", Value: c.AppToken, Sensitive: true})
func appendField(fl *model.CredField, val jen.Code) jen.Code {
	v := jen.Add(val)
	if !fl.Secret {
		v = jen.Qual(secretPkg, "New").Call(val)
	}
	return jen.Id("fields").Op("=").Append(jen.Id("fields"), jen.Qual(triggerPkg, "EndpointField").Values(
		kv("Name", jen.Lit(fl.Key)), kv("Value", v), kv("Sensitive", jen.Lit(fl.Secret)), jen.Line()))
}

func display(fl *model.CredField) string {
	if fl.DisplayName != "" {
		return fl.DisplayName
	}
	return fl.Key
}

// credDoc documents a setup field in the full set, or in the update.
func credDoc(fl *model.CredField, update bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s is %q (setup field %q)", fl.Name, display(fl), fl.Key)
	if d := strings.TrimSpace(fl.Description); d != "" {
		b.WriteString(": " + d)
		if !strings.HasSuffix(d, ".") {
			b.WriteString(".")
		}
	} else {
		b.WriteString(".")
	}
	var flags []string
	switch {
	case update:
		flags = append(flags, "Nil keeps the stored value")
	case fl.Required:
		flags = append(flags, "Required")
	default:
		flags = append(flags, "Optional")
	}
	if fl.Secret {
		flags = append(flags, "secret")
	}
	b.WriteString(" " + strings.Join(flags, "; ") + ".")
	return b.String()
}
