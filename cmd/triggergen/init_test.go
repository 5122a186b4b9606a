package main

import (
	"os"
	"strings"
	"testing"

	"github.com/triggergen/triggergen/catalog"
)

// init writes a config and a lock from the embedded catalog with no key and
// no network, generate then works from them, and a second init overwrites
// nothing.
func TestInit(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.WriteFile("go.mod", []byte("module example.com/app\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runTG(t, nil, "init", "-toolkits", "github,slack")
	if r.code != 0 {
		t.Fatalf("init: exit %d\n%s", r.code, r.stderr)
	}
	if want := "wrote triggergen.yaml and triggergen.lock.json: 2 toolkits, 14 trigger types from the embedded catalog\n"; !strings.HasPrefix(r.stdout, want) {
		t.Errorf("init printed %q, want %q", r.stdout, want)
	}
	lk := readLockT(t, "triggergen.lock.json")
	cat, _ := catalog.Lock()
	for _, tk := range lk.Toolkits {
		if ct := cat.Toolkit(tk.Slug); ct == nil || ct.Digest() != tk.Digest() {
			t.Errorf("lock toolkit %s differs from the catalog's", tk.Slug)
		}
	}
	cfg, _ := os.ReadFile("triggergen.yaml")
	for _, want := range []string{"version: 1\n", "  github: 20250729_00\n", "  slack: 20250729_00\n", "lock: triggergen.lock.json\n"} {
		if !strings.Contains(string(cfg), want) {
			t.Errorf("triggergen.yaml lacks %q:\n%s", want, cfg)
		}
	}
	if r := runTG(t, nil, "generate"); r.code != 0 {
		t.Fatalf("generate after init: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat("composiotriggers/slack/doc.gen.go"); err != nil {
		t.Error(err)
	}
	// A second init refuses, and leaves both files as they were.
	lockBefore, _ := os.ReadFile("triggergen.lock.json")
	r = runTG(t, nil, "init")
	if r.code != 1 || !strings.Contains(r.stderr, "triggergen.yaml already exists") {
		t.Errorf("second init: exit %d\n%s", r.code, r.stderr)
	}
	cfgAfter, _ := os.ReadFile("triggergen.yaml")
	lockAfter, _ := os.ReadFile("triggergen.lock.json")
	if string(cfgAfter) != string(cfg) || string(lockAfter) != string(lockBefore) {
		t.Error("a refused init changed a file")
	}
	// Only the lock exists: init still refuses, and creates no config.
	os.Remove("triggergen.yaml")
	if r := runTG(t, nil, "init"); r.code != 1 || !strings.Contains(r.stderr, "triggergen.lock.json already exists") {
		t.Errorf("init over a lock: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat("triggergen.yaml"); err == nil {
		t.Error("a refused init wrote the config")
	}
}

func TestInitUnknownToolkit(t *testing.T) {
	t.Chdir(t.TempDir())
	r := runTG(t, nil, "init", "-toolkits", "github,onedrive")
	if r.code != 1 || !strings.Contains(r.stderr, `no toolkit "onedrive" (did you mean "one_drive"?)`) {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
	if ents, _ := os.ReadDir("."); len(ents) != 0 {
		t.Errorf("a failed init wrote %d files", len(ents))
	}
}

func TestDidYouMean(t *testing.T) {
	known := []string{"github", "one_drive", "googledrive", "slack", "slackbot"}
	for in, want := range map[string]string{
		"onedrive":     ` (did you mean "one_drive"?)`,
		"ONE-DRIVE":    ` (did you mean "one_drive"?)`,
		"githb":        ` (did you mean "github"?)`,
		"google_drive": ` (did you mean "googledrive"?)`,
		"slak":         ` (did you mean "slack"?)`,
		"stripe":       ``,
		"github":       ``,
	} {
		if got := didYouMean(in, known); got != want {
			t.Errorf("didYouMean(%q) = %q, want %q", in, got, want)
		}
	}
}

// A toolkit version pinned in triggergen.yaml that the lock does not hold is
// an error naming both versions and the fix, for generate and -check.
func TestConfigPinMismatch(t *testing.T) {
	t.Chdir(t.TempDir())
	os.WriteFile("go.mod", []byte("module example.com/app\n\ngo 1.26\n"), 0o644)
	if r := runTG(t, nil, "init", "-toolkits", "github"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	cfg, _ := os.ReadFile("triggergen.yaml")
	os.WriteFile("triggergen.yaml", []byte(strings.Replace(string(cfg), "github: 20250729_00", "github: 20250930_00", 1)), 0o644)
	for _, args := range [][]string{{"generate"}, {"generate", "-check"}} {
		r := runTG(t, nil, args...)
		want := "triggergen.yaml pins github to 20250930_00 but triggergen.lock.json has 20250729_00; run `triggergen pull`"
		if r.code != 1 || !strings.Contains(r.stderr, want) {
			t.Errorf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
	}
	// latest pins nothing.
	os.WriteFile("triggergen.yaml", []byte(strings.Replace(string(cfg), "github: 20250729_00", "github: latest", 1)), 0o644)
	if r := runTG(t, nil, "generate"); r.code != 0 {
		t.Errorf("latest: exit %d\n%s", r.code, r.stderr)
	}
}
