package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"
	"golang.org/x/mod/modfile"

	"github.com/triggergen/triggergen/catalog"
	"github.com/triggergen/triggergen/generator"
	"github.com/triggergen/triggergen/lockfile"
)

const generateSynopsis = `generate [-config F] [-lock F] [-out DIR] [-import-path P] [-toolkits a,b] [-check [-q]] [-v]

Generates one Go package per toolkit of the lock file into DIR, rewriting
only files that changed and removing stale generated files, and prints a
one-line summary (-v: each file written or removed). With -check it writes
nothing, prints a unified diff of each file that differs (at most 200 lines
per file) and "removed PATH" for each file generate would remove, and exits
1 when any differs; -q prints only the names of the files that differ.`

// maxDiffLines bounds the diff -check prints for one file.
const maxDiffLines = 200

// generateOptions are the inputs of the generate command; a config file
// (CLI issue) will fill the same struct.
type generateOptions struct {
	lockPath   string
	outDir     string
	importPath string
	toolkits   []string
	renames    map[string]string
	check      bool
	quiet      bool // with check: file names only, no diffs
	verbose    bool
}

func runGenerate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "generate", generateSynopsis,
		"triggergen generate -lock triggergen.lock.json -out ./composiotriggers -import-path example.com/app/composiotriggers")
	var o generateOptions
	var toolkits string
	fs.StringVar(&o.lockPath, "lock", "", "lock file to generate from (default: the embedded catalog)")
	fs.StringVar(&o.outDir, "out", "composiotriggers", "output root directory; one package per toolkit below it")
	fs.StringVar(&o.importPath, "import-path", "", "Go import path of the output root (default: derived from the nearest go.mod)")
	fs.StringVar(&toolkits, "toolkits", "", "comma-separated toolkit slugs to generate (default: the config's, else all)")
	deprecatedAlias(fs, "toolkit", "toolkits")
	fs.BoolVar(&o.check, "check", false, "write nothing; report files that differ and exit 1 when stale")
	fs.BoolVar(&o.quiet, "q", false, "with -check: print only the names of the files that differ, no diffs")
	fs.BoolVar(&o.verbose, "v", false, "list each file written or removed")
	configPath := fs.String("config", "", configFlagUsage+"; its lock, out, import_path, toolkits and renames apply unless a flag overrides them")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("generate: unexpected argument %q", fs.Arg(0))
	}
	if o.quiet && !o.check {
		return usagef("generate: -q needs -check")
	}
	warnDeprecated(e, fs)
	if toolkits != "" {
		o.toolkits = strings.Split(toolkits, ",")
	}
	if err := applyGenerateConfig(fs, &o, *configPath); err != nil {
		return err
	}
	return generate(ctx, e, o)
}

func generate(ctx context.Context, e *env, o generateOptions) error {
	lk, name, err := readLock(o.lockPath)
	if err != nil {
		return err
	}
	if o.importPath == "" {
		if o.importPath, err = deriveImportPath(o.outDir); err != nil {
			return err
		}
	}
	res, err := generator.Generate(ctx, generator.Config{Lock: lk, LockName: name, ImportPath: o.importPath, Toolkits: o.toolkits, Renames: o.renames})
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(e.stderr, "triggergen: warning: %s\n", printable(w.String()))
	}
	if o.check {
		diffs, err := checkFiles(o.outDir, res.Files)
		if err != nil {
			return err
		}
		for _, d := range diffs {
			if o.quiet {
				fmt.Fprintln(e.stdout, d.name())
			} else {
				fmt.Fprint(e.stdout, d.unified(maxDiffLines))
			}
		}
		if len(diffs) > 0 {
			differ := fmt.Sprintf("%d files differ", len(diffs))
			if len(diffs) == 1 {
				differ = "1 file differs"
			}
			fmt.Fprintf(e.stderr, "triggergen: %s is stale (%s); run triggergen generate\n", printable(displayPath(o.outDir)), differ)
			return &exitError{1}
		}
		return nil
	}
	p, err := writeFiles(o.outDir, res.Files)
	if err != nil {
		return err
	}
	if o.verbose {
		for _, line := range p.changes() {
			fmt.Fprintln(e.stdout, line)
		}
	}
	fmt.Fprintf(e.stdout, "wrote %s (%d changed) to %s\n", countOf(len(res.Files), "file"), len(p.write)+len(p.remove), printable(displayPath(o.outDir)))
	return nil
}

func readLock(path string) (*lockfile.Lock, string, error) {
	if path == "" {
		lk, err := catalog.Lock()
		return lk, catalog.Name, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	lk, err := lockfile.Parse(path, data)
	return lk, path, err
}

// deriveImportPath returns the module path of the go.mod nearest to dir (or
// above it) joined with dir's path relative to the module root.
func deriveImportPath(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		data, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil {
			mod := modfile.ModulePath(data)
			if mod == "" {
				return "", fmt.Errorf("%s: no module path", filepath.Join(d, "go.mod"))
			}
			rel, err := filepath.Rel(d, abs)
			if err != nil {
				return "", err
			}
			if rel == "." {
				return mod, nil
			}
			return mod + "/" + filepath.ToSlash(rel), nil
		}
		if filepath.Dir(d) == d {
			return "", usagef("generate: no go.mod above %s; pass -import-path", dir)
		}
	}
}

// plan compares the wanted files with outDir: files to write (new or
// changed) and stale generated files to remove.
type plan struct {
	write  []generator.File
	remove []string // slash paths relative to outDir
}

// changes lists the plan one line per file, sorted by path: "wrote PATH"
// or "removed PATH".
func (p *plan) changes() []string {
	type change struct{ verb, path string }
	var cs []change
	for _, f := range p.write {
		cs = append(cs, change{"wrote", f.Path})
	}
	for _, r := range p.remove {
		cs = append(cs, change{"removed", r})
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].path < cs[j].path })
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.verb + " " + c.path
	}
	return out
}

func makePlan(outDir string, files []generator.File) (*plan, error) {
	p := &plan{}
	want := map[string]bool{}
	for _, f := range files {
		want[f.Path] = true
		old, err := os.ReadFile(filepath.Join(outDir, filepath.FromSlash(f.Path)))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		if err != nil || !bytes.Equal(old, f.Content) {
			p.write = append(p.write, f)
		}
	}
	stale, err := staleFiles(outDir, want)
	if err != nil {
		return nil, err
	}
	p.remove = stale
	return p, nil
}

// staleFiles lists *.gen.go files under outDir that are not wanted and start
// with the generated-code header; other files are never touched.
func staleFiles(outDir string, want map[string]bool) ([]string, error) {
	var out []string
	err := filepath.WalkDir(outDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path == outDir {
				return filepath.SkipDir
			}
			return err
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), ".gen.go") {
			return nil
		}
		rel, err := filepath.Rel(outDir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if want[rel] {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.HasPrefix(data, []byte(generator.Header+"\n")) {
			out = append(out, rel)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// fileDiff is how one file of outDir differs from what generate would write.
type fileDiff struct {
	kind     string // "stale" (changed), "missing" (new) or "extra" (generate would remove it)
	path     string // slash path relative to outDir
	old, new string // contents on disk and as generated; "" when absent
}

// name is the one-line form -check -q prints: "stale PATH", "missing PATH"
// or "extra PATH".
func (d fileDiff) name() string { return d.kind + " " + printable(d.path) }

// unified returns a unified diff (3 lines of context, git-style a/ and b/
// labels, /dev/null for a new file) from the file on disk to the generated
// one, cut after max lines with a "... (K more lines)" line; for a file
// generate would remove it returns "removed PATH". What came from disk is
// made printable.
func (d fileDiff) unified(max int) string {
	path := printable(d.path)
	if d.kind == "extra" {
		return "removed " + path + "\n"
	}
	from := "a/" + path
	if d.kind == "missing" {
		from = "/dev/null"
	}
	text := printableText(udiff.Unified(from, "b/"+path, d.old, d.new))
	lines := strings.SplitAfter(text, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) <= max {
		return text
	}
	return strings.Join(lines[:max], "") + fmt.Sprintf("... (%d more lines)\n", len(lines)-max)
}

// checkFiles reports how outDir differs from files, one entry per file,
// sorted by path.
func checkFiles(outDir string, files []generator.File) ([]fileDiff, error) {
	p, err := makePlan(outDir, files)
	if err != nil {
		return nil, err
	}
	var out []fileDiff
	for _, f := range p.write {
		d := fileDiff{kind: "stale", path: f.Path, new: string(f.Content)}
		old, err := os.ReadFile(filepath.Join(outDir, filepath.FromSlash(f.Path)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			d.kind = "missing"
		case err != nil:
			return nil, err
		}
		d.old = string(old)
		out = append(out, d)
	}
	for _, r := range p.remove {
		old, err := os.ReadFile(filepath.Join(outDir, filepath.FromSlash(r)))
		if err != nil {
			return nil, err
		}
		out = append(out, fileDiff{kind: "extra", path: r, old: string(old)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out, nil
}

// writeFiles makes outDir hold files: it writes every new or changed file to
// a temporary directory beside outDir first, then renames them into place
// and removes stale generated files. Nothing in outDir changes when
// rendering or the temporary writes fail. It returns what it did.
func writeFiles(outDir string, files []generator.File) (*plan, error) {
	p, err := makePlan(outDir, files)
	if err != nil {
		return nil, err
	}
	if len(p.write) == 0 && len(p.remove) == 0 {
		return p, nil
	}
	parent := filepath.Dir(filepath.Clean(outDir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, ".triggergen-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	for _, f := range p.write {
		dst := filepath.Join(tmp, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(dst, f.Content, 0o644); err != nil {
			return nil, err
		}
	}
	// Every file is on disk beside the output: swap them in. A rename within
	// one file system is atomic per file.
	for _, f := range p.write {
		dst := filepath.Join(outDir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return nil, err
		}
		if err := os.Rename(filepath.Join(tmp, filepath.FromSlash(f.Path)), dst); err != nil {
			return nil, err
		}
	}
	for _, r := range p.remove {
		if err := os.Remove(filepath.Join(outDir, filepath.FromSlash(r))); err != nil {
			return nil, err
		}
	}
	return p, nil
}
