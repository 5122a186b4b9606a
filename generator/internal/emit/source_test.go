package emit

import (
	"math/rand"
	"slices"
	"strings"
	"testing"
)

// TestPlainDoc: whenever plainDoc says a doc comment is plain, formatDoc
// (what gofmt does to a top-level doc comment) returns it unchanged, on
// random comments made of words, list markers, headings, link definitions,
// indented lines, URLs and trailing spaces; and enough of them are plain
// for the check to mean something.
func TestPlainDoc(t *testing.T) {
	words := []string{"Heading", "Text", "the", "value", "is", "Go", "2024", "x", "-", "*", "+", "•", "1.", "2)", "#", "##", "[x]:",
		"[Name]", "[x]", "http://example.com/a", "(see", "below)", "it's", "e.g.", "a.b", "end.", "end:", "end;", "end!", "end?",
		"`code`", "_", "é", "Ünïcode", "\u00a0", "\t", " ", "//", "x,", "A", "Z9"}
	r := rand.New(rand.NewSource(1))
	plain := 0
	for range 20000 {
		var list []string
		for p := range 1 + r.Intn(5) {
			if p > 0 {
				list = append(list, "")
			}
			for range 1 + r.Intn(3) {
				n := 1 + r.Intn(6)
				var ws []string
				for range n {
					ws = append(ws, words[r.Intn(len(words))])
				}
				line := strings.Join(ws, " ")
				switch r.Intn(8) {
				case 0:
					line = "  " + line
				case 1:
					line = "\t" + line
				}
				list = append(list, line)
			}
		}
		if !plainDoc(list) {
			continue
		}
		plain++
		want := slashLines(slices.Clone(list))
		if got := formatDoc(slices.Clone(want)); !slices.Equal(got, want) {
			t.Fatalf("plainDoc says plain, but gofmt changes it:\n%s\n---\n%s", strings.Join(want, "\n"), strings.Join(got, "\n"))
		}
	}
	if plain < 1000 {
		t.Errorf("only %d of the random comments are plain", plain)
	}
}

// TestLit: lit writes what jennifer's Lit writes for the value kinds the
// emitter uses.
func TestLit(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want string
	}{
		{"a\"b\n", `"a\"b\n"`}, {true, "true"}, {0, "0"}, {-12, "-12"},
		{1.0, "1.0"}, {1.5, "1.5"}, {1e6, "1e+06"}, {100000.0, "100000.0"}, {-0.0001, "-0.0001"}, {1e-05, "1e-05"},
	} {
		if got := lit(tc.v); got != tc.want {
			t.Errorf("lit(%#v) = %s, want %s", tc.v, got, tc.want)
		}
	}
}
