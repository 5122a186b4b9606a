package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/triggergen/triggergen/catalog"
	"github.com/triggergen/triggergen/lockfile"
)

// TestGenerateWithConfig: generate reads triggergen.yaml from the current
// directory (or -config), and flags override it.
func TestGenerateWithConfig(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	cat, err := catalog.Lock()
	if err != nil {
		t.Fatal(err)
	}
	lk := &lockfile.Lock{Toolkits: []*lockfile.Toolkit{cat.Toolkit("github"), cat.Toolkit("slack")}}
	write := func(name, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/m\n\ngo 1.26\n")
	write("locks/l.json", string(marshalT(t, lk)))
	write("triggergen.yaml", "version: 1\ntoolkits: [github]\nlock: locks/l.json\nout: gen\n")

	if r := runTG(t, nil, "generate"); r.code != 0 {
		t.Fatalf("generate: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat("gen/github/commit_event.gen.go"); err != nil {
		t.Errorf("config's out and lock not used: %v", err)
	}
	if _, err := os.Stat("gen/slack"); err == nil {
		t.Error("slack generated although the config lists only github")
	}
	if r := runTG(t, nil, "generate", "-check"); r.code != 0 {
		t.Errorf("generate -check: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// Flags override the config.
	if r := runTG(t, nil, "generate", "-out", "other", "-toolkits", "slack"); r.code != 0 {
		t.Fatalf("generate -out other: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat("other/slack/doc.gen.go"); err != nil {
		t.Errorf("-out/-toolkits did not override the config: %v", err)
	}
	// So does the deprecated -toolkit, with a warning.
	r := runTG(t, nil, "generate", "-out", "old", "-toolkit", "slack")
	if r.code != 0 || !strings.Contains(r.stderr, "triggergen: warning: generate: -toolkit is deprecated; use -toolkits") {
		t.Fatalf("generate -toolkit: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat("old/github"); err == nil {
		t.Error("-toolkit slack did not override the config")
	}
	// -config names another file; its paths are relative to it.
	write("sub/tg.yaml", "version: 1\nlock: ../locks/l.json\nout: out\ntoolkits: [slack]\n")
	if r := runTG(t, nil, "generate", "-config", "sub/tg.yaml"); r.code != 0 {
		t.Fatalf("generate -config: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat("sub/out/slack/doc.gen.go"); err != nil {
		t.Errorf("-config paths not relative to the file: %v", err)
	}
	// A config whose lock does not exist yet says to pull.
	write("triggergen.yaml", "version: 1\nlock: missing.json\n")
	if r := runTG(t, nil, "generate"); r.code != 1 || !strings.Contains(r.stderr, "run `triggergen init` to create it from the embedded catalog (offline), or `triggergen pull`") {
		t.Errorf("missing lock: exit %d\n%s", r.code, r.stderr)
	}
	// An invalid config reports every problem.
	write("triggergen.yaml", "version: 1\nout: 3\nextra: x\n")
	r = runTG(t, nil, "generate")
	if r.code != 1 || !strings.Contains(r.stderr, "triggergen.yaml:2: out: want a string") || !strings.Contains(r.stderr, `triggergen.yaml:3: unknown key "extra"`) {
		t.Errorf("invalid config: exit %d\n%s", r.code, r.stderr)
	}
}
