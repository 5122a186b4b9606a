package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/triggergen/triggergen/generator"
)

// What generate may touch in the output directory:
//
//   - only the package directories this run generates (the directories of
//     its files), and in them only the files it writes and the stale
//     *.gen.go files that start with the generated-code header, never a
//     sub-directory;
//   - never a file without the header, nor anything that is not a regular
//     file, at a path it would write: such a path is a conflict, and
//     generate refuses before writing anything;
//   - never through a symbolic link inside the output directory (-out
//     itself may be one).
//
// It stages every new file, and a copy of every file it replaces or
// removes, inside that file's package directory, so that swapping them in
// is one rename or remove per file within one file system, even when -out
// or a package directory is a mount point or a link to another file system.
// A failed swap is undone step by step.

// plan is what generate would change in the output directory.
type plan struct {
	outDir    string   // as given, for messages
	root      string   // outDir with symbolic links resolved: where the writer works
	changes   []change // sorted by path
	conflicts []conflict
}

// change is one file generate writes or removes.
type change struct {
	path    string      // slash path relative to the output directory
	content []byte      // what generate writes; nil when it removes the file
	existed bool        // whether a file is there now
	old     []byte      // the file there now
	perm    fs.FileMode // its permission bits
}

func (c change) removes() bool { return c.content == nil }

// conflict is a path generate would write but refuses to: it did not
// write what is there.
type conflict struct {
	path   string // slash path relative to the output directory
	reason string
}

// Conflict reasons.
const (
	reasonNoHeader  = `has no generated-code header (its first line is not "` + generator.Header + `"): written by hand?`
	reasonSymlink   = "is a symbolic link; generate does not write through links"
	reasonDir       = "is a directory"
	reasonNotDir    = "is not a directory"
	reasonIrregular = "is not a regular file"
)

// verb is how -v lists the change.
func (c change) verb() string {
	if c.removes() {
		return "removed"
	}
	return "wrote"
}

// lines lists the plan one line per change, sorted by path: "wrote PATH"
// or "removed PATH".
func (p *plan) lines() []string {
	out := make([]string, len(p.changes))
	for i, c := range p.changes {
		out[i] = c.verb() + " " + printable(c.path)
	}
	return out
}

// display is the path of rel (slash, relative to the output directory) as
// the user named the output directory, made printable.
func (p *plan) display(rel string) string {
	return printable(filepath.Join(p.outDir, filepath.FromSlash(rel)))
}

// conflictError is returned by generate when the plan has conflicts.
type conflictError struct{ p *plan }

func (e *conflictError) Error() string {
	var b strings.Builder
	b.WriteString("refusing to replace what generate did not write; nothing was written:")
	for _, c := range e.p.conflicts {
		fmt.Fprintf(&b, "\n\t%s: %s", e.p.display(c.path), c.reason)
	}
	if len(e.p.conflicts) == 1 {
		b.WriteString("\nmove it away or delete it, then run generate again")
	} else {
		b.WriteString("\nmove them away or delete them, then run generate again")
	}
	return b.String()
}

// resolveOut returns outDir with symbolic links resolved, so that a linked
// -out is searched and written like a real one; outDir itself when it does
// not exist yet.
func resolveOut(outDir string) (string, error) {
	if _, err := os.Lstat(outDir); errors.Is(err, fs.ErrNotExist) {
		return filepath.Clean(outDir), nil
	} else if err != nil {
		return "", err
	}
	root, err := filepath.EvalSymlinks(outDir)
	if err != nil {
		return "", fmt.Errorf("output directory %s: %w", outDir, err)
	}
	fi, err := os.Stat(root)
	if err != nil {
		return "", err
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("output directory %s is not a directory", outDir)
	}
	return root, nil
}

// packageDirs returns the directories of files, sorted, after checking that
// every path is local to the output directory.
func packageDirs(files []generator.File) ([]string, error) {
	var dirs []string
	for _, f := range files {
		if !filepath.IsLocal(filepath.FromSlash(f.Path)) || path.Clean(f.Path) != f.Path {
			return nil, fmt.Errorf("generate: generated path %q is not a clean path inside the output directory", printable(f.Path))
		}
		dirs = append(dirs, path.Dir(f.Path))
	}
	slices.Sort(dirs)
	return slices.Compact(dirs), nil
}

// makePlan compares files with the output directory.
func makePlan(outDir string, files []generator.File) (*plan, error) {
	root, err := resolveOut(outDir)
	if err != nil {
		return nil, err
	}
	dirs, err := packageDirs(files)
	if err != nil {
		return nil, err
	}
	p := &plan{outDir: outDir, root: root}
	blocked := map[string]bool{}
	for _, d := range dirs {
		c, err := checkDir(root, d)
		if err != nil {
			return nil, err
		}
		if c != nil {
			blocked[d] = true
			if !slices.ContainsFunc(p.conflicts, func(o conflict) bool { return o.path == c.path }) {
				p.conflicts = append(p.conflicts, *c)
			}
		}
	}
	want := map[string]bool{}
	for _, f := range files {
		want[f.Path] = true
		if blocked[path.Dir(f.Path)] {
			continue
		}
		if err := p.addFile(f); err != nil {
			return nil, err
		}
	}
	for _, d := range dirs {
		if !blocked[d] {
			if err := p.addStale(d, want); err != nil {
				return nil, err
			}
		}
	}
	slices.SortFunc(p.changes, func(a, b change) int { return strings.Compare(a.path, b.path) })
	slices.SortFunc(p.conflicts, func(a, b conflict) int { return strings.Compare(a.path, b.path) })
	return p, nil
}

// checkDir returns a conflict when a component of the package directory dir
// is a symbolic link or not a directory.
func checkDir(root, dir string) (*conflict, error) {
	if dir == "." {
		return nil, nil
	}
	prefix := ""
	for _, part := range strings.Split(dir, "/") {
		prefix = path.Join(prefix, part)
		fi, err := os.Lstat(filepath.Join(root, filepath.FromSlash(prefix)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, nil // generate creates the rest
		case err != nil:
			return nil, err
		case fi.Mode()&fs.ModeSymlink != 0:
			return &conflict{prefix, reasonSymlink}, nil
		case !fi.IsDir():
			return &conflict{prefix, reasonNotDir}, nil
		}
	}
	return nil, nil
}

// addFile adds f to the plan: a change when it is new or differs, a
// conflict when what is at its path is not generate's.
func (p *plan) addFile(f generator.File) error {
	name := filepath.Join(p.root, filepath.FromSlash(f.Path))
	fi, err := os.Lstat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		p.changes = append(p.changes, change{path: f.Path, content: f.Content})
		return nil
	case err != nil:
		return err
	case fi.Mode()&fs.ModeSymlink != 0:
		p.conflicts = append(p.conflicts, conflict{f.Path, reasonSymlink})
		return nil
	case fi.IsDir():
		p.conflicts = append(p.conflicts, conflict{f.Path, reasonDir})
		return nil
	case !fi.Mode().IsRegular():
		p.conflicts = append(p.conflicts, conflict{f.Path, reasonIrregular})
		return nil
	}
	old, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	switch {
	case !isGenerated(old):
		p.conflicts = append(p.conflicts, conflict{f.Path, reasonNoHeader})
	case !bytes.Equal(old, f.Content):
		p.changes = append(p.changes, change{path: f.Path, content: f.Content, existed: true, old: old, perm: fi.Mode().Perm()})
	}
	return nil
}

// isGenerated reports whether a file starts with the generated-code header.
func isGenerated(content []byte) bool {
	return bytes.HasPrefix(content, []byte(generator.Header+"\n"))
}

// addStale adds the removal of every regular *.gen.go file directly in dir
// that starts with the generated-code header and that this run does not
// write.
func (p *plan) addStale(dir string, want map[string]bool) error {
	ents, err := os.ReadDir(filepath.Join(p.root, filepath.FromSlash(dir)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, ent := range ents {
		rel := path.Join(dir, ent.Name())
		if !ent.Type().IsRegular() || !strings.HasSuffix(ent.Name(), ".gen.go") || want[rel] {
			continue
		}
		name := filepath.Join(p.root, filepath.FromSlash(rel))
		old, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		info, err := ent.Info()
		if err != nil {
			return err
		}
		if isGenerated(old) {
			p.changes = append(p.changes, change{path: rel, existed: true, old: old, perm: info.Mode().Perm()})
		}
	}
	return nil
}

// otherGenerated lists the directories directly below the output directory
// that hold generated files but are not among the package directories of
// files: toolkits a previous run generated that this run does not.
func otherGenerated(outDir string, files []generator.File) ([]string, error) {
	root, err := resolveOut(outDir)
	if err != nil {
		return nil, err
	}
	ours := map[string]bool{}
	for _, f := range files {
		top, _, _ := strings.Cut(f.Path, "/")
		ours[top] = true
	}
	ents, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, ent := range ents {
		if !ent.IsDir() || ours[ent.Name()] {
			continue
		}
		inner, err := os.ReadDir(filepath.Join(root, ent.Name()))
		if err != nil {
			return nil, err
		}
		for _, f := range inner {
			if f.Type().IsRegular() && strings.HasSuffix(f.Name(), ".gen.go") {
				b, err := os.ReadFile(filepath.Join(root, ent.Name(), f.Name()))
				if err != nil {
					return nil, err
				}
				if isGenerated(b) {
					out = append(out, ent.Name())
					break
				}
			}
		}
	}
	return out, nil
}

// fileOps is what the writer does to the file system; tests inject
// failures through it.
type fileOps interface {
	Mkdir(name string, perm fs.FileMode) error
	MkdirTemp(dir, pattern string) (string, error)
	WriteFile(name string, data []byte, perm fs.FileMode) error
	Chmod(name string, perm fs.FileMode) error
	Rename(oldpath, newpath string) error
	Remove(name string) error
	RemoveAll(path string) error
}

// osFileOps is fileOps on the real file system.
type osFileOps struct{}

func (osFileOps) Mkdir(name string, perm fs.FileMode) error     { return os.Mkdir(name, perm) }
func (osFileOps) MkdirTemp(dir, pattern string) (string, error) { return os.MkdirTemp(dir, pattern) }
func (osFileOps) WriteFile(name string, data []byte, perm fs.FileMode) error {
	return os.WriteFile(name, data, perm)
}
func (osFileOps) Chmod(name string, perm fs.FileMode) error { return os.Chmod(name, perm) }
func (osFileOps) Rename(oldpath, newpath string) error      { return os.Rename(oldpath, newpath) }
func (osFileOps) Remove(name string) error                  { return os.Remove(name) }
func (osFileOps) RemoveAll(path string) error               { return os.RemoveAll(path) }

// writer carries out a plan.
type writer struct {
	ops     fileOps
	root    string
	created []string          // directories it made, parents first
	stages  map[string]string // package directory (slash) → its staging directory
	done    []change          // changes swapped in, in order
}

// stageName is where c's new content ("new") or its previous content
// ("old") waits in its package directory's staging directory.
func (w *writer) stageName(c change, which string) string {
	return filepath.Join(w.stages[path.Dir(c.path)], which, path.Base(c.path))
}

func (w *writer) target(c change) string {
	return filepath.Join(w.root, filepath.FromSlash(c.path))
}

// apply makes the output directory hold the plan, or leaves it as it was
// and returns why not. A plan with conflicts is refused.
func (p *plan) apply(ops fileOps) error {
	if len(p.conflicts) > 0 {
		return &conflictError{p}
	}
	if len(p.changes) == 0 {
		return nil
	}
	w := &writer{ops: ops, root: p.root, stages: map[string]string{}}
	if err := w.stage(p.changes); err != nil {
		return errors.Join(fmt.Errorf("%w; the output is as it was", err), w.cleanup(true))
	}
	for _, c := range p.changes {
		if err := w.swap(c); err != nil {
			if uerr := w.undo(); uerr != nil {
				return fmt.Errorf("%w; restoring the output failed too (%v): the previous files are in %s", err, uerr, w.stageList())
			}
			return errors.Join(fmt.Errorf("%w; the output is as it was", err), w.cleanup(true))
		}
	}
	return w.cleanup(false)
}

// stage creates the missing package directories and, in each directory the
// plan changes, a staging directory holding the new files ("new/") and
// copies of the files replaced or removed ("old/").
func (w *writer) stage(changes []change) error {
	for _, c := range changes {
		dir := path.Dir(c.path)
		if _, ok := w.stages[dir]; ok {
			continue
		}
		real := filepath.Join(w.root, filepath.FromSlash(dir))
		if err := w.mkdirAll(real); err != nil {
			return err
		}
		s, err := w.ops.MkdirTemp(real, ".triggergen-")
		if err != nil {
			return err
		}
		w.stages[dir] = s
		for _, sub := range []string{"new", "old"} {
			if err := w.ops.Mkdir(filepath.Join(s, sub), 0o755); err != nil {
				return err
			}
		}
	}
	for _, c := range changes {
		if !c.removes() {
			if err := w.ops.WriteFile(w.stageName(c, "new"), c.content, 0o644); err != nil {
				return err
			}
		}
		if c.existed {
			old := w.stageName(c, "old")
			if err := w.ops.WriteFile(old, c.old, c.perm); err != nil {
				return err
			}
			if err := w.ops.Chmod(old, c.perm); err != nil {
				return err
			}
		}
	}
	return nil
}

// mkdirAll creates dir and its missing parents, remembering each.
func (w *writer) mkdirAll(dir string) error {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	for i := len(missing) - 1; i >= 0; i-- {
		if err := w.ops.Mkdir(missing[i], 0o755); err != nil {
			return err
		}
		w.created = append(w.created, missing[i])
	}
	return nil
}

// swap puts c in place with one rename (a write) or remove.
func (w *writer) swap(c change) error {
	var err error
	if c.removes() {
		err = w.ops.Remove(w.target(c))
	} else {
		err = w.ops.Rename(w.stageName(c, "new"), w.target(c))
	}
	if err == nil {
		w.done = append(w.done, c)
	}
	return err
}

// undo reverts the swapped changes, last first: the previous content goes
// back with one rename, a new file is removed.
func (w *writer) undo() error {
	for i := len(w.done) - 1; i >= 0; i-- {
		c := w.done[i]
		var err error
		if c.existed {
			err = w.ops.Rename(w.stageName(c, "old"), w.target(c))
		} else {
			err = w.ops.Remove(w.target(c))
		}
		if err != nil {
			return err
		}
		w.done = w.done[:i]
	}
	return nil
}

// cleanup removes the staging directories and, after a failure, the
// directories the writer created.
func (w *writer) cleanup(failed bool) error {
	var errs []error
	for _, s := range w.stages {
		if err := w.ops.RemoveAll(s); err != nil {
			errs = append(errs, fmt.Errorf("remove staging directory: %w", err))
		}
	}
	if failed {
		for i := len(w.created) - 1; i >= 0; i-- {
			if err := w.ops.Remove(w.created[i]); err != nil {
				errs = append(errs, fmt.Errorf("remove created directory: %w", err))
			}
		}
	}
	return errors.Join(errs...)
}

// stageList names the staging directories, for an error that leaves them.
func (w *writer) stageList() string {
	var ss []string
	for _, s := range w.stages {
		ss = append(ss, printable(s))
	}
	slices.Sort(ss)
	return strings.Join(ss, ", ")
}
