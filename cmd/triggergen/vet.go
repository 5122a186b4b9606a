package main

import (
	"cmp"
	"context"
	"fmt"
	"go/token"
	"go/version"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/analysis/unitchecker"
	"golang.org/x/tools/go/packages"

	"github.com/triggergen/triggergen/analysis/requiredfield"
)

const vetSynopsis = `vet [-test=false] [packages]

Reports every composite literal of a generated config (or of a struct a config
reaches) that leaves out a required field, naming the Go field, the JSON
property and the trigger type:

  main.go:12:9: github.CommitEventConfig literal omits required field Branch (JSON "branch") of trigger type GITHUB_COMMIT_EVENT

Such a config compiles, and Validate accepts its empty string, which the
schema allows. Packages are go command patterns (default "."), test files
included, as go vet does. Generated code carries what the check needs (the
triggergen:"required" struct tag), so it reads no lock. Exit status: 0 clean;
1 when it reports or a package does not load; 2 usage.

go vet runs the same check: go vet -vettool=$(which triggergen) ./...`

func runVet(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "vet", vetSynopsis, "triggergen vet ./...")
	tests := fs.Bool("test", true, "also check test files")
	patterns, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(patterns) == 0 {
		patterns = []string{"."}
	}
	diags, err := vetPackages(ctx, patterns, *tests)
	if err != nil {
		return err
	}
	for _, d := range diags {
		fmt.Fprintln(e.stdout, printable(d))
	}
	if len(diags) > 0 {
		return fmt.Errorf("vet: %s omitted", countOf(len(diags), "required field"))
	}
	return nil
}

// vetPackages loads the packages matching patterns with the go command and
// runs the requiredfield analyzer on them. It returns the reports as
// "file:line:col: message" lines, sorted by position, each once (a file in a
// package and its test variant is analysed twice), with the file relative to
// the current directory when it lies below it.
func vetPackages(ctx context.Context, patterns []string, tests bool) ([]string, error) {
	cfg := &packages.Config{
		Context: ctx,
		Mode:    packages.LoadSyntax | packages.NeedModule,
		Tests:   tests,
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, fmt.Errorf("vet: %w", err)
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("vet: no packages match %s", strings.Join(patterns, " "))
	}
	if err := loadErrors(pkgs); err != nil {
		if skew := toolchainSkew(goCommandVersion(ctx), runtime.Version()); skew != nil {
			return nil, skew // the cause of the errors, said once
		}
		return nil, err
	}
	g, err := checker.Analyze([]*analysis.Analyzer{requiredfield.Analyzer}, pkgs, nil)
	if err != nil {
		return nil, fmt.Errorf("vet: %w", err)
	}
	type report struct {
		pos token.Position
		msg string
	}
	var reports []report
	seen := map[report]bool{}
	for _, act := range g.Roots {
		if act.Err != nil {
			return nil, fmt.Errorf("vet: %s: %w", act.Package.PkgPath, act.Err)
		}
		for _, d := range act.Diagnostics {
			r := report{act.Package.Fset.Position(d.Pos), d.Message}
			if !seen[r] {
				seen[r] = true
				reports = append(reports, r)
			}
		}
	}
	// Stable: the reports of one literal keep the struct's field order.
	slices.SortStableFunc(reports, func(a, b report) int {
		return cmp.Or(cmp.Compare(a.pos.Filename, b.pos.Filename), cmp.Compare(a.pos.Line, b.pos.Line), cmp.Compare(a.pos.Column, b.pos.Column))
	})
	out := make([]string, len(reports))
	for i, r := range reports {
		out[i] = fmt.Sprintf("%s:%d:%d: %s", displayPath(r.pos.Filename), r.pos.Line, r.pos.Column, r.msg)
	}
	return out, nil
}

// maxLoadErrors bounds the load errors vet prints: one broken import can
// fail every package that uses it.
const maxLoadErrors = 10

// loadErrors is the errors of the packages that did not load (list, parse or
// type errors, each once, the first maxLoadErrors of them), joined; nil when
// all loaded.
func loadErrors(pkgs []*packages.Package) error {
	var errs []string
	seen := map[string]bool{}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			if s := e.Error(); !seen[s] {
				seen[s] = true
				errs = append(errs, s)
			}
		}
	})
	if len(errs) == 0 {
		return nil
	}
	more := ""
	if len(errs) > maxLoadErrors {
		more = fmt.Sprintf("\n... and %d more", len(errs)-maxLoadErrors)
		errs = errs[:maxLoadErrors]
	}
	return fmt.Errorf("vet: packages do not load:\n%s%s", strings.Join(errs, "\n"), more)
}

// isVetTool reports whether the arguments are go vet's, running triggergen as
// its -vettool: -V=full (the tool's identity, for go vet's cache), -flags
// (the flags it accepts, as JSON), or analyzer flags and one unit config file.
func isVetTool(args []string) bool {
	if len(args) == 1 && (args[0] == "-V=full" || args[0] == "-flags") {
		return true
	}
	if len(args) == 0 || !strings.HasSuffix(args[len(args)-1], ".cfg") {
		return false
	}
	for _, a := range args[:len(args)-1] {
		if !strings.HasPrefix(a, "-") {
			return false
		}
	}
	return true
}

// runVetTool answers go vet with the unitchecker protocol and exits.
func runVetTool(args []string) {
	// go vet runs its tool with GOROOT set to its toolchain. It asks for
	// -flags first, hiding that call's stderr, then for -V=full, showing it:
	// refuse there, once, rather than fail every package without a word.
	if args[0] == "-V=full" {
		if err := toolchainSkew(goVersionAt(os.Getenv("GOROOT")), runtime.Version()); err != nil {
			fmt.Fprintln(os.Stderr, "triggergen: "+err.Error())
			os.Exit(1)
		}
	}
	unitchecker.Main(requiredfield.Analyzer)
}

// toolchainSkew is an error when the go command (version goVersion) is of a
// newer Go release than the one triggergen was built with: the go/types
// compiled into triggergen cannot check newer code, or read the newer
// standard library, so every package would fail to load. Unknown versions
// pass.
func toolchainSkew(goVersion, built string) error {
	if !version.IsValid(goVersion) || !version.IsValid(built) || version.Compare(version.Lang(goVersion), version.Lang(built)) <= 0 {
		return nil
	}
	return fmt.Errorf("vet: triggergen was built with %s and cannot check code for the go command's %s; build it with %s or newer (go tool triggergen and go vet -vettool=$(go tool -n triggergen) do)", built, goVersion, version.Lang(goVersion))
}

// goVersionAt is the version of the Go toolchain at goroot, from its VERSION
// file ("go1.27.3"), or "" when unknown.
func goVersionAt(goroot string) string {
	if goroot == "" {
		return ""
	}
	b, err := os.ReadFile(filepath.Join(goroot, "VERSION"))
	if err != nil {
		return ""
	}
	v, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSpace(v)
}

// goCommandVersion is the version of the go command go/packages runs (the
// one on PATH, under GOTOOLCHAIN), or "" when it cannot tell.
func goCommandVersion(ctx context.Context) string {
	out, err := exec.CommandContext(ctx, "go", "env", "GOVERSION").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
