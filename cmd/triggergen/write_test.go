package main

import (
	"os"
	"path/filepath"
	"testing"
)

func writeT(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// genArgs are the flags every test here passes: an output directory and an
// import path (so no go.mod is needed).
func genArgs(out string, extra ...string) []string {
	return append([]string{"generate", "-out", out, "-import-path", "example.com/app/out"}, extra...)
}
