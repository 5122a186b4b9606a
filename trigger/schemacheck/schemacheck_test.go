package schemacheck

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/triggergen/triggergen/trigger"
)

const url = "https://triggergen.invalid/T/config.json"

func violations(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var ve trigger.ValidationErrors
	if !errors.As(err, &ve) {
		t.Fatalf("%v is not a trigger.ValidationErrors", err)
	}
	if !errors.Is(err, trigger.ErrInvalid) {
		t.Errorf("%v does not match trigger.ErrInvalid", err)
	}
	var out []string
	for _, e := range ve {
		if e.Message == "" {
			t.Errorf("%s %s: no message", e.Path, e.Keyword)
		}
		out = append(out, e.Path+" "+e.Keyword)
	}
	return strings.Join(out, "; ")
}

func TestValidate(t *testing.T) {
	s := New(url, `{
		"type": "object",
		"properties": {
			"name": {"type": "string", "minLength": 2},
			"id": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
			"one": {"oneOf": [{"type": "integer"}, {"minimum": 0}]},
			"tags": {"type": "array", "contains": {"const": "a"}},
			"a/b": {"not": {"type": "null"}},
			"nope": false
		},
		"patternProperties": {"^x-": {"type": "integer"}},
		"additionalProperties": false,
		"required": ["name"]
	}`)
	for _, c := range []struct {
		v    any
		want string
	}{
		{map[string]any{"name": "ab", "id": 1, "one": -1, "tags": []string{"a"}, "a/b": 1, "x-y": 2}, ""},
		{map[string]any{}, "/name required"},
		{map[string]any{"name": "a"}, "/name minLength"},
		{map[string]any{"name": "ab", "id": true}, "/id anyOf"},
		{map[string]any{"name": "ab", "one": 1}, "/one oneOf"},
		{map[string]any{"name": "ab", "tags": []string{"b"}}, "/tags contains"},
		{map[string]any{"name": "ab", "a/b": nil}, "/a~1b not"},
		{map[string]any{"name": "ab", "nope": 1}, "/nope false"},
		{map[string]any{"name": "ab", "x-y": "s", "other": 1}, "/other additionalProperties; /x-y type"},
	} {
		if got := violations(t, s.Validate(c.v)); got != c.want {
			t.Errorf("Validate(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}

// TestDraft7: the schema's $schema decides the draft (in draft 7 a $ref's
// siblings are ignored).
func TestDraft7(t *testing.T) {
	s := New(url, `{"$schema": "http://json-schema.org/draft-07/schema#", "definitions": {"s": {"type": "string"}},
		"properties": {"v": {"$ref": "#/definitions/s", "maxLength": 1}}}`)
	if got := violations(t, s.Validate(map[string]any{"v": "long"})); got != "" {
		t.Errorf("draft 7 applied maxLength beside $ref: %s", got)
	}
	if got := violations(t, s.Validate(map[string]any{"v": 1})); got != "/v type" {
		t.Errorf("draft 7 $ref: %s", got)
	}
}

// TestFormatIsAnnotation: format is not asserted, as in the generator.
func TestFormatIsAnnotation(t *testing.T) {
	s := New(url, `{"properties": {"at": {"type": "string", "format": "date-time"}}}`)
	if err := s.Validate(map[string]any{"at": "not a date"}); err != nil {
		t.Errorf("format asserted: %v", err)
	}
}

// TestCompileErrors: a schema that does not compile, or refers to another
// document, is an error of Validate (not a panic, not a ValidationErrors).
func TestCompileErrors(t *testing.T) {
	for _, src := range []string{`{"type": 12}`, `{"$ref": "https://example.com/other.json"}`, `{`} {
		err := New(url, src).Validate(map[string]any{})
		var ve trigger.ValidationErrors
		if err == nil || errors.As(err, &ve) || !strings.Contains(err.Error(), "schemacheck") {
			t.Errorf("%s: %v", src, err)
		}
	}
	if err := New(url, `{}`).Validate(func() {}); err == nil {
		t.Error("a value that does not encode")
	}
}

// TestConcurrentFirstUse: the schema compiles once, on first use, safely
// from many goroutines (run with -race).
func TestConcurrentFirstUse(t *testing.T) {
	s := New(url, `{"properties": {"n": {"type": "integer", "maximum": 3}}}`)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() { errs[i] = s.Validate(map[string]any{"n": i}) })
	}
	wg.Wait()
	for i, err := range errs {
		if (err != nil) != (i > 3) {
			t.Errorf("n=%d: %v", i, err)
		}
	}
}
