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
	if !v.A.Valid() || !v.A.Time().Equal(time.Date(2021, 4, 14, 2, 15, 15, 0, time.UTC)) {
		t.Errorf("a: %+v", v.A)
	}
	if v.B.Valid() || v.B.String() != "yesterday at noon" || !v.B.Time().IsZero() {
		t.Errorf("b: %+v", v.B)
	}
	if !v.D.Valid() || v.D.Time().Day() != 29 || v.E.Valid() || v.E.String() != "29/02/2024" {
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

// TestDateConstructors: the parsed time is reachable only through Time, so
// it cannot be set apart from the string that is marshalled; NewDate
// normalizes out-of-range values as time.Date does, and a date without a
// full-date form is not Valid.
func TestDateConstructors(t *testing.T) {
	at := time.Date(2026, 2, 3, 4, 5, 6, 7, time.UTC)
	dt := NewDateTime(at)
	if !dt.Time().Equal(at) || !dt.Valid() || dt.String() != "2026-02-03T04:05:06.000000007Z" {
		t.Errorf("NewDateTime: %v %v %q", dt.Time(), dt.Valid(), dt)
	}
	if b, _ := json.Marshal(struct {
		At DateTime `json:"at"`
	}{dt}); string(b) != `{"at":"2026-02-03T04:05:06.000000007Z"}` {
		t.Errorf("marshal: %s", b)
	}
	for _, tc := range []struct {
		y    int
		m    time.Month
		d    int
		want string
		ok   bool
	}{
		{2026, 2, 28, "2026-02-28", true},
		{2026, 2, 30, "2026-03-02", true},
		{2024, 2, 29, "2024-02-29", true},
		{2026, 13, 1, "2027-01-01", true},
		{2026, 1, 0, "2025-12-31", true},
		{10000, 1, 1, "10000-01-01", false},
	} {
		d := NewDate(tc.y, tc.m, tc.d)
		if d.String() != tc.want || d.Valid() != tc.ok {
			t.Errorf("NewDate(%d, %d, %d) = %q valid %v, want %q valid %v", tc.y, tc.m, tc.d, d, d.Valid(), tc.want, tc.ok)
		}
		if tc.ok && d.Time().Format(time.DateOnly) != tc.want {
			t.Errorf("NewDate(%d, %d, %d).Time() = %v", tc.y, tc.m, tc.d, d.Time())
		}
	}
	var zero Date
	if !zero.IsZero() || !zero.Time().IsZero() || zero.Valid() {
		t.Error("zero Date")
	}
	if b, _ := json.Marshal(struct {
		D Date `json:"d"`
	}{NewDate(2026, 2, 30)}); string(b) != `{"d":"2026-03-02"}` {
		t.Errorf("marshal: %s", b)
	}
}
