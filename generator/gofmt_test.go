package generator_test

import (
	"bytes"
	"context"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/triggergen/triggergen/catalog"
	"github.com/triggergen/triggergen/generator"
	"github.com/triggergen/triggergen/generator/internal/synth"
	"github.com/triggergen/triggergen/lockfile"
)

// checkGofmt fails unless gofmt leaves every Go file of files unchanged.
// Most of the generated code is written as gofmt formats it instead of being
// formatted (see internal/emit/source.go), so this is what proves that it
// is: any difference in alignment, spacing or doc comment layout shows here.
func checkGofmt(t testing.TB, name string, files []generator.File) int {
	t.Helper()
	n := 0
	for _, f := range files {
		if !strings.HasSuffix(f.Path, ".go") {
			continue
		}
		n++
		got, err := format.Source(f.Content)
		if err != nil {
			t.Fatalf("%s: %s: %v\n%s", name, f.Path, err, f.Content)
		}
		if !bytes.Equal(got, f.Content) {
			t.Errorf("%s: %s is not as gofmt formats it (- generated, + gofmt):\n%s", name, f.Path, lineDiff(string(f.Content), string(got)))
		}
	}
	return n
}

// TestGofmtFixedPoint: gofmt leaves unchanged every file generated from the
// embedded catalog, a synthetic catalog, every golden and hostile input and
// the JSON Schema Test Suite's schemas. FuzzGenerate checks the same on
// mutated schemas.
func TestGofmtFixedPoint(t *testing.T) {
	files := 0
	gen := func(name string, lk *lockfile.Lock) {
		res, err := generator.Generate(context.Background(), generator.Config{Lock: lk, ImportPath: "example.com/gofmt"})
		if err != nil {
			return // input errors are other tests' subject
		}
		files += checkGofmt(t, name, res.Files)
	}
	real, err := catalog.Lock()
	if err != nil {
		t.Fatal(err)
	}
	gen("catalog", real)
	if !testing.Short() {
		lk, err := synth.Build(real, 400, synth.DefaultSeed)
		if err != nil {
			t.Fatal(err)
		}
		gen("synth400", lk)
	}
	// gofmt aligns a composite literal's keys unless a pair is longer than
	// a million bytes: a trigger version and a slug of each kind.
	for _, n := range []int{60_000, 1_100_000} {
		for _, what := range []string{"version", "slug"} {
			lk, err := catalog.Lock()
			if err != nil {
				t.Fatal(err)
			}
			lk.Toolkits = lk.Toolkits[:1]
			tt := lk.Toolkits[0].TriggerTypes[0]
			if what == "version" {
				tt.Version = strings.Repeat("9", n)
			} else {
				tt.Slug = lk.Toolkits[0].Slug + "_" + strings.Repeat("X", n)
			}
			gen(fmt.Sprintf("%s of %d bytes", what, n), lk)
		}
	}
	for _, dir := range []string{goldenDir, hostileDir} {
		inputs, _ := filepath.Glob(filepath.Join(dir, "*", "input.lock.json"))
		for _, p := range inputs {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if lk, err := lockfile.Parse(p, data); err == nil {
				gen(p, lk)
			}
		}
	}
	suite, err := suiteResults()
	if err != nil {
		t.Fatal(err)
	}
	for _, sf := range suite {
		files += checkGofmt(t, sf.Draft+"/"+sf.Name, sf.files)
	}
	want := 1300 // catalog 108, synthetic 420, goldens, hostile, suite
	if testing.Short() {
		want = 900 // without the synthetic catalog
	}
	if files < want {
		t.Errorf("only %d files checked, want %d or more", files, want)
	}
	t.Logf("%d files checked", files)
}
