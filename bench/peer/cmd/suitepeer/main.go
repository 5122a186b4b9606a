// Command suitepeer runs the official JSON Schema Test Suite through
// go-jsonschema, with the same wrapping triggergen's suite test uses
// (internal/schemasuite, issue 19), and writes the per-file figures to
// testdata/suite-peer.json, which triggergen's SCHEMA-SUITE.md shows beside
// its own:
//
//	cd bench/peer && go run ./cmd/suitepeer
//
// Each group's wrapped schema is generated with go-jsonschema's default
// options (validation included); a suite file is one Go package, or, when
// that does not generate or compile, one package per group. A group that does
// not generate or compile alone is refused. Each test's instance {"v": DATA}
// is judged by json.Unmarshal into the root type (go-jsonschema validates in
// UnmarshalJSON): valid when it returns no error.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	gjs "github.com/atombender/go-jsonschema/pkg/generator"
	"github.com/atombender/go-jsonschema/pkg/schemas"

	"github.com/triggergen/triggergen/internal/schemasuite"
)

func main() {
	out := flag.String("o", "testdata/suite-peer.json", "where to write the figures")
	suite := flag.String("suite", "../../testdata/json-schema-test-suite", "the suite directory")
	flag.Parse()
	if err := run(*suite, *out); err != nil {
		fmt.Fprintln(os.Stderr, "suitepeer:", err)
		os.Exit(1)
	}
}

// unit is one generated package: some groups of one file.
type unit struct {
	file   *schemasuite.File
	dir    string // package directory (and name) in the module
	groups []int
	srcs   map[string][]byte
}

func run(suiteDir, out string) error {
	files, err := schemasuite.Load(suiteDir)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "suitepeer-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := os.WriteFile(filepath.Join(tmp, "go.mod"), []byte("module example.com/suitepeer\n\ngo 1.26\n"), 0o644); err != nil {
		return err
	}
	refused := map[string]map[int]bool{}
	var units []*unit
	for _, f := range files {
		refused[key(f)] = map[int]bool{}
		all := &unit{file: f, dir: pkgName(f, -1)}
		for i := range f.Groups {
			all.groups = append(all.groups, i)
		}
		if all.generate() == nil && all.compiles(tmp) {
			units = append(units, all)
			continue
		}
		// One package per group.
		for i := range f.Groups {
			u := &unit{file: f, dir: pkgName(f, i), groups: []int{i}}
			if u.generate() != nil || !u.compiles(tmp) {
				refused[key(f)][i] = true
				continue
			}
			units = append(units, u)
		}
	}
	for _, u := range units {
		if err := u.write(tmp); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Join(tmp, "driver"), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, "driver", "main.go"), driver(units), 0o644); err != nil {
		return err
	}
	cmd := exec.Command("go", "build", "-o", "driver.bin", "./driver")
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build the driver: %v\n%s", err, b)
	}
	type job struct {
		file  *schemasuite.File
		valid bool
	}
	var jobs []job
	var stdin bytes.Buffer
	for _, u := range units {
		for _, gi := range u.groups {
			for _, tc := range u.file.Groups[gi].Tests {
				jobs = append(jobs, job{u.file, tc.Valid})
				line, _ := json.Marshal(map[string]any{"key": u.dir + "." + rootType(gi), "instance": schemasuite.Instance(tc.Data)})
				stdin.Write(line)
				stdin.WriteByte('\n')
			}
		}
	}
	drv := exec.Command(filepath.Join(tmp, "driver.bin"))
	drv.Stdin = &stdin
	res, err := drv.Output()
	if err != nil {
		return fmt.Errorf("driver: %w", err)
	}
	tallies := map[string]*schemasuite.Tally{}
	for _, f := range files {
		t := &schemasuite.Tally{RefusedGroups: len(refused[key(f)])}
		for gi := range refused[key(f)] {
			t.RefusedTests += len(f.Groups[gi].Tests)
		}
		tallies[key(f)] = t
	}
	sc := bufio.NewScanner(bytes.NewReader(res))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	i := 0
	for sc.Scan() {
		var r struct {
			Valid bool   `json:"valid"`
			Fatal string `json:"fatal"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return err
		}
		if r.Fatal != "" {
			return fmt.Errorf("driver: %s", r.Fatal)
		}
		tallies[key(jobs[i].file)].Add(jobs[i].valid, r.Valid)
		i++
	}
	if i != len(jobs) {
		return fmt.Errorf("driver answered %d of %d instances", i, len(jobs))
	}
	b, err := json.MarshalIndent(tallies, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	for _, d := range schemasuite.Drafts {
		var sum schemasuite.Tally
		for _, f := range files {
			if f.Draft == d.Dir {
				sum = sum.Plus(*tallies[key(f)])
			}
		}
		fmt.Printf("%s: %d of %d tests run agree, %d valid rejected, %d invalid accepted, %d groups (%d tests) not generated\n",
			d.Dir, sum.Agree, sum.Tests, sum.RejectedValid, sum.AcceptedInvalid, sum.RefusedGroups, sum.RefusedTests)
	}
	return os.WriteFile(out, append(b, '\n'), 0o644)
}

func key(f *schemasuite.File) string { return f.Draft + "/" + f.Name }

// pkgName is the package of a file's groups (i < 0) or of one group.
func pkgName(f *schemasuite.File, i int) string {
	n := strings.ToLower(strings.NewReplacer("-", "", "_", "").Replace(f.Toolkit()))
	if i >= 0 {
		n += fmt.Sprintf("g%d", i)
	}
	return n
}

// rootType is the type go-jsonschema names after the file "g<i>.json".
func rootType(i int) string { return fmt.Sprintf("G%dJson", i) }

func (u *unit) generate() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	g, err := gjs.New(gjs.Config{
		DefaultPackageName: u.dir,
		DefaultOutputName:  u.dir + "/" + u.dir + ".go",
		Tags:               []string{"json"},
		Warner:             func(string) {},
	})
	if err != nil {
		return err
	}
	for _, gi := range u.groups {
		wrapped, err := schemasuite.Wrap(u.file.DraftSchema(), u.file.Groups[gi].Schema)
		if err != nil {
			return err
		}
		sch, err := schemas.FromJSONReader(bytes.NewReader(wrapped))
		if err != nil {
			return err
		}
		if err := g.AddFile(fmt.Sprintf("g%d.json", gi), sch); err != nil {
			return err
		}
	}
	u.srcs, err = g.Sources()
	return err
}

func (u *unit) write(root string) error {
	for name, src := range u.srcs {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, src, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// compiles writes the unit alone into the module and builds it (with a
// reference to each root type, so that a missing one fails too).
func (u *unit) compiles(root string) bool {
	if err := u.write(root); err != nil {
		return false
	}
	defer os.RemoveAll(filepath.Join(root, u.dir))
	var b strings.Builder
	fmt.Fprintf(&b, "package %s\n\nvar _ = []any{", u.dir)
	for _, gi := range u.groups {
		fmt.Fprintf(&b, "%s{}, ", rootType(gi))
	}
	b.WriteString("}\n")
	if os.WriteFile(filepath.Join(root, u.dir, "roots_check.go"), []byte(b.String()), 0o644) != nil {
		return false
	}
	cmd := exec.Command("go", "build", "./"+u.dir)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	return cmd.Run() == nil
}

func driver(units []*unit) []byte {
	var b strings.Builder
	b.WriteString("package main\n\nimport (\n\t\"bufio\"\n\t\"encoding/json\"\n\t\"os\"\n\t\"reflect\"\n\n")
	sort.Slice(units, func(i, j int) bool { return units[i].dir < units[j].dir })
	for _, u := range units {
		fmt.Fprintf(&b, "\t%q\n", "example.com/suitepeer/"+u.dir)
	}
	b.WriteString(")\n\nvar types = map[string]reflect.Type{\n")
	for _, u := range units {
		for _, gi := range u.groups {
			fmt.Fprintf(&b, "\t%q: reflect.TypeFor[%s.%s](),\n", u.dir+"."+rootType(gi), u.dir, rootType(gi))
		}
	}
	b.WriteString(`}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var line struct {
			Key      string          ` + "`json:\"key\"`" + `
			Instance json.RawMessage ` + "`json:\"instance\"`" + `
		}
		if err := json.Unmarshal(in.Bytes(), &line); err != nil {
			out.Encode(map[string]any{"fatal": err.Error()})
			continue
		}
		t, ok := types[line.Key]
		if !ok {
			out.Encode(map[string]any{"fatal": "unknown type " + line.Key})
			continue
		}
		err := json.Unmarshal(line.Instance, reflect.New(t).Interface())
		out.Encode(map[string]any{"valid": err == nil})
	}
}
`)
	return []byte(b.String())
}
