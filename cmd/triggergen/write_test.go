package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/triggergen/triggergen/generator"
)

// tree records everything under dir without following links: a file by its
// content and mode, a directory as "dir", a symbolic link as "-> target".
// Two trees are equal when the directory is byte for byte the same.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			m[rel] = "-> " + target
			return err
		case d.IsDir():
			m[rel] = "dir"
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		m[rel] = info.Mode().String() + " " + string(b)
		return err
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return m
}

// treeDiff lists the paths whose entries differ between two trees.
func treeDiff(before, after map[string]string) []string {
	var out []string
	for p, b := range before {
		if a, ok := after[p]; !ok {
			out = append(out, "removed "+p)
		} else if a != b {
			out = append(out, "changed "+p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			out = append(out, "added "+p)
		}
	}
	slices.Sort(out)
	return out
}

func writeT(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// headed is a file generate would take for its own: it starts with the
// generated-code header.
const headed = generator.Header + "\n\npackage x\n"

// genArgs are the flags every test here passes: an output directory and an
// import path (so no go.mod is needed).
func genArgs(out string, extra ...string) []string {
	return append([]string{"generate", "-out", out, "-import-path", "example.com/app/out"}, extra...)
}

// TestGenerateToolkitsChangesOnlyTheirDirectories: with -toolkits, only the
// selected toolkits' directories change; a headed *.gen.go anywhere else is
// never removed (issue 12.1).
func TestGenerateToolkitsChangesOnlyTheirDirectories(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if r := runTG(t, nil, genArgs(out)...); r.code != 0 {
		t.Fatalf("full generate: exit %d\n%s", r.code, r.stderr)
	}
	// Headed files that no run with -toolkits github owns, and one it does.
	writeT(t, filepath.Join(out, "root.gen.go"), headed)
	writeT(t, filepath.Join(out, "mine", "x.gen.go"), headed)
	writeT(t, filepath.Join(out, "slack", "old.gen.go"), headed)
	writeT(t, filepath.Join(out, "github", "sub", "nested.gen.go"), headed)
	writeT(t, filepath.Join(out, "github", "old.gen.go"), headed)
	slackDoc := filepath.Join(out, "slack", "doc.gen.go")
	b, err := os.ReadFile(slackDoc)
	if err != nil {
		t.Fatal(err)
	}
	writeT(t, slackDoc, string(b)+"// edited\n")
	before := tree(t, out)

	r := runTG(t, nil, genArgs(out, "-toolkits", "github", "-check", "-q")...)
	if r.code != 1 || r.stdout != "extra github/old.gen.go\n" {
		t.Errorf("-check -q -toolkits github: exit %d, stdout %q; want 1 and only github's stale file", r.code, r.stdout)
	}
	r = runTG(t, nil, genArgs(out, "-toolkits", "github", "-v")...)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "removed github/old.gen.go\nwrote ") {
		t.Fatalf("generate -toolkits github: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if d := treeDiff(before, tree(t, out)); !slices.Equal(d, []string{"removed github/old.gen.go"}) {
		t.Errorf("generate -toolkits github changed %q; want only github/old.gen.go removed", d)
	}
}

// TestGenerateLeavesDroppedToolkits: a run without -toolkits over a lock
// that no longer has a toolkit leaves that toolkit's directory (it is not a
// directory this run generates) and says so.
func TestGenerateLeavesDroppedToolkits(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if r := runTG(t, nil, genArgs(out)...); r.code != 0 {
		t.Fatalf("full generate: exit %d\n%s", r.code, r.stderr)
	}
	before := tree(t, out)
	// The diff test's lock has only github.
	lock := filepath.Join(cliData, "diff", "new.lock.json")
	r := runTG(t, nil, genArgs(out, "-lock", lock)...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, d := range treeDiff(before, tree(t, out)) {
		if _, path, _ := strings.Cut(d, " "); !strings.HasPrefix(path, "github/") {
			t.Errorf("generate from a github-only lock: %s", d)
		}
	}
	want := "triggergen: warning: " + filepath.Join(out, "slack") + " "
	if !strings.Contains(r.stderr, "triggergen: warning: ") || !strings.Contains(r.stderr, filepath.Join(out, "slack")) ||
		strings.Contains(r.stderr, filepath.Join(out, "github")) || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("want one warning line naming the dropped toolkits' directories (%q…), got:\n%s", want, r.stderr)
	}
	// -check agrees: it warns the same way and reports only github.
	r = runTG(t, nil, genArgs(out, "-lock", lock, "-check", "-q")...)
	if r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, filepath.Join(out, "slack")) {
		t.Errorf("-check after: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestGenerateRefusesFilesItDidNotWrite: a file without the generated-code
// header at a path generate would write is refused before anything is
// written, and -check calls it a conflict (issue 12.2).
func TestGenerateRefusesFilesItDidNotWrite(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	args := genArgs(out, "-toolkits", "github")
	if r := runTG(t, nil, args...); r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	mine := filepath.Join(out, "github", "commit_event.gen.go")
	writeT(t, mine, "package github\n\nconst Mine = 2\n")
	// A stale file and a missing one, which a run that wrote anything
	// would fix, and a directory where a file goes.
	doc := filepath.Join(out, "github", "doc.gen.go")
	b, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	writeT(t, doc, string(b)+"// edited\n")
	if err := os.Remove(filepath.Join(out, "github", "star_added_event.gen.go")); err != nil {
		t.Fatal(err)
	}
	dirAt := filepath.Join(out, "github", "follower_event.gen.go")
	if err := os.Remove(dirAt); err != nil {
		t.Fatal(err)
	}
	writeT(t, filepath.Join(dirAt, "keep.txt"), "mine\n")
	before := tree(t, out)

	r := runTG(t, nil, args...)
	if r.code != 1 || r.stdout != "" {
		t.Errorf("generate over a hand-written file: exit %d, stdout %q; want 1 and nothing written", r.code, r.stdout)
	}
	for _, want := range []string{mine + ": ", "header", dirAt + ": ", "directory", "nothing was written"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("error lacks %q:\n%s", want, r.stderr)
		}
	}
	if d := treeDiff(before, tree(t, out)); len(d) > 0 {
		t.Errorf("refused run changed %q", d)
	}

	r = runTG(t, nil, append(args, "-check", "-q")...)
	want := "conflict github/commit_event.gen.go\nstale github/doc.gen.go\nconflict github/follower_event.gen.go\nmissing github/star_added_event.gen.go\n"
	if r.code != 1 || r.stdout != want {
		t.Errorf("-check -q: exit %d, stdout %q; want 1 and %q", r.code, r.stdout, want)
	}
	if !strings.Contains(r.stderr, "2 paths generate will not overwrite") {
		t.Errorf("-check -q summary: %q", r.stderr)
	}
	r = runTG(t, nil, append(args, "-check")...)
	if r.code != 1 || !strings.Contains(r.stdout, "conflict github/commit_event.gen.go: ") ||
		strings.Contains(r.stdout, "a/github/commit_event.gen.go") || !strings.Contains(r.stdout, "+++ b/github/doc.gen.go") {
		t.Errorf("-check: exit %d; want the conflict named, not diffed\n%s", r.code, r.stdout)
	}
	if d := treeDiff(before, tree(t, out)); len(d) > 0 {
		t.Errorf("-check changed %q", d)
	}
}

// TestGenerateRefusesSymlinks: generate never writes through a symbolic
// link inside -out: a linked toolkit directory or file is a conflict, and a
// linked *.gen.go is never removed (issue 12.3).
func TestGenerateRefusesSymlinks(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "out")
	elsewhere := filepath.Join(root, "elsewhere")
	writeT(t, filepath.Join(elsewhere, "keep.txt"), "mine\n")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(elsewhere, filepath.Join(out, "github")); err != nil {
		t.Fatal(err)
	}
	before := tree(t, root)
	args := genArgs(out, "-toolkits", "github,slack")
	r := runTG(t, nil, args...)
	if r.code != 1 || !strings.Contains(r.stderr, filepath.Join(out, "github")+": ") || !strings.Contains(r.stderr, "symbolic link") {
		t.Errorf("linked toolkit directory: exit %d\n%s", r.code, r.stderr)
	}
	if d := treeDiff(before, tree(t, root)); len(d) > 0 {
		t.Errorf("refused run changed %q", d)
	}
	r = runTG(t, nil, append(args, "-check", "-q")...)
	if r.code != 1 || !strings.HasPrefix(r.stdout, "conflict github\n") {
		t.Errorf("-check -q with a linked toolkit directory: exit %d, stdout %q", r.code, r.stdout)
	}

	// A real directory: a linked file at a generated path is a conflict; a
	// linked stale-looking *.gen.go is left alone, and so is its target.
	if err := os.Remove(filepath.Join(out, "github")); err != nil {
		t.Fatal(err)
	}
	if r := runTG(t, nil, args...); r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	target := filepath.Join(elsewhere, "target.gen.go")
	writeT(t, target, headed)
	if err := os.Symlink(target, filepath.Join(out, "github", "linked.gen.go")); err != nil {
		t.Fatal(err)
	}
	commit := filepath.Join(out, "github", "commit_event.gen.go")
	if err := os.Remove(commit); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, commit); err != nil {
		t.Fatal(err)
	}
	before = tree(t, root)
	r = runTG(t, nil, args...)
	if r.code != 1 || !strings.Contains(r.stderr, commit+": ") || !strings.Contains(r.stderr, "symbolic link") {
		t.Errorf("linked generated file: exit %d\n%s", r.code, r.stderr)
	}
	if d := treeDiff(before, tree(t, root)); len(d) > 0 {
		t.Errorf("refused run changed %q", d)
	}
	if err := os.Remove(commit); err != nil {
		t.Fatal(err)
	}
	if r := runTG(t, nil, args...); r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if got := tree(t, root); got["out/github/linked.gen.go"] != "-> "+target || got["elsewhere/target.gen.go"] == "" {
		t.Errorf("a linked *.gen.go or its target was removed")
	}
}

// TestGenerateOutSymlink: when -out itself is a symbolic link, generate
// works through it and still finds and removes stale files (issue 12.3).
func TestGenerateOutSymlink(t *testing.T) {
	root := t.TempDir()
	real := filepath.Join(root, "real")
	link := filepath.Join(root, "link")
	if err := os.Mkdir(real, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	args := genArgs(link, "-toolkits", "github")
	if r := runTG(t, nil, args...); r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	writeT(t, filepath.Join(real, "github", "old.gen.go"), headed)
	if r := runTG(t, nil, append(args, "-check", "-q")...); r.code != 1 || r.stdout != "extra github/old.gen.go\n" {
		t.Errorf("-check -q through a linked -out: exit %d, stdout %q", r.code, r.stdout)
	}
	if r := runTG(t, nil, args...); r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Lstat(filepath.Join(real, "github", "old.gen.go")); !os.IsNotExist(err) {
		t.Errorf("stale file behind a linked -out kept: %v", err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("-out link replaced: %v", err)
	}
}

// faultyOps is the real file system but for the call that fail picks.
type faultyOps struct {
	osFileOps
	calls  map[string]int
	fail   func(op string, n int) bool // n counts calls of op from 1
	stages []string                    // the directories MkdirTemp was asked for
}

func (f *faultyOps) check(op string) error {
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[op]++
	if f.fail(op, f.calls[op]) {
		return fmt.Errorf("injected %s failure #%d", op, f.calls[op])
	}
	return nil
}

func (f *faultyOps) Mkdir(name string, perm fs.FileMode) error {
	if err := f.check("Mkdir"); err != nil {
		return err
	}
	return f.osFileOps.Mkdir(name, perm)
}

func (f *faultyOps) MkdirTemp(dir, pattern string) (string, error) {
	if err := f.check("MkdirTemp"); err != nil {
		return "", err
	}
	f.stages = append(f.stages, filepath.Join(dir, pattern))
	return f.osFileOps.MkdirTemp(dir, pattern)
}

func (f *faultyOps) WriteFile(name string, data []byte, perm fs.FileMode) error {
	if err := f.check("WriteFile"); err != nil {
		return err
	}
	return f.osFileOps.WriteFile(name, data, perm)
}

func (f *faultyOps) Chmod(name string, perm fs.FileMode) error {
	if err := f.check("Chmod"); err != nil {
		return err
	}
	return f.osFileOps.Chmod(name, perm)
}

func (f *faultyOps) Rename(oldpath, newpath string) error {
	if err := f.check("Rename"); err != nil {
		return err
	}
	return f.osFileOps.Rename(oldpath, newpath)
}

func (f *faultyOps) Remove(name string) error {
	if err := f.check("Remove"); err != nil {
		return err
	}
	return f.osFileOps.Remove(name)
}

// atomicityFixture is an output directory whose update needs every kind of
// step: files replaced (one with unusual permissions), created, removed, in
// a directory that exists and one that does not; and the files to write.
func atomicityFixture(t *testing.T) (root, out string, files []generator.File) {
	t.Helper()
	root = t.TempDir()
	out = filepath.Join(root, "out")
	if r := runTG(t, nil, genArgs(out, "-toolkits", "github,slack")...); r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	doc := filepath.Join(out, "github", "doc.gen.go")
	b, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	writeT(t, doc, string(b)+"// edited\n")
	if err := os.Chmod(doc, 0o600); err != nil {
		t.Fatal(err)
	}
	slackDoc := filepath.Join(out, "slack", "doc.gen.go")
	b, err = os.ReadFile(slackDoc)
	if err != nil {
		t.Fatal(err)
	}
	writeT(t, slackDoc, string(b)+"// edited\n")
	if err := os.Remove(filepath.Join(out, "github", "star_added_event.gen.go")); err != nil {
		t.Fatal(err)
	}
	writeT(t, filepath.Join(out, "github", "old.gen.go"), headed)
	writeT(t, filepath.Join(out, "slack", "old.gen.go"), headed)
	lk, name, err := readLock("")
	if err != nil {
		t.Fatal(err)
	}
	res, err := generator.Generate(t.Context(), generator.Config{Lock: lk, LockName: name, ImportPath: "example.com/app/out",
		Toolkits: []string{"asana", "github", "slack"}})
	if err != nil {
		t.Fatal(err)
	}
	return root, out, res.Files
}

// TestWriteUndoesEveryFailure fails each file-system call the writer makes,
// one at a time, and checks that the tree is byte for byte as before: no
// file replaced, created or removed, no permission changed, no staging or
// new directory left (issue 12.4).
func TestWriteUndoesEveryFailure(t *testing.T) {
	// Count the calls of a run that succeeds, on a copy.
	_, outCopy, files := atomicityFixture(t)
	counting := &faultyOps{fail: func(string, int) bool { return false }}
	p, err := makePlan(outCopy, files)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.apply(counting); err != nil {
		t.Fatal(err)
	}
	// One rename per file written, one remove per file removed, staged in
	// each package directory.
	var writes, removes int
	for _, c := range p.changes {
		if c.removes() {
			removes++
		} else {
			writes++
		}
	}
	if counting.calls["Rename"] != writes || counting.calls["Remove"] != removes || writes < 5 || removes < 2 {
		t.Errorf("%d renames and %d removes for %d files written and %d removed", counting.calls["Rename"], counting.calls["Remove"], writes, removes)
	}
	var wantStages []string
	for _, d := range []string{"asana", "github", "slack"} {
		wantStages = append(wantStages, filepath.Join(outCopy, d, ".triggergen-"))
	}
	if !slices.Equal(counting.stages, wantStages) {
		t.Errorf("staged in %q, want %q", counting.stages, wantStages)
	}

	root, out, _ := atomicityFixture(t)
	before := tree(t, root)
	for _, op := range []string{"Mkdir", "MkdirTemp", "WriteFile", "Chmod", "Rename", "Remove"} {
		for n := 1; n <= counting.calls[op]; n++ {
			p, err := makePlan(out, files)
			if err != nil {
				t.Fatal(err)
			}
			err = p.apply(&faultyOps{fail: func(o string, i int) bool { return o == op && i == n }})
			if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("injected %s failure #%d", op, n)) || !strings.Contains(err.Error(), "the output is as it was") {
				t.Errorf("%s #%d failed: error %v", op, n, err)
			}
			if d := treeDiff(before, tree(t, root)); len(d) > 0 {
				t.Errorf("%s #%d failed: the output changed: %q", op, n, d)
			}
		}
	}
	// With no failure, the tree is what generate makes, with nothing left over.
	p, err = makePlan(out, files)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.apply(osFileOps{}); err != nil {
		t.Fatal(err)
	}
	after := tree(t, out)
	for _, f := range files {
		if after[f.Path] != "-rw-r--r-- "+string(f.Content) {
			t.Errorf("%s not written", f.Path)
		}
	}
	for p := range after {
		if strings.Contains(p, ".triggergen-") || strings.HasSuffix(p, "/old.gen.go") {
			t.Errorf("left after a successful run: %s", p)
		}
	}
}

// TestWriteFailedUndoKeepsThePreviousFiles: when undoing fails too, the
// error says where the previous files are, and they are there.
func TestWriteFailedUndoKeepsThePreviousFiles(t *testing.T) {
	root, out, files := atomicityFixture(t)
	before := tree(t, root)
	p, err := makePlan(out, files)
	if err != nil {
		t.Fatal(err)
	}
	// The swaps rename asana's two new files, github/doc.gen.go over its
	// old self, github/star_added_event.gen.go, then slack/doc.gen.go: that
	// fails, and so does every rename after it, which undoing github needs.
	err = p.apply(&faultyOps{fail: func(op string, n int) bool { return op == "Rename" && n >= 5 }})
	if err == nil || !strings.Contains(err.Error(), "restoring the output failed too") {
		t.Fatalf("error %v", err)
	}
	_, stages, _ := strings.Cut(err.Error(), "the previous files are in ")
	var kept []string
	for s := range strings.SplitSeq(stages, ", ") {
		ents, err := os.ReadDir(filepath.Join(s, "old"))
		if err != nil {
			t.Fatalf("staging directory %q: %v", s, err)
		}
		for _, e := range ents {
			rel, _ := filepath.Rel(root, filepath.Join(filepath.Dir(s), e.Name()))
			kept = append(kept, rel)
			if b, _ := os.ReadFile(filepath.Join(s, "old", e.Name())); before[filepath.ToSlash(rel)] != "" && !strings.HasSuffix(before[filepath.ToSlash(rel)], " "+string(b)) {
				t.Errorf("%s: the kept copy differs from the file before", rel)
			}
		}
	}
	slices.Sort(kept)
	want := []string{"out/github/doc.gen.go", "out/github/old.gen.go", "out/slack/doc.gen.go", "out/slack/old.gen.go"}
	if !slices.Equal(kept, want) {
		t.Errorf("kept %q, want %q", kept, want)
	}
}
