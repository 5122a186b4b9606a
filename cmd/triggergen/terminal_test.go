package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/triggergen/triggergen/internal/schemadiff"
)

// hostile is lock text that would drive a terminal: an OSC title change, a
// CSI colour as C0 ESC and as the single C1 byte, DEL, a right-to-left
// override, a line separator, NEL and a carriage return that would
// overwrite the line.
const hostile = "\x1b]0;pwned\a\x1b[31m\u009b2J\x7f\u202eevil\u2028\u0085\rX"

// assertInert fails when s holds a character that a terminal would act on
// (C0 but newline and tab, DEL, C1, bidi controls, U+2028/2029) or a byte
// that is not UTF-8.
func assertInert(t *testing.T, what, s string) {
	t.Helper()
	for i, r := range s {
		if r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD") {
			t.Errorf("%s: invalid UTF-8 at byte %d: %q", what, i, s)
			return
		}
		if r != '\n' && r != '\t' && (unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029') {
			t.Errorf("%s: raw %U at byte %d:\n%q", what, r, i, s)
			return
		}
	}
}

func TestPrintable(t *testing.T) {
	for _, c := range []struct{ in, line, text string }{
		{"plain text, ünïcödé → ok", "plain text, ünïcödé → ok", "plain text, ünïcödé → ok"},
		{"a\x1b[31mred", `a\x1b[31mred`, `a\x1b[31mred`},
		{"bell\a bs\b ff\f vt\v cr\r nul\x00 del\x7f", `bell\a bs\b ff\f vt\v cr\r nul\x00 del\x7f`, `bell\a bs\b ff\f vt\v cr\r nul\x00 del\x7f`},
		{"two\nlines\tand a tab", `two\nlines\tand a tab`, "two\nlines\tand a tab"},
		{"c1 \u0080 \u0085 \u009b \u009f", `c1 \u0080 \u0085 \u009b \u009f`, `c1 \u0080 \u0085 \u009b \u009f`},
		{"bidi \u202a\u202b\u202c\u202d\u202e \u2066\u2067\u2068\u2069 \u200e\u200f\u061c", `bidi \u202a\u202b\u202c\u202d\u202e \u2066\u2067\u2068\u2069 \u200e\u200f\u061c`, `bidi \u202a\u202b\u202c\u202d\u202e \u2066\u2067\u2068\u2069 \u200e\u200f\u061c`},
		{"sep \u2028\u2029", `sep \u2028\u2029`, `sep \u2028\u2029`},
		{"bad \xff\xc3 utf8, real \uFFFD", "bad \\xff\\xc3 utf8, real \uFFFD", "bad \\xff\\xc3 utf8, real \uFFFD"},
		{`a backslash \x1b stays`, `a backslash \x1b stays`, `a backslash \x1b stays`},
	} {
		if got := printable(c.in); got != c.line {
			t.Errorf("printable(%q) = %q, want %q", c.in, got, c.line)
		}
		if got := printableText(c.in); got != c.text {
			t.Errorf("printableText(%q) = %q, want %q", c.in, got, c.text)
		}
		assertInert(t, "printable", printable(c.in))
		assertInert(t, "printableText", printableText(c.in))
		if strings.Contains(printable(c.in), "\n") {
			t.Errorf("printable(%q) keeps a newline", c.in)
		}
	}
	j := []byte("{\n  \"a\": \"x\u0085\u202e\x7fy\"\n}\n")
	if got, want := string(printableJSON(j)), "{\n  \"a\": \"x\\u0085\\u202e\\u007fy\"\n}\n"; got != want {
		t.Errorf("printableJSON = %q, want %q", got, want)
	}
}

// TestPrintableReportCoversEveryString: every string in a report's changes
// and toolkits is made printable, including fields added after this test.
func TestPrintableReportCoversEveryString(t *testing.T) {
	var c schemadiff.Change
	var td schemadiff.ToolkitDiff
	fill := func(v reflect.Value) {
		for i := range v.NumField() {
			switch f := v.Field(i); {
			case f.Kind() == reflect.String:
				f.SetString(hostile)
			case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
				f.Set(reflect.ValueOf([]string{hostile}).Convert(f.Type()))
			}
		}
	}
	fill(reflect.ValueOf(&c).Elem())
	fill(reflect.ValueOf(&td).Elem())
	r := printableReport(&schemadiff.Report{Changes: []schemadiff.Change{c}, Toolkits: []schemadiff.ToolkitDiff{td}})
	for _, v := range []reflect.Value{reflect.ValueOf(r.Changes[0]), reflect.ValueOf(r.Toolkits[0])} {
		for i := range v.NumField() {
			name := v.Type().Name() + "." + v.Type().Field(i).Name
			switch f := v.Field(i); {
			case f.Kind() == reflect.String:
				assertInert(t, name, f.String())
			case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
				for j := range f.Len() {
					assertInert(t, name, f.Index(j).String())
				}
			}
		}
	}
}

// hostileLock writes a one-toolkit lock whose version, $defs key and
// property name carry the hostile text; extra adds a property.
func hostileLock(t *testing.T, dir, name string, extra bool) string {
	t.Helper()
	props := map[string]any{
		"r": map[string]any{"$ref": "#/$defs/d" + hostile},
	}
	if extra {
		props["p"+hostile] = map[string]any{"type": "string"}
		props["q"] = map[string]any{"type": "string", "enum": []string{"a" + hostile}}
	}
	lk := map[string]any{"lock_version": 1, "toolkits": []any{map[string]any{
		"slug": "github", "version": "v1" + hostile,
		"trigger_types": []any{map[string]any{
			"slug": "GITHUB_X", "type": "webhook", "name": "X",
			"config": map[string]any{
				"type": "object", "properties": props,
				"$defs": map[string]any{"d" + hostile: map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "contains": map[string]any{"type": "string"}}},
			},
			"payload": map[string]any{"type": "object", "properties": map[string]any{}},
		}},
	}}}
	b, err := json.Marshal(lk)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	writeT(t, path, string(b))
	return path
}

// TestGenerateEscapesLockData: warnings, errors and -check diffs built from
// the lock or from files on disk print control characters escaped
// (issue 12.13).
func TestGenerateEscapesLockData(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	// A warning located in a $defs key.
	r := runTG(t, nil, genArgs(out, "-lock", hostileLock(t, dir, "warn.lock.json", false))...)
	if r.code != 0 || !strings.Contains(r.stderr, "triggergen: warning: ") || !strings.Contains(r.stderr, `\x1b]0;pwned\a\x1b[31m\u009b2J\x7f\u202eevil\u2028\u0085\rX`) {
		t.Errorf("warning: exit %d\n%q", r.code, r.stderr)
	}
	assertInert(t, "warning", r.stderr)
	// An error located in a property name.
	r = runTG(t, nil, genArgs(out, "-lock", hostileLock(t, dir, "err.lock.json", true))...)
	if r.code != 1 || !strings.Contains(r.stderr, "err.lock.json#/toolkits/0/trigger_types/0/config/properties/p") {
		t.Errorf("error: exit %d\n%q", r.code, r.stderr)
	}
	assertInert(t, "error", r.stderr)
	// A -check diff of a file edited on disk.
	doc := filepath.Join(out, "github", "doc.gen.go")
	b, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	writeT(t, doc, string(b)+"// "+hostile+"\n\xff\xfe\n")
	r = runTG(t, nil, genArgs(out, "-lock", filepath.Join(dir, "warn.lock.json"), "-check")...)
	if r.code != 1 || !strings.Contains(r.stdout, `-// \x1b]0;pwned`) || !strings.Contains(r.stdout, "\n-\\xff\\xfe\n") {
		t.Errorf("-check: exit %d\n%q", r.code, r.stdout)
	}
	assertInert(t, "-check stdout", r.stdout)
	assertInert(t, "-check stderr", r.stderr)
}

// TestDiffEscapesLockData: `diff` prints lock data with control characters
// escaped; -json stays valid JSON with the same values (issue 12.13).
func TestDiffEscapesLockData(t *testing.T) {
	dir := t.TempDir()
	old := hostileLock(t, dir, "old"+hostile+".json", false)
	new := hostileLock(t, dir, "new.json", true)
	r := runTG(t, nil, "diff", "-fail-on-breaking", old, new)
	if r.code != 0 || !strings.Contains(r.stdout, `github v1\x1b]0;pwned`) || !strings.Contains(r.stdout, `[/config/properties/p\x1b]0;pwned`) {
		t.Errorf("diff: exit %d\n%q\n%q", r.code, r.stdout, r.stderr)
	}
	assertInert(t, "diff stdout", r.stdout)
	r = runTG(t, nil, "diff", "-fail-on-breaking", new, old)
	if r.code != 1 || !strings.Contains(r.stderr, `old\x1b]0;pwned`) {
		t.Errorf("diff reversed: exit %d\n%q", r.code, r.stderr)
	}
	assertInert(t, "diff stderr", r.stderr)

	r = runTG(t, nil, "diff", "-json", old, new)
	if r.code != 0 {
		t.Fatalf("diff -json: exit %d\n%s", r.code, r.stderr)
	}
	assertInert(t, "diff -json", r.stdout)
	// The same values as the report encoding/json writes unescaped.
	var direct bytes.Buffer
	if err := schemadiff.WriteJSON(&direct, schemadiff.Compare(readLockT(t, old), readLockT(t, new))); err != nil {
		t.Fatal(err)
	}
	var got, want any
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("diff -json is not JSON: %v\n%s", err, r.stdout)
	}
	if err := json.Unmarshal(direct.Bytes(), &want); err != nil {
		t.Fatal(err)
	}
	if g, w := mustJSON(t, got), mustJSON(t, want); g != w {
		t.Errorf("diff -json changed values:\n%s\nwant\n%s", g, w)
	}
	if !strings.Contains(direct.String(), "\u202e") {
		t.Error("test is vacuous: encoding/json escapes U+202E itself")
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPullSummaryEscapesLockData: the summary pull prints after writing the
// lock escapes what the server sent (issue 12.13).
func TestPullSummaryEscapesLockData(t *testing.T) {
	dir := t.TempDir()
	// A property removed: a breaking change, listed with its trigger.
	old := readLockT(t, hostileLock(t, dir, "old.json", true))
	new := readLockT(t, hostileLock(t, dir, "new.json", false))
	new.Toolkits[0].Version = "v2" + hostile
	var b bytes.Buffer
	printPullSummary(&b, filepath.Join(dir, "lock"+hostile+".json"), old, new)
	if !strings.Contains(b.String(), `v2\x1b]0;pwned`) || !strings.Contains(b.String(), "breaking change") {
		t.Errorf("summary lacks the escaped version:\n%q", b.String())
	}
	assertInert(t, "pull summary", b.String())
}
