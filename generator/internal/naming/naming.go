// Package naming turns JSON names (trigger slugs, property names, titles,
// toolkit slugs) into Go identifiers, and resolves collisions by a rule that
// does not depend on input order.
package naming

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/token"
	"sort"
	"strings"
	"unicode"
)

// commonInitialisms are written in upper case (golint's list). Their plural
// with a final "s" becomes e.g. "IDs", "URLs".
var commonInitialisms = map[string]bool{
	"ACL": true, "API": true, "ASCII": true, "CPU": true, "CSS": true, "DNS": true,
	"EOF": true, "GUID": true, "HTML": true, "HTTP": true, "HTTPS": true, "ID": true,
	"IP": true, "JSON": true, "LHS": true, "QPS": true, "RAM": true, "RHS": true,
	"RPC": true, "SLA": true, "SMTP": true, "SQL": true, "SSH": true, "TCP": true,
	"TLS": true, "TTL": true, "UDP": true, "UI": true, "UID": true, "UUID": true,
	"URI": true, "URL": true, "UTF8": true, "VM": true, "XML": true, "XMPP": true,
	"XSRF": true, "XSS": true,
}

// Words splits s into words: at every character that is not an ASCII letter
// or digit, at lower-to-upper case changes (userId → user, Id), and before the
// last upper-case letter of a run followed by a lower-case one (HTMLParser →
// HTML, Parser). Digits stay with the word before them. Every non-ASCII
// letter or digit becomes a word of its own, "U" and its hex code point, so
// that distinct names stay distinct.
func Words(s string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = nil
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r > unicode.MaxASCII:
			flush()
			if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsSymbol(r) {
				words = append(words, fmt.Sprintf("U%04X", r))
			}
		case isUpper(r):
			if len(cur) > 0 {
				prev := cur[len(cur)-1]
				next := rune(0)
				if i+1 < len(rs) {
					next = rs[i+1]
				}
				if isLower(prev) || isDigit(prev) && len(cur) > 1 && !allDigits(cur) || isUpper(prev) && isLower(next) && !pluralInitialism(cur, r, rs[i+1:]) {
					flush()
				}
			}
			cur = append(cur, r)
		case isLower(r) || isDigit(r):
			cur = append(cur, r)
		default:
			flush()
		}
	}
	flush()
	return words
}

// pluralInitialism reports whether cur+r followed by "s" (and no further
// lower-case letter) is a plural initialism such as "URLs" or "IDs".
func pluralInitialism(cur []rune, r rune, after []rune) bool {
	if len(after) == 0 || after[0] != 's' || len(after) > 1 && isLower(after[1]) {
		return false
	}
	run := []rune{r}
	for i := len(cur) - 1; i >= 0 && isUpper(cur[i]); i-- {
		run = append([]rune{cur[i]}, run...)
		if commonInitialisms[string(run)] {
			return true
		}
	}
	return false
}

func allDigits(rs []rune) bool {
	for _, r := range rs {
		if !isDigit(r) {
			return false
		}
	}
	return true
}

func isUpper(r rune) bool { return r >= 'A' && r <= 'Z' }
func isLower(r rune) bool { return r >= 'a' && r <= 'z' }
func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// word capitalises one word, applying Go initialisms.
func word(w string) string {
	up := strings.ToUpper(w)
	if commonInitialisms[up] {
		return up
	}
	if len(up) > 2 && up[len(up)-1] == 'S' && commonInitialisms[up[:len(up)-1]] {
		return up[:len(up)-1] + "s"
	}
	if strings.HasPrefix(w, "U") && len(w) >= 5 && isHexCode(w[1:]) {
		return w // an encoded non-ASCII rune
	}
	lw := strings.ToLower(w)
	return strings.ToUpper(lw[:1]) + lw[1:]
}

func isHexCode(s string) bool {
	for _, r := range s {
		if !isDigit(r) && !(r >= 'A' && r <= 'F') {
			return false
		}
	}
	return true
}

// Exported returns the exported Go identifier for s (CamelCase with
// initialisms), or fallback when s has no usable character. A name that would
// start with a digit gets the prefix "X".
func Exported(s, fallback string) string {
	var b strings.Builder
	for _, w := range Words(s) {
		b.WriteString(word(w))
	}
	out := b.String()
	if out == "" {
		return fallback
	}
	if isDigit(rune(out[0])) {
		out = "X" + out
	}
	return out
}

// WithoutToolkit returns ws without the runs of consecutive words that
// spell the toolkit slug, compared with case and separators ignored
// (GOOGLE, DRIVE spells "googledrive"; ONE, DRIVE spells "one_drive"): every
// run, or with leadingOnly only one at the start. It returns ws itself when
// nothing would be left.
func WithoutToolkit(ws []string, toolkit string, leadingOnly bool) []string {
	key := squash(toolkit)
	if key == "" {
		return ws
	}
	var out []string
	for i := 0; i < len(ws); {
		if n := spells(ws[i:], key); n > 0 && (!leadingOnly || i == 0) {
			i += n
			continue
		}
		out = append(out, ws[i])
		if leadingOnly {
			out = append(out, ws[i+1:]...)
			break
		}
		i++
	}
	if len(out) == 0 {
		return ws
	}
	return out
}

// spells returns how many leading words of ws spell key, or 0.
func spells(ws []string, key string) int {
	acc := ""
	for i, w := range ws {
		acc += squash(w)
		switch {
		case acc == key:
			return i + 1
		case !strings.HasPrefix(key, acc):
			return 0
		}
	}
	return 0
}

// squash returns the lower-case ASCII letters and digits of s.
func squash(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if isLower(r) || isDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// SameName reports whether a and b are equal with case, "_", "-" and white
// space ignored: a title that only restates a name ("Api Url" for api_url).
func SameName(a, b string) bool {
	fold := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == '_' || r == '-' || unicode.IsSpace(r) {
				return -1
			}
			return unicode.ToLower(r)
		}, s)
	}
	return fold(a) == fold(b)
}

// WithoutLast returns ws without its last word when that equals w (case
// ignored) and is not the only word.
func WithoutLast(ws []string, w string) []string {
	if len(ws) > 1 && strings.EqualFold(ws[len(ws)-1], w) {
		return ws[:len(ws)-1]
	}
	return ws
}

// Singular returns the Go identifier name with its last word in the
// singular, by English spelling rules that fit field names: Statuses →
// Status, Categories → Category, Boxes → Box, Labels → Label, LabelIDs →
// LabelID. A word that does not look plural (Status, Analysis, Data) stays.
func Singular(name string) string {
	ws := Words(name)
	if len(ws) == 0 || !strings.HasSuffix(name, ws[len(ws)-1]) {
		return name
	}
	last := ws[len(ws)-1]
	stem := name[:len(name)-len(last)]
	lower := strings.ToLower(last)
	switch {
	case len(last) > 1 && last[len(last)-1] == 's' && isUpper(rune(last[len(last)-2])):
		return stem + last[:len(last)-1] // IDs, URLs
	case len(lower) > 4 && strings.HasSuffix(lower, "ies"):
		return stem + last[:len(last)-3] + "y"
	case strings.HasSuffix(lower, "sses"), strings.HasSuffix(lower, "uses"), strings.HasSuffix(lower, "xes"),
		strings.HasSuffix(lower, "ches"), strings.HasSuffix(lower, "shes"), strings.HasSuffix(lower, "zzes"):
		return stem + last[:len(last)-2]
	case len(lower) > 3 && strings.HasSuffix(lower, "s") && !strings.HasSuffix(lower, "ss") &&
		!strings.HasSuffix(lower, "us") && !strings.HasSuffix(lower, "is"):
		return stem + last[:len(last)-1]
	}
	return name
}

// Unexported returns the unexported (lowerCamel) Go identifier for s:
// "user_id" → "userID", "html_url" → "htmlURL", "ID" → "id". A Go keyword or
// predeclared identifier gets the suffix "_".
func Unexported(s string) string {
	ws := Words(s)
	if len(ws) == 0 {
		return "v"
	}
	var b strings.Builder
	for i, w := range ws {
		if i == 0 {
			b.WriteString(strings.ToLower(word(w)))
			continue
		}
		b.WriteString(word(w))
	}
	out := b.String()
	if isDigit(rune(out[0])) {
		out = "x" + out
	}
	if token.IsKeyword(out) || predeclared[out] {
		out += "_"
	}
	return out
}

var predeclared = map[string]bool{
	"any": true, "bool": true, "byte": true, "comparable": true, "complex64": true,
	"complex128": true, "error": true, "float32": true, "float64": true, "int": true,
	"int8": true, "int16": true, "int32": true, "int64": true, "rune": true,
	"string": true, "uint": true, "uint8": true, "uint16": true, "uint32": true,
	"uint64": true, "uintptr": true, "true": true, "false": true, "iota": true,
	"nil": true, "append": true, "cap": true, "clear": true, "close": true,
	"complex": true, "copy": true, "delete": true, "imag": true, "len": true,
	"make": true, "max": true, "min": true, "new": true, "panic": true,
	"print": true, "println": true, "real": true, "recover": true,
}

// Package returns the Go package name (and directory) for a toolkit slug:
// lower-case ASCII letters and digits only ("one_drive" → "onedrive", so no
// directory starts with "_" or "."); "toolkit" when nothing is left; the
// prefix "tk" when it would start with a digit; the suffix "pkg" for a Go
// keyword, "main", or a directory name the go command treats specially
// ("internal", "testdata", "vendor"); at most MaxName bytes (see Shorten).
func Package(slug string) string {
	out := squash(slug)
	switch {
	case out == "":
		return "toolkit"
	case isDigit(rune(out[0])):
		out = "tk" + out
	}
	if token.IsKeyword(out) || out == "main" || specialDirs[out] {
		out += "pkg"
	}
	return Shorten(out, "")
}

// specialDirs are directory names the go command does not treat as ordinary
// packages: "./..." skips testdata and vendor, and an internal package can
// be imported only from below its parent.
var specialDirs = map[string]bool{"internal": true, "testdata": true, "vendor": true}

// ValidPackage reports whether name is usable as a generated package name
// (and directory): a lower-case identifier that is not a keyword, "main", a
// special directory name, or one starting with "_", and at most MaxName
// bytes long.
func ValidPackage(name string) bool {
	if name == "" || token.IsKeyword(name) || name == "main" || specialDirs[name] || !token.IsIdentifier(name) ||
		name[0] == '_' || len(name) > MaxName {
		return false
	}
	for _, r := range name {
		if !isLower(r) && !isDigit(r) && r != '_' {
			return false
		}
	}
	return true
}

// ValidExported reports whether name is an exported ASCII Go identifier.
func ValidExported(name string) bool {
	return token.IsIdentifier(name) && isUpper(rune(name[0])) && isASCII(name)
}

func isASCII(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII {
			return false
		}
	}
	return true
}

// MaxName is the longest package directory name or file name stem the
// generator makes, in bytes: far below the 255-byte limit of common file
// systems, leaving room for ".gen.go" and for the temporary names a writer
// may add.
const MaxName = 100

// Shorten returns s when it has at most MaxName bytes, else a prefix of s,
// sep, and the first 8 hex digits of s's SHA-256: deterministic, and
// distinct for distinct long names in practice.
func Shorten(s, sep string) string {
	if len(s) <= MaxName {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	tail := sep + hex.EncodeToString(sum[:4])
	return strings.TrimRight(s[:MaxName-len(tail)], "_") + tail
}

// FileStem returns a file name stem (without ".gen.go") for s: lower-case
// snake case of its words, shortened to MaxName bytes (see Shorten). A stem
// whose last "_" part is a GOOS or GOARCH (a build constraint) or "test"
// gets the suffix "_gen"; an empty one is "trigger".
func FileStem(s string) string {
	ws := Words(s)
	parts := make([]string, 0, len(ws))
	for _, w := range ws {
		parts = append(parts, strings.ToLower(w))
	}
	out := strings.Join(parts, "_")
	if out == "" {
		out = "trigger"
	}
	out = Shorten(out, "_")
	if i := strings.LastIndexByte(out, '_'); i >= 0 && constraintWords[out[i+1:]] {
		out += "_gen"
	}
	if strings.HasPrefix(out, "_") || strings.HasPrefix(out, ".") {
		out = "x" + out
	}
	return out
}

var constraintWords = map[string]bool{
	"aix": true, "android": true, "darwin": true, "dragonfly": true, "freebsd": true,
	"hurd": true, "illumos": true, "ios": true, "js": true, "linux": true, "nacl": true,
	"netbsd": true, "openbsd": true, "plan9": true, "solaris": true, "wasip1": true,
	"windows": true, "zos": true, "386": true, "amd64": true, "amd64p32": true,
	"arm": true, "armbe": true, "arm64": true, "arm64be": true, "loong64": true,
	"mips": true, "mipsle": true, "mips64": true, "mips64le": true, "mips64p32": true,
	"mips64p32le": true, "ppc": true, "ppc64": true, "ppc64le": true, "riscv": true,
	"riscv64": true, "s390": true, "s390x": true, "sparc": true, "sparc64": true,
	"wasm": true, "test": true,
}

// Candidate is one thing that wants a Go name in a scope.
type Candidate struct {
	// Want is the desired name.
	Want string
	// Key identifies the candidate in the input (e.g. "GITHUB_X#/config/properties/a");
	// it orders candidates that want the same name.
	Key string
	// Fixed candidates (renamed by the user, or reserved) keep their name.
	Fixed bool
	// Got is the name assigned by Resolve.
	Got string
}

// Collision describes one candidate renamed by Resolve.
type Collision struct {
	Key, Want, Got, Winner string
}

// Resolve assigns each candidate a unique name in the scope; taken names are
// already in use. The rule: fixed candidates keep their name; among the
// others wanting the same name, the one whose Key sorts first (byte-wise)
// keeps it and the rest, in Key order, get the first free numeric suffix
// ("Name2", "Name3", ...). The result does not depend on candidate order. It
// returns an error when two fixed candidates want the same name.
func Resolve(taken map[string]string, cands []*Candidate) ([]Collision, error) {
	sorted := make([]*Candidate, len(cands))
	copy(sorted, cands)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		if a.Fixed != b.Fixed {
			return a.Fixed
		}
		if a.Want != b.Want {
			return a.Want < b.Want
		}
		return a.Key < b.Key
	})
	used := map[string]string{}
	for n, k := range taken {
		used[n] = k
	}
	var out []Collision
	// First pass: fixed ones, then every first claimant, so that a plain name
	// is never displaced by another candidate's suffixed name.
	var rest []*Candidate
	for _, c := range sorted {
		if owner, ok := used[c.Want]; ok {
			if c.Fixed {
				return nil, fmt.Errorf("name %s of %s is already used by %s", c.Want, c.Key, owner)
			}
			rest = append(rest, c)
			continue
		}
		c.Got = c.Want
		used[c.Want] = c.Key
	}
	// next remembers the last suffix tried per name, so that k candidates
	// for one name cost O(k), not O(k²): a number taken once stays taken.
	next := map[string]int{}
	for _, c := range rest {
		start := max(next[c.Want], 2)
		for i := start; ; i++ {
			next[c.Want] = i + 1
			n := fmt.Sprintf("%s%d", c.Want, i)
			if _, ok := used[n]; !ok {
				c.Got = n
				used[n] = c.Key
				out = append(out, Collision{Key: c.Key, Want: c.Want, Got: n, Winner: used[c.Want]})
				break
			}
		}
	}
	return out, nil
}
