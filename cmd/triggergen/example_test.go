package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/triggergen/triggergen/lockfile"
)

// TestExample runs the downstream workflow of examples/ (its own module) in a
// temporary copy, as a user and their CI would: go generate, generate -check,
// vet, go mod vendor, go build and go vet with -mod=vendor; then a new
// required config field in the lock makes generate -check and
// diff -fail-on-breaking exit 1, the latter naming the field, and once
// regenerated the example still builds but vet exits 1 naming its literal.
func TestExample(t *testing.T) {
	repo, tmp, bin := buildCLI(t)

	dir := filepath.Join(tmp, "examples")
	copyTree(t, filepath.Join(repo, "examples"), dir)
	// The copy is elsewhere: point its replace at the repository.
	gomod := filepath.Join(dir, "go.mod")
	data, err := os.ReadFile(gomod)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^replace github.com/triggergen/triggergen => .*$`)
	if !re.Match(data) {
		t.Fatal("examples/go.mod has no replace of github.com/triggergen/triggergen")
	}
	data = re.ReplaceAll(data, []byte("replace github.com/triggergen/triggergen => "+filepath.ToSlash(repo)))
	if err := os.WriteFile(gomod, data, 0o644); err != nil {
		t.Fatal(err)
	}

	before := snapshotTree(t, filepath.Join(dir, "composiotriggers"))
	goCmd(t, dir, nil, "generate", "./...")
	if after := snapshotTree(t, filepath.Join(dir, "composiotriggers")); !equalTrees(before, after) {
		t.Error("go generate changed the committed generated packages: regenerate examples/ and commit")
	}
	if out, code := tool(t, dir, bin, "generate", "-check"); code != 0 {
		t.Fatalf("generate -check on a fresh generate: exit %d\n%s", code, out)
	}
	if out, code := tool(t, dir, bin, "vet", "./..."); code != 0 {
		t.Fatalf("vet ./... on the example: exit %d\n%s", code, out)
	}
	// The path of the tool go generate just built from the module cache (a
	// build from vendor/ later would take a minute).
	cmd := exec.Command("go", "tool", "-n", "triggergen")
	cmd.Dir, cmd.Env = dir, childEnv()
	goToolOut, err := cmd.Output()
	if err != nil {
		t.Fatalf("go tool -n triggergen: %v", err)
	}
	goTool := strings.TrimSpace(string(goToolOut))
	goCmd(t, dir, nil, "mod", "vendor")
	goCmd(t, dir, nil, "build", "-mod=vendor", "./...")
	goCmd(t, dir, nil, "vet", "-mod=vendor", "./...")

	// Composio adds a required config field to GITHUB_COMMIT_EVENT.
	lockPath := filepath.Join(dir, "triggergen.lock.json")
	oldLock := filepath.Join(tmp, "old.lock.json")
	old, err := os.ReadFile(lockPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(oldLock, old, 0o644); err != nil {
		t.Fatal(err)
	}
	lk, err := lockfile.Parse(lockPath, old)
	if err != nil {
		t.Fatal(err)
	}
	gh := lk.Toolkit("github")
	if gh == nil {
		t.Fatal("the example's lock has no github toolkit")
	}
	lk.Toolkits = append(lk.Toolkits[:0:0], lk.Toolkits...)
	for i, tk := range lk.Toolkits {
		if tk == gh {
			lk.Toolkits[i] = addRequiredConfigField(t, gh, "GITHUB_COMMIT_EVENT", "branch")
		}
	}
	newData, err := lk.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(lockPath, newData, 0o644); err != nil {
		t.Fatal(err)
	}

	out, code := tool(t, dir, bin, "generate", "-check")
	if code != 1 || !strings.Contains(out, "github/commit_event.gen.go") {
		t.Errorf("generate -check after the lock changed: exit %d, want 1 naming github/commit_event.gen.go\n%s", code, out)
	}
	out, code = tool(t, dir, bin, "diff", "-fail-on-breaking", oldLock, lockPath)
	if code != 1 || !strings.Contains(out, `config field "branch" added as required`) {
		t.Errorf("diff -fail-on-breaking: exit %d, want 1 naming the field\n%s", code, out)
	}
	t.Logf("diff output:\n%s", out)

	// Regenerated, the example still compiles; vet points at its literal.
	if out, code := tool(t, dir, bin, "generate"); code != 0 {
		t.Fatalf("generate after the lock changed: exit %d\n%s", code, out)
	}
	goCmd(t, dir, nil, "build", "./...")
	pos := literalPosition(t, filepath.Join(dir, "main.go"), "github.CommitEventConfig{")
	out, code = tool(t, dir, bin, "vet", "./...")
	if want := pos + `: github.CommitEventConfig literal omits required field Branch (JSON "branch") of trigger type GITHUB_COMMIT_EVENT`; code != 1 || !strings.Contains(out, want) {
		t.Errorf("vet ./... after regenerating: exit %d, want 1 and %q\n%s", code, want, out)
	}
	// The README's go vet line, with the tool the example's go.mod names.
	out, code = goVetTool(t, dir, goTool)
	if want := pos + `: github.CommitEventConfig literal omits required field Branch`; code == 0 || !strings.Contains(out, want) {
		t.Errorf("go vet -vettool=$(go tool -n triggergen) ./...: exit %d, want non-zero and %q\n%s", code, want, out)
	}
}

// buildCLI builds triggergen into a new temporary directory for a test that
// runs it on a module, and returns the repository root, that directory and
// the binary. It skips the test with -short or without a go command.
func buildCLI(t *testing.T) (repo, tmp, bin string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a module; skipped with -short")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	tmp = t.TempDir()
	bin = filepath.Join(tmp, "bin", "triggergen")
	goCmd(t, repo, nil, "build", "-o", bin, "./cmd/triggergen")
	return repo, tmp, bin
}

// addRequiredConfigField returns a copy of tk whose trigger slug has a new
// required string config field.
func addRequiredConfigField(t *testing.T, tk *lockfile.Toolkit, slug, field string) *lockfile.Toolkit {
	t.Helper()
	out := *tk
	out.TriggerTypes = nil
	found := false
	for _, tt := range tk.TriggerTypes {
		if tt.Slug == slug {
			found = true
			var obj map[string]any
			if err := json.Unmarshal(tt.Raw, &obj); err != nil {
				t.Fatal(err)
			}
			// The config's properties keep their order, the new one last,
			// as Composio would add it.
			var cfg map[string]json.RawMessage
			if err := json.Unmarshal(tt.Config, &cfg); err != nil {
				t.Fatal(err)
			}
			var props orderedProps
			if err := json.Unmarshal(cfg["properties"], &props); err != nil {
				t.Fatal(err)
			}
			var merged orderedObject
			for _, p := range props {
				merged = append(merged, member{p.name, p.schema})
			}
			merged = append(merged, member{field, map[string]any{
				"type": "string", "title": "Branch", "description": "Only commits to this branch",
			}})
			var req []string
			_ = json.Unmarshal(cfg["required"], &req)
			cfg["required"], _ = json.Marshal(append(req, field))
			var err error
			if cfg["properties"], err = json.Marshal(merged); err != nil {
				t.Fatal(err)
			}
			cfgJSON, err := json.Marshal(cfg)
			if err != nil {
				t.Fatal(err)
			}
			obj["config"] = json.RawMessage(cfgJSON)
			raw, err := json.Marshal(obj)
			if err != nil {
				t.Fatal(err)
			}
			c := *tt
			c.Raw = raw
			c.Config = cfgJSON
			tt = &c
		}
		out.TriggerTypes = append(out.TriggerTypes, tt)
	}
	if !found {
		t.Fatalf("no trigger type %s", slug)
	}
	return &out
}

// childEnv is the environment of go commands run on the example: no
// inherited -mod flag or workspace.
func childEnv() []string {
	return append(os.Environ(), "GOFLAGS=", "GOWORK=off")
}

func goCmd(t *testing.T, dir string, extraEnv []string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(childEnv(), extraEnv...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		hint := ""
		if bytes.Contains(out, []byte("go mod tidy")) || bytes.Contains(out, []byte("missing go.sum entry")) {
			hint = "\n(triggergen's imports changed: run `cd examples && go mod tidy` and commit examples/go.mod and go.sum)"
		}
		t.Fatalf("go %s (in %s): %v\n%s%s", strings.Join(args, " "), dir, err, out, hint)
	}
}

// tool runs the triggergen binary and returns its combined output and exit code.
func tool(t *testing.T, dir, bin string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = childEnv()
	var b bytes.Buffer
	cmd.Stdout, cmd.Stderr = &b, &b
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return b.String(), 0
	case errors.As(err, &ee):
		return b.String(), ee.ExitCode()
	}
	t.Fatalf("triggergen %s: %v", strings.Join(args, " "), err)
	return "", -1
}

// copyTree copies src to dst, leaving out vendor/.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			if rel == "vendor" {
				return filepath.SkipDir
			}
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func snapshotTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		out[path] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func equalTrees(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || v != w {
			return false
		}
	}
	return true
}

// literalPosition is "main.go:LINE:COL" of the only occurrence of lit in
// the file, as vet reports a composite literal's position.
func literalPosition(t *testing.T, path, lit string) string {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(src), lit) != 1 {
		t.Fatalf("%s has %d %q, want 1", path, strings.Count(string(src), lit), lit)
	}
	before := string(src[:strings.Index(string(src), lit)])
	line := strings.Count(before, "\n") + 1
	col := len(before) - strings.LastIndex(before, "\n")
	return fmt.Sprintf("%s:%d:%d", filepath.Base(path), line, col)
}
