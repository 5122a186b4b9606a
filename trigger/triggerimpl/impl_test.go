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
}
