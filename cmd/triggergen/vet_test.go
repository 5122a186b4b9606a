package main

import (
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/triggergen/triggergen/lockfile"
)

// TestVetModule is the story in a new module outside the repository:
// a required branch is added to GITHUB_COMMIT_EVENT's config in the lock and
// the code is regenerated; the user's literal without it still compiles and
// Validate accepts it (an empty string is a valid string), but
// `triggergen vet ./...` and `go vet -vettool=triggergen ./...` point at it,
// and exit 0 once it is fixed. The generated package is among ./..., so its
// own zero literal (var _ trigger.Config = CommitEventConfig{}) must not be
// reported.
func TestVetModule(t *testing.T) {
	repo, tmp, bin := buildCLI(t)
	app := filepath.Join(tmp, "app")
	writeT(t, filepath.Join(app, "go.mod"), "module example.com/app\n\ngo 1.26\n\nrequire github.com/triggergen/triggergen v0.0.0\n\nreplace github.com/triggergen/triggergen => "+filepath.ToSlash(repo)+"\n")
	if out, code := tool(t, app, bin, "init", "-toolkits", "github"); code != 0 {
		t.Fatalf("init: exit %d\n%s", code, out)
	}
	lockPath := filepath.Join(app, "triggergen.lock.json")
	lk := readLockT(t, lockPath)
	lk.Toolkits = []*lockfile.Toolkit{addRequiredConfigField(t, lk.Toolkit("github"), "GITHUB_COMMIT_EVENT", "branch")}
	writeT(t, lockPath, string(marshalT(t, lk)))
	if out, code := tool(t, app, bin, "generate"); code != 0 {
		t.Fatalf("generate: exit %d\n%s", code, out)
	}

	const literal = `github.CommitEventConfig{Owner: "octocat", Repo: "hello-world"}`
	program := func(lit string) {
		writeT(t, filepath.Join(app, "main.go"), `// Command app creates a commit trigger.
package main

import (
	"fmt"

	"example.com/app/composiotriggers/github"
	"github.com/triggergen/triggergen/trigger"
)

func main() {
	var cfg trigger.Config = `+lit+`
	fmt.Println("validate:", cfg.Validate())
}
`)
		writeT(t, filepath.Join(app, "main_test.go"), `package main

import (
	"testing"

	"example.com/app/composiotriggers/github"
)

func TestConfig(t *testing.T) {
	if err := (`+lit+`).Validate(); err != nil {
		t.Fatal(err)
	}
}
`)
	}
	program(literal)
	goCmd(t, app, nil, "mod", "tidy")
	// It compiles, and Validate is faithful to the schema: "" is a string.
	if out, code := tool(t, app, goBin(t), "run", "."); code != 0 || out != "validate: <nil>\n" {
		t.Errorf("go run: %q, want validate: <nil>", out)
	}

	const msg = `: github.CommitEventConfig literal omits required field Branch (JSON "branch") of trigger type GITHUB_COMMIT_EVENT`
	wantMain, wantTest := "main.go:12:27"+msg, "main_test.go:10:13"+msg

	out, code := toolSplit(t, app, bin, "vet", "./...")
	if code != 1 || out.stdout != wantMain+"\n"+wantTest+"\n" || out.stderr != "triggergen: vet: 2 required fields omitted\n" {
		t.Errorf("vet ./...: exit %d, stdout:\n%s\nstderr:\n%s\nwant exit 1, stdout:\n%s\n%s", code, out.stdout, out.stderr, wantMain, wantTest)
	}
	out, code = toolSplit(t, app, bin, "vet", "-test=false", "./...")
	if code != 1 || out.stdout != wantMain+"\n" {
		t.Errorf("vet -test=false ./...: exit %d, stdout:\n%s\nwant exit 1 and only %s", code, out.stdout, wantMain)
	}
	// The default is the package in the current directory, as go vet's.
	out, code = toolSplit(t, filepath.Join(app, "composiotriggers", "github"), bin, "vet")
	if code != 0 || out.stdout != "" || out.stderr != "" {
		t.Errorf("vet in the generated package: exit %d\n%s%s", code, out.stdout, out.stderr)
	}
	goVet, code := goVetTool(t, app, bin)
	for _, want := range []string{wantMain, wantTest} {
		if code == 0 || !strings.Contains(goVet, want) {
			t.Errorf("go vet -vettool: exit %d, want non-zero and %q in:\n%s", code, want, goVet)
		}
	}
	if n := strings.Count(goVet, "literal omits"); n != 2 {
		t.Errorf("go vet -vettool reports %d literals, want 2:\n%s", n, goVet)
	}
	t.Logf("go vet -vettool:\n%s", goVet)

	program(strings.Replace(literal, `}`, `, Branch: "main"}`, 1))
	if out, code := toolSplit(t, app, bin, "vet", "./..."); code != 0 || out.stdout != "" || out.stderr != "" {
		t.Errorf("vet ./... after the fix: exit %d\n%s%s", code, out.stdout, out.stderr)
	}
	if out, code := goVetTool(t, app, bin); code != 0 {
		t.Errorf("go vet -vettool after the fix: exit %d\n%s", code, out)
	}

	// go vet under a newer Go than triggergen was built with: -V=full,
	// whose stderr go vet shows, refuses with the remedy.
	newer := t.TempDir()
	writeT(t, filepath.Join(newer, "VERSION"), "go1.99.0\ntime 2099-01-01T00:00:00Z\n")
	cmd := exec.Command(bin, "-V=full")
	cmd.Env = append(childEnv(), "GOROOT="+newer)
	got, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(got), "triggergen: vet: triggergen was built with "+runtime.Version()+" and cannot check code for the go command's go1.99.0; build it with go1.99 or newer") {
		t.Errorf("-V=full under go1.99.0: %v\n%s", err, got)
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(bin, "-V=full")
	cmd.Env = append(childEnv(), "GOROOT="+strings.TrimSpace(string(goroot)))
	if got, err := cmd.CombinedOutput(); err != nil || !strings.HasPrefix(string(got), bin+" version ") {
		t.Errorf("-V=full under its own Go: %v\n%s", err, got)
	}
}

func TestToolchainSkew(t *testing.T) {
	for _, tc := range []struct {
		goVersion, built string
		skew             bool
	}{
		{"go1.27.3", "go1.26.8", true},
		{"go1.27rc1", "go1.26.8", true},
		{"go1.26.9", "go1.26.8", false}, // same language version
		{"go1.26.0", "go1.27.3", false},
		{"", "go1.26.8", false},
		{"devel go1.27-abcdef", "go1.26.8", false}, // unknown: let go vet try
		{"go1.27.3", "devel go1.27-abcdef", false},
	} {
		err := toolchainSkew(tc.goVersion, tc.built)
		if (err != nil) != tc.skew {
			t.Errorf("toolchainSkew(%q, %q) = %v, want skew %v", tc.goVersion, tc.built, err, tc.skew)
		}
	}
	dir := t.TempDir()
	if v := goVersionAt(dir); v != "" {
		t.Errorf("goVersionAt without a VERSION file = %q", v)
	}
	writeT(t, filepath.Join(dir, "VERSION"), "go1.27.3\ntime 2026-01-01T00:00:00Z\n")
	if v := goVersionAt(dir); v != "go1.27.3" {
		t.Errorf("goVersionAt = %q, want go1.27.3", v)
	}
}

// goVetTool runs go vet -vettool=bin ./... in dir; combined output and exit code.
func goVetTool(t *testing.T, dir, bin string) (string, int) {
	t.Helper()
	return tool(t, dir, goBin(t), "vet", "-vettool="+bin, "./...")
}

// goBin is the go command's path.
func goBin(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// toolSplit runs bin in dir and returns its stdout, stderr and exit code apart.
func toolSplit(t *testing.T, dir, bin string, args ...string) (tgResult, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = childEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	code := 0
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("triggergen %s: %v", strings.Join(args, " "), err)
	}
	return tgResult{code, stdout.String(), stderr.String()}, code
}

func TestIsVetTool(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{[]string{"-V=full"}, true},
		{[]string{"-flags"}, true},
		{[]string{"/tmp/go-build1/b001/vet.cfg"}, true},
		{[]string{"-requiredfield", "-json", "/tmp/go-build1/b001/vet.cfg"}, true},
		{nil, false},
		{[]string{"vet"}, false},
		{[]string{"vet", "./..."}, false},
		{[]string{"vet", "x.cfg"}, false},
		{[]string{"-V=full", "x"}, false},
		{[]string{"version"}, false},
	} {
		if got := isVetTool(tc.args); got != tc.want {
			t.Errorf("isVetTool(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}
