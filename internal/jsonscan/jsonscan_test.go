package jsonscan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
)

func members(b string) []string {
	var out []string
	for k, v := range Members([]byte(b)) {
		out = append(out, string(k)+"="+string(v))
	}
	return out
}

func TestJSONMembers(t *testing.T) {
	for in, want := range map[string]string{
		`{}`: ``,
		` { "a" : 1 , "b":[1,{"c":"}"}], "d\u0041" :null}`: `a=1|b=[1,{"c":"}"}]|dA=null`,
		`{"a":"x\"y","b":{"c":{}}}`:                        `a="x\"y"|b={"c":{}}`,
		`[1]`:                                              ``,
		`null`:                                             ``,
		`{"a":1`:                                           `a=1`,
		`{"a" 1}`:                                          ``,
		`{"a":}`:                                           ``,
		`{"a":"unterminated}`:                              ``,
		`{"a":tru,"b":2}`:                                  `a=tru|b=2`, // malformed literals are the decoder's business
	} {
		if got := strings.Join(members(in), "|"); got != want {
			t.Errorf("Members(%s) = %s, want %s", in, got, want)
		}
	}
	// Stopping early.
	for range Members([]byte(`{"a":1,"b":2}`)) {
		break
	}
}

func TestJSONElements(t *testing.T) {
	for in, want := range map[string]string{
		`[]`:                              ``,
		` [ 1 , "a]" ,{"b":[2]}, null ] `: `0=1|1="a]"|2={"b":[2]}|3=null`,
		`{}`:                              ``,
		`[1,`:                             `0=1`,
		`[[`:                              ``,
	} {
		var got []string
		for i, v := range Elements([]byte(in)) {
			got = append(got, fmt.Sprint(i, "=", string(v)))
		}
		if g := strings.Join(got, "|"); g != want {
			t.Errorf("Elements(%s) = %s, want %s", in, g, want)
		}
	}
}

func TestIsJSONNull(t *testing.T) {
	for in, want := range map[string]bool{"null": true, " null\n": true, "nul": false, "nullx": false, `"null"`: false, "": false} {
		if IsNull([]byte(in)) != want {
			t.Errorf("IsNull(%q) != %v", in, want)
		}
	}
	if !IsObject([]byte(" {}")) || IsObject([]byte("[]")) || IsObject(nil) {
		t.Error("IsObject")
	}
}

// FuzzJSONMembers checks that the scanner agrees with encoding/json on
// valid objects and never panics on anything.
func FuzzJSONMembers(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1,"b":[{"c":null}],"d\n":"\"}"}`, `[1,2]`, `{"a":{"b":{"c":[]}}}`, `{"a":1`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var got []string
		for k, v := range Members(b) {
			got = append(got, string(k), string(v))
		}
		for range Elements(b) {
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(b, &m) != nil || m == nil {
			return
		}
		seen := map[string]bool{}
		for i := 0; i < len(got); i += 2 {
			seen[got[i]] = true
			if !json.Valid([]byte(got[i+1])) {
				t.Fatalf("value %q of %q is not JSON", got[i+1], got[i])
			}
		}
		for k := range m {
			if !seen[k] {
				t.Fatalf("key %q of %s not yielded (got %q)", k, b, got)
			}
		}
	})
}

var benchObject = []byte(`{"channel":"C123","limit":20,"labels":["a","b","c"],"filter":{"from":"x@example.com","unread":true},"interval":1.5,"query":"is:unread","include":null}`)

var benchKeys = []string{"channel", "limit", "labels", "filter", "interval", "query", "include"}

// The three ways of finding the keys and nulls of an object that a generated
// UnmarshalJSON could use; the scanner is what it does use.
func BenchmarkKeyScan(b *testing.B) {
	b.Run("scanner", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var seen [7]bool
			for k, v := range Members(benchObject) {
				for i, name := range benchKeys {
					if string(k) == name {
						seen[i] = !IsNull(v)
					}
				}
			}
		}
	})
	b.Run("decoder-tokens", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var seen [7]bool
			dec := json.NewDecoder(bytes.NewReader(benchObject))
			dec.Token()
			for dec.More() {
				kt, _ := dec.Token()
				var raw json.RawMessage
				dec.Decode(&raw)
				for i, name := range benchKeys {
					if kt == name {
						seen[i] = !IsNull(raw)
					}
				}
			}
			if _, err := dec.Token(); err != nil && err != io.EOF {
				b.Fatal(err)
			}
		}
	})
	b.Run("map", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var seen [7]bool
			var m map[string]json.RawMessage
			json.Unmarshal(benchObject, &m)
			for i, name := range benchKeys {
				v, ok := m[name]
				seen[i] = ok && !IsNull(v)
			}
		}
	})
}
