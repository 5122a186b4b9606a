package schemadiff

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/triggergen/triggergen/lockfile"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// lockOf builds a one-toolkit lock with one trigger of the given schemas.
func lockOf(t *testing.T, config, payload string) *lockfile.Lock {
	t.Helper()
	src := fmt.Sprintf(`{"lock_version":1,"toolkits":[{"slug":"github","version":"20250729_00","trigger_types":[
		{"slug":"GITHUB_COMMIT_EVENT","type":"webhook","config":%s,"payload":%s}]}]}`, config, payload)
	lk, err := lockfile.Parse("test", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return lk
}

const obj = `{"type":"object","properties":{%s},"required":[%s]}`

func o(props, req string) string { return fmt.Sprintf(obj, props, req) }

func TestClassification(t *testing.T) {
	base := o(`"owner":{"type":"string"},"events":{"type":"array","items":{"type":"string","enum":["push","pull"]}},"limit":{"type":"integer","default":10}`, `"owner"`)
	pay := o(`"id":{"type":"string"},"author":{"$ref":"#/$defs/Author"},"ts":{"anyOf":[{"type":"string"},{"type":"null"}]}`, `"id","author"`)
	payDefs := func(p string, authorProps string) string {
		return strings.TrimSuffix(p, "}") + `,"$defs":{"Author":` + o(authorProps, `"name"`) + `}}`
	}
	payload := payDefs(pay, `"name":{"type":"string"},"email":{"type":"string"}`)
	for _, tc := range []struct {
		name            string
		config, payload string
		want            []string // "kind severity audience field pointer"
	}{
		{"no change", base, payload, nil},
		{"required config field added",
			o(`"owner":{"type":"string"},"events":{"type":"array","items":{"type":"string","enum":["push","pull"]}},"limit":{"type":"integer","default":10},"branch":{"type":"string"}`, `"owner","branch"`), payload,
			[]string{"required_field_added breaking callers branch /config/properties/branch"}},
		{"optional config field added",
			o(`"owner":{"type":"string"},"events":{"type":"array","items":{"type":"string","enum":["push","pull"]}},"limit":{"type":"integer","default":10},"branch":{"type":"string"}`, `"owner"`), payload,
			[]string{"field_added additive callers branch /config/properties/branch"}},
		{"config field removed",
			o(`"owner":{"type":"string"},"events":{"type":"array","items":{"type":"string","enum":["push","pull"]}}`, `"owner"`), payload,
			[]string{"field_removed breaking callers limit /config/properties/limit"}},
		{"config type changed",
			o(`"owner":{"type":"integer"},"events":{"type":"array","items":{"type":"string","enum":["push","pull"]}},"limit":{"type":"integer","default":10}`, `"owner"`), payload,
			[]string{"type_changed breaking callers owner /config/properties/owner"}},
		{"enum value removed and added",
			o(`"owner":{"type":"string"},"events":{"type":"array","items":{"type":"string","enum":["push","tag"]}},"limit":{"type":"integer","default":10}`, `"owner"`), payload,
			[]string{
				"enum_value_removed breaking callers events[] /config/properties/events/items/enum",
				"enum_value_added additive callers events[] /config/properties/events/items/enum",
			}},
		{"optional to required",
			o(`"owner":{"type":"string"},"events":{"type":"array","items":{"type":"string","enum":["push","pull"]}},"limit":{"type":"integer","default":10}`, `"owner","limit"`), payload,
			[]string{"field_became_required breaking callers limit /config/properties/limit"}},
		{"default changed",
			o(`"owner":{"type":"string"},"events":{"type":"array","items":{"type":"string","enum":["push","pull"]}},"limit":{"type":"integer","default":20}`, `"owner"`), payload,
			[]string{"default_changed info callers limit /config/properties/limit/default"}},
		{"payload field removed through $ref",
			base, payDefs(pay, `"name":{"type":"string"}`),
			[]string{"field_removed breaking consumers author.email /payload/$defs/Author/properties/email"}},
		{"payload type changed",
			base, payDefs(o(`"id":{"type":"integer"},"author":{"$ref":"#/$defs/Author"},"ts":{"anyOf":[{"type":"string"},{"type":"null"}]}`, `"id","author"`), `"name":{"type":"string"},"email":{"type":"string"}`),
			[]string{"type_changed breaking consumers id /payload/properties/id"}},
		{"payload became nullable",
			base, payDefs(o(`"id":{"type":["string","null"]},"author":{"$ref":"#/$defs/Author"},"ts":{"anyOf":[{"type":"string"},{"type":"null"}]}`, `"id","author"`), `"name":{"type":"string"},"email":{"type":"string"}`),
			[]string{"nullable_added breaking consumers id /payload/properties/id"}},
		{"payload no longer nullable",
			base, payDefs(o(`"id":{"type":"string"},"author":{"$ref":"#/$defs/Author"},"ts":{"type":"string"}`, `"id","author"`), `"name":{"type":"string"},"email":{"type":"string"}`),
			[]string{"nullable_removed additive consumers ts /payload/properties/ts"}},
		{"payload field became optional",
			base, payDefs(o(`"id":{"type":"string"},"author":{"$ref":"#/$defs/Author"},"ts":{"anyOf":[{"type":"string"},{"type":"null"}]}`, `"id"`), `"name":{"type":"string"},"email":{"type":"string"}`),
			[]string{"field_became_optional breaking consumers author /payload/properties/author"}},
		{"payload field added in nested $defs",
			base, payDefs(pay, `"name":{"type":"string"},"email":{"type":"string"},"login":{"type":"string"}`),
			[]string{"field_added additive consumers author.login /payload/$defs/Author/properties/login"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Compare(lockOf(t, base, payload), lockOf(t, tc.config, tc.payload))
			var got []string
			for _, c := range r.Changes {
				got = append(got, fmt.Sprintf("%s %s %s %s %s", c.Kind, c.Severity, c.Audience, c.Field, c.Pointer))
				if c.Toolkit != "github" || c.Trigger != "GITHUB_COMMIT_EVENT" || c.Message == "" {
					t.Errorf("change %+v: want toolkit, trigger and message", c)
				}
				if c.Field != "" && !strings.Contains(c.Message, c.Field) {
					t.Errorf("message %q does not name field %q", c.Message, c.Field)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			wantBreaking := strings.Contains(strings.Join(tc.want, "\n"), " breaking ")
			if r.Breaking() != wantBreaking {
				t.Errorf("Breaking() = %v, want %v", r.Breaking(), wantBreaking)
			}
		})
	}
}

func TestRecursiveRef(t *testing.T) {
	node := func(extra string) string {
		return `{"type":"object","properties":{"root":{"$ref":"#/$defs/Node"}},"$defs":{"Node":{"type":"object","properties":{"name":{"type":"string"},"children":{"type":"array","items":{"$ref":"#/$defs/Node"}}` + extra + `}}}}`
	}
	r := Compare(lockOf(t, `{}`, node("")), lockOf(t, `{}`, node(`,"size":{"type":"integer"}`)))
	if len(r.Changes) != 1 || r.Changes[0].Field != "root.size" || r.Changes[0].Kind != FieldAdded {
		t.Errorf("changes = %+v", r.Changes)
	}
}

func TestToolkitAndTriggerLevel(t *testing.T) {
	old := mustParse(t, `{"lock_version":1,"toolkits":[
		{"slug":"github","version":"1","trigger_types":[{"slug":"GITHUB_A","type":"webhook"},{"slug":"GITHUB_B","type":"webhook","requires_webhook_endpoint_setup":false}]},
		{"slug":"gmail","version":"1","trigger_types":[{"slug":"GMAIL_A"}]},
		{"slug":"slack","version":"1","trigger_types":[],"webhook_endpoint_schema":{"setup_fields":{"secret":{"is_required":true},"token":{"is_required":false}}}}]}`)
	new := mustParse(t, `{"lock_version":1,"toolkits":[
		{"slug":"github","version":"2","trigger_types":[{"slug":"GITHUB_B","type":"poll","requires_webhook_endpoint_setup":true},{"slug":"GITHUB_C"}]},
		{"slug":"notion","version":"1","trigger_types":[{"slug":"NOTION_A"}]},
		{"slug":"slack","version":"1","trigger_types":[],"webhook_endpoint_schema":{"setup_fields":{"token":{"is_required":true},"app_id":{"is_required":true}}}}]}`)
	r := Compare(old, new)
	var got []string
	for _, c := range r.Changes {
		got = append(got, fmt.Sprintf("%s %s %s %s", c.Toolkit, c.Trigger, c.Kind, c.Severity))
	}
	want := []string{
		"github  toolkit_version_changed info",
		"github GITHUB_A trigger_removed breaking",
		"github GITHUB_B trigger_kind_changed info",
		"github GITHUB_B webhook_setup_required breaking",
		"github GITHUB_C trigger_added additive",
		"gmail  toolkit_removed breaking",
		"notion  toolkit_added additive",
		"slack  required_field_added breaking",
		"slack  field_removed breaking",
		"slack  field_became_required breaking",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	status := map[string]string{}
	for _, td := range r.Toolkits {
		status[td.Slug] = td.Status
	}
	if fmt.Sprint(status) != "map[github:changed gmail:removed notion:added slack:changed]" {
		t.Errorf("statuses = %v", status)
	}
}

func mustParse(t *testing.T, s string) *lockfile.Lock {
	t.Helper()
	lk, err := lockfile.Parse("test", []byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return lk
}

// TestGolden pins the text and JSON output for testdata/{old,new}.lock.json.
func TestGolden(t *testing.T) {
	read := func(name string) *lockfile.Lock {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		lk, err := lockfile.Parse(name, data)
		if err != nil {
			t.Fatal(err)
		}
		return lk
	}
	r := Compare(read("old.lock.json"), read("new.lock.json"))
	for _, g := range []struct {
		file  string
		write func(*bytes.Buffer) error
	}{
		{"diff.golden.txt", func(b *bytes.Buffer) error { return WriteText(b, r) }},
		{"diff.golden.json", func(b *bytes.Buffer) error { return WriteJSON(b, r) }},
	} {
		var b bytes.Buffer
		if err := g.write(&b); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", g.file)
		if *update {
			if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./internal/schemadiff/ -run Golden -update)", err)
		}
		if !bytes.Equal(b.Bytes(), want) {
			t.Errorf("%s differs:\n%s", g.file, b.String())
		}
	}
}

func TestNoChanges(t *testing.T) {
	lk := lockOf(t, `{}`, `{}`)
	var b bytes.Buffer
	if err := WriteText(&b, Compare(lk, lk)); err != nil {
		t.Fatal(err)
	}
	if b.String() != "no changes\n" {
		t.Errorf("got %q", b.String())
	}
}
