package model

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/triggergen/triggergen/generator/internal/naming"
	"github.com/triggergen/triggergen/internal/jsonpointer"
	"github.com/triggergen/triggergen/lockfile"
)

// credentials reads the toolkit's webhook endpoint schema.
func (pb *pkgBuilder) credentials(tk *lockfile.Toolkit, ptr string) {
	if len(tk.WebhookEndpointSchema) == 0 {
		return
	}
	ptr += "/webhook_endpoint_schema"
	var top struct {
		SetupFields json.RawMessage `json:"setup_fields"`
	}
	if err := json.Unmarshal(tk.WebhookEndpointSchema, &top); err != nil {
		pb.errorf(ptr, "want an object: %v", err)
		return
	}
	if t := bytes.TrimSpace(top.SetupFields); len(t) == 0 || bytes.Equal(t, []byte("null")) {
		pb.warnf(ptr, "no setup_fields: no credentials type generated")
		return
	} else if t[0] != '{' {
		pb.errorf(ptr+"/setup_fields", "want an object of setup fields")
		return
	}
	order, err := objectKeys(top.SetupFields)
	if err != nil {
		pb.errorf(ptr+"/setup_fields", "%v", err)
		return
	}
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(top.SetupFields, &fields)
	if len(order) == 0 {
		pb.warnf(ptr+"/setup_fields", "no setup fields: no credentials type generated")
		return
	}
	cr := &Credentials{File: "credentials.gen.go"}
	var cands []*naming.Candidate
	for _, k := range order {
		fptr := ptr + "/setup_fields/" + jsonpointer.Escape(k)
		var f struct {
			DisplayName *string `json:"display_name"`
			Description *string `json:"description"`
			IsRequired  *bool   `json:"is_required"`
			IsSecret    *bool   `json:"is_secret"`
		}
		if err := json.Unmarshal(fields[k], &f); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) && te.Field != "" {
				pb.errorf(fptr+"/"+te.Field, "want %s, got JSON %s", te.Type, te.Value)
			} else {
				pb.errorf(fptr, "want a setup field object")
			}
			continue
		}
		cf := &CredField{Key: k}
		if f.DisplayName != nil {
			cf.DisplayName = *f.DisplayName
		}
		if f.Description != nil {
			cf.Description = *f.Description
		}
		cf.Required = f.IsRequired != nil && *f.IsRequired
		// A field of unknown secrecy is treated as secret.
		cf.Secret = f.IsSecret == nil || *f.IsSecret
		key := tk.Slug + "#/webhook_endpoint_schema/setup_fields/" + jsonpointer.Escape(k)
		c := &naming.Candidate{Want: naming.Exported(k, "Field"), Key: key}
		if v := pb.exportedRename(key, fptr); v != "" {
			c.Want, c.Fixed = v, true
		}
		cands = append(cands, c)
		cr.Fields = append(cr.Fields, cf)
	}
	if len(pb.errs) > 0 {
		return
	}
	// The methods of both credential types.
	methods := map[string]string{"EndpointToolkit": "method", "EndpointFields": "method", "Validate": "method", "Format": "method"}
	cs, err := naming.Resolve(methods, cands)
	if err != nil {
		pb.errorf(ptr, "setup field names: %v", err)
		return
	}
	for _, c := range cs {
		pb.warnf(ptr, "setup field %s: name %s collides with %s; using %s (set Renames[%q] to choose)", c.Key, c.Want, c.Winner, c.Got, c.Key)
	}
	for i, f := range cr.Fields {
		f.Name = cands[i].Got
	}
	pb.pkg.Creds = cr
}

func objectKeys(data []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, t.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}
