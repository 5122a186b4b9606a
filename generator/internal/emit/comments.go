package emit

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/dave/jennifer/jen"

	"github.com/triggergen/triggergen/generator/internal/model"
	"github.com/triggergen/triggergen/generator/internal/naming"
)

// comment turns text into a doc comment: lines trimmed, runs of blank lines
// collapsed, long lines wrapped.
func comment(text string) *jen.Statement {
	return jen.Comment(slashes(wrap(text)))
}

// slashes turns text into "//" comment lines (jennifer writes a comment
// that starts with "//" as is, instead of a /* */ block). Every line goes
// through commentSafe.
func slashes(text string) string {
	return strings.Join(slashLines(strings.Split(breakLines(text), "\n")), "\n")
}

// slashLines is slashes on lines (without line terminators), in place.
func slashLines(lines []string) []string {
	for i, l := range lines {
		l = commentSafe(l)
		if l == "" {
			lines[i] = "//"
		} else {
			lines[i] = "// " + l
		}
	}
	return lines
}

// lineBreaks turns every line terminator of the input into "\n": CR LF, CR,
// NEL (U+0085), LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029)
// end a line in the text they came from, and each becomes a new "//" line
// instead of a character some editors break the comment at.
var lineBreaks = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u0085", "\n", "\u2028", "\n", "\u2029", "\n")

// breakLines is lineBreaks.Replace(s), without the replacer's cost for the
// usual text, which has no CR and no byte that starts the UTF-8 encoding of
// NEL (0xC2) or of U+2028 and U+2029 (0xE2).
func breakLines(s string) string {
	if strings.IndexByte(s, '\r') < 0 && strings.IndexByte(s, 0xC2) < 0 && strings.IndexByte(s, 0xE2) < 0 {
		return s
	}
	return lineBreaks.Replace(s)
}

// commentSafe escapes the characters of one comment line that would hide or
// reorder what a reader sees, or that the Go scanner rejects: control
// characters other than tab (C0, DEL, C1), the bidirectional controls
// (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069: "Trojan Source")
// and U+FEFF (a byte order mark, illegal after the start of a file). Each
// becomes the visible Go escape \uXXXX, so the comment shows that the text
// held one.
func commentSafe(l string) string {
	ascii := true
	for i := 0; i < len(l) && ascii; i++ {
		ascii = l[i] >= ' ' && l[i] < 0x7f || l[i] == '\t'
	}
	if ascii || !strings.ContainsFunc(l, unsafeInComment) {
		return l
	}
	var b strings.Builder
	for _, r := range l {
		if unsafeInComment(r) {
			fmt.Fprintf(&b, "\\u%04X", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func unsafeInComment(r rune) bool {
	switch {
	case r == '\t':
		return false
	case r < ' ', r >= 0x7f && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0xfeff:
		return true
	}
	return false
}

// wrap lays text out as doc comment lines of at most 76 bytes where it can:
// runs of blank lines collapse, paragraph lines are trimmed and wrapped,
// list items (see docText) wrap with their continuation indent, code lines
// (a leading tab) stay as they are, and link definitions move to the end,
// where doc comment syntax wants them.
func wrap(text string) string { return strings.Join(wrapLines(text), "\n") }

// wrapLines is wrap, line by line: no line contains a line terminator.
func wrapLines(text string) []string {
	var out, defs []string
	blank := true
	for _, line := range strings.Split(breakLines(text), "\n") {
		if strings.HasPrefix(line, "\t") && strings.TrimSpace(line) != "" {
			out = append(out, strings.TrimRight(line, " \t"))
			blank = false
			continue
		}
		line = strings.TrimRight(line, " \t")
		indent, item := listItem(line)
		if !item {
			line = strings.TrimSpace(line)
		}
		if line == "" {
			if !blank {
				out = append(out, "")
			}
			blank = true
			continue
		}
		if linkDef(line) {
			defs = append(defs, line)
			continue
		}
		blank = false
		for len(line) > 76 {
			i := strings.LastIndex(line[:76], " ")
			if i <= len(indent) {
				i = strings.Index(line[len(indent)+1:], " ")
				if i < 0 {
					break
				}
				i += len(indent) + 1
			}
			out = append(out, line[:i])
			line = indent + strings.TrimSpace(line[i:])
		}
		out = append(out, line)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	if len(defs) > 0 {
		out = append(out, "")
		out = append(out, defs...)
	}
	return out
}

// packageDoc wraps prose lines but keeps indented (code and list) lines.
func packageDoc(s string) string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		if strings.HasPrefix(para, "\t") || strings.HasPrefix(para, "  ") || para == "" {
			out = append(out, strings.TrimRight(para, " "))
			continue
		}
		out = append(out, wrap(para))
	}
	return strings.Join(out, "\n")
}

// summary returns the first paragraph of a description, as doc text, for
// a one-line listing: the rest may be a list or code.
func summary(md string) string {
	para, _, _ := strings.Cut(strings.TrimSpace(breakLines(md)), "\n\n")
	var lines []string
	for _, l := range strings.Split(para, "\n") {
		if l = strings.TrimSpace(l); bulletRE.MatchString(l) || numberRE.MatchString(l) || fenceOf(l) != "" {
			break
		}
		lines = append(lines, l)
	}
	return inline(strings.Join(lines, " "), map[string]string{}, new([]string))
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 140 {
		if i := strings.LastIndex(s[:140], " "); i > 0 {
			s = s[:i] + " …"
		}
	}
	return s
}

// triggerTypeName names a trigger type in prose: "the GITHUB_COMMIT_EVENT
// trigger type (Commit Event)".
// The display name is left out when it only restates the slug, its end or
// the Go name ("Commit Event" for GITHUB_COMMIT_EVENT), compared with case,
// "_", "-" and spaces ignored.
func triggerTypeName(t *model.Trigger) string {
	s := "the " + t.Slug + " trigger type"
	name := strings.TrimSpace(t.Name)
	if name == "" {
		return s
	}
	if naming.SameName(name, t.Base) || restatesSlug(name, t.Slug) {
		return s
	}
	return s + " (" + name + ")"
}

// restatesSlug reports whether name only restates the slug or its end
// ("Commit Event" for GITHUB_COMMIT_EVENT).
func restatesSlug(name, slug string) bool {
	for rest := slug; ; {
		if naming.SameName(name, rest) {
			return true
		}
		var ok bool
		if _, rest, ok = strings.Cut(rest, "_"); !ok {
			return false
		}
	}
}

func typeDoc(n *model.Named) string {
	var b strings.Builder
	switch n.Role {
	case "config":
		t := n.Trigger
		fmt.Fprintf(&b, "%s is the config of %s", n.Name, triggerTypeName(t))
		b.WriteString(". Pass it to the client to create a trigger")
		if slices.ContainsFunc(n.Fields, func(fl *model.Field) bool { return !fl.Required && fl.Pointer() }) {
			b.WriteString("; the zero value of an optional (pointer) field leaves the server default in place")
		}
		b.WriteString(".")
		if n.Doc != "" {
			b.WriteString("\n\n" + docText(n.Doc))
		}
		if t.Instructions != "" {
			b.WriteString("\n\nInstructions:\n\n" + docText(t.Instructions))
		}
	case "payload":
		fmt.Fprintf(&b, "%s is the payload of %s events.", n.Name, n.Trigger.Slug)
		if n.Doc != "" {
			b.WriteString("\n\n" + docText(n.Doc))
		}
	default:
		switch n.Kind {
		case model.Enum:
			fmt.Fprintf(&b, "%s is an enumeration; unknown values decode without error (check them with Valid).", n.Name)
		case model.Union:
			fmt.Fprintf(&b, "%s holds one of several types of value. It keeps the JSON as received; the As methods decode it.", n.Name)
		default:
			fmt.Fprintf(&b, "%s is a nested object.", n.Name)
		}
		if n.Doc != "" {
			b.WriteString("\n\n" + docText(n.Doc))
		}
	}
	if n.Deprecated {
		b.WriteString("\n\nDeprecated: the schema marks this type deprecated.")
	}
	return b.String()
}

// fieldDoc is the doc comment of a struct field: its description, examples
// and default, and, in a config (validated) struct, whether it is required.
func fieldDoc(fl *model.Field, validated bool) string {
	var parts []string
	if fl.Doc != "" {
		parts = append(parts, docText(fl.Doc))
	}
	if len(fl.Examples) > 0 {
		parts = append(parts, "Examples: "+strings.Join(fl.Examples, ", ")+".")
	}
	if fl.HasDefault && fl.Default != nil {
		b, _ := json.Marshal(fl.Default)
		s := "Default: " + string(b)
		if fl.DefaultConst != "" {
			s += " (" + fl.DefaultConst + ")"
		}
		parts = append(parts, s+".")
	}
	switch {
	case fl.Required && fl.Nullable:
		parts = append(parts, "Required; nil is sent as null.")
	case fl.Required && validated:
		parts = append(parts, "Required.")
	}
	if fl.Deprecated {
		parts = append(parts, "Deprecated: the schema marks this field deprecated.")
	}
	return strings.Join(parts, "\n\n")
}

// article returns "a" or "an" for the Go identifier or word w, by the sound
// of its start: "an IssueAddedEventPayload", "an HTMLPage", "a UserPayload",
// "a OneDriveItem".
func article(w string) string {
	if w == "" {
		return "a"
	}
	upper := strings.ToUpper(w)
	// An initialism is read letter by letter: "an HTML page", "an SMS".
	if len(w) > 1 && unicode.IsUpper(rune(w[0])) && unicode.IsUpper(rune(w[1])) {
		if strings.ContainsRune("AEFHILMNORSX", rune(upper[0])) {
			return "an"
		}
		return "a"
	}
	for _, p := range []string{"ONE", "ONCE", "USE", "USU", "UNI", "UTI", "URL", "EU", "UUID"} {
		if strings.HasPrefix(upper, p) {
			return "a"
		}
	}
	for _, p := range []string{"HOUR", "HONEST", "HONOR", "HONOUR", "HEIR"} {
		if strings.HasPrefix(upper, p) {
			return "an"
		}
	}
	if strings.ContainsRune("AEIOU", rune(upper[0])) {
		return "an"
	}
	return "a"
}

func variantDesc(v *model.Variant) string {
	switch v.Type.Kind {
	case model.Ref:
		return v.Type.Named.Name
	case model.Slice:
		return "array"
	case model.Map, model.Object:
		return "object"
	case model.Int:
		return "integer"
	case model.Float:
		return "number"
	case model.Bool:
		return "boolean"
	case model.Raw:
		return "any JSON"
	}
	return "string"
}
