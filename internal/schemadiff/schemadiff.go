// Package schemadiff compares two lock files and classifies every change of
// their trigger-type schemas by whom it breaks.
//
// A trigger's config schema is written by callers (code that creates trigger
// instances); its payload schema is read by consumers (code that handles
// events). The same edit breaks one and not the other: a new optional config
// field is additive for callers, a payload field that became nullable breaks
// consumers. Compare walks both schemas in step (nested objects, array items,
// additionalProperties, local $ref into $defs/definitions, allOf, and
// anyOf/oneOf with a null branch read as "nullable") and reports a Change for
// every difference it understands: structure, types, nullability, enums,
// defaults and constraint keywords.
//
// # Severities and kinds
//
// Breaking for callers (audience "callers"): required_field_added,
// field_removed, type_changed, enum_value_removed, enum_restricted,
// field_became_required, nullable_removed, constraint_tightened,
// trigger_removed, toolkit_removed, webhook_setup_required, and, in a
// toolkit's webhook endpoint setup fields, required_field_added,
// field_removed and field_became_required.
//
// Breaking for consumers (audience "consumers"): field_removed,
// type_changed, nullable_added, field_became_optional.
//
// Additive: toolkit_added, trigger_added, field_added (optional config
// field, any payload field), enum_value_added, field_became_optional
// (config), field_became_required (payload), nullable_added (config),
// nullable_removed (payload), constraint_loosened (config),
// constraint_tightened (payload).
//
// Info: toolkit_version_changed, trigger_kind_changed, default_changed,
// enum_value_removed (payload), webhook_setup_required when it became false,
// constraint_loosened (payload), format_changed.
// Descriptions, titles and examples are ignored.
//
// # Constraint keywords
//
// A validation keyword is tightened when a value valid before may now be
// rejected, loosened when every value valid before still is. Tightening can
// reject an existing config (breaking for callers) and only strengthens what
// consumers receive (additive); loosening is additive for callers and info
// for consumers, whose code may have relied on the old bound (a buffer sized
// by maxLength, a parser assuming a pattern). Their generated types do not
// change, which is why it is info and not breaking.
//
//	keyword                              constraint_tightened when     constraint_loosened when
//	minimum, exclusiveMinimum            added or raised               removed or lowered
//	maximum, exclusiveMaximum            added or lowered              removed or raised
//	minLength, minItems, minProperties   added or raised               removed or lowered
//	maxLength, maxItems, maxProperties   added or lowered              removed or raised
//	pattern                              added or changed              removed
//	uniqueItems                          became true                   no longer true
//	additionalProperties                 became false                  no longer false
//
//	                                     config (callers)              payload (consumers)
//	constraint_tightened                 breaking                      additive
//	constraint_loosened                  additive                      info
//	format_changed (added, changed,      info                          info
//	removed; an annotation in 2020-12)
//
// const is read as a one-value enum and classified as one: const added is
// enum_restricted, const changed is enum_value_removed plus enum_value_added.
// enum keeps its own rows above (a payload enum value added is additive, as
// it adds a generated constant). allOf branches are merged with the strictest
// bound winning; the draft-4 boolean exclusiveMinimum/exclusiveMaximum is
// read as the 2020-12 keyword. The pointer of a constraint change is the
// keyword's location in the new schema (where it would be, when removed), and
// the message gives the old and new values: `config field "repo": maxLength
// lowered 100 → 50`, `payload field "id": pattern removed "^[0-9]+$" →
// (none)`.
//
// # JSON output
//
// WriteJSON writes one object; its field names are stable:
//
//	{
//	  "breaking": true,                      // any change with severity "breaking"
//	  "counts": {"breaking": 1, "additive": 2, "info": 0},
//	  "toolkits": [ {                        // every toolkit of either lock, by slug
//	    "slug": "github",
//	    "status": "changed",                 // added | removed | changed | unchanged
//	    "old_version": "…", "new_version": "…",
//	    "old_sha256": "…", "new_sha256": "…",
//	    "triggers_added": [], "triggers_removed": [],
//	    "triggers_changed": ["GITHUB_COMMIT_EVENT"]   // stored object differs
//	  } ],
//	  "changes": [ {
//	    "toolkit": "github",
//	    "trigger": "GITHUB_COMMIT_EVENT",    // "" for toolkit-level changes
//	    "schema": "config",                  // config | payload | webhook_endpoint_schema | ""
//	    "pointer": "/config/properties/branch", // JSON pointer into the trigger-type object
//	                                         // (or the webhook endpoint schema)
//	    "field": "branch",                   // instance path: a.b, items as a[], maps as a{}
//	    "kind": "required_field_added",
//	    "severity": "breaking",              // breaking | additive | info
//	    "audience": "callers",               // callers | consumers | ""
//	    "message": "config field \"branch\" added as required (string)"
//	  } ]
//	}
package schemadiff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"

	"github.com/triggergen/triggergen/internal/jsonpointer"
	"github.com/triggergen/triggergen/lockfile"
)

// Severity says whether a change breaks someone.
type Severity string

// Severities.
const (
	Breaking Severity = "breaking"
	Additive Severity = "additive"
	Info     Severity = "info"
)

// Audience is who a change affects: callers write configs, consumers read
// payloads.
type Audience string

// Audiences.
const (
	Callers   Audience = "callers"
	Consumers Audience = "consumers"
)

// Kind names what changed.
type Kind string

// Kinds of change.
const (
	ToolkitAdded          Kind = "toolkit_added"
	ToolkitRemoved        Kind = "toolkit_removed"
	ToolkitVersionChanged Kind = "toolkit_version_changed"
	TriggerAdded          Kind = "trigger_added"
	TriggerRemoved        Kind = "trigger_removed"
	TriggerKindChanged    Kind = "trigger_kind_changed"
	WebhookSetupRequired  Kind = "webhook_setup_required"
	RequiredFieldAdded    Kind = "required_field_added"
	FieldAdded            Kind = "field_added"
	FieldRemoved          Kind = "field_removed"
	FieldBecameRequired   Kind = "field_became_required"
	FieldBecameOptional   Kind = "field_became_optional"
	TypeChanged           Kind = "type_changed"
	NullableAdded         Kind = "nullable_added"
	NullableRemoved       Kind = "nullable_removed"
	EnumValueAdded        Kind = "enum_value_added"
	EnumValueRemoved      Kind = "enum_value_removed"
	EnumRestricted        Kind = "enum_restricted"
	DefaultChanged        Kind = "default_changed"
	ConstraintTightened   Kind = "constraint_tightened"
	ConstraintLoosened    Kind = "constraint_loosened"
	FormatChanged         Kind = "format_changed"
)

// Schema names which part of a trigger type changed.
const (
	SchemaConfig  = "config"
	SchemaPayload = "payload"
	SchemaSetup   = "webhook_endpoint_schema"
)

// Change is one classified difference.
type Change struct {
	Toolkit  string   `json:"toolkit"`
	Trigger  string   `json:"trigger"`
	Schema   string   `json:"schema"`
	Pointer  string   `json:"pointer"`
	Field    string   `json:"field"`
	Kind     Kind     `json:"kind"`
	Severity Severity `json:"severity"`
	Audience Audience `json:"audience"`
	Message  string   `json:"message"`
}

// ToolkitDiff summarizes one toolkit.
type ToolkitDiff struct {
	Slug            string   `json:"slug"`
	Status          string   `json:"status"`
	OldVersion      string   `json:"old_version"`
	NewVersion      string   `json:"new_version"`
	OldSHA256       string   `json:"old_sha256"`
	NewSHA256       string   `json:"new_sha256"`
	TriggersAdded   []string `json:"triggers_added"`
	TriggersRemoved []string `json:"triggers_removed"`
	TriggersChanged []string `json:"triggers_changed"`
}

// Toolkit statuses.
const (
	StatusAdded     = "added"
	StatusRemoved   = "removed"
	StatusChanged   = "changed"
	StatusUnchanged = "unchanged"
)

// Report is the result of Compare.
type Report struct {
	Toolkits []ToolkitDiff
	Changes  []Change
}

// Breaking reports whether any change is breaking.
func (r *Report) Breaking() bool { return r.Count(Breaking) > 0 }

// Count returns the number of changes of severity s.
func (r *Report) Count(s Severity) int {
	n := 0
	for _, c := range r.Changes {
		if c.Severity == s {
			n++
		}
	}
	return n
}

// Compare diffs two locks. Either may be empty (no toolkits).
func Compare(old, new *lockfile.Lock) *Report {
	r := &Report{Toolkits: []ToolkitDiff{}, Changes: []Change{}}
	olds, news := toolkitMap(old), toolkitMap(new)
	slugs := unionKeys(olds, news)
	for _, slug := range slugs {
		o, n := olds[slug], news[slug]
		td := ToolkitDiff{Slug: slug, TriggersAdded: []string{}, TriggersRemoved: []string{}, TriggersChanged: []string{}}
		if o != nil {
			td.OldVersion, td.OldSHA256 = o.Version, o.Digest()
		}
		if n != nil {
			td.NewVersion, td.NewSHA256 = n.Version, n.Digest()
		}
		c := &collector{r: r, toolkit: slug}
		switch {
		case o == nil:
			td.Status = StatusAdded
			for _, tt := range n.TriggerTypes {
				td.TriggersAdded = append(td.TriggersAdded, tt.Slug)
			}
			c.add(Change{Kind: ToolkitAdded, Severity: Additive,
				Message: fmt.Sprintf("toolkit %s added (%s)", slug, plural(len(n.TriggerTypes), "trigger type"))})
		case n == nil:
			td.Status = StatusRemoved
			for _, tt := range o.TriggerTypes {
				td.TriggersRemoved = append(td.TriggersRemoved, tt.Slug)
			}
			c.add(Change{Kind: ToolkitRemoved, Severity: Breaking, Audience: Callers,
				Message: fmt.Sprintf("toolkit %s removed (%s)", slug, plural(len(o.TriggerTypes), "trigger type"))})
		default:
			compareToolkit(c, &td, o, n)
			td.Status = StatusUnchanged
			if td.OldSHA256 != td.NewSHA256 {
				td.Status = StatusChanged
			}
		}
		slices.Sort(td.TriggersAdded)
		slices.Sort(td.TriggersRemoved)
		r.Toolkits = append(r.Toolkits, td)
	}
	return r
}

func toolkitMap(l *lockfile.Lock) map[string]*lockfile.Toolkit {
	m := map[string]*lockfile.Toolkit{}
	if l != nil {
		for _, tk := range l.Toolkits {
			m[tk.Slug] = tk
		}
	}
	return m
}

func unionKeys[V any](a, b map[string]V) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range []map[string]V{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// collector appends changes with the current toolkit and trigger filled in.
type collector struct {
	r       *Report
	toolkit string
	trigger string
}

func (c *collector) add(ch Change) {
	ch.Toolkit, ch.Trigger = c.toolkit, c.trigger
	c.r.Changes = append(c.r.Changes, ch)
}

func compareToolkit(c *collector, td *ToolkitDiff, o, n *lockfile.Toolkit) {
	if o.Version != n.Version {
		c.add(Change{Kind: ToolkitVersionChanged, Severity: Info,
			Message: fmt.Sprintf("toolkit version %s → %s", orNone(o.Version), orNone(n.Version))})
	}
	compareSetup(c, o.WebhookEndpointSchema, n.WebhookEndpointSchema)
	olds, news := map[string]*lockfile.TriggerType{}, map[string]*lockfile.TriggerType{}
	for _, tt := range o.TriggerTypes {
		olds[tt.Slug] = tt
	}
	for _, tt := range n.TriggerTypes {
		news[tt.Slug] = tt
	}
	for _, slug := range unionKeys(olds, news) {
		ot, nt := olds[slug], news[slug]
		tc := &collector{r: c.r, toolkit: c.toolkit, trigger: slug}
		switch {
		case ot == nil:
			td.TriggersAdded = append(td.TriggersAdded, slug)
			tc.add(Change{Kind: TriggerAdded, Severity: Additive,
				Message: fmt.Sprintf("trigger type %s added", slug)})
		case nt == nil:
			td.TriggersRemoved = append(td.TriggersRemoved, slug)
			tc.add(Change{Kind: TriggerRemoved, Severity: Breaking, Audience: Callers,
				Message: fmt.Sprintf("trigger type %s removed", slug)})
		default:
			if !bytes.Equal(ot.Raw, nt.Raw) {
				td.TriggersChanged = append(td.TriggersChanged, slug)
			}
			compareTrigger(tc, ot, nt)
		}
	}
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func compareTrigger(c *collector, o, n *lockfile.TriggerType) {
	if kindOf(o) != kindOf(n) {
		c.add(Change{Pointer: "/type", Kind: TriggerKindChanged, Severity: Info,
			Message: fmt.Sprintf("trigger kind changed from %s to %s", kindOf(o), kindOf(n))})
	}
	if o.RequiresWebhookEndpointSetup != n.RequiresWebhookEndpointSetup {
		ch := Change{Pointer: "/requires_webhook_endpoint_setup", Kind: WebhookSetupRequired}
		if n.RequiresWebhookEndpointSetup {
			ch.Severity, ch.Audience = Breaking, Callers
			ch.Message = "now requires webhook endpoint setup"
		} else {
			ch.Severity = Info
			ch.Message = "no longer requires webhook endpoint setup"
		}
		c.add(ch)
	}
	for _, part := range []struct {
		name     string
		old, new json.RawMessage
		audience Audience
	}{
		{SchemaConfig, o.Config, n.Config, Callers},
		{SchemaPayload, o.Payload, n.Payload, Consumers},
	} {
		w := &walker{c: c, schema: part.name, audience: part.audience, visited: map[string]bool{},
			oldRoot: decode(part.old), newRoot: decode(part.new)}
		base := "/" + part.name
		w.compare(w.view(w.oldRoot, base, w.oldRoot), w.view(w.newRoot, base, w.newRoot), "")
	}
}

func kindOf(tt *lockfile.TriggerType) string {
	if tt.Type == "" {
		return "webhook"
	}
	return tt.Type
}

func decode(raw json.RawMessage) any {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return nil
	}
	return v
}

// canonical is v as compact JSON with sorted keys, for comparing values.
func canonical(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// setupField is one field of a webhook endpoint schema's setup_fields.
type setupField struct {
	Required bool `json:"is_required"`
	Secret   bool `json:"is_secret"`
}

func setupFields(raw json.RawMessage) (map[string]setupField, []string) {
	var s struct {
		SetupFields map[string]setupField `json:"setup_fields"`
	}
	_ = json.Unmarshal(raw, &s)
	keys := make([]string, 0, len(s.SetupFields))
	for k := range s.SetupFields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return s.SetupFields, keys
}

// compareSetup diffs the toolkit's webhook endpoint setup fields; callers
// supply them when they create the endpoint.
func compareSetup(c *collector, o, n json.RawMessage) {
	of, _ := setupFields(o)
	nf, _ := setupFields(n)
	for _, name := range unionKeys(of, nf) {
		ofld, inOld := of[name]
		nfld, inNew := nf[name]
		ch := Change{Schema: SchemaSetup, Pointer: "/setup_fields/" + jsonpointer.Escape(name), Field: name, Audience: Callers}
		label := fmt.Sprintf("webhook setup field %q", name)
		switch {
		case !inOld && nfld.Required:
			ch.Kind, ch.Severity, ch.Message = RequiredFieldAdded, Breaking, label+" added as required"
		case !inOld:
			ch.Kind, ch.Severity, ch.Message = FieldAdded, Additive, label+" added (optional)"
		case !inNew:
			ch.Kind, ch.Severity, ch.Message = FieldRemoved, Breaking, label+" removed"
		case !ofld.Required && nfld.Required:
			ch.Pointer += "/is_required"
			ch.Kind, ch.Severity, ch.Message = FieldBecameRequired, Breaking, label+" became required"
		case ofld.Required && !nfld.Required:
			ch.Pointer += "/is_required"
			ch.Kind, ch.Severity, ch.Message = FieldBecameOptional, Additive, label+" became optional"
		default:
			continue
		}
		c.add(ch)
	}
}
