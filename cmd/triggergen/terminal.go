package main

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/triggergen/triggergen/internal/schemadiff"
)

// Everything the CLI prints that came from input (lock files, files on
// disk, server answers, webhook bodies, command-line arguments) goes through
// printable or printableText first: a lock that carries "\x1b]0;…" or a
// right-to-left override must not retitle, recolour or reorder the user's
// terminal.

// inert reports whether a terminal shows r as itself: not a C0 or C1
// control, DEL, a bidirectional formatting character (Unicode's
// Bidi_Control: U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069) or a line
// or paragraph separator.
func inert(r rune) bool {
	return !unicode.IsControl(r) && !unicode.Is(unicode.Bidi_Control, r) && r != '\u2028' && r != '\u2029'
}

// printable returns s for printing within one line: every character a
// terminal would act on, newline and tab included, and every byte that is
// not UTF-8 is written as a Go escape (\x1b, \n, \u202e, \xff).
func printable(s string) string { return escapeControls(s, "") }

// printableText is printable for multi-line text (diffs, error messages
// that list several problems): newlines and tabs are kept.
func printableText(s string) string { return escapeControls(s, "\n\t") }

func escapeControls(s, keep string) string {
	clean := true
	for i, r := range s {
		if (r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD")) || (!inert(r) && !strings.ContainsRune(keep, r)) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i, w := 0, 0; i < len(s); i += w {
		r, size := utf8.DecodeRuneInString(s[i:])
		w = size
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case inert(r) || strings.ContainsRune(keep, r):
			b.WriteRune(r)
		default:
			b.WriteString(escapeRune(r))
		}
	}
	return b.String()
}

// escapeRune is r as Go writes it in a string literal: \a \b \f \n \r \t \v,
// \xHH below U+0080 and for DEL, \uHHHH above.
func escapeRune(r rune) string {
	switch r {
	case '\a':
		return `\a`
	case '\b':
		return `\b`
	case '\f':
		return `\f`
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	case '\t':
		return `\t`
	case '\v':
		return `\v`
	}
	if r < utf8.RuneSelf {
		return fmt.Sprintf(`\x%02x`, r)
	}
	return fmt.Sprintf(`\u%04x`, r)
}

// printableJSON escapes, as \uHHHH, the characters encoding/json leaves raw
// that a terminal would act on: DEL, C1 controls and bidi controls
// (encoding/json already escapes C0 controls and U+2028/2029, and replaces
// bytes that are not UTF-8). They can only occur inside JSON strings, where
// \uHHHH means the same character, so the document decodes to the same
// values.
func printableJSON(b []byte) []byte {
	if !bytes.ContainsFunc(b, jsonLeavesRaw) {
		return b
	}
	var out bytes.Buffer
	for _, r := range string(b) {
		if jsonLeavesRaw(r) {
			fmt.Fprintf(&out, `\u%04x`, r)
		} else {
			out.WriteRune(r)
		}
	}
	return out.Bytes()
}

// jsonLeavesRaw reports whether r is a character encoding/json writes as
// itself that a terminal would act on.
func jsonLeavesRaw(r rune) bool { return r >= 0x7f && !inert(r) }

// printableReport returns a copy of r whose strings are printable, for the
// text forms of a report (`diff`, the summary of `pull`).
func printableReport(r *schemadiff.Report) *schemadiff.Report {
	out := &schemadiff.Report{
		Toolkits: slices.Clone(r.Toolkits),
		Changes:  slices.Clone(r.Changes),
	}
	for i := range out.Toolkits {
		printableFields(reflect.ValueOf(&out.Toolkits[i]).Elem())
	}
	for i := range out.Changes {
		printableFields(reflect.ValueOf(&out.Changes[i]).Elem())
	}
	return out
}

// printableFields makes every string and []string field of the struct v
// printable (a field added to the report later included), copying slices.
func printableFields(v reflect.Value) {
	for i := range v.NumField() {
		switch f := v.Field(i); {
		case f.Kind() == reflect.String:
			f.SetString(printable(f.String()))
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String && !f.IsNil():
			s := reflect.MakeSlice(f.Type(), f.Len(), f.Len())
			for j := range f.Len() {
				s.Index(j).SetString(printable(f.Index(j).String()))
			}
			f.Set(s)
		}
	}
}
