package jsonpointer

import "testing"

func TestEscapeRoundTrip(t *testing.T) {
	for token, want := range map[string]string{
		"": "", "a": "a", "a/b": "a~1b", "~": "~0", "~1": "~01", "/~": "~1~0", "~0/": "~00~1",
	} {
		if got := Escape(token); got != want {
			t.Errorf("Escape(%q) = %q, want %q", token, got, want)
		}
		if got := Unescape(want); got != token {
			t.Errorf("Unescape(%q) = %q, want %q", want, got, token)
		}
	}
	if got := Append("/a", "b/c"); got != "/a/b~1c" {
		t.Errorf("Append = %q", got)
	}
	if got := FromTokens([]string{"x", "~y", ""}); got != "/x/~0y/" {
		t.Errorf("FromTokens = %q", got)
	}
	if got := FromTokens(nil); got != "" {
		t.Errorf("FromTokens(nil) = %q", got)
	}
}
