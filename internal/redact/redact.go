// Package redact removes secrets from text that may echo them: an API
// error's message, a transport error, a validation problem. It is the one
// scrubbing path of the runtime client (composio), of triggergen pull (which
// calls the API through the client) and of the fake API (composiotest).
package redact

import (
	"cmp"
	"slices"
	"strings"
)

// MinEcho is the shortest piece of a secret treated as an echo of it: a
// server that truncates what it echoes still shows this many bytes.
const MinEcho = 8

// Redactor replaces secrets with a mask. A secret of MinEcho bytes or more
// is replaced wherever it appears whole, and wherever a prefix of at least
// MinEcho bytes of it appears (a truncated echo). A shorter secret is
// replaced only where it stands as a whole word, so that a short secret
// ("k", "key") does not garble the text around it. The zero Redactor
// changes nothing.
type Redactor struct {
	mask    string
	secrets []string
}

// New returns a Redactor replacing secrets (empty ones are ignored) with
// mask.
func New(mask string, secrets ...string) Redactor {
	var out []string
	for _, s := range secrets {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	// Longer first, so that a secret containing another is replaced whole.
	slices.SortStableFunc(out, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	return Redactor{mask: mask, secrets: out}
}

// String returns s with every secret replaced.
func (r Redactor) String(s string) string {
	for _, v := range r.secrets {
		if s == "" {
			return s
		}
		if len(v) >= MinEcho {
			s = r.echoes(s, v)
		} else {
			s = r.words(s, v)
		}
	}
	return s
}

// echoes replaces every run of s that starts with v's first MinEcho bytes,
// extended as far as it keeps matching v.
func (r Redactor) echoes(s, v string) string {
	head := v[:MinEcho]
	var b strings.Builder
	for {
		i := strings.Index(s, head)
		if i < 0 {
			if b.Len() == 0 {
				return s
			}
			b.WriteString(s)
			return b.String()
		}
		n := MinEcho
		for n < len(v) && i+n < len(s) && s[i+n] == v[n] {
			n++
		}
		b.WriteString(s[:i])
		b.WriteString(r.mask)
		s = s[i+n:]
	}
}

// words replaces the occurrences of v in s that are not part of a longer
// word.
func (r Redactor) words(s, v string) string {
	var b strings.Builder
	from := 0 // s[:from] is in b
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], v)
		if j < 0 {
			break
		}
		j += i
		end := j + len(v)
		if (j == 0 || !isWordByte(s[j-1])) && (end == len(s) || !isWordByte(s[end])) {
			b.WriteString(s[from:j])
			b.WriteString(r.mask)
			from, i = end, end
		} else {
			i = j + 1
		}
	}
	if from == 0 {
		return s
	}
	b.WriteString(s[from:])
	return b.String()
}

// isWordByte reports whether c can be part of a word (or of a multi-byte
// character, which is never split).
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c >= 0x80
}
