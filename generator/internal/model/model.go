// Package model is the generator's typed IR: toolkit packages, triggers,
// named types, fields and their constraints, with every Go name decided.
// Build turns a lock into it; the emitter only renders it.
package model

import (
	"math/big"

	"github.com/triggergen/triggergen/generator/internal/naming"
)

// Package is one generated Go package (one toolkit).
type Package struct {
	Toolkit    string // toolkit slug
	Name       string // Go package name
	Dir        string // directory relative to the output root
	ImportPath string
	Version    string
	Triggers   []*Trigger // sorted by slug
	Types      []*Named   // every named type, in a deterministic order
	Patterns   []*Pattern // compiled regular expressions, sorted by source
	Creds      *Credentials
	// Ptr is the toolkit's JSON pointer in the lock.
	Ptr string
}

// Trigger is one trigger type.
type Trigger struct {
	Slug, Name, Description, Instructions string
	Kind                                  string // "webhook" or "poll"
	RequiresSetup                         bool
	Version                               string
	Base                                  string // Go base name, e.g. "CommitEvent"
	File                                  string // e.g. "commit_event.gen.go"
	SlugConst                             string // e.g. "CommitEventSlug"
	OnFunc                                string // e.g. "OnCommitEvent"
	Config, Payload                       *Named
	Ptr                                   string // JSON pointer in the lock

	baseCand, slugCand, onCand *naming.Candidate
	stem                       string
}

// NamedKind is what a named type is.
type NamedKind int

const (
	Struct NamedKind = iota // a struct with fields
	Enum                    // a string type with constants
	Union                   // a struct keeping raw JSON, with typed accessors
	RawMap                  // map[string]json.RawMessage (a payload without properties)
)

// Named is a named Go type.
type Named struct {
	Kind       NamedKind
	Name       string
	Key        string // rename and ordering key, e.g. "GITHUB_X#/payload/properties/topic"
	Doc        string
	Deprecated bool
	File       string

	Fields   []*Field     // Struct
	Values   []*EnumValue // Enum
	Variants []*Variant   // Union
	OneOf    bool         // Union: exactly one variant must match

	// Role is "config" or "payload" for a trigger's root types, else "".
	Role    string
	Trigger *Trigger
	// Validated is set when the type is reachable from a config: it gets a
	// validate method when it has anything to check, and a struct decodes
	// strictly (missing required keys and forbidden nulls are errors).
	// Payload types are never Validated and decode tolerantly.
	Validated bool
	// NullOK is set on a config root whose schema allows JSON null.
	NullOK bool
	// Closed is set on a struct whose schema allows no properties beyond
	// its own (additionalProperties: false): its strict decoder rejects
	// unknown keys.
	Closed bool
	// Library is set on the types of a config that Validate checks with
	// santhosh-tekuri/jsonschema (see native.go): they have no validate
	// method, and a struct keeps the members it has no field for (and
	// explicit nulls of optional fields) to write them back, so that the
	// library judges the instance that was decoded.
	Library bool
	// LibraryReason says, on a library config's root, what the native
	// checks do not cover ("not at #/properties/v").
	LibraryReason string
	// Schema is a library config's schema, compact JSON, and SchemaVar the
	// package variable holding its compiled form.
	Schema    []byte
	SchemaVar string
	// SchemaURL is the URL the schema was compiled under (its references
	// resolve against it).
	SchemaURL string

	users      map[*Trigger]bool
	cand       *naming.Candidate
	weak       bool   // the wanted name comes from a title or $defs key
	strongWant string // fallback when a weak name is ambiguous
	fullWant   string // a weak name before shortening, the fallback for a collision
	roleFree   string // Enum: the name without Config/Payload, when shared by both
	part       string // "config" or "payload": where the type was first made
	checks     int    // memo for HasChecks: 0 unknown, 1 no, 2 yes, 3 in progress
	// nullVariant: a union variant accepts null.
	nullVariant bool
}

// Field is one struct field.
type Field struct {
	Name string
	JSON string
	Key  string
	// Doc is the property's description (Markdown), or its title.
	Doc string
	// Examples are the schema's examples, as JSON.
	Examples   []string
	Type       *Type
	Required   bool
	Nullable   bool
	Deprecated bool
	// Default is the schema's default (json.Number for numbers); HasDefault
	// tells a null default from none.
	Default    any
	HasDefault bool
	// DefaultConst names the package constant holding Default ("" if none).
	DefaultConst string
	// Cycle marks a required struct field made a pointer to break a cycle,
	// or to bound the size of the struct holding it.
	Cycle bool
	// Getter names the nil-safe getter of a payload struct's pointer field
	// ("GetBotID"), or is "".
	Getter string
	// KeepNull marks an optional nullable field of a library config whose
	// Go type cannot hold null itself: a null read is kept beside the
	// struct's unknown members and written back while the field is unset.
	KeepNull bool

	cand    *naming.Candidate
	defCand *naming.Candidate
}

// EnumValue is one constant of an enum.
type EnumValue struct {
	Name  string
	Value string
	cand  *naming.Candidate
}

// Variant is one member of a union.
type Variant struct {
	// Name is the accessor suffix: "String", "Int", "Float", "Bool", "Array",
	// "Object", or a named type's name.
	Name     string
	Type     *Type
	JSONKind string // JSON Schema type the variant accepts ("" = any)
	// Ctor names the constructor of the union from this variant
	// (NewValueString).
	Ctor string
	ctor *naming.Candidate
}

// Kind is the shape of a Go type.
type Kind int

const (
	Bool     Kind = iota
	Int           // int64
	Float         // float64
	String        // string
	DateTime      // trigger.DateTime
	Date          // trigger.Date
	Raw           // json.RawMessage: any JSON value
	Object        // map[string]json.RawMessage: a free-form object
	Map           // map[string]Elem
	Slice         // []Elem
	Ref           // a Named type
)

// Type is a Go type with the JSON Schema constraints on its values.
type Type struct {
	Kind Kind
	Elem *Type
	// ElemNullable: elements (or map values) may be null.
	ElemNullable bool
	Named        *Named
	C            Constraints
}

// Constraints are the validation keywords that apply to a value.
type Constraints struct {
	MinLength, MaxLength *int
	Pattern              *Pattern
	Minimum, Maximum     *big.Rat
	ExclusiveMinimum     *big.Rat
	ExclusiveMaximum     *big.Rat
	MultipleOf           *big.Rat
	MinItems, MaxItems   *int
	UniqueItems          bool
	MinProps, MaxProps   *int
	// Enum lists allowed values of a non-string enum (json.Number, bool,
	// string); string enums are Named Enum types instead.
	Enum []any
	// Const is the required value (json.Number, bool, string), when set.
	Const    any
	HasConst bool
	// Kinds, on a Raw value, lists the JSON types it may have ("null" for
	// {"type": "null"}); empty means any.
	Kinds []string
	// Never, when set, says why no value can be valid (a const or enum
	// that the type contradicts): the check always fails with it.
	Never string
}

// Pattern is a package-level compiled regular expression.
type Pattern struct {
	Source string
	Var    string
}

// Credentials is a toolkit's webhook endpoint setup fields.
type Credentials struct {
	// Type is the full set (replace), Update the partial update (merge).
	Type, Update string
	Fields       []*CredField
	File         string
}

// CredField is one setup field.
type CredField struct {
	Key         string // the wire name
	Name        string // Go field name, in both types
	DisplayName string
	Description string
	Required    bool
	Secret      bool
}

// Nilable reports whether the Go type has its own "absent" value (nil or an
// IsZero method), so that an optional field needs no pointer.
func (t *Type) Nilable() bool {
	switch t.Kind {
	case Raw, Object, Map, Slice, DateTime, Date:
		return true
	case Ref:
		return t.Named.Kind == Union || t.Named.Kind == RawMap
	}
	return false
}

// Pointer reports whether the field is a Go pointer. This is the one place
// where optionality becomes Go: an optional or nullable field is a pointer,
// unless its type has its own absent value (slices, maps, raw JSON, unions,
// dates); a required struct field in a cycle is a pointer too.
func (f *Field) Pointer() bool {
	if f.Cycle {
		return true
	}
	return !f.Type.Nilable() && (!f.Required || f.Nullable)
}

// Omit returns the json tag option for the field: "omitempty" for optional
// pointers, "omitzero" for optional nilable types (so an explicit empty
// slice or map is still sent), "" for required fields.
func (f *Field) Omit() string {
	if f.Required {
		return ""
	}
	if f.Pointer() {
		return "omitempty"
	}
	return "omitzero"
}

// ElemPointer reports whether slice elements or map values are pointers.
func (t *Type) ElemPointer() bool { return t.ElemNullable && !t.Elem.Nilable() }

// HasChecks reports whether validating a value of the type can fail (given
// the value is present).
func (t *Type) HasChecks() bool {
	c := &t.C
	if c.MinLength != nil || c.MaxLength != nil || c.Pattern != nil || c.Minimum != nil || c.Maximum != nil ||
		c.ExclusiveMinimum != nil || c.ExclusiveMaximum != nil || c.MultipleOf != nil || c.MinItems != nil ||
		c.MaxItems != nil || c.UniqueItems || c.MinProps != nil || c.MaxProps != nil || len(c.Enum) > 0 || c.HasConst || len(c.Kinds) > 0 || c.Never != "" {
		return true
	}
	switch t.Kind {
	case Slice, Map:
		if !t.ElemNullable && t.Elem.Nilable() && t.Elem.Kind != Raw {
			return true // a null element is invalid
		}
		return t.Elem.HasChecks()
	case Ref:
		return t.Named.HasChecks()
	}
	return false
}

// HasChecks reports whether the named type needs a validate method.
func (n *Named) HasChecks() bool {
	if n.Library {
		return false
	}
	switch n.checks {
	case 1:
		return false
	case 2:
		return true
	case 3:
		return false // a cycle adds nothing new
	}
	n.checks = 3
	res := false
	switch n.Kind {
	case Enum, Union:
		res = true
	case Struct:
		for _, f := range n.Fields {
			if f.Required && !f.Nullable && (f.Type.Nilable() || f.Cycle) && f.Type.Kind != Raw || f.Type.HasChecks() {
				res = true
			}
		}
	}
	if res {
		n.checks = 2
	} else {
		n.checks = 1
	}
	return res
}
