package generator_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/triggergen/triggergen/catalog"
	"github.com/triggergen/triggergen/generator"
	"github.com/triggergen/triggergen/trigger/triggerimpl"
)

// A skew between generated code and the runtime fails to compile on the
// EnforceVersion line of doc.gen.go, whose comment says what to do, in both
// directions: code too old for the runtime, and runtime too old for the code.
func TestEnforceVersionSkew(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module; skipped with -short")
	}
	lk, err := catalog.Lock()
	if err != nil {
		t.Fatal(err)
	}
	res, err := generator.Generate(context.Background(), generator.Config{Lock: lk, ImportPath: "example.com/skew/gen", Toolkits: []string{"github"}})
	if err != nil {
		t.Fatal(err)
	}
	v := triggerimpl.GenVersion
	for _, tc := range []struct {
		name, old, new, remedy string
	}{
		{"code older than runtime", fmt.Sprintf("EnforceVersion(%d - ", v), fmt.Sprintf("EnforceVersion(%d - ", triggerimpl.MinVersion-1), "regenerate"},
		{"runtime older than code", fmt.Sprintf("MaxVersion - %d)", v), fmt.Sprintf("MaxVersion - %d)", triggerimpl.MaxVersion+1), "upgrade github.com/triggergen/triggergen"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			gomod := fmt.Sprintf("module example.com/skew\n\ngo 1.26\n\nrequire github.com/triggergen/triggergen v0.0.0\n\nreplace github.com/triggergen/triggergen => %s\n", repoRoot())
			must(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644))
			sum, err := os.ReadFile(filepath.Join(repoRoot(), "go.sum"))
			must(t, err)
			must(t, os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644))
			edited := false
			for _, f := range res.Files {
				b := f.Content
				if strings.HasSuffix(f.Path, "doc.gen.go") {
					if !strings.Contains(string(b), tc.old) {
						t.Fatalf("doc.gen.go has no %q:\n%s", tc.old, b)
					}
					b = []byte(strings.Replace(string(b), tc.old, tc.new, 1))
					edited = true
				}
				must(t, writeFile(filepath.Join(dir, "gen", f.Path), b))
			}
			if !edited {
				t.Fatal("no doc.gen.go")
			}
			cmd := exec.Command("go", "build", "./...")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off")
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatal("a version skew compiled")
			}
			msg := string(out)
			if !strings.Contains(msg, "doc.gen.go") || !strings.Contains(msg, "EnforceVersion") || !strings.Contains(msg, "overflows") {
				t.Fatalf("the build did not fail on the EnforceVersion line:\n%s", msg)
			}
			// The failing line carries the remedy.
			line := failingLine(t, filepath.Join(dir, "gen"), msg)
			if !strings.Contains(line, tc.remedy) {
				t.Errorf("failing line %q does not say %q", line, tc.remedy)
			}
		})
	}
}

// failingLine returns the source line of the first "doc.gen.go:N:" in msg.
func failingLine(t *testing.T, root, msg string) string {
	t.Helper()
	i := strings.Index(msg, "doc.gen.go:")
	var n int
	if _, err := fmt.Sscanf(msg[i+len("doc.gen.go:"):], "%d", &n); err != nil {
		t.Fatalf("no line number in %q", msg)
	}
	b, err := os.ReadFile(filepath.Join(root, "github", "doc.gen.go"))
	must(t, err)
	return strings.Split(string(b), "\n")[n-1]
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
