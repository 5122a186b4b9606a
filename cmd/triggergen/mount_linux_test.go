package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// mountTmpfs mounts a small tmpfs, a second file system, on the existing
// directory dir until the test ends, and reports whether it could: mounting
// needs root (CAP_SYS_ADMIN).
func mountTmpfs(t *testing.T, dir string) error {
	t.Helper()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=32m"); err != nil {
		return fmt.Errorf("mount -t tmpfs %s: %w", dir, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return nil
}

func device(t *testing.T, path string) uint64 {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		t.Fatal(err)
	}
	return uint64(st.Dev)
}

// otherFileSystem returns an empty directory on another file system than
// root: a tmpfs mounted on root/mnt, else a directory in /dev/shm when that
// is one; it skips the test when there is neither.
func otherFileSystem(t *testing.T, root string) string {
	t.Helper()
	mnt := filepath.Join(root, "mnt")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	merr := mountTmpfs(t, mnt)
	if merr == nil {
		return mnt
	}
	if shm, err := os.MkdirTemp("/dev/shm", "triggergen-test-"); err == nil {
		t.Cleanup(func() { os.RemoveAll(shm) })
		if device(t, shm) != device(t, root) {
			return shm
		}
	}
	t.Skipf("skipped: needs a second file system; %v (runs as root) and /dev/shm is not one", merr)
	return ""
}

// TestGenerateOutOnAnotherFileSystem: -out a mount point, or a link to one,
// on another file system than its parent works, stale files included
// (issue 12.4; before, every run failed with "invalid cross-device link").
func TestGenerateOutOnAnotherFileSystem(t *testing.T) {
	root := t.TempDir()
	other := otherFileSystem(t, root)
	link := filepath.Join(root, "link")
	if err := os.Symlink(other, link); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{other, link} {
		args := genArgs(out, "-toolkits", "github")
		if r := runTG(t, nil, args...); r.code != 0 {
			t.Fatalf("-out %s: exit %d\n%s", out, r.code, r.stderr)
		}
		writeT(t, filepath.Join(other, "github", "old.gen.go"), headed)
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
	if err := mountTmpfs(t, github); err != nil {
		t.Skipf("skipped: needs a second file system mounted on a toolkit directory; %v (runs as root)", err)
	}
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
