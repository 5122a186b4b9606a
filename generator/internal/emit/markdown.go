package emit

import (
	"regexp"
	"strings"
)

// docText turns the Markdown of a schema's description or a trigger's
// instructions into Go doc comment syntax (go.dev/doc/comment), as far as
// the two overlap:
//
//   - "- x", "* x", "+ x" and "• x" items become a bullet list ("  - x"),
//     "1. x" and "1) x" a numbered list (" 1. x"), keeping the numbers. Doc
//     comments have one level of lists and one kind per list, so nested
//     items are flattened, and a list that mixes both kinds becomes a
//     bullet list whose items keep their numbers as text ("  - 1. x"). An
//     item's continuation lines (indented, or following it directly) join
//     it;
//   - a fenced code block (``` or ~~~) becomes an indented code block;
//   - a heading ("## Setup") becomes a paragraph of its text;
//   - [text](url) becomes the doc link [text] with the definition
//     "[text]: url" (wrap moves definitions to the end), or "text (url)"
//     when the same text links to two URLs; ![alt](url) becomes "alt (url)";
//     <url> loses its brackets; **bold** and __bold__ lose their markers.
//
// Lists and code blocks are set off by blank lines; other lines are
// trimmed. wrap keeps the structure. Doc comments end a list or a code block
// only at an unindented line, so one that directly follows another (with
// only blank lines between) becomes part of it: code after a list continues
// its last item, a list after code is code.
func docText(md string) string {
	d := &docWriter{links: map[string]string{}}
	inCode, afterBlank := false, false
	fence := ""
	for _, line := range strings.Split(breakLines(md), "\n") {
		trimmed := strings.TrimSpace(line)
		if inCode {
			switch {
			case strings.HasPrefix(trimmed, fence):
				inCode = false
				d.blank()
			case trimmed == "":
				d.out = append(d.out, "")
			default:
				d.out = append(d.out, "\t"+strings.TrimRight(line, " \t"))
			}
			continue
		}
		blankBefore := afterBlank
		afterBlank = trimmed == ""
		switch m := findItem(trimmed); {
		case fenceOf(trimmed) != "":
			d.endList()
			inCode, fence = true, fenceOf(trimmed)
			d.blank()
		case trimmed == "":
			if d.items == nil {
				d.blank()
			}
		case m != nil:
			d.items = append(d.items, listEntry{num: m[2], text: d.inline(m[3])})
		case d.items != nil && (!blankBefore || line[0] == ' ' || line[0] == '\t'):
			// An indented line, or one right after an item, continues it.
			d.items[len(d.items)-1].text += " " + d.inline(trimmed)
		case strings.HasPrefix(trimmed, "#") && headingRE.MatchString(trimmed):
			d.endList()
			d.blank()
			d.out = append(d.out, d.inline(strings.TrimRight(headingRE.FindStringSubmatch(trimmed)[1], "# ")), "")
		default:
			d.endList()
			d.out = append(d.out, d.inline(trimmed))
		}
	}
	d.endList()
	out := d.out
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	if len(d.defs) > 0 {
		out = append(append(out, ""), d.defs...)
	}
	return strings.Join(out, "\n")
}

// docWriter collects the lines of docText.
type docWriter struct {
	out   []string
	items []listEntry // the list being read, nil outside one
	links map[string]string
	defs  []string
}

type listEntry struct{ num, text string }

func (d *docWriter) blank() {
	if len(d.out) > 0 && d.out[len(d.out)-1] != "" {
		d.out = append(d.out, "")
	}
}

// endList writes the list being read, set off by blank lines: numbered if
// every item is, else bullets.
func (d *docWriter) endList() {
	if d.items == nil {
		return
	}
	numbered := true
	for _, it := range d.items {
		numbered = numbered && it.num != ""
	}
	d.blank()
	for _, it := range d.items {
		switch {
		case numbered:
			d.out = append(d.out, " "+it.num+". "+it.text)
		case it.num != "":
			d.out = append(d.out, "  - "+it.num+". "+it.text)
		default:
			d.out = append(d.out, "  - "+it.text)
		}
	}
	d.out = append(d.out, "")
	d.items = nil
}

func (d *docWriter) inline(s string) string { return inline(s, d.links, &d.defs) }

var (
	headingRE = regexp.MustCompile(`^#{1,6}\s+(.+)$`)
	bulletRE  = regexp.MustCompile(`^[-*+•]\s+(.+)$`)
	numberRE  = regexp.MustCompile(`^(\d{1,9})[.)]\s+(.+)$`)
	// itemRE matches a list item: bullet, or number (group 2); text is group 3.
	itemRE  = regexp.MustCompile(`^([-*+•]|(\d{1,9})[.)])\s+(.+)$`)
	imageRE = regexp.MustCompile(`!\[([^\]]*)\]\(([^)\s]+)\)`)
	linkRE  = regexp.MustCompile(`\[([^\]\[]+)\]\(([^)\s]+)\)`)
	autoRE  = regexp.MustCompile(`<((?:https?|mailto):[^>\s]+)>`)
	boldRE  = regexp.MustCompile(`\*\*([^*]+)\*\*|__([^_]+)__`)
)

// findItem is itemRE.FindStringSubmatch(trimmed), without running the
// regexp on a line that cannot start an item (the usual line).
func findItem(trimmed string) []string {
	if trimmed == "" {
		return nil
	}
	if c := trimmed[0]; c != '-' && c != '*' && c != '+' && c != 0xE2 && (c < '0' || c > '9') {
		return nil
	}
	return itemRE.FindStringSubmatch(trimmed)
}

func fenceOf(trimmed string) string {
	for _, f := range []string{"```", "~~~"} {
		if strings.HasPrefix(trimmed, f) {
			return f
		}
	}
	return ""
}

// inline rewrites the inline Markdown of one line; links records the URL of
// each link text so far, defs the link definitions to append.
func inline(s string, links map[string]string, defs *[]string) string {
	if !strings.ContainsAny(s, "[<*_") {
		return s // nothing to rewrite: the common case
	}
	s = imageRE.ReplaceAllString(s, "$1 ($2)")
	s = linkRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := linkRE.FindStringSubmatch(m)
		text, url := strings.TrimSpace(sub[1]), sub[2]
		switch prev, ok := links[text]; {
		case text == "" || text == url:
			return url
		case !ok:
			links[text] = url
			*defs = append(*defs, "["+text+"]: "+url)
			return "[" + text + "]"
		case prev == url:
			return "[" + text + "]"
		}
		return text + " (" + url + ")"
	})
	s = autoRE.ReplaceAllString(s, "$1")
	s = boldRE.ReplaceAllStringFunc(s, func(m string) string {
		return m[2 : len(m)-2]
	})
	return s
}

// listItem reports whether line is a list item in doc comment syntax, and
// the indentation of its continuation lines.
func listItem(line string) (string, bool) {
	if strings.HasPrefix(line, "  - ") {
		return "    ", true
	}
	if len(line) < 2 || line[0] != ' ' || line[1] < '0' || line[1] > '9' {
		return "", false // docNumberRE cannot match: skip the regexp
	}
	if m := docNumberRE.FindStringSubmatch(line); m != nil {
		return strings.Repeat(" ", len(m[0])), true
	}
	return "", false
}

var docNumberRE = regexp.MustCompile(`^ \d+\. `)

// linkDef reports whether line is a link definition ("[text]: url").
func linkDef(line string) bool {
	if !strings.HasPrefix(line, "[") {
		return false
	}
	i := strings.Index(line, "]: ")
	return i > 1 && !strings.ContainsAny(line[i+3:], " \t")
}
