package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/triggergen/triggergen/composiotest"
	"github.com/triggergen/triggergen/lockfile"
)

// The README's samples of CLI output are what the CLI prints: each test
// below runs the sample's command against the fake (or on the lock it
// wrote) and compares the output with the README's block, so the README
// cannot drift from the tool.

// readmeBlock returns the lines of the first fenced block of the README
// section under heading that starts with "$ "+command, without that line.
func readmeBlock(t *testing.T, heading, command string) []string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range fencedBlocks(readmeSection(t, string(readme), heading), "") {
		if first, rest, _ := strings.Cut(b, "\n"); first == "$ "+command {
			return strings.Split(rest, "\n")
		}
	}
	t.Fatalf("the README's %q has no block starting with %q", heading, "$ "+command)
	return nil
}

// pullSample pulls github and slack at 20250729_00 from the fake into dir,
// as the README's pull sample does; it returns the combined output, the
// progress lines (stderr) first, as a terminal shows them.
func pullSample(t *testing.T, dir string) []string {
	t.Helper()
	t.Chdir(dir)
	if err := os.WriteFile("triggergen.yaml", []byte("version: 1\ntoolkits:\n  github: 20250729_00\n  slack: 20250729_00\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := composiotest.NewServer(t)
	r := runTG(t, apiEnv(srv), "pull")
	if r.code != 0 {
		t.Fatalf("pull: exit %d\n%s", r.code, r.stderr)
	}
	progress := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	slices.Sort(progress) // toolkits are fetched concurrently
	return append(progress, strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")...)
}

func TestReadmePullSample(t *testing.T) {
	want := readmeBlock(t, "### 5. `triggergen pull`", "COMPOSIO_API_KEY=… triggergen pull")
	got := pullSample(t, t.TempDir())
	if !slices.Equal(got, want) {
		t.Errorf("pull prints:\n%s\nthe README shows:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// The diff sample: the pulled lock, then GITHUB_COMMIT_EVENT gains a
// required config field branch and loses the payload field url.
func TestReadmeDiffSample(t *testing.T) {
	want := readmeBlock(t, "### 7. What `diff` prints on a breaking change", "triggergen diff -fail-on-breaking old.lock.json triggergen.lock.json")
	dir := t.TempDir()
	pullSample(t, dir)
	if err := os.Rename("triggergen.lock.json", "old.lock.json"); err != nil {
		t.Fatal(err)
	}
	lk := readLockT(t, "old.lock.json")
	gh := lk.Toolkit("github")
	edited := editTriggerType(t, addRequiredConfigField(t, gh, "GITHUB_COMMIT_EVENT", "branch"), "GITHUB_COMMIT_EVENT", func(obj map[string]any) {
		delete(obj["payload"].(map[string]any)["properties"].(map[string]any), "url")
	})
	for i, tk := range lk.Toolkits {
		if tk == gh {
			lk.Toolkits[i] = edited
		}
	}
	data, err := lk.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "triggergen.lock.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	r := runTG(t, nil, "diff", "-fail-on-breaking", "old.lock.json", "triggergen.lock.json")
	got := strings.Split(strings.TrimRight(r.stdout+r.stderr, "\n"), "\n")
	if r.code != 1 || !slices.Equal(got, want) {
		t.Errorf("diff: exit %d, prints:\n%s\nthe README shows:\n%s", r.code, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// editTriggerType returns a copy of tk in which edit has changed the
// object of trigger type slug.
func editTriggerType(t *testing.T, tk *lockfile.Toolkit, slug string, edit func(obj map[string]any)) *lockfile.Toolkit {
	t.Helper()
	out := *tk
	out.TriggerTypes = nil
	for _, tt := range tk.TriggerTypes {
		if tt.Slug == slug {
			var obj map[string]any
			if err := json.Unmarshal(tt.Raw, &obj); err != nil {
				t.Fatal(err)
			}
			edit(obj)
			raw, err := json.Marshal(obj)
			if err != nil {
				t.Fatal(err)
			}
			c := *tt
			c.Raw = raw
			c.Config, _ = json.Marshal(obj["config"])
			c.Payload, _ = json.Marshal(obj["payload"])
			tt = &c
		}
		out.TriggerTypes = append(out.TriggerTypes, tt)
	}
	return &out
}
