package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseFull(t *testing.T) {
	src := `version: 1
toolkits:
  github: 20250729_00
  slack: latest
  gmail:
lock: locks/triggergen.lock.json
out: ./gen/triggers
import_path: example.com/app/gen/triggers
renames:
  type:GITHUB_COMMIT_EVENT#/payload: Commit
`
	c, err := Parse("triggergen.yaml", "/proj", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		File:       "triggergen.yaml",
		Dir:        "/proj",
		Toolkits:   []Toolkit{{"github", "20250729_00"}, {"slack", Latest}, {"gmail", Latest}},
		Lock:       filepath.FromSlash("/proj/locks/triggergen.lock.json"),
		Out:        filepath.FromSlash("/proj/gen/triggers"),
		ImportPath: "example.com/app/gen/triggers",
		Renames:    map[string]string{"type:GITHUB_COMMIT_EVENT#/payload": "Commit"},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got  %+v\nwant %+v", c, want)
	}
	if got := c.VersionOf("github"); got != "20250729_00" {
		t.Errorf("VersionOf(github) = %q", got)
	}
	if got := c.VersionOf("notion"); got != Latest {
		t.Errorf("VersionOf(notion) = %q", got)
	}
	if got := c.Slugs(); !reflect.DeepEqual(got, []string{"github", "slack", "gmail"}) {
		t.Errorf("Slugs = %q", got)
	}
}

func TestParseListAndDefaults(t *testing.T) {
	c, err := Parse("x.yaml", "/p", []byte("version: 1\ntoolkits: [github, slack]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []Toolkit{{"github", Latest}, {"slack", Latest}}; !reflect.DeepEqual(c.Toolkits, want) {
		t.Errorf("toolkits = %+v", c.Toolkits)
	}
	if c.Lock != filepath.FromSlash("/p/triggergen.lock.json") || c.Out != filepath.FromSlash("/p/composiotriggers") {
		t.Errorf("defaults: lock %q out %q", c.Lock, c.Out)
	}
	if c.ImportPath != "" || c.Renames != nil {
		t.Errorf("unexpected import path %q / renames %v", c.ImportPath, c.Renames)
	}
}

// TestValidationReportsEveryProblem checks that one bad file yields every
// problem at once, each with its line.
func TestValidationReportsEveryProblem(t *testing.T) {
	src := `version: 2
toolkits:
  github: v1
  Bad-Slug: latest
  slack: [1]
lock: 3
out: ""
import_path: "not a path!"
renames:
  a: ""
  b: [x]
colour: blue
toolkits: [x]
`
	_, err := Parse("triggergen.yaml", "/p", []byte(src))
	if err == nil {
		t.Fatal("no error")
	}
	want := []string{
		`triggergen.yaml:1: unsupported version 2 (this triggergen reads version 1)`,
		`triggergen.yaml:3: toolkits: github: version "v1": want "latest" or a version like 20250930_00`,
		`triggergen.yaml:4: toolkits: "Bad-Slug" is not a toolkit slug (want lower case letters, digits and _)`,
		`triggergen.yaml:5: toolkits: slack: version a list: want "latest" or a version like 20250930_00`,
		`triggergen.yaml:6: lock: want a string, got int 3`,
		`triggergen.yaml:7: out: must not be empty`,
		`triggergen.yaml:8: import_path: malformed import path "not a path!": invalid char ' '`,
		`triggergen.yaml:10: renames: a: want a Go name, got ""`,
		`triggergen.yaml:11: renames: b: want a Go name, got a list`,
		`triggergen.yaml:12: unknown key "colour" (known: version, toolkits, lock, out, import_path, renames)`,
		`triggergen.yaml:13: duplicate key "toolkits" (first at line 2)`,
	}
	got := strings.Split(err.Error(), "\n")
	if !reflect.DeepEqual(got, want) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var ce *Error
	if !errors.As(err, &ce) || ce.Line != 1 {
		t.Errorf("errors.As(*Error) = %v, first line %d", ce, ce.Line)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"empty", "", "c.yaml: empty file (want at least `version: 1`)"},
		{"missing version", "toolkits: [github]\n", "c.yaml:1: missing `version: 1`"},
		{"not a mapping", "- a\n", "c.yaml:1: want a mapping of settings, got a list"},
		{"bad yaml", "version: 1\ntoolkits: [\n", "c.yaml:2: invalid YAML: did not find expected node content"},
		{"version string", "version: \"1\"\n", `c.yaml:1: version: want the number 1, got "1"`},
		{"duplicate toolkit", "version: 1\ntoolkits: [github, github]\n", `c.yaml:2: toolkits: "github" listed twice (first at line 2)`},
		{"toolkits scalar", "version: 1\ntoolkits: github\n", `c.yaml:2: toolkits: want a list of slugs or a mapping slug: version, got "github"`},
		{"renames list", "version: 1\nrenames: [a]\n", `c.yaml:2: renames: want a mapping key: GoName, got a list`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("c.yaml", "/p", []byte(tc.src))
			if err == nil || err.Error() != tc.want {
				t.Errorf("err = %v\nwant %s", err, tc.want)
			}
		})
	}
}

func TestLoadAndFind(t *testing.T) {
	dir := t.TempDir()
	if p, err := Find(dir); err != nil || p != "" {
		t.Fatalf("Find(empty) = %q, %v", p, err)
	}
	path := filepath.Join(dir, FileName)
	if err := os.WriteFile(path, []byte("version: 1\nlock: l.json\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Find(dir)
	if err != nil || p != path {
		t.Fatalf("Find = %q, %v", p, err)
	}
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.Lock != filepath.Join(dir, "l.json") {
		t.Errorf("lock = %q", c.Lock)
	}
	if _, err := Load(filepath.Join(dir, "nope.yaml")); err == nil {
		t.Error("Load(missing) succeeded")
	}
}
