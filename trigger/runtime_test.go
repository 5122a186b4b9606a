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
