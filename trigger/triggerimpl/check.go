package triggerimpl

import (
	"bytes"
	"encoding/json"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/triggergen/triggergen/internal/jsonpointer"
)

// PathJoin appends one reference token to a JSON pointer, escaping "~" and
// "/" as RFC 6901 requires. Generated Validate methods use it for map keys.
func PathJoin(path, token string) string {
	return jsonpointer.Append(path, token)
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

// canonicalJSON encodes v so that two values equal as JSON (objects in any
// key order, numbers however written: 1, 1.0 and 1e0) encode alike.
func canonicalJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "\x00" + err.Error()
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var x any
	if dec.Decode(&x) != nil {
		return string(b)
	}
	var sb strings.Builder
	canonical(&sb, x)
	return sb.String()
}

func canonical(sb *strings.Builder, x any) {
	switch v := x.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		sb.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				sb.WriteByte(',')
			}
			q, _ := json.Marshal(k)
			sb.Write(q)
			sb.WriteByte(':')
			canonical(sb, v[k])
		}
		sb.WriteByte('}')
	case []any:
		sb.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				sb.WriteByte(',')
			}
			canonical(sb, e)
		}
		sb.WriteByte(']')
	case json.Number:
		sb.WriteString(canonicalNumber(string(v)))
	default:
		q, _ := json.Marshal(v)
		sb.Write(q)
	}
}

// canonicalNumber writes the valid JSON number n as its significant
// digits and the power of ten of the last one ("1.50" and "15e-1" are both
// "15e-1", "-0" is "0"), without computing a possibly huge value.
func canonicalNumber(n string) string {
	neg := strings.HasPrefix(n, "-")
	n = strings.TrimPrefix(n, "-")
	mant, exp := n, int64(0)
	if i := strings.IndexAny(n, "eE"); i >= 0 {
		mant = n[:i]
		e, err := strconv.ParseInt(strings.TrimPrefix(n[i+1:], "+"), 10, 64)
		if err != nil {
			return n // an exponent beyond int64: compare as written
		}
		exp = e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := strings.TrimLeft(intPart+frac, "0")
	exp -= int64(len(frac))
	trimmed := strings.TrimRight(digits, "0")
	exp += int64(len(digits) - len(trimmed))
	if trimmed == "" {
		return "0"
	}
	if neg {
		trimmed = "-" + trimmed
	}
	return trimmed + "e" + strconv.FormatInt(exp, 10)
}

// MultipleOf reports whether v is a multiple of m, as JSON Schema's
// multipleOf decides on the numbers as written: both are taken as the
// shortest decimals that read back as them (0.1 is 1/10, not the binary
// fraction float64 holds), and divided exactly.
func MultipleOf(v, m float64) bool {
	if m == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return false
	}
	q := new(big.Rat).Quo(decimal(v), decimal(m))
	return q.IsInt()
}

func decimal(f float64) *big.Rat {
	r, _ := new(big.Rat).SetString(strconv.FormatFloat(f, 'g', -1, 64))
	return r
}
