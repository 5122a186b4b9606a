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

// The -check, -check -q and vet samples: a module with the github toolkit
// generated from the catalog; GITHUB_COMMIT_EVENT then gains a required
// config field branch in the lock, and nothing is regenerated (-check), or
// the code is regenerated and a program still omits the field (vet).
func TestReadmeCheckAndVetSamples(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks a module; skipped with -short")
	}
	check := readmeBlock(t, "### 6. `generate -check` in CI", "go tool triggergen generate -check")
	quiet := readmeBlock(t, "### 6. `generate -check` in CI", "triggergen generate -check -q")
	vet := readmeBlock(t, "### 8. Catching required fields: `triggergen vet`", "go tool triggergen vet ./...")

	repo, err := filepath.Abs("../..")
	must(t, err)
	dir := t.TempDir()
	t.Chdir(dir)
	gomod := "module example.com/app\n\ngo 1.26\n\nrequire github.com/triggergen/triggergen v0.0.0\n\nreplace github.com/triggergen/triggergen => " + repo + "\n"
	must(t, os.WriteFile("go.mod", []byte(gomod), 0o644))
	if r := runTG(t, nil, "init", "-toolkits", "github"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := runTG(t, nil, "generate"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	lk := readLockT(t, "triggergen.lock.json")
	lk.Toolkits[0] = addRequiredConfigField(t, lk.Toolkit("github"), "GITHUB_COMMIT_EVENT", "branch")
	data, err := lk.Marshal()
	must(t, err)
	must(t, os.WriteFile("triggergen.lock.json", data, 0o644))

	r := runTG(t, nil, "generate", "-check")
	got := strings.Split(strings.TrimRight(r.stdout+r.stderr, "\n"), "\n")
	// The README shows the first hunk, then "… (…)" for the rest, then the
	// summary line.
	cut := slices.IndexFunc(check, func(l string) bool { return strings.HasPrefix(l, "…") })
	if r.code != 1 || cut < 0 || len(got) < cut+1 || !slices.Equal(got[:cut], check[:cut]) || got[len(got)-1] != check[len(check)-1] {
		t.Errorf("generate -check: exit %d, prints:\n%s\nthe README shows:\n%s", r.code, strings.Join(got, "\n"), strings.Join(check, "\n"))
	}
	r = runTG(t, nil, "generate", "-check", "-q")
	if got := strings.Split(strings.TrimRight(r.stdout+r.stderr, "\n"), "\n"); r.code != 1 || !slices.Equal(got, quiet) {
		t.Errorf("generate -check -q: exit %d, prints:\n%s\nthe README shows:\n%s", r.code, strings.Join(got, "\n"), strings.Join(quiet, "\n"))
	}

	// Regenerated, a program that omits the new field compiles; vet says
	// where.
	if r := runTG(t, nil, "generate"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	must(t, os.WriteFile("main.go", []byte(readmeVetProgram), 0o644))
	goCmd(t, dir, nil, "mod", "tidy")
	r = runTG(t, nil, "vet", "./...")
	if got := strings.Split(strings.TrimRight(r.stdout+r.stderr, "\n"), "\n"); r.code != 1 || !slices.Equal(got, vet) {
		t.Errorf("vet: exit %d, prints:\n%s\nthe README shows:\n%s", r.code, strings.Join(got, "\n"), strings.Join(vet, "\n"))
	}
}

// readmeVetProgram is the program of the README's vet sample: main.go with
// the config literal at line 17, column 63.
const readmeVetProgram = `// Command app creates a commit trigger.
package main

import (
	"context"
	"log"

	"example.com/app/composiotriggers/github"
	"github.com/triggergen/triggergen/composio"
)

func main() {
	client, err := composio.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	cfg := composio.CreateTriggerParams{UserID: "alice", Config: github.CommitEventConfig{Owner: "octocat", Repo: "hello-world"}}
	if _, err := client.CreateTrigger(context.Background(), cfg); err != nil {
		log.Fatal(err)
	}
}
`

// TestReadmeWhatYouGet: each declaration the README's first Go block shows
// (types, fields with their tags, function signatures) is in the generated
// GITHUB_COMMIT_EVENT code, comments aside.
func TestReadmeWhatYouGet(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	must(t, err)
	blocks := fencedBlocks(readmeSection(t, string(readme), "## What you get"), "go")
	if len(blocks) == 0 {
		t.Fatal("no Go block in the README's What you get")
	}
	src, err := os.ReadFile("../../catalog/github/commit_event.gen.go")
	must(t, err)
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	var have []string
	for _, l := range strings.Split(string(src), "\n") {
		have = append(have, norm(l))
	}
	n := 0
	for _, l := range strings.Split(blocks[0], "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "//") || strings.TrimSpace(l) == "" || strings.TrimSpace(l) == "}" {
			continue
		}
		decl := norm(l)
		if i := strings.Index(decl, " // "); i >= 0 {
			decl = decl[:i] // the README's annotation
		}
		if !slices.ContainsFunc(have, func(h string) bool { return h == decl || h == decl+" {" }) {
			t.Errorf("the README shows %q, which the generated code does not have", decl)
		}
		n++
	}
	if n < 8 {
		t.Fatalf("only %d declarations checked", n)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
