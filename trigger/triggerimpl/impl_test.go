package triggerimpl

import (
	"encoding/json"
	"testing"
)

func TestUnionHelpers(t *testing.T) {
	for raw, kind := range map[string]string{`null`: "null", `true`: "boolean", `1`: "integer", `1.0`: "integer", `1.5`: "number", `"x"`: "string", `[]`: "array", `{}`: "object", `{`: ""} {
		if got := JSONKind(json.RawMessage(raw)); got != kind {
			t.Errorf("JSONKind(%s) = %q, want %q", raw, got, kind)
		}
	}
	if v, ok := DecodeAs[int64](json.RawMessage(`2.0`), "integer"); !ok || v != 2 {
		t.Errorf("2.0 as integer: %v %v", v, ok)
	}
	if _, ok := DecodeAs[int64](json.RawMessage(`2.5`), "integer"); ok {
		t.Error("2.5 as integer")
	}
	if v, ok := DecodeAs[float64](json.RawMessage(`2`), "number"); !ok || v != 2 {
		t.Error("integer as number")
	}
	if _, ok := DecodeAs[string](json.RawMessage(`2`), "string"); ok {
		t.Error("number as string")
	}
	if !HasKeys(json.RawMessage(`{"a":1,"b":null}`), "a", "b") || HasKeys(json.RawMessage(`{"a":1}`), "a", "b") || HasKeys(json.RawMessage(`[]`)) {
		t.Error("HasKeys")
	}
}

func TestCheckHelpers(t *testing.T) {
	if PathJoin("/m", "a/b~c") != "/m/a~1b~0c" || PathIndex("/l", 3) != "/l/3" {
		t.Error("paths")
	}
	if i, dup := DuplicateIndex([]any{1, "1", map[string]any{"a": 1, "b": 2}, map[string]any{"b": 2, "a": 1}}); !dup || i != 3 {
		t.Errorf("DuplicateIndex = %d %v", i, dup)
	}
	if _, dup := DuplicateIndex([]string{"a", "b"}); dup {
		t.Error("false duplicate")
	}
	if !MultipleOf(0.3, 0.1) || MultipleOf(0.35, 0.1) || !MultipleOf(10, 5) || MultipleOf(1, 0) {
		t.Error("MultipleOf")
	}
	// Exact on the decimals as written, as JSON Schema's multipleOf.
	if !MultipleOf(0.0075, 0.0001) || MultipleOf(0.00751, 0.0001) || !MultipleOf(19.99, 0.01) || MultipleOf(1e308, 0.123456789) {
		t.Error("MultipleOf on decimals")
	}
	// uniqueItems compares numbers by value, however written, and exactly.
	raw := func(s ...string) []json.RawMessage {
		var out []json.RawMessage
		for _, x := range s {
			out = append(out, json.RawMessage(x))
		}
		return out
	}
	if _, dup := DuplicateIndex(raw("1.0", "1")); !dup {
		t.Error("1.0 and 1 are equal")
	}
	if _, dup := DuplicateIndex(raw("1e2", "100.00", `{"a":[10e-1]}`, `{"a":[1]}`)); !dup {
		t.Error("equal numbers and objects")
	}
	if _, dup := DuplicateIndex(raw("9007199254740993", "9007199254740992", "1e999999999", "1e999999998", "-0", "0.5")); dup {
		t.Error("distinct numbers")
	}
	if i, dup := DuplicateIndex(raw("-0", "0")); !dup || i != 1 {
		t.Error("-0 and 0 are equal")
	}
	if k := JSONKind(json.RawMessage("1e999999999")); k != "integer" {
		t.Errorf("JSONKind(1e999999999) = %s", k)
	}
	if _, ok := DecodeAs[int64](json.RawMessage("1e999999999"), "integer"); ok {
		t.Error("an integer beyond int64 decoded")
	}
	if v, ok := DecodeAs[json.RawMessage](json.RawMessage(`{"a":1}`), ""); !ok || string(v) != `{"a":1}` {
		t.Error("any kind")
	}
}
