package composio

import (
	"cmp"
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/triggergen/triggergen/secret"
)

// minEcho is the shortest piece of a secret the redactor treats as an echo
// of it: a server that truncates what it echoes still shows this many bytes.
const minEcho = 8

// redactor removes secrets (the API key, credentials a call sends) from text
// the server sent back or a transport error holds. It is the one scrubbing
// path of the client and of triggergen pull, which calls the API through
// the client.
//
// A secret of minEcho bytes or more is redacted wherever it appears whole,
// and wherever a prefix of at least minEcho bytes of it appears (a truncated
// echo). A shorter secret is redacted only where it stands as a whole word,
// so that a short key does not garble the text around it.
type redactor struct{ secrets []string }

func newRedactor(secrets []string) redactor {
	var out []string
	for _, s := range secrets {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	// Longer first, so that a secret containing another is redacted whole.
	slices.SortFunc(out, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	return redactor{secrets: out}
}

func (r redactor) scrub(s string) string {
	for _, v := range r.secrets {
		if s == "" {
			return s
		}
		if len(v) >= minEcho {
			s = redactEchoes(s, v)
		} else {
			s = redactWords(s, v)
		}
	}
	return s
}

// redactEchoes replaces every run of s that starts with v's first minEcho
// bytes, extended as far as it keeps matching v.
func redactEchoes(s, v string) string {
	head := v[:minEcho]
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
		n := minEcho
		for n < len(v) && i+n < len(s) && s[i+n] == v[n] {
			n++
		}
		b.WriteString(s[:i])
		b.WriteString(secret.Redacted)
		s = s[i+n:]
	}
}

// redactWords replaces the occurrences of v in s that are not part of a
// longer word.
func redactWords(s, v string) string {
	var b strings.Builder
	from := 0 // s[:from] is in b, or redacted
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], v)
		if j < 0 {
			break
		}
		j += i
		end := j + len(v)
		if (j == 0 || !isWordByte(s[j-1])) && (end == len(s) || !isWordByte(s[end])) {
			b.WriteString(s[from:j])
			b.WriteString(secret.Redacted)
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

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c >= 0x80
}

// scrubbedError is an error whose text was scrubbed. It unwraps to the
// original, so that errors.Is and errors.As still find what it wraps
// (context.DeadlineExceeded, a *net.OpError, ...); their own text is not
// scrubbed, so print the scrubbedError, not what errors.As finds in it.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// scrubErr returns err with its text scrubbed. A *url.Error (what an
// http.Client returns) stays a *url.Error at the top of the chain, its URL
// and message scrubbed, so errors.As(err, new(*url.Error)) keeps working.
func scrubErr(err error, scrub func(string) string) error {
	msg := err.Error()
	if scrub(msg) == msg {
		return err
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue == err {
		inner := ue.Err
		if inner != nil {
			inner = &scrubbedError{msg: scrub(inner.Error()), err: inner}
		}
		return &url.Error{Op: ue.Op, URL: scrub(ue.URL), Err: inner}
	}
	return &scrubbedError{msg: scrub(msg), err: err}
}
