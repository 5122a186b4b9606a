package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"
	"golang.org/x/mod/modfile"

	"github.com/triggergen/triggergen/catalog"
	"github.com/triggergen/triggergen/generator"
	"github.com/triggergen/triggergen/internal/config"
	"github.com/triggergen/triggergen/lockfile"
)

const generateSynopsis = `generate [-config F] [-lock F] [-out DIR] [-import-path P] [-toolkits a,b] [-check [-q]] [-v]

Generates one Go package per toolkit of the lock file into DIR, rewriting
only files that changed and removing stale generated files in those
packages' directories, and prints a one-line summary (-v: each file written
or removed). It refuses, writing nothing, when a path it would write holds
a file it did not generate, a directory or a symbolic link. With -check it
writes nothing, prints a unified diff of each file that differs (at most
200 lines per file), "removed PATH" for each file generate would remove and
"conflict PATH: why" for each path it would refuse, and exits 1 when any
differs; -q prints only "stale|missing|extra|conflict PATH" lines.`

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
	// pins are the toolkit versions the config file names (slug → version;
	// "latest" pins nothing), and pinsFrom the file: the lock must match.
	pins     map[string]string
	pinsFrom string
	check    bool
	quiet    bool // with check: file names only, no diffs
	verbose  bool
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
	fs.BoolVar(&o.quiet, "q", false, "with -check: print only the names of the files that differ (stale, missing, extra or conflict PATH), no diffs")
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
	if err := checkPins(lk, displayPath(name), o.pins, o.pinsFrom); err != nil {
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
	p, err := makePlan(o.outDir, res.Files)
	if err != nil {
		return err
	}
	if len(o.toolkits) == 0 {
		if err := warnOtherGenerated(e, o.outDir, res.Files); err != nil {
			return err
		}
	}
	if o.check {
		return printCheck(e, o, p)
	}
	if err := p.apply(osFileOps{}); err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	if o.verbose {
		for _, line := range p.lines() {
			fmt.Fprintln(e.stdout, line)
		}
	}
	fmt.Fprintf(e.stdout, "wrote %s (%d changed) to %s\n", countOf(len(res.Files), "file"), len(p.changes), printable(displayPath(o.outDir)))
	return nil
}

// printCheck prints what generate would change (-check) and returns an
// exit status 1 when anything would.
func printCheck(e *env, o generateOptions, p *plan) error {
	diffs := p.diffs()
	for _, d := range diffs {
		if o.quiet {
			fmt.Fprintln(e.stdout, d.name())
		} else {
			fmt.Fprint(e.stdout, d.unified(maxDiffLines))
		}
	}
	out := printable(displayPath(o.outDir))
	if n := len(diffs) - len(p.conflicts); n > 0 {
		differ := fmt.Sprintf("%d files differ", n)
		if n == 1 {
			differ = "1 file differs"
		}
		fmt.Fprintf(e.stderr, "triggergen: %s is stale (%s); run triggergen generate\n", out, differ)
	}
	if n := len(p.conflicts); n > 0 {
		them := "them"
		if n == 1 {
			them = "it"
		}
		fmt.Fprintf(e.stderr, "triggergen: %s has %s generate will not overwrite (it did not write what is there); move %s away or delete %[3]s\n", out, countOf(n, "path"), them)
	}
	if len(diffs) > 0 {
		return &exitError{1}
	}
	return nil
}

// warnOtherGenerated warns about directories of the output that hold
// generated files of toolkits this run does not generate, which generate
// leaves alone.
func warnOtherGenerated(e *env, outDir string, files []generator.File) error {
	others, err := otherGenerated(outDir, files)
	if err != nil || len(others) == 0 {
		return err
	}
	for i, o := range others {
		others[i] = printable(filepath.Join(outDir, o))
	}
	fmt.Fprintf(e.stderr, "triggergen: warning: %s: generated for toolkits this run does not generate; generate leaves them (delete them if their toolkits left the lock)\n", strings.Join(others, ", "))
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

// checkPins reports each toolkit whose version the config file pins to
// something other than what the lock holds: generating from the lock would
// silently ignore the pin.
func checkPins(lk *lockfile.Lock, lockName string, pins map[string]string, configFile string) error {
	var msgs []string
	for _, tk := range lk.Toolkits {
		if want, ok := pins[tk.Slug]; ok && want != config.Latest && want != tk.Version {
			msgs = append(msgs, fmt.Sprintf("%s pins %s to %s but %s has %s", configFile, tk.Slug, want, lockName, tk.Version))
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return fmt.Errorf("generate: %s; run `triggergen pull` to bring the lock to the pinned versions", strings.Join(msgs, "; "))
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

// fileDiff is how one file of outDir differs from what generate would write.
type fileDiff struct {
	kind     string // "stale" (changed), "missing" (new), "extra" (generate would remove it) or "conflict" (generate will not write it)
	path     string // slash path relative to outDir
	old, new string // contents on disk and as generated; "" when absent
	reason   string // why a conflict is one
}

// name is the one-line form -check -q prints: "stale PATH", "missing PATH",
// "extra PATH" or "conflict PATH".
func (d fileDiff) name() string { return d.kind + " " + printable(d.path) }

// unified returns a unified diff (3 lines of context, git-style a/ and b/
// labels, /dev/null for a new file) from the file on disk to the generated
// one, cut after max lines with a "... (K more lines)" line; for a file
// generate would remove it returns "removed PATH", for a conflict
// "conflict PATH: reason". What came from disk is made printable.
func (d fileDiff) unified(max int) string {
	path := printable(d.path)
	switch d.kind {
	case "extra":
		return "removed " + path + "\n"
	case "conflict":
		return "conflict " + path + ": " + d.reason + "\n"
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

// diffs reports how the output directory differs from the plan's files,
// one entry per path, sorted by path.
func (p *plan) diffs() []fileDiff {
	var out []fileDiff
	for _, c := range p.changes {
		d := fileDiff{kind: "stale", path: c.path, old: string(c.old), new: string(c.content)}
		switch {
		case c.removes():
			d.kind = "extra"
		case !c.existed:
			d.kind = "missing"
		}
		out = append(out, d)
	}
	for _, c := range p.conflicts {
		out = append(out, fileDiff{kind: "conflict", path: c.path, reason: c.reason})
	}
	slices.SortFunc(out, func(a, b fileDiff) int { return strings.Compare(a.path, b.path) })
	return out
}
