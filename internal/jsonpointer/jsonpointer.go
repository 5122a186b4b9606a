// Package jsonpointer escapes and joins JSON pointer reference tokens
// (RFC 6901): the one implementation the generator, the runtime, the fake
// and the schema checks share, so that every error names a location the
// same way.
package jsonpointer

import "strings"

// Escape escapes one reference token: "~" as "~0" and "/" as "~1".
func Escape(token string) string {
	if !strings.ContainsAny(token, "~/") {
		return token
	}
	return strings.ReplaceAll(strings.ReplaceAll(token, "~", "~0"), "/", "~1")
}

// Unescape reverses Escape.
func Unescape(token string) string {
	if !strings.Contains(token, "~") {
		return token
	}
	return strings.ReplaceAll(strings.ReplaceAll(token, "~1", "/"), "~0", "~")
}

// Append appends one token, escaped, to the pointer ptr.
func Append(ptr, token string) string { return ptr + "/" + Escape(token) }

// FromTokens is the pointer of unescaped tokens: "" for none, else "/a/b".
func FromTokens(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(Escape(t))
	}
	return b.String()
}
