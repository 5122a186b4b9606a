package generator_test

import (
	"context"
	"errors"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/triggergen/triggergen/generator"
	"github.com/triggergen/triggergen/lockfile"
)

// The hostile-schema set: testdata/hostile/<case>/input.lock.json, each
// expected either to generate code (want.out lists the files and warnings;
// the code is compiled and vetted with the corpus in the shared temporary
// module) or to fail with an error naming a JSON pointer (want.err).
// Rewrite the expectations with `go test ./generator/ -run Hostile -update`.
const hostileDir = "../testdata/hostile"

func hostileImportPath(c string) string { return "example.com/gen/hostile/" + c }

type hostileOutcome struct {
	res  *generator.Result
	err  error
	took time.Duration
	in   int // input bytes
}

var (
	hostileOnce sync.Once
	hostile     map[string]hostileOutcome
	hostileErr  error
)

// hostileResults generates every hostile case once per test binary.
func hostileResults() (map[string]hostileOutcome, error) {
	hostileOnce.Do(func() {
		ents, err := os.ReadDir(hostileDir)
		if err != nil {
			hostileErr = err
			return
		}
		hostile = map[string]hostileOutcome{}
		for _, e := range ents {
			if !e.IsDir() {
				continue
			}
			c := e.Name()
			data, err := os.ReadFile(filepath.Join(hostileDir, c, "input.lock.json"))
			if err != nil {
				hostileErr = err
				return
			}
			start := time.Now()
			out := hostileOutcome{in: len(data)}
			lk, err := lockfile.Parse("input.lock.json", data)
			if err != nil {
				out.err = err
			} else {
				out.res, out.err = generator.Generate(context.Background(), generator.Config{Lock: lk, LockName: "input.lock.json", ImportPath: hostileImportPath(c)})
			}
			out.took = time.Since(start)
			hostile[c] = out
		}
	})
	return hostile, hostileErr
}

// TestHostile checks each hostile case's outcome against its expectation:
// never a panic (the test would crash), an error that names a JSON pointer,
// or files that parse (and compile: see TestGeneratedCodeCompiles).
func TestHostile(t *testing.T) {
	cases, err := hostileResults()
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 20 {
		t.Fatalf("only %d hostile cases", len(cases))
	}
	for c, out := range cases {
		t.Run(c, func(t *testing.T) {
			t.Logf("generated in %v", out.took.Round(time.Millisecond))
			// Generation costs time in proportion to what it writes, so
			// bounding the output bounds the work without a wall-clock
			// limit, which a loaded machine would break: an input that
			// blows up (a billion laughs) cannot stay under it.
			if n := outputBytes(out.res); n > maxOutputPerInputByte*out.in {
				t.Errorf("%d bytes generated from %d bytes of input: more than %dx", n, out.in, maxOutputPerInputByte)
			}
			dir := filepath.Join(hostileDir, c)
			got := map[string]string{}
			if out.err != nil {
				if out.res != nil {
					t.Error("an error and a partial result")
				}
				got["want.err"] = out.err.Error() + "\n"
				checkPointers(t, out.err)
			} else {
				var b strings.Builder
				for _, f := range out.res.Files {
					b.WriteString(f.Path + "\n")
					if _, err := parser.ParseFile(token.NewFileSet(), f.Path, f.Content, parser.SkipObjectResolution); err != nil {
						t.Errorf("%s does not parse: %v", f.Path, err)
					}
				}
				for _, w := range out.res.Warnings {
					b.WriteString("warning: " + w.String() + "\n")
				}
				got["want.out"] = b.String()
			}
			for _, name := range []string{"want.err", "want.out"} {
				p := filepath.Join(dir, name)
				want, rerr := os.ReadFile(p)
				g, ok := got[name]
				if *update {
					if ok {
						if err := os.WriteFile(p, []byte(g), 0o644); err != nil {
							t.Fatal(err)
						}
					} else {
						os.Remove(p)
					}
					continue
				}
				switch {
				case ok && rerr != nil:
					t.Errorf("%s missing (run go test ./generator/ -run Hostile -update); got:\n%s", name, clip(g))
				case !ok && rerr == nil:
					t.Errorf("%s expected but not produced; error: %v", name, out.err)
				case ok && g != string(want):
					t.Errorf("%s differs:\n%s", name, lineDiff(string(want), g))
				}
			}
		})
	}
}

func clip(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}

// checkPointers requires every input error to be a *generator.Error or a
// *lockfile.Error with a JSON pointer.
func checkPointers(t *testing.T, err error) {
	t.Helper()
	var ges generator.Errors
	var ge *generator.Error
	var le *lockfile.Error
	switch {
	case errors.As(err, &ges):
		for _, e := range ges {
			if e.Pointer == "" {
				t.Errorf("error without a pointer: %v", e)
			}
		}
	case errors.As(err, &ge):
		if ge.Pointer == "" {
			t.Errorf("error without a pointer: %v", ge)
		}
	case errors.As(err, &le):
	default:
		t.Errorf("error %T is neither a *generator.Error nor a *lockfile.Error: %v", err, err)
	}
}

// TestGenerateAllOrNothing: Generate returns every file or an error, never
// both and never a partial Result, including when the context is cancelled
// part way (the CLI writes only after Generate succeeds, into a temporary
// directory it renames into place).
func TestGenerateAllOrNothing(t *testing.T) {
	cases, err := hostileResults()
	if err != nil {
		t.Fatal(err)
	}
	for c, out := range cases {
		if (out.err == nil) == (out.res == nil) {
			t.Errorf("%s: result %v with error %v", c, out.res != nil, out.err)
		}
		if out.res != nil {
			// Every toolkit package is complete: a doc file and a file per trigger.
			docs := 0
			for _, f := range out.res.Files {
				if strings.HasSuffix(f.Path, "/doc.gen.go") {
					docs++
				}
			}
			if docs == 0 {
				t.Errorf("%s: no doc.gen.go", c)
			}
		}
	}
	for _, c := range goldenCases(t) {
		res, err := runCase(c)
		if (err == nil) == (res == nil) {
			t.Errorf("golden %s: result %v with error %v", c, res != nil, err)
		}
	}
	// A cancelled context: an error and no result.
	lk, err := loadCaseLock("real_github")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := generator.Generate(ctx, generator.Config{Lock: lk, ImportPath: "example.com/x"})
	if err == nil || res != nil {
		t.Errorf("cancelled: result %v, error %v", res != nil, err)
	}
}

// TestLimitsConfigurable: a limit can be lowered, and disabled.
func TestLimitsConfigurable(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(hostileDir, "huge_enum", "input.lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	lk, err := lockfile.Parse("in.json", data)
	if err != nil {
		t.Fatal(err)
	}
	_, err = generator.Generate(context.Background(), generator.Config{Lock: lk, ImportPath: "example.com/x", Limits: generator.Limits{MaxEnumValues: 100}})
	var ge *generator.Error
	if !errors.As(err, &ge) || !strings.HasSuffix(ge.Pointer, "/enum") || !strings.Contains(ge.Message, "Limits.MaxEnumValues") {
		t.Errorf("MaxEnumValues 100: %v", err)
	}
	data, err = os.ReadFile(filepath.Join(hostileDir, "limit_depth", "input.lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	lk, err = lockfile.Parse("in.json", data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := generator.Generate(context.Background(), generator.Config{Lock: lk, ImportPath: "example.com/x", Limits: generator.Limits{MaxDepth: -1}}); err != nil {
		t.Errorf("MaxDepth disabled: %v", err)
	}
	if d := generator.DefaultLimits(); d.MaxDepth < 200 || d.MaxInlineDepth < d.MaxDepth {
		t.Errorf("defaults %+v", d)
	}
}

// maxOutputPerInputByte bounds how much code one byte of a hostile lock may
// produce (the deepest real case, nesting_200, produces about 16).
const maxOutputPerInputByte = 100

func outputBytes(res *generator.Result) int {
	if res == nil {
		return 0
	}
	n := 0
	for _, f := range res.Files {
		n += len(f.Content)
	}
	return n
}

// TestNoHiddenCharacters: no generated file holds a character that hides or
// reorders what a reader sees, or that the Go scanner rejects: control
// characters other than tab and newline, the bidirectional controls, line and
// paragraph separators and a byte order mark. The comment_controls case puts
// each of them in every text the generator copies into comments (names,
// descriptions, instructions, titles, defaults, examples, setup fields).
func TestNoHiddenCharacters(t *testing.T) {
	cases, err := hostileResults()
	if err != nil {
		t.Fatal(err)
	}
	if out := cases["comment_controls"]; out.err != nil || out.res == nil {
		t.Fatalf("comment_controls: %v", out.err)
	}
	for c, out := range cases {
		if out.res == nil {
			continue
		}
		for _, f := range out.res.Files {
			for i, r := range string(f.Content) {
				if hiddenRune(r) {
					line := 1 + strings.Count(string(f.Content[:i]), "\n")
					t.Errorf("%s: %s:%d: character %U", c, f.Path, line, r)
					break
				}
			}
		}
	}
}

func hiddenRune(r rune) bool {
	switch {
	case r == '\t' || r == '\n':
		return false
	case r < ' ' || r >= 0x7f && r <= 0x9f:
		return true
	}
	return r == 0x061c || r == 0x200e || r == 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 ||
		r == 0x2028 || r == 0x2029 || r == 0xfeff
}
