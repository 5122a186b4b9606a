package emit

import (
	"bytes"
	"fmt"
	"go/format"
	"slices"
	"strings"

	"github.com/dave/jennifer/jen"
)

// file is one generated file: its top-level declarations in order, each
// either written already formatted (the bulk: types, decoders, getters,
// accessors; see source.go) or built with jennifer (the rest, formatted by
// go/format when the file is rendered).
type file struct {
	name, pkg string
	// jf holds the declarations built with jennifer, every run of them
	// between formatted ones (a piece) separated by a split comment; nil
	// until the first.
	jf     *jen.File
	pieces int
	decls  []decl
	// body holds the formatted declarations, one after the other.
	body bytes.Buffer
	// imports are the packages the formatted declarations use.
	imports map[string]bool
	// pkgDoc is the package doc comment, formatted, or "".
	pkgDoc string
}

// decl is a formatted declaration, body[start:end] (its doc comment
// included, no final newline), or the index of a piece of jf when
// piece >= 0.
type decl struct {
	start, end int
	piece      int
}

// splitComment separates the pieces of a file's jennifer declarations.
const splitComment = "triggergen:split"

// render returns the file's content as gofmt formats it, with the standard
// library imports grouped apart from the others, as goimports leaves them.
// A file built only with jennifer is formatted whole; otherwise the
// jennifer pieces are formatted together and set among the formatted
// declarations, separated by one blank line as gofmt separates top-level
// declarations, under a header and an import block written as gofmt writes
// them. gofmt formats a top-level declaration the same whatever surrounds
// it (a blank line ends every alignment section), so the result is what
// formatting the whole file would give; generator tests check that gofmt
// leaves every generated file unchanged.
func (f *file) render() ([]byte, error) {
	if f.jf != nil && len(f.decls) == 1 && f.pkgDoc == "" {
		return renderJen(f.jf)
	}
	pieces, imports, err := f.formatPieces()
	if err != nil {
		return nil, err
	}
	for p := range f.imports {
		imports[p] = true
	}
	var b bytes.Buffer
	b.Grow(f.body.Len() + 2*len(f.decls) + len(f.pkgDoc) + 512)
	b.WriteString("// " + Header + "\n\n")
	b.WriteString(f.pkgDoc)
	b.WriteString("package " + f.pkg + "\n\n")
	writeImports(&b, imports)
	body := f.body.Bytes()
	for i, d := range f.decls {
		if i > 0 {
			b.WriteString("\n\n")
		}
		if d.piece >= 0 {
			b.WriteString(pieces[d.piece])
		} else {
			b.Write(body[d.start:d.end])
		}
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// formatPieces formats the file's jennifer declarations and returns each
// piece's text and the packages they import.
func (f *file) formatPieces() ([]string, map[string]bool, error) {
	imports := map[string]bool{}
	if f.jf == nil {
		return nil, imports, nil
	}
	out, err := renderJen(f.jf)
	if err != nil {
		return nil, nil, err
	}
	src := string(out)
	// The header and package clause, then the imports jennifer wrote.
	_, src, _ = strings.Cut(src, "\npackage ")
	_, src, _ = strings.Cut(src, "\n")
	src = strings.TrimLeft(src, "\n")
	if rest, ok := strings.CutPrefix(src, "import ("); ok {
		block, after, _ := strings.Cut(rest, "\n)\n")
		for line := range strings.Lines(block) {
			if line = strings.TrimSpace(line); line != "" {
				if !strings.HasPrefix(line, `"`) {
					return nil, nil, fmt.Errorf("generator bug: %s: named import %s", f.name, line)
				}
				imports[strings.Trim(line, `"`)] = true
			}
		}
		src = after
	} else if rest, ok := strings.CutPrefix(src, "import "); ok {
		line, after, _ := strings.Cut(rest, "\n")
		if !strings.HasPrefix(line, `"`) {
			return nil, nil, fmt.Errorf("generator bug: %s: named import %s", f.name, line)
		}
		imports[strings.Trim(line, `"`)] = true
		src = after
	}
	pieces := strings.Split(src, "\n// "+splitComment+"\n")
	if len(pieces) != f.pieces {
		return nil, nil, fmt.Errorf("generator bug: %s: %d pieces of jennifer code, want %d", f.name, len(pieces), f.pieces)
	}
	for i, p := range pieces {
		pieces[i] = strings.Trim(p, "\n")
	}
	return pieces, imports, nil
}

// writeImports writes the import block gofmt leaves for paths: the standard
// library first, then a blank line and the others, each group sorted.
func writeImports(b *bytes.Buffer, paths map[string]bool) {
	if len(paths) == 0 {
		return
	}
	if len(paths) == 1 {
		for p := range paths {
			b.WriteString("import \"" + p + "\"\n\n")
		}
		return
	}
	var std, other []string
	for p := range paths {
		if first, _, _ := strings.Cut(p, "/"); strings.Contains(first, ".") {
			other = append(other, p)
		} else {
			std = append(std, p)
		}
	}
	slices.Sort(std)
	slices.Sort(other)
	b.WriteString("import (\n")
	for _, p := range std {
		b.WriteString("\t\"" + p + "\"\n")
	}
	if len(std) > 0 && len(other) > 0 {
		b.WriteString("\n")
	}
	for _, p := range other {
		b.WriteString("\t\"" + p + "\"\n")
	}
	b.WriteString(")\n\n")
}

// renderJen formats a jennifer file as gofmt does, with the standard library
// imports grouped apart from the others. A formatting failure is a
// generator bug; the error shows the numbered source.
func renderJen(f *jen.File) ([]byte, error) {
	f.NoFormat = true
	var buf bytes.Buffer
	if err := f.Render(&buf); err != nil {
		return nil, fmt.Errorf("generator bug: %w", err)
	}
	out, err := format.Source(groupImports(buf.Bytes()))
	if err != nil {
		var num strings.Builder
		for i, line := range strings.Split(buf.String(), "\n") {
			fmt.Fprintf(&num, "%5d  %s\n", i+1, line)
		}
		return nil, fmt.Errorf("generator bug: gofmt: %v\n%s", err, num.String())
	}
	return out, nil
}

// groupImports puts a blank line between the standard library imports and
// the rest in the import block jennifer writes (one sorted path per line),
// so that gofmt keeps them as two groups.
func groupImports(src []byte) []byte {
	start := bytes.Index(src, []byte("\nimport (\n"))
	if start < 0 {
		return src
	}
	start += len("\nimport (\n")
	end := bytes.Index(src[start:], []byte("\n)"))
	if end < 0 {
		return src
	}
	block := src[start : start+end]
	var std, other [][]byte
	for line := range bytes.Lines(block) {
		// The last line has no newline of its own; every line gets one,
		// so the groups join the same whichever of them is last.
		line = bytes.TrimSuffix(line, []byte("\n"))
		path := line[bytes.IndexByte(line, '"')+1:]
		if first, _, _ := bytes.Cut(path, []byte("/")); bytes.ContainsRune(first, '.') {
			other = append(other, line)
		} else {
			std = append(std, line)
		}
	}
	if len(std) == 0 || len(other) == 0 {
		return src
	}
	out := make([]byte, 0, len(src)+1)
	out = append(out, src[:start]...)
	out = append(out, bytes.Join(std, []byte("\n"))...)
	out = append(out, "\n\n"...)
	out = append(out, bytes.Join(other, []byte("\n"))...)
	return append(out, src[start+end:]...)
}
