package triggerimpl

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// PathJoin appends one reference token to a JSON pointer, escaping "~" and
// "/" as RFC 6901 requires. Generated Validate methods use it for map keys.
func PathJoin(path, token string) string {
	token = strings.ReplaceAll(token, "~", "~0")
	token = strings.ReplaceAll(token, "/", "~1")
	return path + "/" + token
}

// PathIndex appends an array index to a JSON pointer.
func PathIndex(path string, i int) string { return path + "/" + strconv.Itoa(i) }

// DuplicateIndex reports the index of the first element of s equal (as JSON)
// to an earlier one, for uniqueItems.
func DuplicateIndex[T any](s []T) (int, bool) {
	seen := make(map[string]bool, len(s))
	for i, v := range s {
		k := canonicalJSON(v)
		if seen[k] {
			return i, true
		}
		seen[k] = true
	}
	return 0, false
}

func canonicalJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "\x00" + err.Error()
	}
	var x any
	if json.Unmarshal(b, &x) != nil {
		return string(b)
	}
	b, _ = json.Marshal(x) // maps marshal with sorted keys
	return string(b)
}

// MultipleOf reports whether v is a multiple of m, allowing for the rounding
// of decimal fractions in float64.
func MultipleOf(v, m float64) bool {
	if m == 0 {
		return false
	}
	q := v / m
	return math.Abs(q-math.Round(q)) <= 1e-9*math.Max(1, math.Abs(q))
}
