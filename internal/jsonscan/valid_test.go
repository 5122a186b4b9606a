package jsonscan

import (
	"encoding/json"
	"strings"
	"testing"
)

var validCases = []string{
	`null`, `true`, `false`, `0`, `-0`, `1.5e+10`, `-12.25E-3`, `""`, `"a\"b\\c\/\b\f\n\r\t\u00e9\uD83D\uDE00"`,
	`[]`, `{}`, ` [ 1 , [ ] , { } ] `, `{"a":{"b":[{"c":null}]},"d":"}"}`, "\"\xff\"", `"\ud800"`,
	// Invalid:
	``, ` `, `nul`, `nulll`, `tru`, `01`, `-`, `1.`, `.5`, `1e`, `1e+`, `+1`, `0x1`, `"`, `"\x"`, `"\u12"`, `"\u12g4"`,
	"\"\x01\"", `[`, `[1,]`, `[,1]`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{,}`, `{1:2}`, `{"a" 1}`, `[1 2]`, `1 2`, `{]`, `[}`,
	`{"a":1}}`, `[[]]]`, "\u00a01", "[\u00a0]", "\v1",
	strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth),
	strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1),
	strings.Repeat(`{"a":`, MaxDepth) + "1" + strings.Repeat("}", MaxDepth),
	strings.Repeat(`{"a":`, MaxDepth+1) + "1" + strings.Repeat("}", MaxDepth+1),
}

func TestValidAgreesWithEncodingJSON(t *testing.T) {
	for _, c := range validCases {
		if got, want := Valid([]byte(c)), json.Valid([]byte(c)); got != want {
			t.Errorf("Valid(%.40q) = %v, json.Valid says %v", c, got, want)
		}
	}
}

func TestAppendUnquoted(t *testing.T) {
	for _, c := range []string{`""`, `"abc"`, `"a\"b\\c\/\b\f\n\r\t"`, `"\u00e9\u20ac"`, `"\uD83D\uDE00"`, `"\ud800"`, `"\udc00x"`,
		`"\ud800\u0041"`, `"\ud800\ud800\udc00"`, "\"\xff\xfe\"", "\"\xe2\x82\"", `"é"`} {
		var want string
		if err := json.Unmarshal([]byte(c), &want); err != nil {
			t.Fatal(err)
		}
		if got := string(AppendUnquoted(nil, []byte(c))); got != want {
			t.Errorf("AppendUnquoted(%s) = %q, want %q", c, got, want)
		}
		if Plain([]byte(c)) && c[1:len(c)-1] != want {
			t.Errorf("Plain(%s) but it decodes to %q", c, want)
		}
	}
}

// FuzzValid checks Valid against json.Valid, and the decoding of every valid
// string against encoding/json's.
func FuzzValid(f *testing.F) {
	for _, c := range validCases {
		if len(c) < 1000 {
			f.Add([]byte(c))
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		valid := Valid(b)
		if valid != json.Valid(b) {
			t.Fatalf("Valid(%q) = %v, json.Valid disagrees", b, valid)
		}
		var keys []string
		ok := ValidObject(b, func(k, v []byte) {
			keys = append(keys, string(k))
			if !json.Valid(v) {
				t.Fatalf("ValidObject(%q) passed %q", b, v)
			}
		})
		i := skipSpace(b, 0)
		if isObj := i < len(b) && b[i] == '{'; ok != (valid && isObj) {
			t.Fatalf("ValidObject(%q) = %v; valid %v", b, ok, valid)
		}
		if ok {
			var m map[string]json.RawMessage
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			for _, k := range keys {
				if _, found := m[k]; !found {
					t.Fatalf("ValidObject(%q) passed key %q that encoding/json does not see", b, k)
				}
			}
			if len(m) > len(keys) {
				t.Fatalf("ValidObject(%q) passed %d keys, encoding/json sees %d", b, len(keys), len(m))
			}
		}
		if !valid || i >= len(b) || b[i] != '"' {
			return
		}
		s := b[i:String(b, i)]
		var want string
		if err := json.Unmarshal(s, &want); err != nil {
			t.Fatal(err)
		}
		if got := string(AppendUnquoted(nil, s)); got != want {
			t.Fatalf("AppendUnquoted(%q) = %q, want %q", s, got, want)
		}
		if Plain(s) && string(s[1:len(s)-1]) != want {
			t.Fatalf("Plain(%q) but it decodes to %q", s, want)
		}
	})
}

var benchBody = []byte(`{"id":"msg_abc123","type":"composio.trigger.message","metadata":{"log_id":"log_abc123","trigger_slug":"GITHUB_COMMIT_EVENT","trigger_id":"ti_xyz789","connected_account_id":"ca_def456","auth_config_id":"ac_xyz789","user_id":"user-id-123435"},"data":{"commit_sha":"a1b2c3d","message":"fix: resolve null pointer","author":"jane","n":[1,2.5,-3e4,true,false,null]},"timestamp":"2026-01-15T10:30:00Z"}`)

func BenchmarkValid(b *testing.B) {
	b.Run("jsonscan", func(b *testing.B) {
		b.SetBytes(int64(len(benchBody)))
		for b.Loop() {
			if !Valid(benchBody) {
				b.Fatal("invalid")
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(benchBody)))
		for b.Loop() {
			if !json.Valid(benchBody) {
				b.Fatal("invalid")
			}
		}
	})
}
