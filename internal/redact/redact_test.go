package redact

import (
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	const key = "ak_live_7Hq2Zr9XbW4mN1pL"
	cases := []struct {
		name    string
		secrets []string
		in      string
		want    string
	}{
		{"whole", []string{key}, "bad key " + key + ".", "bad key [X]."},
		{"truncated echo", []string{key}, "bad key ak_live_7Hq… (truncated)", "bad key [X]… (truncated)"},
		{"prefix of exactly MinEcho", []string{key}, "id=ak_live_", "id=[X]"},
		{"shorter than MinEcho is not an echo", []string{key}, "ak_live is the prefix of live keys", "ak_live is the prefix of live keys"},
		{"twice", []string{key}, key + key[:9] + "|" + key, "[X][X]|[X]"},
		{"short key whole word", []string{"k"}, "Invalid API key k (k)", "Invalid API key [X] ([X])"},
		{"short key inside words untouched", []string{"k"}, "Invalid API key", "Invalid API key"},
		{"short key at the ends", []string{"key"}, "key", "[X]"},
		{"short key in a word with digits", []string{"abc"}, "abc1 1abc abc_ abc-d abc", "abc1 1abc abc_ abc-d [X]"},
		{"non-ASCII neighbours", []string{"abc"}, "éabc abcé", "éabc abcé"},
		{"longest first", []string{"secret-1234", "secret-1234-extended"}, "v=secret-1234-extended", "v=[X]"},
		{"empty secrets ignored", []string{"", ""}, "nothing", "nothing"},
		{"no secrets", nil, "x", "x"},
	}
	for _, tc := range cases {
		if got := New("[X]", tc.secrets...).String(tc.in); got != tc.want {
			t.Errorf("%s: %q -> %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
	if got := (Redactor{}).String("x"); got != "x" {
		t.Errorf("zero Redactor changed %q", got)
	}
}

// TestNoPrefixLeft: whatever the text around it, no MinEcho-byte prefix of
// a long secret survives.
func TestNoPrefixLeft(t *testing.T) {
	const key = "0123456789abcdefghij"
	r := New("*", key)
	for n := MinEcho; n <= len(key); n++ {
		for _, around := range []string{"", " ", "x", key[:3], key[:MinEcho-1], key[n-1:]} {
			in := around + key[:n] + around
			if out := r.String(in); strings.Contains(out, key[:MinEcho]) {
				t.Errorf("%q -> %q keeps a prefix", in, out)
			}
		}
	}
}
