package schemadiff

import (
	"fmt"
	"strings"
	"testing"
)

// TestConstraints runs every row against the config schema and the payload
// schema: the kind is the same, the severity depends on the audience.
func TestConstraints(t *testing.T) {
	const (
		tight = ConstraintTightened
		loose = ConstraintLoosened
	)
	field := func(kw string) string { return o(`"f":{"type":"string"`+kw+`}`, `"f"`) }
	for _, tc := range []struct {
		name     string
		old, new string // keywords of field "f", each starting with a comma
		kind     Kind   // "" for no change
		ptr      string // relative to /<schema>/properties/f
		msg      string // after `<schema> field "f": `
	}{
		{"minimum raised", `,"minimum":1`, `,"minimum":5`, tight, "/minimum", "minimum raised 1 → 5"},
		{"minimum lowered", `,"minimum":5`, `,"minimum":1`, loose, "/minimum", "minimum lowered 5 → 1"},
		{"minimum added", ``, `,"minimum":0`, tight, "/minimum", "minimum added (none) → 0"},
		{"minimum removed", `,"minimum":0`, ``, loose, "/minimum", "minimum removed 0 → (none)"},
		{"exclusiveMinimum raised", `,"exclusiveMinimum":0`, `,"exclusiveMinimum":0.5`, tight, "/exclusiveMinimum", "exclusiveMinimum raised 0 → 0.5"},
		{"exclusiveMinimum lowered", `,"exclusiveMinimum":0.5`, `,"exclusiveMinimum":-1`, loose, "/exclusiveMinimum", "exclusiveMinimum lowered 0.5 → -1"},
		{"exclusiveMinimum added", ``, `,"exclusiveMinimum":0`, tight, "/exclusiveMinimum", "exclusiveMinimum added (none) → 0"},
		{"exclusiveMinimum removed", `,"exclusiveMinimum":0`, ``, loose, "/exclusiveMinimum", "exclusiveMinimum removed 0 → (none)"},
		{"maximum lowered", `,"maximum":100`, `,"maximum":10`, tight, "/maximum", "maximum lowered 100 → 10"},
		{"maximum raised", `,"maximum":10`, `,"maximum":1e3`, loose, "/maximum", "maximum raised 10 → 1e3"},
		{"maximum added", ``, `,"maximum":100`, tight, "/maximum", "maximum added (none) → 100"},
		{"maximum removed", `,"maximum":100`, ``, loose, "/maximum", "maximum removed 100 → (none)"},
		{"exclusiveMaximum lowered", `,"exclusiveMaximum":100`, `,"exclusiveMaximum":99.5`, tight, "/exclusiveMaximum", "exclusiveMaximum lowered 100 → 99.5"},
		{"exclusiveMaximum raised", `,"exclusiveMaximum":99.5`, `,"exclusiveMaximum":100`, loose, "/exclusiveMaximum", "exclusiveMaximum raised 99.5 → 100"},
		{"exclusiveMaximum added", ``, `,"exclusiveMaximum":100`, tight, "/exclusiveMaximum", "exclusiveMaximum added (none) → 100"},
		{"exclusiveMaximum removed", `,"exclusiveMaximum":100`, ``, loose, "/exclusiveMaximum", "exclusiveMaximum removed 100 → (none)"},
		{"minLength raised", `,"minLength":1`, `,"minLength":3`, tight, "/minLength", "minLength raised 1 → 3"},
		{"minLength lowered", `,"minLength":3`, `,"minLength":1`, loose, "/minLength", "minLength lowered 3 → 1"},
		{"minLength added", ``, `,"minLength":1`, tight, "/minLength", "minLength added (none) → 1"},
		{"minLength removed", `,"minLength":1`, ``, loose, "/minLength", "minLength removed 1 → (none)"},
		{"maxLength lowered", `,"maxLength":100`, `,"maxLength":50`, tight, "/maxLength", "maxLength lowered 100 → 50"},
		{"maxLength raised", `,"maxLength":50`, `,"maxLength":100`, loose, "/maxLength", "maxLength raised 50 → 100"},
		{"maxLength added", ``, `,"maxLength":50`, tight, "/maxLength", "maxLength added (none) → 50"},
		{"maxLength removed", `,"maxLength":50`, ``, loose, "/maxLength", "maxLength removed 50 → (none)"},
		{"minItems raised", `,"minItems":0`, `,"minItems":1`, tight, "/minItems", "minItems raised 0 → 1"},
		{"minItems lowered", `,"minItems":1`, `,"minItems":0`, loose, "/minItems", "minItems lowered 1 → 0"},
		{"minItems added", ``, `,"minItems":1`, tight, "/minItems", "minItems added (none) → 1"},
		{"minItems removed", `,"minItems":1`, ``, loose, "/minItems", "minItems removed 1 → (none)"},
		{"maxItems lowered", `,"maxItems":10`, `,"maxItems":5`, tight, "/maxItems", "maxItems lowered 10 → 5"},
		{"maxItems raised", `,"maxItems":5`, `,"maxItems":10`, loose, "/maxItems", "maxItems raised 5 → 10"},
		{"maxItems added", ``, `,"maxItems":5`, tight, "/maxItems", "maxItems added (none) → 5"},
		{"maxItems removed", `,"maxItems":5`, ``, loose, "/maxItems", "maxItems removed 5 → (none)"},
		{"minProperties raised", `,"minProperties":1`, `,"minProperties":2`, tight, "/minProperties", "minProperties raised 1 → 2"},
		{"minProperties lowered", `,"minProperties":2`, `,"minProperties":1`, loose, "/minProperties", "minProperties lowered 2 → 1"},
		{"minProperties added", ``, `,"minProperties":1`, tight, "/minProperties", "minProperties added (none) → 1"},
		{"minProperties removed", `,"minProperties":1`, ``, loose, "/minProperties", "minProperties removed 1 → (none)"},
		{"maxProperties lowered", `,"maxProperties":20`, `,"maxProperties":10`, tight, "/maxProperties", "maxProperties lowered 20 → 10"},
		{"maxProperties raised", `,"maxProperties":10`, `,"maxProperties":20`, loose, "/maxProperties", "maxProperties raised 10 → 20"},
		{"maxProperties added", ``, `,"maxProperties":10`, tight, "/maxProperties", "maxProperties added (none) → 10"},
		{"maxProperties removed", `,"maxProperties":10`, ``, loose, "/maxProperties", "maxProperties removed 10 → (none)"},
		{"pattern changed", `,"pattern":"^[a-z]+$"`, `,"pattern":"^[a-z0-9]+$"`, tight, "/pattern", `pattern changed "^[a-z]+$" → "^[a-z0-9]+$"`},
		{"pattern added", ``, `,"pattern":"^[a-z]+$"`, tight, "/pattern", `pattern added (none) → "^[a-z]+$"`},
		{"pattern removed", `,"pattern":"^[a-z]+$"`, ``, loose, "/pattern", `pattern removed "^[a-z]+$" → (none)`},
		{"uniqueItems became true", `,"uniqueItems":false`, `,"uniqueItems":true`, tight, "/uniqueItems", "uniqueItems false → true"},
		{"uniqueItems became false", `,"uniqueItems":true`, `,"uniqueItems":false`, loose, "/uniqueItems", "uniqueItems true → false"},
		{"uniqueItems added", ``, `,"uniqueItems":true`, tight, "/uniqueItems", "uniqueItems false → true"},
		{"uniqueItems removed", `,"uniqueItems":true`, ``, loose, "/uniqueItems", "uniqueItems true → false"},
		{"additionalProperties added as false", ``, `,"additionalProperties":false`, tight, "/additionalProperties", "additionalProperties added (none) → false"},
		{"additionalProperties true to false", `,"additionalProperties":true`, `,"additionalProperties":false`, tight, "/additionalProperties", "additionalProperties changed true → false"},
		{"additionalProperties schema to false", `,"additionalProperties":{"type":"string"}`, `,"additionalProperties":false`, tight, "/additionalProperties", "additionalProperties changed schema → false"},
		{"additionalProperties false removed", `,"additionalProperties":false`, ``, loose, "/additionalProperties", "additionalProperties removed false → (none)"},
		{"additionalProperties false to true", `,"additionalProperties":false`, `,"additionalProperties":true`, loose, "/additionalProperties", "additionalProperties changed false → true"},
		{"additionalProperties false to schema", `,"additionalProperties":false`, `,"additionalProperties":{"type":"string"}`, loose, "/additionalProperties", "additionalProperties changed false → schema"},
		{"format added", ``, `,"format":"uri"`, FormatChanged, "/format", `format added (none) → "uri"`},
		{"format changed", `,"format":"uri"`, `,"format":"email"`, FormatChanged, "/format", `format changed "uri" → "email"`},
		{"format removed", `,"format":"uri"`, ``, FormatChanged, "/format", `format removed "uri" → (none)`},
		// Unchanged constraints, however they are spelled.
		{"same bound, other spelling", `,"maximum":1e2`, `,"maximum":100.0`, "", "", ""},
		{"draft-4 boolean exclusiveMinimum", `,"minimum":0,"exclusiveMinimum":true`, `,"exclusiveMinimum":0`, "", "", ""},
		{"allOf merged, strictest wins", `,"allOf":[{"maxLength":100},{"maxLength":50}]`, `,"maxLength":50`, "", "", ""},
		{"additionalProperties true is absent", `,"additionalProperties":true`, ``, "", "", ""},
		{"same pattern", `,"pattern":"^a"`, `,"pattern":"^a"`, "", "", ""},
		// allOf: the keyword's own location is the pointer.
		{"maxLength lowered in allOf", `,"allOf":[{"maxLength":100}]`, `,"allOf":[{"maxLength":50}]`, tight, "/allOf/0/maxLength", "maxLength lowered 100 → 50"},
	} {
		for _, part := range []struct {
			schema       string
			audience     Audience
			tight, loose Severity
		}{
			{SchemaConfig, Callers, Breaking, Additive},
			{SchemaPayload, Consumers, Additive, Info},
		} {
			t.Run(part.schema+"/"+tc.name, func(t *testing.T) {
				oldC, newC, oldP, newP := `{}`, `{}`, `{}`, `{}`
				if part.schema == SchemaConfig {
					oldC, newC = field(tc.old), field(tc.new)
				} else {
					oldP, newP = field(tc.old), field(tc.new)
				}
				r := Compare(lockOf(t, oldC, oldP), lockOf(t, newC, newP))
				var got []string
				for _, c := range r.Changes {
					got = append(got, fmt.Sprintf("%s %s %s %s %s | %s", c.Kind, c.Severity, c.Audience, c.Field, c.Pointer, c.Message))
				}
				var want []string
				if tc.kind != "" {
					sev := Info
					switch tc.kind {
					case ConstraintTightened:
						sev = part.tight
					case ConstraintLoosened:
						sev = part.loose
					}
					want = []string{fmt.Sprintf("%s %s %s f /%s/properties/f%s | %s field \"f\": %s",
						tc.kind, sev, part.audience, part.schema, tc.ptr, part.schema, tc.msg)}
				}
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
			})
		}
	}
}

// TestConstraintsNested checks that constraints are compared wherever the
// walker goes: the root, $ref into $defs, array items, anyOf with null,
// additionalProperties schemas, allOf.
func TestConstraintsNested(t *testing.T) {
	schema := func(rootMax, name, tag, note, label string) string {
		return `{"type":"object","maxProperties":` + rootMax + `,"properties":{
			"repo":{"$ref":"#/$defs/Repo"},
			"tags":{"type":"array","items":{"type":"string","maxLength":` + tag + `}},
			"note":{"anyOf":[{"type":"string","maxLength":` + note + `},{"type":"null"}]},
			"labels":{"type":"object","additionalProperties":{"allOf":[{"type":"string","minLength":` + label + `}]}}},
			"$defs":{"Repo":{"type":"object","properties":{"name":{"type":"string","maxLength":` + name + `}}}}}`
	}
	old := schema("10", "100", "10", "100", "1")
	new := schema("5", "50", "20", "200", "2")
	wantFor := func(s string, tight, loose Severity, aud Audience) []string {
		return []string{
			fmt.Sprintf(`constraint_tightened %s %s  /%s/maxProperties | %s schema: maxProperties lowered 10 → 5`, tight, aud, s, s),
			fmt.Sprintf(`constraint_tightened %s %s labels{} /%s/properties/labels/additionalProperties/allOf/0/minLength | %s field "labels{}": minLength raised 1 → 2`, tight, aud, s, s),
			fmt.Sprintf(`constraint_loosened %s %s note /%s/properties/note/anyOf/0/maxLength | %s field "note": maxLength raised 100 → 200`, loose, aud, s, s),
			fmt.Sprintf(`constraint_tightened %s %s repo.name /%s/$defs/Repo/properties/name/maxLength | %s field "repo.name": maxLength lowered 100 → 50`, tight, aud, s, s),
			fmt.Sprintf(`constraint_loosened %s %s tags[] /%s/properties/tags/items/maxLength | %s field "tags[]": maxLength raised 10 → 20`, loose, aud, s, s),
		}
	}
	for _, tc := range []struct {
		name string
		r    *Report
		want []string
	}{
		{"config", Compare(lockOf(t, old, `{}`), lockOf(t, new, `{}`)), wantFor(SchemaConfig, Breaking, Additive, Callers)},
		{"payload", Compare(lockOf(t, `{}`, old), lockOf(t, `{}`, new)), wantFor(SchemaPayload, Additive, Info, Consumers)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, c := range tc.r.Changes {
				got = append(got, fmt.Sprintf("%s %s %s %s %s | %s", c.Kind, c.Severity, c.Audience, c.Field, c.Pointer, c.Message))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestConstConsistentWithEnum pins that const stays a one-value enum.
func TestConstConsistentWithEnum(t *testing.T) {
	field := func(kw string) string { return o(`"f":{"type":"string"`+kw+`}`, `"f"`) }
	for _, tc := range []struct {
		name, old, new string
		want           []string
	}{
		{"const added", ``, `,"const":"a"`, []string{"enum_restricted breaking"}},
		{"const changed", `,"const":"a"`, `,"const":"b"`, []string{"enum_value_removed breaking", "enum_value_added additive"}},
		{"const removed", `,"const":"a"`, ``, []string{"enum_value_added additive"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Compare(lockOf(t, field(tc.old), `{}`), lockOf(t, field(tc.new), `{}`))
			var got []string
			for _, c := range r.Changes {
				got = append(got, fmt.Sprintf("%s %s", c.Kind, c.Severity))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
