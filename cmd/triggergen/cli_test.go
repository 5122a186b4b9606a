package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"testing"
)

var updateCLI = flag.Bool("update", false, "rewrite the golden files under testdata/cli")

// cliData is this package's test data directory in the repository.
const cliData = "../../testdata/cli"

// golden compares got with the file, or rewrites it with -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *updateCLI {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/triggergen/ -run %s -update)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("%s differs; got:\n%s", path, got)
	}
}

func TestDiffCommand(t *testing.T) {
	old := filepath.Join(cliData, "diff", "old.lock.json")
	new := filepath.Join(cliData, "diff", "new.lock.json")

	r := runTG(t, nil, "diff", old, new)
	if r.code != 0 {
		t.Fatalf("diff: exit %d\n%s", r.code, r.stderr)
	}
	golden(t, filepath.Join(cliData, "diff", "want.txt"), r.stdout)

	// Flags may follow the lock files.
	r = runTG(t, nil, "diff", old, new, "-json")
	if r.code != 0 {
		t.Fatalf("diff -json: exit %d\n%s", r.code, r.stderr)
	}
	golden(t, filepath.Join(cliData, "diff", "want.json"), r.stdout)
	var report struct {
		Breaking bool `json:"breaking"`
		Changes  []struct {
			Field, Kind, Severity string
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil || !report.Breaking {
		t.Fatalf("JSON report: %v, breaking=%v", err, report.Breaking)
	}

	r = runTG(t, nil, "diff", "-fail-on-breaking", old, new)
	if r.code != 1 || !strings.Contains(r.stdout, `config field "branch" added as required`) {
		t.Errorf("-fail-on-breaking: exit %d, want 1 after printing the report\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "triggergen: 4 breaking changes between") {
		t.Errorf("stderr: %s", r.stderr)
	}
	// The same lock twice: nothing to report, exit 0 even with -fail-on-breaking.
	r = runTG(t, nil, "diff", "-fail-on-breaking", new, new)
	if r.code != 0 || r.stdout != "no changes\n" {
		t.Errorf("same lock: exit %d %q", r.code, r.stdout)
	}
	// Reversed, only additive changes are breaking the other way round.
	r = runTG(t, nil, "diff", new, old, "-fail-on-breaking")
	if r.code != 1 {
		t.Errorf("reversed: exit %d", r.code)
	}
}

func TestDiffErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"lock_version": 1, "toolkits": [{"version": "x"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"diff", "a.json"}, 2, "triggergen: diff: want two lock files, OLD and NEW; got 1 argument\n"},
		{[]string{"diff", "a", "b", "-nope"}, 2, "flag provided but not defined: -nope"},
		{[]string{"diff", filepath.Join(dir, "missing.json"), bad}, 1, "missing.json: no such file or directory"},
		{[]string{"diff", bad, bad}, 1, "bad.json#/toolkits/0/slug: missing toolkit slug"},
	} {
		r := runTG(t, nil, tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", tc.args, r.code, r.stderr, tc.code, tc.want)
		}
	}
}

func TestVersion(t *testing.T) {
	r := runTG(t, nil, "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "triggergen ") || !strings.Contains(r.stdout, " go1.") {
		t.Errorf("version: exit %d %q", r.code, r.stdout)
	}
	for _, tc := range []struct {
		bi   *debug.BuildInfo
		want string
	}{
		{nil, "(devel)"},
		{&debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "v1.2.3"}}, "v1.2.3"},
		{&debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "(devel)"}}, "(devel)"},
		{&debug.BuildInfo{Main: debug.Module{Path: "example.com/app"},
			Deps: []*debug.Module{{Path: modulePath, Version: "v0.4.0"}}}, "v0.4.0"},
		{&debug.BuildInfo{Main: debug.Module{Path: "example.com/app"},
			Deps: []*debug.Module{{Path: modulePath, Version: "v0.0.0", Replace: &debug.Module{Path: "../", Version: ""}}}}, "(devel)"},
		{&debug.BuildInfo{Main: debug.Module{Path: "example.com/app"}}, "(devel)"},
	} {
		got := moduleVersion(func() (*debug.BuildInfo, bool) { return tc.bi, tc.bi != nil })
		if got != tc.want {
			t.Errorf("moduleVersion(%+v) = %q, want %q", tc.bi, got, tc.want)
		}
	}
	if r := runTG(t, nil, "version", "extra"); r.code != 2 {
		t.Errorf("version extra: exit %d", r.code)
	}
}

// TestHelp: -h on every command exits 0 and prints its usage with an
// example; `help` lists every command.
func TestHelp(t *testing.T) {
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, want := range []string{"diff", "generate", "pull", "version"} {
		if _, ok := cmds[want]; !ok {
			t.Errorf("command %s not registered", want)
		}
	}
	// Subcommands too.
	for _, name := range append(names, "webhook verify") {
		for _, h := range []string{"-h", "-help", "--help"} {
			r := runTG(t, nil, append(strings.Fields(name), h)...)
			if r.code != 0 || !strings.Contains(r.stdout, "Usage: triggergen "+name) || strings.Count(r.stdout, "Usage:") != 1 {
				t.Errorf("%s %s: exit %d\n%s%s", name, h, r.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, "Example:\n\n  ") {
				t.Errorf("%s %s prints no example:\n%s", name, h, r.stdout)
			}
		}
	}
	r := runTG(t, nil, "help")
	if r.code != 0 {
		t.Errorf("help: exit %d", r.code)
	}
	for _, n := range names {
		if !strings.Contains(r.stdout, "  "+n+" ") {
			t.Errorf("help does not list %s:\n%s", n, r.stdout)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "triggergen: no command given"},
		{[]string{"frobnicate"}, `triggergen: unknown command "frobnicate"`},
		{[]string{"pull", "-frob"}, "triggergen: pull: flag provided but not defined: -frob"},
		{[]string{"diff", "-frob"}, "triggergen: diff: flag provided but not defined: -frob"},
		{[]string{"version", "-frob"}, "triggergen: version: flag provided but not defined: -frob"},
		{[]string{"generate", "-frob"}, "triggergen: generate: flag provided but not defined: -frob"},
		{[]string{"vet", "-frob"}, "triggergen: vet: flag provided but not defined: -frob"},
		{[]string{"pull", "extra"}, `triggergen: pull: unexpected argument "extra"`},
		{[]string{"generate", "-toolkits"}, "triggergen: generate: flag needs an argument: -toolkits"},
		{[]string{"webhook"}, "triggergen: webhook: no subcommand given"},
		{[]string{"webhook", "frob"}, `triggergen: webhook: unknown subcommand "frob"`},
		{[]string{"webhook", "verify", "-id", "x"}, "triggergen: webhook verify: no secret"},
	} {
		r := runTG(t, nil, tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", tc.args, r.code, r.stderr, tc.want)
		}
		// A usage error prints no help on stdout; a bad flag says where
		// the help is.
		if r.stdout != "" {
			t.Errorf("%q: stdout %q, want nothing", tc.args, r.stdout)
		}
		if strings.Contains(tc.want, "flag") && !strings.Contains(r.stderr, "\nrun 'triggergen "+tc.args[0]+" -h' for usage\n") {
			t.Errorf("%q: stderr %q does not point at -h", tc.args, r.stderr)
		}
	}
}

// Every command's -h describes it and spells flags with one dash.
func TestCommandHelp(t *testing.T) {
	var lines [][]string
	for name := range commands() {
		if name == "webhook" {
			lines = append(lines, []string{"webhook", "verify"}, []string{"webhook", "send"})
			continue // a group; its subcommands have their own -h
		}
		lines = append(lines, []string{name})
	}
	for _, cmd := range lines {
		name := strings.Join(cmd, " ")
		r := runTG(t, nil, append(cmd, "-h")...)
		if r.code != 0 || r.stderr != "" {
			t.Errorf("%s -h: exit %d, stderr %q", name, r.code, r.stderr)
		}
		lines := strings.Split(r.stdout, "\n")
		if len(lines) < 4 || !strings.HasPrefix(lines[0], "Usage: triggergen "+name) || lines[1] != "" || lines[2] == "" {
			t.Errorf("%s -h: want a usage line, a blank line and a description:\n%s", name, r.stdout)
		}
		if strings.Contains(r.stdout, " --") || strings.Contains(r.stdout, "\n\n\n") {
			t.Errorf("%s -h: double-dash flags or doubled blank lines:\n%s", name, r.stdout)
		}
	}
}

// TestConfigErrorsReachTheUser: a bad triggergen.yaml in the current
// directory is reported with every problem, exit 1.
func TestConfigErrorsReachTheUser(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("triggergen.yaml", []byte("version: 2\ncolour: blue\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runTG(t, map[string]string{"COMPOSIO_API_KEY": "k"}, "pull")
	if r.code != 1 {
		t.Fatalf("exit %d", r.code)
	}
	for _, want := range []string{"triggergen: triggergen.yaml:1: unsupported version 2", "\ntriggergen.yaml:2: unknown key \"colour\""} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}

// The package doc (go doc ./cmd/triggergen) lists every command.
func TestPackageDocListsCommands(t *testing.T) {
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	doc, _, _ := strings.Cut(string(src), "\npackage main")
	for name := range commands() {
		if !strings.Contains(doc, "\n//\t"+name+" ") {
			t.Errorf("the package doc does not list %q", name)
		}
	}
}
