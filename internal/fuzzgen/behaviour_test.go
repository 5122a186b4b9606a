package fuzzgen_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/triggergen/triggergen/internal/fuzzgen/exact"
	"github.com/triggergen/triggergen/internal/fuzzgen/mixed"
	"github.com/triggergen/triggergen/trigger"
)

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	x, err := jsonschema.UnmarshalJSON(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	y, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return contained(x, y) && contained(y, x)
}

// TestLibraryConfigKeepsWhatItDecoded: a config validated by the JSON Schema
// library keeps the members it has no field for and the explicit nulls of
// its optional fields, in every nested object, and writes them back, so
// that the library judges the instance that was decoded.
func TestLibraryConfigKeepsWhatItDecoded(t *testing.T) {
	in := []byte(`{"name":"n","maybe":null,"other":[1,{"a":null}],"filter":{"q":"x","x-a":1,"x-b":null},"tags":["a"],"shape":12}`)
	var c exact.LibraryConfig
	if err := json.Unmarshal(in, &c); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if !jsonEqual(t, in, out) {
		t.Errorf("decoded and encoded:\n%s\nwant (as JSON)\n%s", out, in)
	}
	// A field set after decoding replaces the kept null.
	s := "set"
	c.Maybe = &s
	out, _ = json.Marshal(c)
	if bytes.Count(out, []byte(`"maybe"`)) != 1 || !bytes.Contains(out, []byte(`"maybe":"set"`)) {
		t.Errorf("after setting Maybe: %s", out)
	}
	// The library sees the kept members: patternProperties applies to x-b.
	var bad exact.LibraryConfig
	if err := json.Unmarshal([]byte(`{"name":"n","filter":{"x-b":"s"}}`), &bad); err != nil {
		t.Fatal(err)
	}
	var ve trigger.ValidationErrors
	if err := bad.Validate(); !errors.As(err, &ve) || ve[0].Path != "/filter/x-b" || ve[0].Keyword != "type" {
		t.Errorf("Validate = %v, want a type error at /filter/x-b", err)
	}
	// Repeated keys: the last wins for kept members and nulls too.
	if err := json.Unmarshal([]byte(`{"name":"n","maybe":null,"maybe":"m","z":1,"z":2}`), &c); err != nil {
		t.Fatal(err)
	}
	out, _ = json.Marshal(c)
	if !jsonEqual(t, out, []byte(`{"name":"n","maybe":"m","z":2}`)) {
		t.Errorf("repeated keys: %s", out)
	}
}

// TestConstFromZeroValue: a required const field is written with its only
// value when it holds the zero value, so the zero config validates and
// encodes as the schema wants; another value is a Validate error, and a
// decoded one an UnmarshalJSON error.
func TestConstFromZeroValue(t *testing.T) {
	var c exact.ConstsConfig
	if err := c.Validate(); err != nil {
		t.Fatalf("zero value: %v", err)
	}
	out, _ := json.Marshal(c)
	if !jsonEqual(t, out, []byte(`{"version":"v2","strict":true,"level":3}`)) {
		t.Errorf("zero value encodes as %s", out)
	}
	c.Version = "v1"
	var ve trigger.ValidationErrors
	if err := c.Validate(); !errors.As(err, &ve) || ve[0].Path != "/version" || ve[0].Keyword != "const" {
		t.Errorf("Version v1: %v", err)
	}
	for in, ptr := range map[string]string{
		`{"version":"","strict":true,"level":3}`:                      "/version",
		`{"version":"v2","strict":false,"level":3}`:                   "/strict",
		`{"version":"v2","strict":true,"level":0}`:                    "/level",
		`{"version":"v2","strict":true,"level":3,"never_string":"2"}`: "/never_string",
		`{"version":"v2","strict":true,"level":3,"nothing":1}`:        "",
	} {
		var d exact.ConstsConfig
		err := json.Unmarshal([]byte(in), &d)
		if ptr == "" {
			if err != nil {
				t.Errorf("%s: %v", in, err)
			} else if err := d.Validate(); !errors.As(err, &ve) || ve[0].Path != "/nothing" {
				t.Errorf("%s: Validate = %v, want an error at /nothing", in, err)
			}
			continue
		}
		if !errors.As(err, &ve) || ve[0].Path != ptr {
			t.Errorf("%s: %v, want an error at %s", in, err, ptr)
		}
	}
	// A const the type contradicts: no value is valid.
	two := "2"
	if err := (exact.ConstsConfig{NeverString: &two}).Validate(); !errors.As(err, &ve) || ve[0].Path != "/never_string" {
		t.Errorf("never_string: %v", err)
	}
}

// TestUnionConstructors: a config with unions fits in one composite literal.
func TestUnionConstructors(t *testing.T) {
	c := exact.UnionsConfig{ID: exact.NewUnionsConfigIDString("abcd"), ShortOrLong: exact.NewUnionsConfigShortOrLongString("ab")}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(c)
	if !jsonEqual(t, out, []byte(`{"id":"abcd","short_or_long":"ab"}`)) {
		t.Errorf("encodes as %s", out)
	}
	m := mixed.ValueEventConfig{ID: mixed.NewValueEventConfigIDInt(7), Target: mixed.NewValueEventConfigTargetPt(mixed.Pt{X: 1, Y: 2})}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	if (exact.UnionsConfig{ID: exact.NewUnionsConfigIDInt(-1)}).Validate() == nil {
		t.Error("a negative id validates")
	}
}
