// Command peercompare prints what triggergen and go-jsonschema produce for
// the embedded catalog's config and payload schemas, as a Markdown table:
//
//	cd bench/peer && go run ./cmd/peercompare
//
// With -build (the default) it also writes each output into a temporary
// module and runs go build and go vet on it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/triggergen/triggergen/bench/peer"
	"github.com/triggergen/triggergen/catalog"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "peercompare:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	build := flag.Bool("build", true, "build and vet each output in a temporary module")
	flag.Parse()
	lk, err := catalog.Lock()
	if err != nil {
		return err
	}
	tg, err := peer.Triggergen(context.Background(), lk)
	if err != nil {
		return err
	}
	gj, err := peer.GoJSONSchema(lk)
	if err != nil {
		return err
	}
	a, err := peer.Analyze(tg)
	if err != nil {
		return err
	}
	b, err := peer.Analyze(gj)
	if err != nil {
		return err
	}
	buildA, buildB := "not checked", "not checked"
	if *build {
		root, err := filepath.Abs("../..")
		if err != nil {
			return err
		}
		buildA = check(tg, "example.com/peer/triggers", root)
		buildB = check(gj, "example.com/peer/gojsonschema", "")
	}
	fmt.Fprintf(w, "Input: %d trigger types in %d toolkits (config + payload schema each).\n\n", len(lk.TriggerTypes()), len(lk.Toolkits))
	fmt.Fprintln(w, "| | triggergen | go-jsonschema v0.24.1 |")
	fmt.Fprintln(w, "|---|---:|---:|")
	row := func(name string, x, y any) { fmt.Fprintf(w, "| %s | %v | %v |\n", name, x, y) }
	row("Go files", a.Files, b.Files)
	row("lines of code", a.Lines, b.Lines)
	row("type declarations (structs)", fmt.Sprintf("%d (%d)", a.Types, a.Structs), fmt.Sprintf("%d (%d)", b.Types, b.Structs))
	row("struct fields", a.Fields, b.Fields)
	row("fields typed `any`/`interface{}`", a.AnyFields, b.AnyFields)
	row("fields typed `json.RawMessage`", a.RawFields, b.RawFields)
	row("enum constants (named types)", a.Enums, b.Enums)
	row("`Validate` methods (with checks)", fmt.Sprintf("%d (%d)", a.Validate, a.ValidateChecking), fmt.Sprintf("%d (%d)", b.Validate, b.ValidateChecking))
	row("`UnmarshalJSON` methods", a.UnmarshalJSON, b.UnmarshalJSON)
	row("required-field checks", a.RequiredChecks, b.RequiredChecks)
	row("go build + go vet", buildA, buildB)
	return nil
}

// check writes files under a temporary module and builds and vets them;
// replaceRoot, when set, is the triggergen checkout the module depends on.
func check(files map[string][]byte, module, replaceRoot string) string {
	dir, err := os.MkdirTemp("", "peercompare")
	if err != nil {
		return err.Error()
	}
	defer os.RemoveAll(dir)
	sub := filepath.Join(dir, filepath.Base(module))
	gomod := "module " + filepath.Dir(module) + "\n\ngo 1.26\n"
	if replaceRoot != "" {
		gomod += "\nrequire github.com/triggergen/triggergen v0.0.0\n\nreplace github.com/triggergen/triggergen => " + replaceRoot + "\n"
		sum, err := os.ReadFile(filepath.Join(replaceRoot, "go.sum"))
		if err != nil {
			return err.Error()
		}
		if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
			return err.Error()
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		return err.Error()
	}
	for name, src := range files {
		p := filepath.Join(sub, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err.Error()
		}
		if err := os.WriteFile(p, src, 0o644); err != nil {
			return err.Error()
		}
	}
	for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			first, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
			return fmt.Sprintf("go %s fails: %s", args[0], first)
		}
	}
	return "ok"
}
