package fuzzgen_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/triggergen/triggergen/internal/fuzzgen/demo"
	"github.com/triggergen/triggergen/internal/fuzzgen/exact"
	"github.com/triggergen/triggergen/internal/fuzzgen/gmail"
	"github.com/triggergen/triggergen/internal/fuzzgen/limits"
	"github.com/triggergen/triggergen/internal/fuzzgen/mixed"
	"github.com/triggergen/triggergen/internal/fuzzgen/tree"
	"github.com/triggergen/triggergen/lockfile"
	"github.com/triggergen/triggergen/trigger"
)

// config is a generated config type: a pointer to a new value.
type config interface {
	trigger.Config
	json.Unmarshaler
}

// subjects are the generated configs FuzzConfigDecode judges, each with a
// valid instance for the seed corpus.
var subjects = []struct {
	new  func() config
	seed string
}{
	{func() config { return new(limits.CheckedConfig) }, `{"name":"abc","code":"ABC-1","count":5,"ratio":0.5,"step":10,"half":1.5,"labels":["a","b"],"matrix":[[1,2]],"maybe":null,"limits":{"a":1},"nested":{"start":1,"end":2}}`},
	{func() config { return new(demo.ColoredConfig) }, `{"color":"red","maybe_color":null,"colors":["green"],"size":2,"mode":"fast","version":"v1"}`},
	{func() config { return new(exact.ConstsConfig) }, `{"version":"v2","strict":true,"level":3,"optional_kind":"thing","nothing":null,"closed":{"a":1},"empty_closed":{}}`},
	{func() config { return new(exact.UnionsConfig) }, `{"id":"abcd","anything":[1],"short_or_long":"ab","maybe":null}`},
	{func() config { return new(exact.MergedConfig) }, `{"merged":{"a":2,"b":"x"},"single":3,"either":"ab","maybe_a":null,"counts":{"k":1},"ratio":0.25}`},
	{func() config { return new(exact.LibraryConfig) }, `{"name":"n","filter":{"q":"x","x-a":1,"other":"o"},"maybe":null,"tags":["a","b"],"shape":{"sides":4},"extra":[1]}`},
	{func() config { return new(tree.NodeEventConfig) }, `{"depth":1}`},
	{func() config { return new(tree.OldStyleConfig) }, `{"opt":"x"}`},
	{func() config { return new(mixed.ValueEventConfig) }, `{"id":1,"target":{"x":1,"y":2},"size":"big","opt":null}`},
	{func() config { return new(gmail.NewMessageConfig) }, `{"interval":1,"labelIds":"INBOX","query":"is:unread","userId":"me"}`},
}

var (
	schemasOnce sync.Once
	schemas     map[string]*jsonschema.Schema // by trigger slug
	schemasErr  error
)

// loadSchemas compiles every config schema of fuzz.lock.json as the
// generator does (draft 2020-12 unless $schema says otherwise, formats not
// asserted).
func loadSchemas() (map[string]*jsonschema.Schema, error) {
	schemasOnce.Do(func() {
		data, err := os.ReadFile("fuzz.lock.json")
		if err != nil {
			schemasErr = err
			return
		}
		lk, err := lockfile.Parse("fuzz.lock.json", data)
		if err != nil {
			schemasErr = err
			return
		}
		schemas = map[string]*jsonschema.Schema{}
		for _, tt := range lk.TriggerTypes() {
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(tt.Config))
			if err != nil {
				schemasErr = err
				return
			}
			c := jsonschema.NewCompiler()
			c.DefaultDraft(jsonschema.Draft2020)
			url := "https://triggergen.invalid/" + tt.Slug + "/config.json"
			if err := c.AddResource(url, doc); err != nil {
				schemasErr = err
				return
			}
			if schemas[tt.Slug], err = c.Compile(url); err != nil {
				schemasErr = err
				return
			}
		}
	})
	return schemas, schemasErr
}

// FuzzConfigDecode decodes the same bytes with a generated config's
// UnmarshalJSON (then Validate) and with a reference: the JSON Schema
// validator's verdict on the bytes, plus a plain decode of them
// (encoding/json into any: exact keys, the last of repeated keys). It fails
// on any difference:
//
//   - the verdicts differ (outside the documented limits: an integer beyond
//     int64, a number float64 does not hold exactly);
//   - malformed JSON is not encoding/json's *json.SyntaxError, or a decode
//     error is not a trigger.ValidationErrors;
//   - Validate disagrees with the validator on the encoded value (its
//     contract), or the encoded value holds a member or value the instance
//     does not (the decoder kept something it should not have);
//   - decoding the plain decode's re-encoding (keys sorted, repeats gone)
//     gives another value.
func FuzzConfigDecode(f *testing.F) {
	for i, s := range subjects {
		f.Add(uint8(i), []byte(s.seed))
	}
	f.Fuzz(func(t *testing.T, which uint8, b []byte) {
		checkInstance(t, int(which)%len(subjects), b)
	})
}

// TestSeedsValid checks that every seed is valid, so the fuzzer starts from
// the accepting paths.
func TestSeedsValid(t *testing.T) {
	for i, s := range subjects {
		c := s.new()
		if err := c.UnmarshalJSON([]byte(s.seed)); err != nil {
			t.Errorf("seed %d: %v", i, err)
			continue
		}
		if err := c.Validate(); err != nil {
			t.Errorf("seed %d: %v", i, err)
		}
		checkInstance(t, i, []byte(s.seed))
	}
}

func checkInstance(t *testing.T, i int, b []byte) {
	schemas, err := loadSchemas()
	if err != nil {
		t.Fatal(err)
	}
	c := subjects[i].new()
	sch := schemas[c.TriggerType().Slug]
	err = c.UnmarshalJSON(b)
	if !json.Valid(b) {
		var se *json.SyntaxError
		if !errors.As(err, &se) {
			t.Fatalf("malformed %q: %v, want a *json.SyntaxError", b, err)
		}
		return
	}
	inst, ierr := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if ierr != nil {
		t.Fatalf("reference decode of %q: %v", b, ierr)
	}
	want := sch.Validate(inst) == nil
	limited := beyondLimits(inst)
	if err != nil {
		var ve trigger.ValidationErrors
		if !errors.As(err, &ve) {
			t.Fatalf("%q: decode error %T %v, want a trigger.ValidationErrors", b, err, err)
		}
		if want && !limited {
			t.Fatalf("%s: valid instance %q rejected while decoding: %v", c.TriggerType().Slug, b, err)
		}
		return
	}
	verr := c.Validate()
	if got := verr == nil; got != want && !limited {
		t.Fatalf("%s: %q: Go says %v (%v), the validator says %v", c.TriggerType().Slug, b, got, verr, want)
	}
	enc, err := json.Marshal(c)
	if err != nil {
		t.Fatalf("%q: marshal: %v", b, err)
	}
	encInst, err := jsonschema.UnmarshalJSON(bytes.NewReader(enc))
	if err != nil {
		t.Fatal(err)
	}
	if encOK := sch.Validate(encInst) == nil; encOK != (verr == nil) {
		t.Fatalf("%s: Validate says %v (%v) but the validator says %v for the encoding %s of %q", c.TriggerType().Slug, verr == nil, verr, encOK, enc, b)
	}
	if !limited && !contained(encInst, inst) {
		t.Fatalf("%s: the encoding %s holds what the instance %q does not", c.TriggerType().Slug, enc, b)
	}
	canon, err := json.Marshal(inst)
	if err != nil {
		t.Fatal(err)
	}
	c2 := subjects[i].new()
	if err := c2.UnmarshalJSON(canon); err != nil {
		t.Fatalf("%q decoded, its plain re-encoding %s does not: %v", b, canon, err)
	}
	enc2, _ := json.Marshal(c2)
	x2, _ := jsonschema.UnmarshalJSON(bytes.NewReader(enc2))
	if !contained(encInst, x2) || !contained(x2, encInst) {
		t.Fatalf("%q and its plain re-encoding %s decode to different values: %s and %s", b, canon, enc, enc2)
	}
}

// beyondLimits reports whether the decoded JSON value holds a number the
// generated types do not hold exactly: an integer outside int64 or a number
// that float64 rounds.
func beyondLimits(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			if beyondLimits(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if beyondLimits(e) {
				return true
			}
		}
	case json.Number:
		r, ok := new(big.Rat).SetString(string(x))
		if !ok {
			return true
		}
		if r.IsInt() && !r.Num().IsInt64() {
			return true
		}
		f, _ := strconv.ParseFloat(string(x), 64)
		fr, ok := new(big.Rat).SetString(strconv.FormatFloat(f, 'g', -1, 64))
		return !ok || fr.Cmp(r) != 0
	}
	return false
}

// contained reports whether JSON value a is within b: equal scalars
// (numbers by value), arrays of the same length with contained elements,
// objects whose every member is contained in b's member of that key.
func contained(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !contained(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !contained(x[i], y[i]) {
				return false
			}
		}
		return true
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		r1, ok1 := new(big.Rat).SetString(string(x))
		r2, ok2 := new(big.Rat).SetString(string(y))
		return ok1 && ok2 && r1.Cmp(r2) == 0
	case string:
		y, ok := b.(string)
		return ok && strings.Compare(x, y) == 0
	}
	return a == b
}
