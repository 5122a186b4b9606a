package webhook

import (
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// UnknownFieldsError reports, in strict mode, the payload fields the generated
// type does not declare. A PayloadError wraps it.
type UnknownFieldsError struct {
	// Paths are the fields' JSON pointers (RFC 6901) in the payload
	// (Event.Data), sorted by key at each level, e.g. "/repository/topics"
	// or "/commits/1/verified".
	Paths []string
}

func (e *UnknownFieldsError) Error() string {
	q := make([]string, len(e.Paths))
	for i, p := range e.Paths {
		q[i] = strconv.Quote(p)
	}
	return "unknown " + plural(len(q), "field ", "fields ") + strings.Join(q, ", ")
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// unknownFields returns the paths of the object members in data that
// encoding/json would not store into a value of type t, matching names the
// way encoding/json does (exact, then case-insensitive).
func unknownFields(data []byte, t reflect.Type) []string {
	var v any
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return nil
	}
	var out []string
	walkUnknown(v, t, "", &out)
	return out
}

func walkUnknown(v any, t reflect.Type, path string, out *[]string) {
	for t.Kind() == reflect.Pointer {
		if t.Implements(jsonUnmarshaler) || t.Implements(textUnmarshaler) {
			return
		}
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler) {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return
		}
		fields := structFields(t)
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			f, ok := fields.lookup(k)
			p := path + "/" + escapePointer(k)
			if !ok {
				*out = append(*out, p)
				continue
			}
			walkUnknown(obj[k], f, p, out)
		}
	case reflect.Slice, reflect.Array:
		arr, ok := v.([]any)
		if !ok {
			return
		}
		for i, e := range arr {
			walkUnknown(e, t.Elem(), path+"/"+strconv.Itoa(i), out)
		}
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			return
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			walkUnknown(obj[k], t.Elem(), path+"/"+escapePointer(k), out)
		}
	}
}

// pointerEscaper escapes a key as a JSON pointer reference token.
var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

func escapePointer(key string) string { return pointerEscaper.Replace(key) }

type fieldSet struct {
	exact map[string]reflect.Type
	names []string
}

func (s fieldSet) lookup(k string) (reflect.Type, bool) {
	if t, ok := s.exact[k]; ok {
		return t, true
	}
	for _, n := range s.names {
		if strings.EqualFold(n, k) {
			return s.exact[n], true
		}
	}
	return nil, false
}

// structFields lists the JSON names of t's fields, with embedded structs'
// fields promoted (shallower fields win, as in encoding/json).
func structFields(t reflect.Type) fieldSet {
	s := fieldSet{exact: map[string]reflect.Type{}}
	var add func(t reflect.Type, seen map[reflect.Type]bool)
	add = func(t reflect.Type, seen map[reflect.Type]bool) {
		if seen[t] {
			return
		}
		seen[t] = true
		var embedded []reflect.Type
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" {
				et := f.Type
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if et.Kind() == reflect.Struct {
					embedded = append(embedded, et)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if _, dup := s.exact[name]; !dup {
				s.exact[name] = f.Type
				s.names = append(s.names, name)
			}
		}
		for _, et := range embedded {
			add(et, seen)
		}
	}
	add(t, map[reflect.Type]bool{})
	return s
}
