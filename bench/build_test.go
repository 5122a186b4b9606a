package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/triggergen/triggergen/catalog"
	"github.com/triggergen/triggergen/generator"
)

// buildTarget is a set of Go packages whose build the benchmarks time.
type buildTarget struct {
	dir   string   // where go build runs
	pkgs  []string // its package patterns
	files []string // the generated files (absolute), one per package gets the nonce
	lines int
	env   []string
}

// corpusTarget generates the full embedded catalog into a temporary module
// that depends on this checkout through a replace directive.
func corpusTarget(b *testing.B) *buildTarget {
	lk, err := catalog.Lock()
	if err != nil {
		b.Fatal(err)
	}
	res, err := generator.Generate(context.Background(), generator.Config{Lock: lk, ImportPath: "example.com/benchcorpus/triggers"})
	if err != nil {
		b.Fatal(err)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	gomod := "module example.com/benchcorpus\n\ngo 1.26\n\nrequire github.com/triggergen/triggergen v0.0.0\n\nreplace github.com/triggergen/triggergen => " + root + "\n"
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		b.Fatal(err)
	}
	must(b, os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644))
	must(b, os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644))
	t := &buildTarget{dir: dir, pkgs: []string{"./..."}, env: []string{"GOFLAGS=-mod=mod", "GOWORK=off"}}
	for _, f := range res.Files {
		p := filepath.Join(dir, "triggers", filepath.FromSlash(f.Path))
		must(b, os.MkdirAll(filepath.Dir(p), 0o755))
		must(b, os.WriteFile(p, f.Content, 0o644))
		t.lines += bytes.Count(f.Content, []byte("\n"))
		if strings.HasSuffix(f.Path, "/doc.gen.go") {
			t.files = append(t.files, p)
		}
	}
	return t
}

// transportTarget is gen/ (the oapi-codegen transport) in this checkout.
func transportTarget(b *testing.B) *buildTarget {
	root, err := filepath.Abs("..")
	if err != nil {
		b.Fatal(err)
	}
	t := &buildTarget{dir: root, pkgs: []string{"./gen"}, env: []string{"GOWORK=off"}}
	matches, _ := filepath.Glob(filepath.Join(root, "gen", "*.go"))
	for _, m := range matches {
		data, err := os.ReadFile(m)
		must(b, err)
		t.lines += bytes.Count(data, []byte("\n"))
	}
	if len(matches) == 0 {
		b.Fatal("no gen/*.go")
	}
	t.files = matches[:1]
	return t
}

// build runs go build with cache; nonce > 0 overlays each nonce file with
// itself plus "const _ = nonce", so exactly the target packages (and
// nothing they depend on) miss the build cache.
func (t *buildTarget) build(b *testing.B, cache string, nonce int) {
	args := []string{"build"}
	if nonce > 0 {
		ov := struct{ Replace map[string]string }{map[string]string{}}
		odir := b.TempDir()
		for i, f := range t.files {
			data, err := os.ReadFile(f)
			must(b, err)
			data = fmt.Appendf(data, "\nconst _ = %d\n", nonce)
			p := filepath.Join(odir, fmt.Sprintf("%d.go", i))
			must(b, os.WriteFile(p, data, 0o644))
			ov.Replace[f] = p
		}
		js, _ := json.Marshal(ov)
		op := filepath.Join(odir, "overlay.json")
		must(b, os.WriteFile(op, js, 0o644))
		args = append(args, "-overlay", op)
	}
	args = append(args, t.pkgs...)
	cmd := exec.Command("go", args...)
	cmd.Dir = t.dir
	cmd.Env = append(append(os.Environ(), t.env...), "GOCACHE="+cache)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func must(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}

func targets(b *testing.B) []struct {
	name string
	t    func(*testing.B) *buildTarget
} {
	return []struct {
		name string
		t    func(*testing.B) *buildTarget
	}{{"corpus", corpusTarget}, {"transport", transportTarget}}
}

// BenchmarkBuildGenerated times `go build` of the generated full corpus (24
// toolkit packages from the embedded catalog, in a temporary module) and of
// gen/ (the transport), with a private GOCACHE that already holds their
// dependencies (the standard library, oapi-codegen's runtime, triggergen's
// runtime packages):
//
//	<target>/uncached  the target packages miss the cache (a nonce
//	                   constant is overlaid), dependencies hit it
//	<target>/cached    nothing changed: a no-op build
//
// It reports the generated lines of code as "lines".
func BenchmarkBuildGenerated(b *testing.B) {
	for _, tc := range targets(b) {
		b.Run(tc.name, func(b *testing.B) {
			t := tc.t(b)
			cache := b.TempDir()
			t.build(b, cache, 0) // warm the dependencies
			nonce := 0
			b.Run("uncached", func(b *testing.B) {
				for b.Loop() {
					nonce++
					t.build(b, cache, nonce)
				}
				b.ReportMetric(float64(t.lines), "lines")
			})
			b.Run("cached", func(b *testing.B) {
				for b.Loop() {
					t.build(b, cache, 0)
				}
				b.ReportMetric(float64(t.lines), "lines")
			})
		})
	}
}

// BenchmarkBuildCold times `go build` of the same targets with an empty
// GOCACHE per iteration: the standard library and every dependency are
// compiled too, so this is dominated by them. Run it with -benchtime=1x.
func BenchmarkBuildCold(b *testing.B) {
	for _, tc := range targets(b) {
		b.Run(tc.name, func(b *testing.B) {
			t := tc.t(b)
			for b.Loop() {
				b.StopTimer()
				cache := b.TempDir()
				b.StartTimer()
				t.build(b, cache, 0)
			}
			b.ReportMetric(float64(t.lines), "lines")
		})
	}
}
