package lockfile

import (
	"errors"
	"strings"
	"testing"
)

func TestMalformedLocksNamePointer(t *testing.T) {
	for _, tc := range []struct{ in, ptr string }{
		{`{"toolkits": []}`, "/lock_version"},
		{`{"lock_version": 2, "toolkits": []}`, "/lock_version"},
		{`{"lock_version": 1, "toolkits": [{"version": "1"}]}`, "/toolkits/0/slug"},
		{`{"lock_version": 1, "toolkits": [{"slug": "a"}, {"slug": "a"}]}`, "/toolkits/1/slug"},
		{`{"lock_version": 1, "toolkits": [{"slug": "a", "trigger_types": [{"name": "x"}]}]}`, "/toolkits/0/trigger_types/0/slug"},
		{`{"lock_version": 1, "toolkits": [{"slug": "a", "trigger_types": [{"slug": "A_X", "type": "push"}]}]}`, "/toolkits/0/trigger_types/0/type"},
		{`{"lock_version": 1, "toolkits": [{"slug": "a", "trigger_types": [{"slug": "A_X", "config": [1]}]}]}`, "/toolkits/0/trigger_types/0/config"},
		{`{"lock_version": 1, "toolkits": [{"slug": "a", "trigger_types": [{"slug": "A_X", "toolkit": "b"}]}]}`, "/toolkits/0/trigger_types/0/toolkit"},
		{`{"lock_version": 1, "toolkits": [{"slug": "a", "webhook_endpoint_schema": [1]}]}`, "/toolkits/0/webhook_endpoint_schema"},
		{`{"lock_version": 1, "toolkits": [{"slug": "a", "trigger_types": [{"slug": "A_X"}, {"slug": "a_x"}]}]}`, "/toolkits/0/trigger_types/1/slug"},
		{`{"lock_version": 1, "toolkits": [{"slug": 3}]}`, "/toolkits/0/slug"},
		{`{"lock_version": 1, "toolkits": [{"slug": "a", "trigger_types": [{"slug": "A_X", "requires_webhook_endpoint_setup": "yes"}]}]}`, "/toolkits/0/trigger_types/0/requires_webhook_endpoint_setup"},
		{`{"lock_version": 1, "toolkits": [`, ""},
	} {
		_, err := Parse("in.json", []byte(tc.in))
		var le *Error
		if !errors.As(err, &le) {
			t.Errorf("%s: want *Error, got %v", tc.in, err)
			continue
		}
		if le.Pointer != tc.ptr {
			t.Errorf("%s: pointer %q, want %q (%v)", tc.in, le.Pointer, tc.ptr, err)
		}
		if !strings.HasPrefix(err.Error(), "in.json#"+tc.ptr+": ") {
			t.Errorf("%s: message %q", tc.in, err)
		}
	}
}

func TestParseDefaultsAndRoundTrip(t *testing.T) {
	in := `{"lock_version": 1, "toolkits": [{"slug": "b", "version": "2", "trigger_types": [{"slug": "B_Y", "toolkit": {"slug": "b"}, "extra": {"k": 1}}, {"slug": "B_X", "version": "3"}]}, {"slug": "a", "webhook_endpoint_schema": {"setup_fields": {}}}]}`
	lk, err := Parse("in.json", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	b := lk.Toolkit("B")
	if b == nil || b.TriggerTypes[0].Version != "2" || b.TriggerTypes[1].Version != "3" || b.TriggerTypes[0].Toolkit != "b" || b.TriggerTypes[0].Type != "" {
		t.Fatalf("defaults: %+v", b)
	}
	if b.SHA256 != b.Digest() || len(b.SHA256) != 64 {
		t.Errorf("sha256 %q", b.SHA256)
	}
	out, err := lk.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"extra"`) || strings.Index(string(out), `"slug": "a"`) > strings.Index(string(out), `"slug": "b"`) {
		t.Errorf("marshal:\n%s", out)
	}
	lk2, err := Parse("out.json", out)
	if err != nil {
		t.Fatal(err)
	}
	out2, _ := lk2.Marshal()
	if string(out) != string(out2) {
		t.Error("marshal is not stable")
	}
}

// TestSHA256KeptThenRecomputed: Parse keeps a toolkit's sha256 as the file
// has it (a stale one included, for `check` to find); Marshal recomputes it.
func TestSHA256KeptThenRecomputed(t *testing.T) {
	lk, err := Parse("in.json", []byte(`{"lock_version": 1, "toolkits": [{"slug": "a", "sha256": "stale", "trigger_types": [{"slug": "A_X"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := lk.Toolkit("a").SHA256; got != "stale" {
		t.Errorf("Parse: sha256 %q, want the file's", got)
	}
	out, err := lk.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse("out.json", out)
	if err != nil {
		t.Fatal(err)
	}
	if tk := again.Toolkit("a"); tk.SHA256 != tk.Digest() {
		t.Errorf("Marshal: sha256 %q, want the digest %q", tk.SHA256, tk.Digest())
	}
}

// TestMarshalSameOnEveryGo: the bytes Marshal writes, and the digest over
// them, do not depend on the Go release. Go 1.27's encoding/json escapes
// U+2028 and U+2029 inside a json.RawMessage where Go 1.26's keeps them raw,
// so the lock keeps them escaped from the start; an invalid UTF-8 byte is
// written as the U+FFFD decoding reads it as. make test runs this under both.
func TestMarshalSameOnEveryGo(t *testing.T) {
	in := "{\"lock_version\":1,\"toolkits\":[{\"slug\":\"t\",\"version\":\"1\",\"trigger_types\":[" +
		"{\"slug\":\"T_X\",\"description\":\"a\u2028b\u2029c\xffd<&>\u00e9\u202e\",\"config\":{},\"payload\":{}}]," +
		"\"webhook_endpoint_schema\":{\"title\":\"s\u2028\"}}]}"
	lk, err := Parse("in.json", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	got, err := lk.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "lock_version": 1,
  "toolkits": [
    {
      "slug": "t",
      "version": "1",
      "trigger_types": [
        {
          "slug": "T_X",
          "description": "a\u2028b\u2029c\ufffdd<&>` + "\u00e9\u202e" + `",
          "config": {},
          "payload": {}
        }
      ],
      "webhook_endpoint_schema": {
        "title": "s\u2028"
      },
      "sha256": "SUM"
    }
  ]
}
`
	want = strings.Replace(want, "SUM", lk.Toolkits[0].Digest(), 1)
	if string(got) != want {
		t.Fatalf("Marshal wrote\n%s\nwant\n%s", got, want)
	}
	again, err := Parse("out.json", got)
	if err != nil {
		t.Fatal(err)
	}
	if d1, d2 := lk.Toolkits[0].Digest(), again.Toolkits[0].Digest(); d1 != d2 {
		t.Errorf("digest %s after a round trip, %s before", d2, d1)
	}
}
