package generator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/rand"
	"regexp"
	"strings"
	"testing"

	"github.com/triggergen/triggergen/catalog"
	"github.com/triggergen/triggergen/generator"
	"github.com/triggergen/triggergen/lockfile"
)

func generateCatalog(t *testing.T, lk *lockfile.Lock) *generator.Result {
	t.Helper()
	res, err := generator.Generate(context.Background(), generator.Config{Lock: lk, ImportPath: corpusImportPath})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestDeterminism generates the catalog twice, and from a lock whose
// toolkits and trigger types are shuffled: the files are byte-identical.
func TestDeterminism(t *testing.T) {
	lk, _ := catalog.Lock()
	a := generateCatalog(t, lk)
	lk2, _ := catalog.Lock()
	b := generateCatalog(t, lk2)
	lk3, _ := catalog.Lock()
	r := rand.New(rand.NewSource(42))
	r.Shuffle(len(lk3.Toolkits), func(i, j int) { lk3.Toolkits[i], lk3.Toolkits[j] = lk3.Toolkits[j], lk3.Toolkits[i] })
	for _, tk := range lk3.Toolkits {
		r.Shuffle(len(tk.TriggerTypes), func(i, j int) { tk.TriggerTypes[i], tk.TriggerTypes[j] = tk.TriggerTypes[j], tk.TriggerTypes[i] })
	}
	c := generateCatalog(t, lk3)
	for _, other := range []*generator.Result{b, c} {
		if len(a.Files) != len(other.Files) {
			t.Fatalf("%d files vs %d", len(a.Files), len(other.Files))
		}
		for i := range a.Files {
			if a.Files[i].Path != other.Files[i].Path || !bytes.Equal(a.Files[i].Content, other.Files[i].Content) {
				t.Errorf("%s differs between runs", a.Files[i].Path)
			}
		}
	}
	// Goldens with collisions, shuffled too.
	for _, c := range []string{"names", "refs", "enum_ref", "stutter", "enum_share"} {
		glk, err := loadCaseLock(c)
		if err != nil {
			t.Fatal(err)
		}
		x, err := generator.Generate(context.Background(), generator.Config{Lock: glk, ImportPath: "x"})
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range glk.Toolkits {
			r.Shuffle(len(tk.TriggerTypes), func(i, j int) { tk.TriggerTypes[i], tk.TriggerTypes[j] = tk.TriggerTypes[j], tk.TriggerTypes[i] })
		}
		r.Shuffle(len(glk.Toolkits), func(i, j int) { glk.Toolkits[i], glk.Toolkits[j] = glk.Toolkits[j], glk.Toolkits[i] })
		y, err := generator.Generate(context.Background(), generator.Config{Lock: glk, ImportPath: "x"})
		if err != nil {
			t.Fatal(err)
		}
		for i := range x.Files {
			if !bytes.Equal(x.Files[i].Content, y.Files[i].Content) {
				t.Errorf("%s: %s depends on input order", c, x.Files[i].Path)
			}
		}
	}
}

// TestNamesWithoutStutter: names drop the toolkit's words and a trailing
// TRIGGER (issue 14's examples, from the golden case "stutter"), a nested
// type from a title drops the toolkit prefix and "Schema", and a collision
// falls back to a longer name.
func TestNamesWithoutStutter(t *testing.T) {
	res, err := runCase("stutter")
	if err != nil {
		t.Fatal(err)
	}
	decls := map[string]bool{}
	declRE := regexp.MustCompile(`(?m)^(?:type|func|const) (\w+)`)
	for _, f := range res.Files {
		pkg, file, _ := strings.Cut(f.Path, "/")
		decls[pkg+"/"+file] = true
		for _, m := range declRE.FindAllSubmatch(f.Content, -1) {
			decls[pkg+"."+string(m[1])] = true
		}
	}
	for _, want := range []string{
		"pipedrive.NewNoteConfig", "stripe.ChargeFailedPayload", "stripe.OnChargeFailed", "asana.TaskConfig",
		"googledrive.ChangesConfig", "googlecalendar.EventChangeConfig", "onedrive.FileCreatedConfig", "onedrive.Item",
		"zendesk.NewTicketConfig", "onedrive/file_created.gen.go", "pipedrive/new_note.gen.go",
		// A collision keeps the TRIGGER word, then the toolkit's words.
		"trello.NewCardTriggerConfig", "trello.NewCardConfig", "trello.TrelloXTriggerConfig", "trello.XTriggerConfig",
		// A short name that would stay empty keeps its words; a rename wins, and names the file.
		"stripe.TriggerConfig", "stripe.StripeConfig", "trello.ArchivedConfig", "trello/archived.gen.go",
		// A title whose short form collides keeps its whole form.
		"trello.TrelloOnCardSchema",
	} {
		if !decls[want] {
			t.Errorf("%s is not generated", want)
		}
	}
	if !bytes.Contains(res.Files[0].Content, []byte("ASANA_TASK_TRIGGER")) {
		t.Error("the slug is not in the doc")
	}
}

// TestOneTypePerEnum: within a trigger type, a config array's item enum and
// a payload enum with the same values (in another order, with another
// title) are one type, named without the role and in the singular; another
// trigger's enum stays its own.
func TestOneTypePerEnum(t *testing.T) {
	res, err := runCase("enum_share")
	if err != nil {
		t.Fatal(err)
	}
	var all []byte
	for _, f := range res.Files {
		all = append(all, f.Content...)
	}
	for _, want := range []string{
		"Statuses   []PullRequestStatus ", "Status   *PullRequestStatus ",
		"Categories []PullRequestCategory ", "Category *PullRequestCategory ",
		"Labels []BranchPayloadLabel ", "State *BranchConfigState ",
		"LineItem   *PullRequestConfigLineItem ",
	} {
		if !bytes.Contains(all, []byte(want)) {
			t.Errorf("no field %q", want)
		}
	}
	if n := bytes.Count(all, []byte(" string\n")); n != 5 {
		t.Errorf("%d enum types, want 5", n)
	}
}

// TestEveryFileIsGenerated checks the header, sorted paths, and imports.
func TestEveryFileIsGenerated(t *testing.T) {
	lk, _ := catalog.Lock()
	res := generateCatalog(t, lk)
	// The standard library (no dot in the first path element) and the
	// runtime packages, nothing else: generated code must vendor cleanly.
	// trigger/schemacheck (and with it santhosh-tekuri/jsonschema) is not
	// allowed: every config of the real catalog is checked natively.
	allowed := regexp.MustCompile(`^"([a-z0-9]+(/[a-z0-9/]+)?|github\.com/triggergen/triggergen/(trigger|trigger/triggerimpl|secret|webhook))"$`)
	for _, w := range res.Warnings {
		if strings.Contains(w.Message, "santhosh-tekuri/jsonschema") {
			t.Errorf("a catalog config needs the JSON Schema library: %s", w)
		}
	}
	for i, f := range res.Files {
		if i > 0 && res.Files[i-1].Path >= f.Path {
			t.Errorf("files not sorted at %s", f.Path)
		}
		if !strings.HasSuffix(f.Path, ".gen.go") {
			t.Errorf("%s: not a .gen.go file", f.Path)
		}
		if !bytes.HasPrefix(f.Content, []byte(generator.Header+"\n")) {
			t.Errorf("%s: no header", f.Path)
		}
		for _, m := range regexp.MustCompile(`(?m)^\t(?:\w+ )?("[^"]+")$`).FindAllSubmatch(f.Content, -1) {
			if !allowed.Match(m[1]) {
				t.Errorf("%s imports %s", f.Path, m[1])
			}
		}
	}
}

// TestRawFields counts payload fields typed as raw JSON (json.RawMessage,
// map[string]json.RawMessage) across the corpus, checks that none has a
// schema naming a concrete scalar type, and logs each with its reason.
func TestRawFields(t *testing.T) {
	lk, _ := catalog.Lock()
	res := generateCatalog(t, lk)
	fieldRE := regexp.MustCompile(`(?m)^\t(\w+)\s+(\[\]json\.RawMessage|json\.RawMessage|map\[string\]json\.RawMessage|\[\]map\[string\]json\.RawMessage)\s+` + "`" + `json:"([^",]*)`)
	typeRE := regexp.MustCompile(`(?m)^type (\w+) (struct|map\[string\]json\.RawMessage)`)
	reasons := map[string]int{}
	n := 0
	for _, f := range res.Files {
		for _, m := range typeRE.FindAllSubmatch(f.Content, -1) {
			if string(m[2]) != "struct" {
				n++
				reasons["payload schema lists no properties: named map[string]json.RawMessage"]++
				t.Logf("%s: type %s (whole payload)", f.Path, m[1])
			}
		}
		for _, m := range fieldRE.FindAllSubmatch(f.Content, -1) {
			n++
			var why string
			switch string(m[2]) {
			case "json.RawMessage":
				why = "schema has no type ({} or description only): any JSON value"
			case "[]json.RawMessage":
				why = "array with items {} (any JSON elements)"
			case "[]map[string]json.RawMessage":
				why = "array of free-form objects"
			default:
				why = "free-form object (type object, no properties): map of raw JSON values"
			}
			reasons[why]++
			t.Logf("%s: %s (json %q): %s", f.Path, m[1], m[3], why)
		}
	}
	// No field whose schema names a concrete scalar type may be raw: check the
	// schemas directly.
	for _, tt := range lk.TriggerTypes() {
		var s struct {
			Properties map[string]json.RawMessage `json:"properties"`
		}
		json.Unmarshal(tt.Payload, &s)
		for name, p := range s.Properties {
			var ps struct {
				Type  any   `json:"type"`
				AnyOf []any `json:"anyOf"`
			}
			json.Unmarshal(p, &ps)
			if ty, ok := ps.Type.(string); ok && ty != "object" && ty != "array" {
				if bytes.Contains(findFile(res, tt.Slug), []byte(`json.RawMessage `+"`"+`json:"`+name+`"`)) {
					t.Errorf("%s.%s has type %s but is raw JSON", tt.Slug, name, ty)
				}
			}
		}
	}
	t.Logf("%d raw JSON payload values in the corpus: %v", n, reasons)
}

func findFile(res *generator.Result, slug string) []byte {
	var all []byte
	for _, f := range res.Files {
		all = append(all, f.Content...)
	}
	return all
}

func TestErrorsAreTyped(t *testing.T) {
	lk, err := lockfile.Parse("x.json", []byte(`{"lock_version":1,"toolkits":[{"slug":"a","trigger_types":[
	 {"slug":"A_ONE","type":"webhook","config":{"type":"object","properties":{"x":{"type":"strng"}}}},
	 {"slug":"A_TWO","type":"webhook","config":{"type":"object","properties":{"y":{"minLength":-1}}}}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = generator.Generate(context.Background(), generator.Config{Lock: lk, LockName: "x.json", ImportPath: "example.com/x"})
	var es generator.Errors
	if !errors.As(err, &es) || len(es) != 2 {
		t.Fatalf("want 2 collected errors, got %v", err)
	}
	var e *generator.Error
	if !errors.As(err, &e) || e.Pointer != "/toolkits/0/trigger_types/0/config/properties/x/type" {
		t.Errorf("first error %+v", e)
	}
	if _, err := generator.Generate(context.Background(), generator.Config{Lock: lk, ImportPath: "bad path"}); err == nil {
		t.Error("bad import path accepted")
	}
}
