package trigger

import (
	"encoding/json"
	"testing"
	"time"
)

func TestDateTimeLenient(t *testing.T) {
	var v struct {
		A DateTime `json:"a"`
		B DateTime `json:"b"`
		C DateTime `json:"c,omitzero"`
		D Date     `json:"d"`
		E Date     `json:"e"`
	}
	in := `{"a":"2021-04-14T02:15:15Z","b":"yesterday at noon","d":"2024-02-29","e":"29/02/2024"}`
	if err := json.Unmarshal([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
	if !v.A.Valid() || !v.A.Time.Equal(time.Date(2021, 4, 14, 2, 15, 15, 0, time.UTC)) {
		t.Errorf("a: %+v", v.A)
	}
	if v.B.Valid() || v.B.String() != "yesterday at noon" || !v.B.Time.IsZero() {
		t.Errorf("b: %+v", v.B)
	}
	if !v.D.Valid() || v.D.Time.Day() != 29 || v.E.Valid() || v.E.String() != "29/02/2024" {
		t.Errorf("dates: %+v %+v", v.D, v.E)
	}
	out, _ := json.Marshal(v)
	if string(out) != in {
		t.Errorf("round trip: %s", out)
	}
	if err := json.Unmarshal([]byte(`{"a": 5}`), &v); err == nil {
		t.Error("number accepted as date-time")
	}
	if b, _ := json.Marshal(NewDateTime(time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC))); string(b) != `"2020-01-02T03:04:05Z"` {
		t.Errorf("NewDateTime: %s", b)
	}
}

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
