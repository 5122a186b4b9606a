package emit

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/triggergen/triggergen/generator/internal/model"
)

// credentials emits credentials.gen.go: the full set for replace (POST), its
// constructor and options, and the partial update for PATCH.
//
//	type WebhookCredentials struct{ WebhookSigningSecret secret.Value; ... }
//	func NewWebhookCredentials(webhookSigningSecret, appToken secret.Value, opts ...WebhookCredentialsOption) WebhookCredentials
//	type WebhookCredentialsUpdate struct{ ... }
//	func (u *WebhookCredentialsUpdate) SetAppToken(v secret.Value) *WebhookCredentialsUpdate
func (e *emitter) credentials() {
	cr := e.p.Creds
	f := e.file(cr.File)
	tk := e.p.Toolkit

	// The full set.
	f.Add(comment(fmt.Sprintf("%s is the full set of setup fields of the %s webhook endpoint: the body of a replace (POST), which clears every field it does not carry. Build it with %s, which takes the required fields as arguments. Secret fields are secret.Value and never print.", cr.Type, tk, cr.Constructor)))
	var fields []jen.Code
	for _, fl := range cr.Fields {
		t := credType(fl)
		if !fl.Required {
			t = jen.Op("*").Add(t)
		}
		fields = append(fields, comment(credDoc(fl)).Line().Id(fl.Name).Add(t))
	}
	f.Type().Id(cr.Type).Struct(fields...)
	f.Line()

	f.Add(comment(fmt.Sprintf("%s sets an optional field of %s.", cr.Option, cr.Type)))
	f.Type().Id(cr.Option).Func().Params(jen.Op("*").Id(cr.Type))
	f.Line()

	var params []jen.Code
	var dict []jen.Code
	for _, fl := range cr.Fields {
		if fl.Required {
			params = append(params, jen.Id(fl.Param).Add(credType(fl)))
			dict = append(dict, kv(fl.Name, jen.Id(fl.Param)))
		}
	}
	if len(dict) > 0 {
		dict = append(dict, jen.Line())
	}
	params = append(params, jen.Id("opts").Op("...").Id(cr.Option))
	f.Add(comment(fmt.Sprintf("%s returns the full credential set; its arguments are the required fields, options set the optional ones.", cr.Constructor)))
	f.Func().Id(cr.Constructor).Params(params...).Id(cr.Type).Block(
		jen.Id("c").Op(":=").Id(cr.Type).Values(dict...),
		jen.For(jen.List(jen.Id("_"), jen.Id("o")).Op(":=").Range().Id("opts")).Block(jen.Id("o").Call(jen.Op("&").Id("c"))),
		jen.Return(jen.Id("c")),
	)
	f.Line()
	for _, fl := range cr.Fields {
		if fl.Required {
			continue
		}
		f.Add(comment(fmt.Sprintf("%s sets the optional field %s (%s).", fl.Option, fl.Name, display(fl))))
		f.Func().Id(fl.Option).Params(jen.Id("v").Add(credType(fl))).Id(cr.Option).Block(
			jen.Return(jen.Func().Params(jen.Id("c").Op("*").Id(cr.Type)).Block(jen.Id("c").Dot(fl.Name).Op("=").Op("&").Id("v"))),
		)
		f.Line()
	}
	f.Add(comment("EndpointToolkit returns the toolkit slug."))
	f.Func().Params(jen.Id(cr.Type)).Id("EndpointToolkit").Params().String().Block(jen.Return(jen.Id("Toolkit")))
	f.Line()
	f.Add(comment("EndpointFields lists the required fields and the optional fields that are set, in schema order."))
	var body []jen.Code
	body = append(body, jen.Var().Id("fields").Index().Qual(triggerPkg, "EndpointField"))
	for _, fl := range cr.Fields {
		val := jen.Id("c").Dot(fl.Name)
		if !fl.Required {
			val = jen.Op("*").Add(val)
		}
		app := jen.Id("fields").Op("=").Append(jen.Id("fields"), endpointField(fl, val))
		if fl.Required {
			body = append(body, app)
		} else {
			body = append(body, jen.If(jen.Id("c").Dot(fl.Name).Op("!=").Nil()).Block(app))
		}
	}
	body = append(body, jen.Return(jen.Id("fields")))
	f.Func().Params(jen.Id("c").Id(cr.Type)).Id("EndpointFields").Params().Index().Qual(triggerPkg, "EndpointField").Block(body...)
	f.Line()
	f.Add(comment("Validate reports a required field left empty (possible only for a value not built with " + cr.Constructor + ")."))
	var vbody []jen.Code
	vbody = append(vbody, jen.Var().Id("errs").Qual(implPkg, "Errors"))
	for _, fl := range cr.Fields {
		if !fl.Required {
			continue
		}
		cond := jen.Id("c").Dot(fl.Name).Op("==").Lit("")
		if fl.Secret {
			cond = jen.Id("c").Dot(fl.Name).Dot("IsZero").Call()
		}
		vbody = append(vbody, jen.If(cond).Block(jen.Id("errs").Dot("Add").Call(jen.Lit("/"+escapeToken(fl.Key)), jen.Lit("required"), jen.Lit(display(fl)+" is required"))))
	}
	vbody = append(vbody, jen.Return(jen.Id("errs").Dot("Err").Call()))
	f.Func().Params(jen.Id("c").Id(cr.Type)).Id("Validate").Params().Error().Block(vbody...)
	f.Line()

	// The partial update.
	f.Add(comment(fmt.Sprintf("%s is a partial update of the %s webhook endpoint's setup fields: the body of a merge (PATCH). Only the fields set with its Set methods are sent; the server keeps the others. The zero value sets nothing.", cr.Update, tk)))
	var ufields []jen.Code
	for _, fl := range cr.Fields {
		ufields = append(ufields, jen.Id(fl.Param).Op("*").Add(credType(fl)))
	}
	f.Type().Id(cr.Update).Struct(ufields...)
	f.Line()
	for _, fl := range cr.Fields {
		f.Add(comment(fmt.Sprintf("%s sets the setup field %q (%s). It returns u so that calls chain.", fl.Setter, fl.Key, display(fl))))
		f.Func().Params(jen.Id("u").Op("*").Id(cr.Update)).Id(fl.Setter).Params(jen.Id("v").Add(credType(fl))).Op("*").Id(cr.Update).Block(
			jen.Id("u").Dot(fl.Param).Op("=").Op("&").Id("v"),
			jen.Return(jen.Id("u")),
		)
		f.Line()
	}
	f.Add(comment("EndpointToolkit returns the toolkit slug."))
	f.Func().Params(jen.Id(cr.Update)).Id("EndpointToolkit").Params().String().Block(jen.Return(jen.Id("Toolkit")))
	f.Line()
	f.Add(comment("EndpointFields lists the fields that are set, in schema order."))
	body = []jen.Code{jen.Var().Id("fields").Index().Qual(triggerPkg, "EndpointField")}
	for _, fl := range cr.Fields {
		body = append(body, jen.If(jen.Id("u").Dot(fl.Param).Op("!=").Nil()).Block(
			jen.Id("fields").Op("=").Append(jen.Id("fields"), endpointField(fl, jen.Op("*").Id("u").Dot(fl.Param)))))
	}
	body = append(body, jen.Return(jen.Id("fields")))
	f.Func().Params(jen.Id("u").Id(cr.Update)).Id("EndpointFields").Params().Index().Qual(triggerPkg, "EndpointField").Block(body...)
	f.Line()
	// The fields are unexported, where fmt cannot reach secret.Value's
	// redacting methods: the type formats itself.
	f.Add(comment("Format prints the setup fields u sets, with secret values redacted, for every verb."))
	f.Func().Params(jen.Id("u").Id(cr.Update)).Id("Format").Params(jen.Id("f").Qual("fmt", "State"), jen.Id("_").Rune()).Block(
		jen.Qual(implPkg, "FormatEndpointFields").Call(jen.Id("f"), jen.Lit(e.p.Name+"."+cr.Update), jen.Id("u").Dot("EndpointFields").Call()),
	)
	f.Line()
	f.Var().Defs(
		jen.Id("_").Qual(triggerPkg, "EndpointCredentials").Op("=").Id(cr.Type).Values(),
		jen.Id("_").Qual(triggerPkg, "EndpointUpdate").Op("=").Op("&").Id(cr.Update).Values(),
	)
}

func credType(fl *model.CredField) *jen.Statement {
	if fl.Secret {
		return jen.Qual(secretPkg, "Value")
	}
	return jen.String()
}

func endpointField(fl *model.CredField, val jen.Code) jen.Code {
	v := jen.Add(val)
	if !fl.Secret {
		v = jen.Qual(secretPkg, "New").Call(val)
	}
	return jen.Qual(triggerPkg, "EndpointField").Values(kv("Name", jen.Lit(fl.Key)), kv("Value", v), kv("Sensitive", jen.Lit(fl.Secret)), jen.Line())
}

func display(fl *model.CredField) string {
	if fl.DisplayName != "" {
		return fl.DisplayName
	}
	return fl.Key
}

func credDoc(fl *model.CredField) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s is %q (setup field %q)", fl.Name, display(fl), fl.Key)
	if fl.Description != "" {
		b.WriteString(": " + strings.TrimSpace(fl.Description))
		if !strings.HasSuffix(b.String(), ".") {
			b.WriteString(".")
		}
	} else {
		b.WriteString(".")
	}
	var flags []string
	if fl.Required {
		flags = append(flags, "Required")
	} else {
		flags = append(flags, "Optional")
	}
	if fl.Secret {
		flags = append(flags, "secret")
	}
	b.WriteString(" " + strings.Join(flags, "; ") + ".")
	return b.String()
}
