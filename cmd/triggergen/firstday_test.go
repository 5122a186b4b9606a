package main

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestFirstDay runs the README's "Get the command" and "go generate line"
// steps, as written there, in new modules outside the repository: the tool
// line, init, go generate, build, vet and vendor; then the runtime-only
// vendoring with a tools module file. The README's sizes of the two vendor
// trees are checked too.
func TestFirstDay(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two modules; skipped with -short")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash to run the README's commands")
	}
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(repo, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	install := readmeSection(t, string(readme), "### 1. Get the command")
	blocks := fencedBlocks(install, "sh")
	if len(blocks) != 2 {
		t.Fatalf("section 1 has %d sh blocks, want 2 (tool line; runtime-only vendoring)", len(blocks))
	}
	gen := fencedBlocks(readmeSection(t, string(readme), "### 2. The `go generate` line"), "go")
	if len(gen) != 1 || !strings.HasPrefix(gen[0], "//go:generate ") {
		t.Fatalf("section 2 has no go:generate block: %q", gen)
	}

	// The user's modules sit beside a checkout named triggergen, as the
	// README assumes.
	root := t.TempDir()
	if err := os.Symlink(repo, filepath.Join(root, "triggergen")); err != nil {
		t.Fatal(err)
	}
	newApp := func(name string) string {
		dir := filepath.Join(root, name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		goCmd(t, dir, nil, "mod", "init", "example.com/app")
		return dir
	}
	mainGo := func(dir, generateLine string) {
		src := "// Command app receives GitHub commit events.\npackage main\n\n" + generateLine + "\n\n" + `import (
	"context"
	"log"

	"example.com/app/composiotriggers/github"
	"github.com/triggergen/triggergen/webhook"
)

func main() {
	d := webhook.NewDispatcher()
	github.OnCommitEvent(d, func(ctx context.Context, ev *webhook.Event, p *github.CommitEventPayload) error {
		log.Printf("%s committed %s", p.Author, p.ID)
		return nil
	})
}
`
		if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// With the tool line.
	app := newApp("app")
	shell(t, app, blocks[0])
	for _, f := range []string{"triggergen.yaml", "triggergen.lock.json"} {
		if _, err := os.Stat(filepath.Join(app, f)); err != nil {
			t.Errorf("init did not write %s: %v", f, err)
		}
	}
	mainGo(app, gen[0])
	goCmd(t, app, nil, "generate", "./...")
	goCmd(t, app, nil, "build", "./...")
	goCmd(t, app, nil, "vet", "./...")
	goCmd(t, app, nil, "mod", "vendor")
	goCmd(t, app, nil, "build", "-mod=vendor", "./...")
	withTool := treeSize(t, filepath.Join(app, "vendor"))

	// Only the runtime vendored: the tool in its own module file.
	lean := newApp("lean")
	shell(t, lean, blocks[1])
	shell(t, lean, "go tool -modfile=tools/go.mod triggergen init -toolkits github")
	mainGo(lean, strings.Replace(gen[0], "go tool triggergen", "go tool -modfile=tools/go.mod triggergen", 1))
	goCmd(t, lean, nil, "generate", "./...")
	goCmd(t, lean, nil, "mod", "tidy")
	goCmd(t, lean, nil, "vet", "./...")
	goCmd(t, lean, nil, "mod", "vendor")
	goCmd(t, lean, nil, "build", "-mod=vendor", "./...")
	runtimeOnly := treeSize(t, filepath.Join(lean, "vendor"))

	t.Logf("vendor/ with the tool line: %.1f MB; runtime only: %.0f KB", float64(withTool)/1e6, float64(runtimeOnly)/1e3)
	// The README says "about 14 MB" and "under 200 KB".
	if withTool < 9e6 || withTool > 18e6 {
		t.Errorf("vendor/ with the tool line is %d bytes; the README says about 14 MB", withTool)
	}
	if runtimeOnly > 200e3 {
		t.Errorf("runtime-only vendor/ is %d bytes; the README says under 200 KB", runtimeOnly)
	}
}

// readmeSection returns the README text from heading to the next heading of
// the same or a higher level.
func readmeSection(t *testing.T, readme, heading string) string {
	t.Helper()
	i := strings.Index(readme, "\n"+heading+"\n")
	if i < 0 {
		t.Fatalf("README has no %q", heading)
	}
	rest := readme[i+len(heading)+2:]
	level := strings.Fields(heading)[0]
	if j := regexp.MustCompile(`(?m)^#{1,` + string(rune('0'+len(level))) + `} `).FindStringIndex(rest); j != nil {
		rest = rest[:j[0]]
	}
	return rest
}

// fencedBlocks returns the bodies of the fenced blocks of text whose info
// string is lang ("" for a bare ``` block).
func fencedBlocks(text, lang string) []string {
	var out []string
	var body []string
	inside, keep := false, false
	for _, line := range strings.Split(text, "\n") {
		switch {
		case !inside && strings.HasPrefix(line, "```"):
			inside, keep, body = true, strings.TrimPrefix(line, "```") == lang, nil
		case inside && line == "```":
			inside = false
			if keep {
				out = append(out, strings.Join(body, "\n"))
			}
		case inside:
			body = append(body, line)
		}
	}
	return out
}

// shell runs script with bash -e in dir.
func shell(t *testing.T, dir, script string) {
	t.Helper()
	cmd := exec.Command("bash", "-euc", script)
	cmd.Dir = dir
	cmd.Env = childEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("in %s:\n%s\n%v\n%s", dir, script, err, out)
	}
}

// treeSize is the total size of the regular files below dir.
func treeSize(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			n += info.Size()
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
