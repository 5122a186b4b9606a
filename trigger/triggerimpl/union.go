package triggerimpl

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// HasKind reports whether the raw JSON value is of one of the JSON Schema
// types kinds ("integer" is a "number" too); generated Validate methods use
// it for {"type": "null"} and other values kept as raw JSON.
func HasKind(raw json.RawMessage, kinds ...string) bool {
	k := JSONKind(raw)
	for _, want := range kinds {
		if k == want || want == "number" && k == "integer" {
			return true
		}
	}
	return false
}

// JSONKind returns the JSON Schema type of the raw JSON value: "null",
// "boolean", "integer" (a number with no fractional part), "number",
// "string", "array" or "object"; "" for empty or malformed input. Generated
// union types use it to tell their variants apart.
func JSONKind(raw json.RawMessage) string {
	b := bytes.TrimSpace(raw)
	if len(b) == 0 || !json.Valid(b) {
		return ""
	}
	switch b[0] {
	case 'n':
		return "null"
	case 't', 'f':
		return "boolean"
	case '"':
		return "string"
	case '[':
		return "array"
	case '{':
		return "object"
	}
	if _, st := ParseInt(b); st != intFraction {
		return "integer"
	}
	return "number"
}

// DecodeAs decodes raw into a T when raw's JSON kind is kind ("number"
// accepts integers too; "" accepts every kind but null). Generated union
// accessors call it.
func DecodeAs[T any](raw json.RawMessage, kind string) (T, bool) {
	var v T
	k := JSONKind(raw)
	if k == "" || k != kind && !(kind == "number" && k == "integer") && !(kind == "" && k != "null") {
		return v, false
	}
	if kind == "integer" {
		// 1.0 is an integer in JSON Schema but not to encoding/json.
		n, st := ParseInt(bytes.TrimSpace(raw))
		if st != intOK {
			return v, false
		}
		raw = strconv.AppendInt(nil, n, 10)
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return v, false
	}
	return v, true
}

// EncodeRaw encodes v for a union's raw value. It panics only for values
// encoding/json cannot encode at all (channels, functions), which generated
// constructors never pass.
func EncodeRaw(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic("trigger: encode union value: " + err.Error())
	}
	return b
}

// HasKeys reports whether raw is a JSON object with every one of keys.
// Generated union validation uses it for the required properties of object
// variants, which a decoded Go struct cannot tell apart from zero values.
func HasKeys(raw json.RawMessage, keys ...string) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || m == nil {
		return false
	}
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}
