// Package schemacheck validates a generated config against its JSON Schema
// with santhosh-tekuri/jsonschema. Generated code calls it, and only for the
// configs whose schemas use keywords the generated Validate does not check
// itself (not, if/then/else, patternProperties, dependentRequired,
// $dynamicRef, ...; the generator package doc lists them): such a config's
// Validate encodes the config, validates the JSON, and reports each
// violation as a trigger.ValidationError with its JSON pointer. Generated
// packages whose configs need none of this do not import it, so they
// depend on the standard library and triggergen's runtime only.
//
// Like trigger/triggerimpl it is only for generated code: its API may change
// between releases as long as generated code keeps working.
package schemacheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/triggergen/triggergen/internal/jsonpointer"
	"github.com/triggergen/triggergen/trigger"
)

// Schema is one config schema, compiled the first time it is used. It is
// safe for concurrent use.
type Schema struct {
	compile func() (*jsonschema.Schema, error)
}

// New returns the schema with the JSON text src, whose references are
// resolved against url (the URL the generator compiled it under). Draft
// 2020-12 applies unless src's $schema says otherwise; format and content
// keywords are annotations, as in the generator. References to other
// documents than the draft metaschemas are not loaded (the generator refuses
// them).
func New(url, src string) *Schema {
	return &Schema{compile: sync.OnceValues(func() (*jsonschema.Schema, error) {
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(src))
		if err != nil {
			return nil, err
		}
		c := jsonschema.NewCompiler()
		c.UseLoader(noLoader{})
		c.DefaultDraft(jsonschema.Draft2020)
		if err := c.AddResource(url, doc); err != nil {
			return nil, err
		}
		return c.Compile(url)
	})}
}

type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("schemacheck: %s: only references within the schema are supported", url)
}

var printer = message.NewPrinter(language.English)

// Validate encodes v with encoding/json and validates the JSON. It returns
// nil, a trigger.ValidationErrors listing every violation (the failed
// alternatives of an anyOf or oneOf are reported as one violation of it),
// or another error when v does not encode or the schema does not compile.
func (s *Schema) Validate(v any) error {
	sch, err := s.compile()
	if err != nil {
		return fmt.Errorf("schemacheck: compile the config schema: %w", err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return err
	}
	err = sch.Validate(inst)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	var out trigger.ValidationErrors
	collect(ve, &out)
	if len(out) == 0 { // cannot happen: a failure has a leaf
		out = append(out, &trigger.ValidationError{Keyword: "schema", Message: ve.Error()})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// collect adds the violations of the error tree e: its leaves, except that
// a failed anyOf, oneOf or contains is one violation (listing why each
// alternative or item failed would bury the point), and so is a failed not.
func collect(e *jsonschema.ValidationError, out *trigger.ValidationErrors) {
	path := jsonpointer.FromTokens(e.InstanceLocation)
	add := func(p, keyword, msg string) {
		*out = append(*out, &trigger.ValidationError{Path: p, Keyword: keyword, Message: msg})
	}
	switch k := e.ErrorKind.(type) {
	case *kind.AnyOf:
		add(path, "anyOf", "must match at least one of the anyOf schemas")
		return
	case *kind.OneOf:
		if len(k.Subschemas) == 0 {
			add(path, "oneOf", "must match exactly one of the oneOf schemas, matches none")
		} else {
			add(path, "oneOf", fmt.Sprintf("must match exactly one of the oneOf schemas, matches %d (schemas %v)", len(k.Subschemas), k.Subschemas))
		}
		return
	case *kind.Not:
		add(path, "not", "must not match the schema of not")
		return
	case *kind.Contains:
		add(path, "contains", "must contain an item that matches the schema of contains")
		return
	case *kind.FalseSchema:
		add(path, "false", "is not allowed (the schema is false)")
		return
	case *kind.Required:
		for _, m := range k.Missing {
			add(jsonpointer.Append(path, m), "required", "is required")
		}
		return
	case *kind.AdditionalProperties:
		for _, p := range k.Properties {
			add(jsonpointer.Append(path, p), "additionalProperties", "is not allowed (additionalProperties)")
		}
		return
	case *kind.Schema, *kind.Group, *kind.Reference, *kind.AllOf:
		for _, c := range e.Causes {
			collect(c, out)
		}
		return
	}
	if len(e.Causes) > 0 {
		for _, c := range e.Causes {
			collect(c, out)
		}
		return
	}
	keyword := "schema"
	if kp := e.ErrorKind.KeywordPath(); len(kp) > 0 {
		keyword = kp[0]
	}
	add(path, keyword, e.ErrorKind.LocalizedString(printer))
}
