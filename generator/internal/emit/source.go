package emit

import (
	doccomment "go/doc/comment"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// source is one top-level declaration written as gofmt formats it, and the
// packages it uses. Most of a generated file is written this way instead of
// with jennifer: the constructs are few and regular, and formatting them
// with go/format was most of the generator's time. Each construct's writer
// says what gofmt does that it does too (alignment of struct fields and
// constants, spacing of binary operators, the layout of doc comments);
// generator tests check that gofmt leaves every generated file unchanged.
type source struct {
	strings.Builder
	imports map[string]bool
}

func newSource() *source { return &source{imports: map[string]bool{}} }

// String is the declaration without its final newline.
func (s *source) String() string { return strings.TrimSuffix(s.Builder.String(), "\n") }

// q returns the qualified identifier of name in the package at path, which
// the file then imports. The name is the path's last element, as jennifer
// chooses for these packages (see emitter.jenFile).
func (s *source) q(pkgPath, name string) string {
	s.imports[pkgPath] = true
	return path.Base(pkgPath) + "." + name
}

// line writes one line at the given indent.
func (s *source) line(indent int, parts ...string) {
	for range indent {
		s.WriteByte('\t')
	}
	for _, p := range parts {
		s.WriteString(p)
	}
	s.WriteByte('\n')
}

// doc writes text (see comment) as the doc comment of a top-level
// declaration, as gofmt leaves it.
func (s *source) doc(text string) {
	for _, l := range docLines(slashLines(wrapLines(text))) {
		s.WriteString(l)
		s.WriteByte('\n')
	}
}

// comment writes text (see the jennifer comment) as comment lines at
// indent, as gofmt leaves a comment that is not a top-level doc comment:
// each line as it is, without trailing white space.
func (s *source) comment(indent int, text string) {
	for _, l := range slashLines(wrapLines(text)) {
		s.line(indent, trimRight(l))
	}
}

// trimRight is what gofmt removes from the end of a comment line.
func trimRight(s string) string { return strings.TrimRightFunc(s, unicode.IsSpace) }

// docLines returns the "//" lines of a top-level doc comment (in place) as
// gofmt leaves them: go/printer reformats such a comment with go/doc/comment
// (parsed, then printed in canonical form) and trims each line. Text that
// the round trip cannot change (see plainDoc) skips it.
func docLines(list []string) []string {
	if !plainDoc(list) {
		list = formatDoc(list)
	}
	for i, l := range list {
		list[i] = trimRight(l)
	}
	return list
}

// formatDoc is go/printer's formatDocComment for "//" lines.
func formatDoc(list []string) []string {
	var b strings.Builder
	var directives []string
	for _, c := range list {
		after, found := strings.CutPrefix(c, "//")
		if !found {
			return list
		}
		if isDirective(after) {
			directives = append(directives, c)
			continue
		}
		b.WriteString(strings.TrimPrefix(after, " "))
		b.WriteString("\n")
	}
	text := b.String()
	if text == "" {
		return list
	}
	var p doccomment.Parser
	var pr doccomment.Printer
	text = string(pr.Comment(p.Parse(text)))
	var out []string
	for text != "" {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		switch {
		case line == "":
			line = "//"
		case strings.HasPrefix(line, "\t"):
			line = "//" + line
		default:
			line = "// " + line
		}
		out = append(out, line)
	}
	if len(directives) > 0 {
		out = append(out, "//")
		out = append(out, directives...)
	}
	return out
}

// isDirective is go/printer's: whether a comment line (without "//") is a
// directive such as "go:generate" or "line ".
func isDirective(c string) bool {
	if strings.HasPrefix(c, "line ") || strings.HasPrefix(c, "extern ") || strings.HasPrefix(c, "export ") {
		return true
	}
	colon := strings.Index(c, ":")
	if colon <= 0 || colon+1 >= len(c) {
		return false
	}
	for i := 0; i <= colon+1; i++ {
		if i == colon {
			continue
		}
		b := c[i]
		if !('a' <= b && b <= 'z' || '0' <= b && b <= '9') {
			return false
		}
	}
	return true
}

// plainDoc reports whether the doc comment lines are plain paragraphs that
// go/doc/comment prints back unchanged: each line "// " and text, or "//"
// between paragraphs; no text line starts with a space or tab (code, lists),
// "#" (a heading) or "[" (a link definition), or ends with white space; and
// no one-line paragraph between two others ends in a letter or digit (it
// could be an old-style heading). TestPlainDoc checks it against formatDoc.
func plainDoc(list []string) bool {
	if len(list) == 0 || list[0] == "//" || list[len(list)-1] == "//" {
		return false
	}
	for i, l := range list {
		if l == "//" {
			if list[i-1] == "//" {
				return false
			}
			continue
		}
		t, ok := strings.CutPrefix(l, "// ")
		if !ok || t == "" {
			return false
		}
		switch t[0] {
		case ' ', '\t', '#', '[':
			return false
		}
		if r, _ := utf8.DecodeLastRuneInString(t); unicode.IsSpace(r) {
			return false
		}
		if i > 0 && list[i-1] == "//" && i+1 < len(list) && list[i+1] == "//" {
			if r, _ := utf8.DecodeLastRuneInString(t); unicode.IsLetter(r) || unicode.IsDigit(r) {
				return false
			}
		}
	}
	return true
}

// lit is the Go literal jennifer writes for v (jen.Lit), which gofmt keeps.
func lit(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case float64:
		out := strconv.FormatFloat(x, 'g', -1, 64)
		if !strings.ContainsAny(out, ".e") {
			out += ".0"
		}
		return out
	}
	panic("emit: no literal for a value of this type")
}

// tag is the struct tag jennifer writes for the key-value pairs (sorted by
// key), which gofmt keeps: backquoted when it can be, else quoted.
func tag(kv ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(kv[i] + ":" + strconv.Quote(kv[i+1]))
	}
	if strconv.CanBackquote(b.String()) {
		return "`" + b.String() + "`"
	}
	return strconv.Quote(b.String())
}
