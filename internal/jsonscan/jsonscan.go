// Package jsonscan reads JSON objects and arrays in place: member keys and
// raw values without token values, maps or allocation (unless a key contains
// an escape). The webhook envelope decoder and generated code (through
// trigger/triggerimpl) use it. Malformed JSON ends an iteration early; the
// decode that follows reports it.
package jsonscan

import (
	"encoding/json"
	"iter"
	"unicode/utf8"
)

// IsNull reports whether b is the JSON literal null (with optional
// surrounding white space).
func IsNull(b []byte) bool {
	i := skipSpace(b, 0)
	if len(b)-i < 4 || string(b[i:i+4]) != "null" {
		return false
	}
	return skipSpace(b, i+4) == len(b)
}

// IsObject reports whether b starts (after white space) with "{".
func IsObject(b []byte) bool {
	i := skipSpace(b, 0)
	return i < len(b) && b[i] == '{'
}

// Members iterates over the members of the JSON object b in document
// order, yielding each key (unescaped) and its raw value. It yields nothing
// when b is not an object. The key is only valid during the iteration.
func Members(b []byte) iter.Seq2[[]byte, []byte] {
	return func(yield func([]byte, []byte) bool) {
		i := skipSpace(b, 0)
		if i >= len(b) || b[i] != '{' {
			return
		}
		i = skipSpace(b, i+1)
		if i < len(b) && b[i] == '}' {
			return
		}
		for i < len(b) {
			if b[i] != '"' {
				return
			}
			end, escaped := scanString(b, i)
			if end < 0 {
				return
			}
			key := b[i+1 : end-1]
			if escaped || !utf8.Valid(key) {
				// As encoding/json sees it: escapes decoded, invalid
				// UTF-8 replaced by U+FFFD.
				var s string
				if json.Unmarshal(b[i:end], &s) != nil {
					return
				}
				key = []byte(s)
			}
			i = skipSpace(b, end)
			if i >= len(b) || b[i] != ':' {
				return
			}
			i = skipSpace(b, i+1)
			vend := skipValue(b, i)
			if vend < 0 {
				return
			}
			if !yield(key, b[i:vend]) {
				return
			}
			i = skipSpace(b, vend)
			if i >= len(b) {
				return
			}
			switch b[i] {
			case ',':
				i = skipSpace(b, i+1)
			case '}':
				return
			default:
				return
			}
		}
	}
}

// Elements iterates over the elements of the JSON array b, yielding
// each index and raw value. It yields nothing when b is not an array.
func Elements(b []byte) iter.Seq2[int, []byte] {
	return func(yield func(int, []byte) bool) {
		i := skipSpace(b, 0)
		if i >= len(b) || b[i] != '[' {
			return
		}
		i = skipSpace(b, i+1)
		if i < len(b) && b[i] == ']' {
			return
		}
		for n := 0; i < len(b); n++ {
			end := skipValue(b, i)
			if end < 0 {
				return
			}
			if !yield(n, b[i:end]) {
				return
			}
			i = skipSpace(b, end)
			if i >= len(b) || b[i] != ',' {
				return
			}
			i = skipSpace(b, i+1)
		}
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// scanString returns the index just past the string starting at b[i] (a
// quote) and whether it contains escapes; -1 when it is not terminated.
func scanString(b []byte, i int) (int, bool) {
	escaped := false
	for j := i + 1; j < len(b); j++ {
		if j = special(b, j, false); j >= len(b) {
			break
		}
		switch b[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			return j + 1, escaped
		}
	}
	return -1, escaped
}

// skipValue returns the index just past the JSON value starting at b[i], or
// -1 when it is malformed. Nesting is tracked with a counter, not recursion,
// so deep input costs no stack.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		end, _ := scanString(b, i)
		return end
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, _ := scanString(b, j)
				if end < 0 {
					return -1
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	// A literal or a number: up to the next delimiter.
	j := i
	for j < len(b) {
		switch b[j] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			if j == i {
				return -1
			}
			return j
		}
		j++
	}
	if j == i {
		return -1
	}
	return j
}
