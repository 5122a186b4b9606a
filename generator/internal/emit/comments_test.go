package emit

import (
	godoc "go/doc/comment"
	"strings"
	"testing"
)

// TestDocText: Markdown lists, numbered lists, code, headings, links and
// emphasis become doc comment syntax that go/doc/comment parses into the
// same structure.
func TestDocText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Plain text.", "Plain text."},
		{"Steps:\n- one\n- two", "Steps:\n\n  - one\n  - two"},
		{"Steps:\n1. one\n2) two\n10. ten", "Steps:\n\n 1. one\n 2. two\n 10. ten"},
		{"- a\n  continued\n- b\nlazy", "  - a continued\n  - b lazy"},
		{"- a\n\nAfter.", "  - a\n\nAfter."},
		{"- own app:\n1. go\n2. enable\n- other", "  - own app:\n  - 1. go\n  - 2. enable\n  - other"},
		{"* star\n+ plus\n• dot", "  - star\n  - plus\n  - dot"},
		{"## Setup ##\nText", "Setup\n\nText"},
		{"Run:\n```sh\nmake test\n  indented\n```\nDone.", "Run:\n\n\tmake test\n\t  indented\n\nDone."},
		{"See [the docs](https://x.example/a) and [the docs](https://x.example/a).", "See [the docs] and [the docs].\n\n[the docs]: https://x.example/a"},
		{"[a](https://1.example) [a](https://2.example)", "[a] a (https://2.example)\n\n[a]: https://1.example"},
		{"![d](https://x.example/d.png) <https://x.example>", "d (https://x.example/d.png) https://x.example"},
		{"**bold** and __strong__, `code` kept", "bold and strong, `code` kept"},
		{"#channel is not a heading", "#channel is not a heading"},
	} {
		if got := docText(tc.in); got != tc.want {
			t.Errorf("docText(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
	// The structure is what go/doc/comment (pkg.go.dev, go doc) sees.
	var p godoc.Parser
	doc := p.Parse(wrap(docText("Intro.\n1. first\n2. second\n\nThen:\n- x\n- y\n\nCode:\n```\ncode\n```\n1. a\n\n- b")))
	var kinds []string
	for _, b := range doc.Content {
		switch b := b.(type) {
		case *godoc.Paragraph:
			kinds = append(kinds, "p")
		case *godoc.List:
			if b.Items[0].Number != "" {
				kinds = append(kinds, "ol")
			} else {
				kinds = append(kinds, "ul")
			}
		case *godoc.Code:
			kinds = append(kinds, "code")
		}
	}
	// A numbered list, a bullet list, a code block. Indented blocks with
	// only blank lines between are one block for doc comments: the list
	// after the code is code too (see docText).
	if got := strings.Join(kinds, " "); got != "p ol p ul p code" {
		t.Errorf("blocks %q", got)
	}
}

// TestWrap: long paragraph lines wrap at 76 bytes, list items wrap under
// their text, code lines are kept, link definitions move to the end.
func TestWrap(t *testing.T) {
	long := strings.Repeat("word ", 20)
	got := wrap("  - " + long + "\n\n\t" + long + "\n\n[x]: https://x.example\n\n" + long)
	for _, l := range strings.Split(got, "\n") {
		if len(l) > 76 && !strings.HasPrefix(l, "\t") {
			t.Errorf("line of %d bytes: %q", len(l), l)
		}
	}
	lines := strings.Split(got, "\n")
	if !strings.HasPrefix(lines[0], "  - word") || !strings.HasPrefix(lines[1], "    word") {
		t.Errorf("list item: %q", lines[:2])
	}
	if lines[len(lines)-1] != "[x]: https://x.example" {
		t.Errorf("last line %q", lines[len(lines)-1])
	}
}

func TestArticle(t *testing.T) {
	for w, want := range map[string]string{
		"IssueAddedEventPayload": "an", "UserPayload": "a", "HTMLPagePayload": "an", "URLPayload": "a",
		"OneDriveItem": "a", "EventPayload": "an", "CommitEventPayload": "a", "UpdatedIssuePayload": "an",
		"SMSPayload": "an", "HourlyPayload": "an", "XTriggerPayload": "an", "UUIDPayload": "a",
	} {
		if got := article(w); got != want {
			t.Errorf("article(%q) = %q, want %q", w, got, want)
		}
	}
}

// TestCommentSafe: characters that hide or reorder text, or that Go
// rejects, become visible escapes; line terminators become lines.
func TestCommentSafe(t *testing.T) {
	got := slashes("a\u202eb\u2028c\u0085d\ufeffe\x1bf\tg")
	want := "// a\\u202Eb\n// c\n// d\\uFEFFe\\u001Bf\tg"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
