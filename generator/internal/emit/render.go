package emit

import (
	"bytes"
	"fmt"
	"go/format"
	"strings"

	"github.com/dave/jennifer/jen"
)

// render formats a file as gofmt does, with the standard library imports
// grouped apart from the others, as goimports leaves them. A formatting
// failure is a generator bug; the error shows the numbered source.
func render(f *jen.File) ([]byte, error) {
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
