package emit

import (
	"bytes"
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
//
// An emitter has one source, which emitter.add empties into a file.
type source struct {
	bytes.Buffer
	imports map[string]bool
}

// source returns the emitter's source, empty: the declaration before has
// been added to its file.
func (e *emitter) source() *source {
	if e.src.Len() > 0 {
		panic("emit: a declaration was not added to its file")
	}
	if e.src.imports == nil {
		e.src.imports = map[string]bool{}
	}
	return &e.src
}

// fn adds a function to the file: its doc comment, its signature (the line
// up to the brace) and its body lines, one tab deeper than the signature (a
// line may start with more tabs). Names qualified with the emitter's
// source (e.source().q) before the call are imported.
func (e *emitter) fn(file, doc, sig string, body ...string) {
	s := e.source()
	s.doc(doc)
	s.line(0, sig, " {")
	for _, l := range body {
		s.line(1, l)
	}
	s.line(0, "}")
	e.add(file, s)
}

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
// declaration, as gofmt leaves it: go/printer reformats such a comment with
// go/doc/comment (parsed, then printed in canonical form; see formatDoc)
// and trims each line. Text that the round trip cannot change (see
// plainDoc) skips it.
func (s *source) doc(text string) {
	s.docLines(wrapLines(text))
}

// docLines is doc for text already laid out in lines (not escaped yet).
func (s *source) docLines(lines []string) {
	for i, l := range lines {
		lines[i] = commentSafe(l)
	}
	if plainDoc(lines) {
		for _, l := range lines {
			s.commentLine(0, l)
		}
		return
	}
	for _, l := range formatDoc(slashLines(lines)) {
		s.WriteString(trimRight(l))
		s.WriteByte('\n')
	}
}

// comment writes text (see the jennifer comment) as comment lines at
// indent, as gofmt leaves a comment that is not a top-level doc comment:
// each line as it is, without trailing white space.
func (s *source) comment(indent int, text string) {
	for _, l := range wrapLines(text) {
		s.commentLine(indent, commentSafe(l))
	}
}

// commentLine writes the comment line of text l (see slashes), without
// trailing white space, as gofmt does.
func (s *source) commentLine(indent int, l string) {
	for range indent {
		s.WriteByte('\t')
	}
	if l = trimRight(l); l == "" {
		s.WriteString("//\n")
		return
	}
	s.WriteString("// ")
	s.WriteString(l)
	s.WriteByte('\n')
}

// trimRight is what gofmt removes from the end of a comment line.
func trimRight(s string) string { return strings.TrimRightFunc(s, unicode.IsSpace) }

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

// plainDoc reports whether the text lines of a doc comment (without "//")
// are plain paragraphs that go/doc/comment prints back unchanged: separated
// by one empty line, no line starts with a space or tab (code, lists), "#"
// (a heading) or "[" (a link definition), or ends with white space; and no
// one-line paragraph between two others ends in a letter or digit (it could
// be an old-style heading). TestPlainDoc checks it against formatDoc.
func plainDoc(lines []string) bool {
	if len(lines) == 0 || lines[0] == "" || lines[len(lines)-1] == "" {
		return false
	}
	for i, t := range lines {
		if t == "" {
			if lines[i-1] == "" {
				return false
			}
			continue
		}
		switch t[0] {
		case ' ', '\t', '#', '[':
			return false
		}
		r, _ := utf8.DecodeLastRuneInString(t)
		if unicode.IsSpace(r) {
			return false
		}
		if i > 0 && lines[i-1] == "" && i+1 < len(lines) && lines[i+1] == "" && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return false
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
