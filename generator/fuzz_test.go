package generator_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/triggergen/triggergen/catalog"
	"github.com/triggergen/triggergen/generator"
	"github.com/triggergen/triggergen/lockfile"
)

// seedSchemas returns the config and payload schemas of the embedded catalog
// and of the golden cases, deduplicated and sorted: the seed corpus of
// FuzzGenerate and the base of the fixed mutations.
func seedSchemas() ([][]byte, error) {
	set := map[string]bool{}
	add := func(lk *lockfile.Lock) {
		for _, tt := range lk.TriggerTypes() {
			for _, s := range []json.RawMessage{tt.Config, tt.Payload} {
				if len(s) > 0 {
					set[string(s)] = true
				}
			}
		}
	}
	lk, err := catalog.Lock()
	if err != nil {
		return nil, err
	}
	add(lk)
	ents, err := os.ReadDir(goldenDir)
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		data, err := os.ReadFile(filepath.Join(goldenDir, e.Name(), "input.lock.json"))
		if err != nil {
			continue
		}
		if glk, err := lockfile.Parse("x", data); err == nil {
			add(glk)
		}
	}
	var out [][]byte
	for s := range set {
		out = append(out, []byte(s))
	}
	sort.Slice(out, func(i, j int) bool { return string(out[i]) < string(out[j]) })
	return out, nil
}

// oneTrigger is a lock with one trigger type whose config (asConfig) or
// payload is schema.
func oneTrigger(slug string, schema []byte, asConfig bool) *lockfile.Lock {
	tt := &lockfile.TriggerType{Slug: slug + "_EVENT", Type: "webhook", Toolkit: slug, Version: "1",
		Config: json.RawMessage(`{"type":"object","properties":{}}`), Payload: json.RawMessage(`{}`)}
	if asConfig {
		tt.Config = schema
	} else {
		tt.Payload = schema
	}
	return &lockfile.Lock{Toolkits: []*lockfile.Toolkit{{Slug: slug, Version: "1", TriggerTypes: []*lockfile.TriggerType{tt}}}}
}

// FuzzGenerate inserts a mutated JSON Schema as the config or the payload of
// a one-trigger lock: Generate never panics, fails only with located input
// errors, and every file it returns parses and is as gofmt formats it. (TestMutationsCompile compiles a
// fixed sample of mutations; compiling inside the fuzz loop is too slow.)
func FuzzGenerate(f *testing.F) {
	seeds, err := seedSchemas()
	if err != nil {
		f.Fatal(err)
	}
	for i, s := range seeds {
		f.Add(s, i%2 == 0)
	}
	f.Fuzz(func(t *testing.T, schema []byte, asConfig bool) {
		lk := oneTrigger("fz", schema, asConfig)
		res, err := generator.Generate(context.Background(), generator.Config{Lock: lk, ImportPath: "example.com/fz"})
		if err != nil {
			if res != nil {
				t.Fatal("a result and an error")
			}
			var ge *generator.Error
			if !errors.As(err, &ge) {
				t.Fatalf("error %T is not a *generator.Error: %v", err, err)
			}
			return
		}
		for _, file := range res.Files {
			if _, err := parser.ParseFile(token.NewFileSet(), file.Path, file.Content, parser.SkipObjectResolution); err != nil {
				t.Fatalf("%s does not parse: %v\n%s", file.Path, err, file.Content)
			}
		}
		checkGofmt(t, "fuzz", res.Files)
	})
}

// mutations are deterministic rewrites of a schema (decoded JSON), each
// aimed at a construct the generator must survive.
var mutations = []struct {
	name string
	fn   func(s map[string]any)
}{
	{"keyword-names", func(s map[string]any) {
		names := []string{"type", "func", "string", "nil", "error", "any", "len", "Validate", "checkJSON", "plain"}
		renameProps(s, func(i int, k string) string { return names[i%len(names)] + fmt.Sprint(i/len(names)) })
	}},
	{"all-required", func(s map[string]any) {
		walkObjects(s, func(o map[string]any) {
			var req []any
			for k := range props(o) {
				req = append(req, k)
			}
			sort.Slice(req, func(i, j int) bool { return req[i].(string) < req[j].(string) })
			o["required"] = req
		})
	}},
	{"nullable", func(s map[string]any) {
		walkObjects(s, func(o map[string]any) {
			for k, p := range props(o) {
				props(o)[k] = map[string]any{"anyOf": []any{p, map[string]any{"type": "null"}}}
			}
		})
	}},
	{"array-of-root", func(s map[string]any) {
		cp := deepCopy(s)
		if ps, ok := s["properties"].(map[string]any); ok {
			ps["list"] = map[string]any{"type": "array", "items": cp}
			ps["map"] = map[string]any{"type": "object", "additionalProperties": cp}
		}
	}},
	{"case-collisions", func(s map[string]any) {
		if ps, ok := s["properties"].(map[string]any); ok {
			for _, k := range []string{"x", "X", "x_", "x-", "X-", "_x"} {
				ps[k] = map[string]any{"type": "string"}
			}
		}
	}},
	{"to-defs", func(s map[string]any) {
		ps, ok := s["properties"].(map[string]any)
		if !ok {
			return
		}
		defs := map[string]any{}
		for k, p := range ps {
			defs["D"+k] = p
			ps[k] = map[string]any{"$ref": "#/$defs/" + escapeTok("D"+k)}
		}
		s["$defs"] = defs
	}},
	{"multi-type", func(s map[string]any) {
		walkObjects(s, func(o map[string]any) {
			for _, p := range props(o) {
				if pm, ok := p.(map[string]any); ok {
					if t, ok := pm["type"].(string); ok && t != "object" && t != "array" {
						pm["type"] = []any{t, "integer", "null"}
					}
				}
			}
		})
	}},
	{"self-ref", func(s map[string]any) {
		if ps, ok := s["properties"].(map[string]any); ok {
			ps["self"] = map[string]any{"$ref": "#"}
			ps["selves"] = map[string]any{"type": "array", "items": map[string]any{"$ref": "#"}}
		}
	}},
	{"unicode-names", func(s map[string]any) {
		renameProps(s, func(i int, k string) string { return fmt.Sprintf("ñame_%d_日本", i) })
	}},
	{"nest", func(s map[string]any) {
		cp := deepCopy(s)
		for i := 0; i < 5; i++ {
			cp = map[string]any{"type": "object", "properties": map[string]any{"inner": cp}, "required": []any{"inner"}}
		}
		s["properties"] = map[string]any{"outer": cp}
	}},
	{"enums", func(s map[string]any) {
		walkObjects(s, func(o map[string]any) {
			for _, p := range props(o) {
				if pm, ok := p.(map[string]any); ok && pm["type"] == "string" {
					pm["enum"] = []any{"", "a-b", "A_B", "1", "type", "ü", "a b"}
				}
			}
		})
	}},
	{"numeric-names", func(s map[string]any) {
		renameProps(s, func(i int, k string) string { return fmt.Sprintf("%03d", i) })
	}},
}

func props(o map[string]any) map[string]any {
	p, _ := o["properties"].(map[string]any)
	return p
}

// walkObjects calls fn on every schema object with properties, innermost first.
func walkObjects(v any, fn func(map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(x) {
			walkObjects(x[k], fn)
		}
		if _, ok := x["properties"].(map[string]any); ok {
			fn(x)
		}
	case []any:
		for _, e := range x {
			walkObjects(e, fn)
		}
	}
}

func renameProps(s map[string]any, name func(i int, k string) string) {
	walkObjects(s, func(o map[string]any) {
		ps := props(o)
		out := map[string]any{}
		for i, k := range sortedKeys(ps) {
			out[name(i, k)] = ps[k]
		}
		o["properties"] = out
		delete(o, "required")
	})
}

func sortedKeys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func deepCopy(v map[string]any) map[string]any {
	b, _ := json.Marshal(v)
	var out map[string]any
	json.Unmarshal(b, &out)
	return out
}

// escapeTok escapes a JSON pointer token; a $ref is a URI fragment, so
// characters outside the unreserved set are percent-encoded too.
func escapeTok(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
	return (&url.URL{Fragment: s}).EscapedFragment()
}

var (
	mutOnce  sync.Once
	mutFiles []generator.File
	mutErr   error
)

// mutationResults generates a lock of two toolkits: "seeds" (every seed
// schema as the config and the payload of one trigger) and "mut" (about 50
// deterministic mutations of seeds). A mutation the generator rejects is
// left out (the rejection is an input error, which FuzzGenerate checks).
func mutationResults() ([]generator.File, error) {
	mutOnce.Do(func() {
		seeds, err := seedSchemas()
		if err != nil {
			mutErr = err
			return
		}
		seedTK := &lockfile.Toolkit{Slug: "seeds", Version: "1"}
		ok := func(s []byte, asConfig bool) bool {
			_, err := generator.Generate(context.Background(), generator.Config{Lock: oneTrigger("x", s, asConfig), ImportPath: "example.com/x"})
			return err == nil
		}
		for i, s := range seeds {
			tt := &lockfile.TriggerType{Slug: fmt.Sprintf("SEEDS_S%03d", i), Type: "webhook", Toolkit: "seeds", Version: "1",
				Config: json.RawMessage(`{"type":"object","properties":{}}`), Payload: json.RawMessage(`{}`)}
			if ok(s, true) {
				tt.Config = s
			}
			if ok(s, false) {
				tt.Payload = s
			}
			seedTK.TriggerTypes = append(seedTK.TriggerTypes, tt)
		}
		lk := &lockfile.Lock{Toolkits: []*lockfile.Toolkit{seedTK}}
		res, err := generator.Generate(context.Background(), generator.Config{Lock: lk, ImportPath: "example.com/gen/mutations"})
		if err != nil {
			mutErr = fmt.Errorf("seeds: %w", err)
			return
		}
		mutFiles = append(mutFiles, res.Files...)
		for k := 0; k < 50; k++ {
			var s map[string]any
			if json.Unmarshal(seeds[(k*7)%len(seeds)], &s) != nil || s == nil {
				continue
			}
			m := mutations[k%len(mutations)]
			m.fn(s)
			b, _ := json.Marshal(s)
			slug := fmt.Sprintf("mut%02d", k)
			lk := oneTrigger(slug, b, k%3 != 2)
			res, err := generator.Generate(context.Background(), generator.Config{Lock: lk, ImportPath: "example.com/gen/mutations"})
			if err != nil {
				var ge *generator.Error
				if !errors.As(err, &ge) {
					mutErr = fmt.Errorf("mutation %d (%s): %T %v", k, m.name, err, err)
					return
				}
				continue
			}
			mutFiles = append(mutFiles, res.Files...)
		}
	})
	return mutFiles, mutErr
}

// TestMutationsCompile: the seed corpus of FuzzGenerate and a fixed set of
// mutations generate code that builds and vets (in the shared module).
func TestMutationsCompile(t *testing.T) {
	files, err := mutationResults()
	if err != nil {
		t.Fatal(err)
	}
	pkgs := map[string]bool{}
	for _, f := range files {
		pkgs[filepath.Dir(f.Path)] = true
	}
	if len(pkgs) < 40 {
		t.Errorf("only %d packages generated from seeds and mutations", len(pkgs))
	}
	buildModule(t)
	t.Logf("%d files in %d packages from seeds and mutations compile", len(files), len(pkgs))
}
