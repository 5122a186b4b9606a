package generator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/triggergen/triggergen/generator"
	"github.com/triggergen/triggergen/lockfile"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

const goldenDir = "../testdata/golden"

// goldenImportPath is the ImportPath golden case c is generated with.
func goldenImportPath(c string) string { return "example.com/gen/golden/" + c }

// runCase generates one golden case: input.lock.json, with renames.json as
// Config.Renames when present.
func runCase(c string) (*generator.Result, error) {
	dir := filepath.Join(goldenDir, c)
	data, err := os.ReadFile(filepath.Join(dir, "input.lock.json"))
	if err != nil {
		return nil, err
	}
	lk, err := lockfile.Parse("input.lock.json", data)
	if err != nil {
		return nil, err
	}
	cfg := generator.Config{Lock: lk, LockName: "input.lock.json", ImportPath: goldenImportPath(c)}
	if b, err := os.ReadFile(filepath.Join(dir, "renames.json")); err == nil {
		if err := json.Unmarshal(b, &cfg.Renames); err != nil {
			return nil, err
		}
	}
	return generator.Generate(context.Background(), cfg)
}

func goldenCases(t *testing.T) []string {
	t.Helper()
	ents, err := os.ReadDir(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out
}

// TestGolden compares each case's output with want/ (files), want.err (an
// expected error) and want.warnings. A missing golden fails; run
// `go test ./generator/ -run Golden -update` to write them.
func TestGolden(t *testing.T) {
	for _, c := range goldenCases(t) {
		t.Run(c, func(t *testing.T) {
			dir := filepath.Join(goldenDir, c)
			res, err := runCase(c)
			got := map[string][]byte{}
			if err != nil {
				got["want.err"] = []byte(err.Error() + "\n")
				var ge *generator.Error
				var le *lockfile.Error
				if !errors.As(err, &ge) && !errors.As(err, &le) {
					t.Errorf("error %T is not a *generator.Error or *lockfile.Error", err)
				}
			} else {
				for _, f := range res.Files {
					got["want/"+f.Path] = f.Content
				}
				if len(res.Warnings) > 0 {
					var b strings.Builder
					for _, w := range res.Warnings {
						b.WriteString(w.String() + "\n")
					}
					got["want.warnings"] = []byte(b.String())
				}
			}
			want := readGolden(t, dir)
			if *update {
				for p := range want {
					if _, ok := got[p]; !ok {
						os.Remove(filepath.Join(dir, filepath.FromSlash(p)))
					}
				}
				for p, b := range got {
					path := filepath.Join(dir, filepath.FromSlash(p))
					os.MkdirAll(filepath.Dir(path), 0o755)
					if err := os.WriteFile(path, b, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				return
			}
			var paths []string
			for p := range got {
				paths = append(paths, p)
			}
			for p := range want {
				if _, ok := got[p]; !ok {
					paths = append(paths, p)
				}
			}
			sort.Strings(paths)
			for _, p := range paths {
				g, gok := got[p]
				w, wok := want[p]
				switch {
				case !wok:
					t.Errorf("%s: golden file missing (run go test ./generator/ -run Golden -update)", p)
				case !gok:
					t.Errorf("%s: golden file not produced any more", p)
				case !bytes.Equal(g, w):
					t.Errorf("%s differs from the golden file:\n%s", p, lineDiff(string(w), string(g)))
				}
			}
		})
	}
}

func readGolden(t *testing.T, dir string) map[string][]byte {
	out := map[string][]byte{}
	for _, n := range []string{"want.err", "want.warnings"} {
		if b, err := os.ReadFile(filepath.Join(dir, n)); err == nil {
			out[n] = b
		}
	}
	wd := filepath.Join(dir, "want")
	filepath.WalkDir(wd, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = b
		return nil
	})
	return out
}

// lineDiff shows the first differing lines.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return "line " + itoa(i+1) + ":\n- " + a + "\n+ " + b
		}
	}
	return "(no line differs)"
}

func itoa(i int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + jsonNum(i)) }

func jsonNum(i int) string { b, _ := json.Marshal(i); return string(b) }
