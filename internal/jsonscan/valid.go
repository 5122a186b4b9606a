package jsonscan

import (
	"encoding/binary"
	"math/bits"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth is the deepest nesting of objects and arrays Valid and Value
// accept: encoding/json's limit, so that both agree on every input.
const MaxDepth = 10000

// Valid reports whether b is exactly one JSON value with optional white space
// around it. It agrees with json.Valid on every input (invalid UTF-8 inside
// strings is valid, as there) and allocates nothing.
func Valid(b []byte) bool {
	end := Value(b, skipSpace(b, 0))
	return end >= 0 && skipSpace(b, end) == len(b)
}

// Value returns the index just past the JSON value starting at b[i] (no white
// space before it), or -1 when b holds no valid JSON value there. Nesting is
// tracked in a fixed bit stack, not by recursion: deep input costs no Go stack
// and no allocation.
func Value(b []byte, i int) int { return ValueDepth(b, i, MaxDepth) }

// ValueDepth is Value for a value nested in max-MaxDepth containers already:
// it accepts at most max levels of nesting within the value.
func ValueDepth(b []byte, i, max int) int {
	// A bit set: the open container at each depth is an object. Shallow
	// values fit the array; deeper ones grow a slice.
	var small [4]uint64
	objects := small[:]
	depth := 0
	max = min(max, MaxDepth)
	for {
		// A value starts at b[i].
		if i >= len(b) {
			return -1
		}
		switch c := b[i]; c {
		case '{', '[':
			if depth >= max {
				return -1
			}
			obj := c == '{'
			if depth/64 >= len(objects) {
				objects = append(objects, 0)
			}
			if obj {
				objects[depth/64] |= 1 << (depth % 64)
			} else {
				objects[depth/64] &^= 1 << (depth % 64)
			}
			depth++
			i = skipSpace(b, i+1)
			if i < len(b) && (obj && b[i] == '}' || !obj && b[i] == ']') {
				depth--
				i++
				break
			}
			if obj {
				if i = memberKey(b, i); i < 0 {
					return -1
				}
			}
			continue
		case '"':
			if i = String(b, i); i < 0 {
				return -1
			}
		case 't':
			if i = literal(b, i, "true"); i < 0 {
				return -1
			}
		case 'f':
			if i = literal(b, i, "false"); i < 0 {
				return -1
			}
		case 'n':
			if i = literal(b, i, "null"); i < 0 {
				return -1
			}
		default:
			if i = Number(b, i); i < 0 {
				return -1
			}
		}
		// After a value: close containers until one continues.
		for {
			if depth == 0 {
				return i
			}
			i = skipSpace(b, i)
			if i >= len(b) {
				return -1
			}
			obj := objects[(depth-1)/64]&(1<<((depth-1)%64)) != 0
			if b[i] == ',' {
				i = skipSpace(b, i+1)
				if obj {
					if i = memberKey(b, i); i < 0 {
						return -1
					}
				}
				break
			}
			if obj && b[i] == '}' || !obj && b[i] == ']' {
				depth--
				i++
				continue
			}
			return -1
		}
	}
}

// memberKey reads `"key" :` and the white space after it, returning the
// index of the member's value, or -1.
func memberKey(b []byte, i int) int {
	if i >= len(b) || b[i] != '"' {
		return -1
	}
	if i = String(b, i); i < 0 {
		return -1
	}
	i = skipSpace(b, i)
	if i >= len(b) || b[i] != ':' {
		return -1
	}
	return skipSpace(b, i+1)
}

func literal(b []byte, i int, lit string) int {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return -1
	}
	return i + len(lit)
}

// SWAR (SIMD within a register) constants: eight bytes at a time.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// special returns the index of the first byte at or after j that is a
// quote, a backslash or a control character, or (when ascii) not ASCII;
// len(b) when there is none. It reads eight bytes at a time.
func special(b []byte, j int, ascii bool) int {
	for ; j+8 <= len(b); j += 8 {
		x := binary.LittleEndian.Uint64(b[j:])
		m := (x - ones*0x20) &^ x & highs // a byte below 0x20
		q := x ^ (ones * '"')
		m |= (q - ones) &^ q & highs
		s := x ^ (ones * '\\')
		m |= (s - ones) &^ s & highs
		if ascii {
			m |= x & highs
		}
		if m != 0 {
			// The lowest flagged byte is exact; borrows only flag higher ones.
			return j + bits.TrailingZeros64(m)/8
		}
	}
	for ; j < len(b); j++ {
		if c := b[j]; c < 0x20 || c == '"' || c == '\\' || ascii && c >= utf8.RuneSelf {
			return j
		}
	}
	return len(b)
}

// String returns the index just past the valid JSON string starting at b[i]
// (a quote), or -1. Control characters must be escaped; bytes that are not
// UTF-8 are allowed (decoding replaces them with U+FFFD).
func String(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		j = special(b, j, false)
		if j >= len(b) {
			return -1
		}
		switch c := b[j]; {
		case c == '"':
			return j + 1
		case c < 0x20:
			return -1
		case c == '\\':
			j++
			if j >= len(b) {
				return -1
			}
			switch b[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(b)-j < 5 || hex4(b[j+1:j+5]) < 0 {
					return -1
				}
				j += 4
			default:
				return -1
			}
		}
	}
	return -1
}

// StringPlain is String that also reports whether the string decodes to the
// bytes between its quotes (see Plain), in the same pass.
func StringPlain(b []byte, i int) (end int, plain bool) {
	ascii := true
	for j := i + 1; j < len(b); j++ {
		if ascii {
			j = special(b, j, true)
		} else {
			j = special(b, j, false)
		}
		if j >= len(b) {
			return -1, false
		}
		switch c := b[j]; {
		case c == '"':
			if !ascii {
				return j + 1, utf8.Valid(b[i+1 : j])
			}
			return j + 1, true
		case c < 0x20:
			return -1, false
		case c >= utf8.RuneSelf:
			ascii = false
		case c == '\\':
			end = String(b, i)
			return end, false
		}
	}
	return -1, false
}

// Number returns the index just past the valid JSON number starting at b[i]:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, or -1.
func Number(b []byte, i int) int {
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = digits(b, i+1)
	default:
		return -1
	}
	if i < len(b) && b[i] == '.' {
		j := digits(b, i+1)
		if j == i+1 {
			return -1
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(b, i)
		if j == i {
			return -1
		}
		i = j
	}
	return i
}

func digits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

// hex4 decodes four hex digits, or returns -1.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// Plain reports whether the valid JSON string s (with its quotes) decodes to
// the bytes between its quotes: it has no escapes and is valid UTF-8.
func Plain(s []byte) bool {
	in := s[1 : len(s)-1]
	for i, c := range in {
		if c == '\\' {
			return false
		}
		if c >= utf8.RuneSelf {
			return !hasByte(in[i:], '\\') && utf8.Valid(in[i:])
		}
	}
	return true
}

func hasByte(b []byte, c byte) bool {
	for _, x := range b {
		if x == c {
			return true
		}
	}
	return false
}

// AppendUnquoted appends the decoded value of the valid JSON string s (with
// its quotes) to dst, exactly as encoding/json decodes it: escapes resolved,
// a UTF-16 surrogate pair joined, a lone surrogate and every byte that is not
// UTF-8 replaced by U+FFFD.
func AppendUnquoted(dst, s []byte) []byte {
	s = s[1 : len(s)-1]
	for r := 0; r < len(s); {
		c := s[r]
		switch {
		case c == '\\':
			r++
			switch s[r] {
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				rr := hex4(s[r+1:])
				r += 5
				if utf16.IsSurrogate(rr) {
					if len(s)-r >= 6 && s[r] == '\\' && s[r+1] == 'u' {
						if dec := utf16.DecodeRune(rr, hex4(s[r+2:])); dec != unicode.ReplacementChar {
							r += 6
							dst = utf8.AppendRune(dst, dec)
							continue
						}
					}
					rr = unicode.ReplacementChar
				}
				dst = utf8.AppendRune(dst, rr)
				continue
			default: // '"', '\\', '/'
				dst = append(dst, s[r])
			}
			r++
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			r += size
			dst = utf8.AppendRune(dst, rr)
		}
	}
	return dst
}

// ValidObject reports whether b is exactly one valid JSON object (with
// optional white space around it), as Valid and a leading '{' would, and
// calls member with each member's key (unescaped as encoding/json does)
// and raw value, in document order, as it checks them: one pass where Valid
// and Members would take two. When it reports false, the members already
// passed to member must be ignored. The key is only valid during the call.
func ValidObject(b []byte, member func(key, value []byte)) bool {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return skipSpace(b, i+1) == len(b)
	}
	var keyBuf []byte
	for {
		if i >= len(b) || b[i] != '"' {
			return false
		}
		end, plain := StringPlain(b, i)
		if end < 0 {
			return false
		}
		key := b[i+1 : end-1]
		if !plain {
			keyBuf = AppendUnquoted(keyBuf[:0], b[i:end])
			key = keyBuf
		}
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = skipSpace(b, i+1)
		vend := ValueDepth(b, i, MaxDepth-1)
		if vend < 0 {
			return false
		}
		member(key, b[i:vend])
		i = skipSpace(b, vend)
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return skipSpace(b, i+1) == len(b)
		default:
			return false
		}
	}
}
