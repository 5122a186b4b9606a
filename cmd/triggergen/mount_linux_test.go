package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// mountTmpfs mounts a small tmpfs, a second file system, on the existing
// directory dir until the test ends. It skips the test when it cannot:
// mounting needs root (CAP_SYS_ADMIN).
func mountTmpfs(t *testing.T, dir string) {
	t.Helper()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=32m"); err != nil {
		t.Skipf("skipped: needs a second file system, and mount -t tmpfs %s failed: %v (runs as root)", dir, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
}

// TestGenerateOutOnAnotherFileSystem: -out a mount point, or a link to one,
// on another file system than its parent works, stale files included
// (issue 12.4; before, every run failed with "invalid cross-device link").
func TestGenerateOutOnAnotherFileSystem(t *testing.T) {
	root := t.TempDir()
	mnt := filepath.Join(root, "mnt")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	mountTmpfs(t, mnt)
	link := filepath.Join(root, "link")
	if err := os.Symlink(mnt, link); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{mnt, link} {
		args := genArgs(out, "-toolkits", "github,slack")
		if r := runTG(t, nil, args...); r.code != 0 {
			t.Fatalf("-out %s: exit %d\n%s", out, r.code, r.stderr)
		}
		writeT(t, filepath.Join(mnt, "github", "old.gen.go"), headed)
		if r := runTG(t, nil, append(args, "-v")...); r.code != 0 || !strings.HasPrefix(r.stdout, "removed github/old.gen.go\n") {
			t.Fatalf("-out %s: exit %d\n%s%s", out, r.code, r.stdout, r.stderr)
		}
		if r := runTG(t, nil, append(args, "-check")...); r.code != 0 {
			t.Errorf("-out %s: -check after generate: exit %d\n%s", out, r.code, r.stdout)
		}
	}
}

// TestGenerateToolkitDirOnAnotherFileSystem: a toolkit directory that is a
// mount point is written like any other, and no other directory is left
// half updated (before, the toolkits sorted ahead of it were written and it
// failed with "invalid cross-device link").
func TestGenerateToolkitDirOnAnotherFileSystem(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	github := filepath.Join(out, "github")
	if err := os.MkdirAll(github, 0o755); err != nil {
		t.Fatal(err)
	}
	mountTmpfs(t, github)
	args := genArgs(out, "-toolkits", "asana,github,slack")
	r := runTG(t, nil, args...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if r := runTG(t, nil, append(args, "-check")...); r.code != 0 {
		t.Errorf("-check after generate: exit %d\n%s", r.code, r.stdout)
	}
	got := tree(t, out)
	for _, p := range []string{"asana/doc.gen.go", "github/doc.gen.go", "slack/doc.gen.go"} {
		if got[p] == "" {
			t.Errorf("%s not written", p)
		}
	}
}
