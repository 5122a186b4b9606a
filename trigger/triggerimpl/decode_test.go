package triggerimpl

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/triggergen/triggergen/trigger"
)

// sample is decoded the way generated code decodes a struct:
//
//	{"name": string (required), "n": integer, "tags": [string], "sub": {"x": number (required)}, "opt": string|null}
type sample struct {
	Name string
	N    *int64
	Tags []string
	Sub  *sub
	Opt  *string
}

type sub struct{ X float64 }

func (x *sample) decode(d *Decoder, closed bool) {
	*x = sample{}
	if !d.Object() {
		return
	}
	var seen [1]bool
	for d.Member() {
		switch string(d.Key()) {
		case "name":
			seen[0] = true
			x.Name = d.String()
		case "n":
			x.N = d.IntPtr()
		case "tags":
			x.Tags = nil
			if d.Array() {
				x.Tags = []string{}
				for d.Elem() {
					x.Tags = append(x.Tags, d.String())
				}
			}
		case "sub":
			x.Sub = nil
			if !d.Null() {
				x.Sub = new(sub)
				x.Sub.decode(d)
			}
		case "opt":
			x.Opt = nil
			if !d.Null() {
				x.Opt = d.StringPtr()
			}
		default:
			if closed {
				d.Unknown()
			} else {
				d.Skip()
			}
		}
	}
	if !seen[0] {
		d.Missing("name")
	}
}

func (x *sub) decode(d *Decoder) {
	*x = sub{}
	if !d.Object() {
		return
	}
	var seen [1]bool
	for d.Member() {
		switch string(d.Key()) {
		case "x":
			seen[0] = true
			x.X = d.Float()
		default:
			d.Skip()
		}
	}
	if !seen[0] {
		d.Missing("x")
	}
}

func decodeSample(in string, strict, closed bool) (sample, error) {
	var x sample
	d := NewDecoder([]byte(in))
	if !strict {
		d = NewTolerantDecoder([]byte(in), "sample")
	}
	x.decode(&d, closed)
	return x, d.Finish()
}

func paths(err error) string {
	var ve trigger.ValidationErrors
	if !errors.As(err, &ve) {
		return fmt.Sprint(err)
	}
	var out []string
	for _, e := range ve {
		out = append(out, e.Path+" "+e.Keyword)
	}
	return strings.Join(out, "; ")
}

func TestDecoderStrict(t *testing.T) {
	for _, c := range []struct{ in, want, errs string }{
		{`{"name":"a"}`, `{a <nil> [] <nil> <nil>}`, ``},
		{` { "name" : "a\u00e9" , "n" : 1.0e1 , "tags" : [ "x" , "y" ] } `, `{aé 10 [x y] <nil> <nil>}`, ``},
		{`{"name":"a","n":-0}`, `{a 0 [] <nil> <nil>}`, ``},
		{`{"name":"a","n":100e-2}`, `{a 1 [] <nil> <nil>}`, ``},
		{`{"name":"a","tags":[]}`, `{a <nil> [] <nil> <nil>}`, ``},
		// Exact keys: a case variant is another (unknown) key.
		{`{"name":"a","NAME":"b","Name":7}`, `{a <nil> [] <nil> <nil>}`, ``},
		{`{"NAME":"b"}`, `{ <nil> [] <nil> <nil>}`, `/name required`},
		// The last of repeated keys wins, errors of the earlier one are dropped.
		{`{"name":null,"name":"b"}`, `{b <nil> [] <nil> <nil>}`, ``},
		{`{"name":"a","name":null}`, `{ <nil> [] <nil> <nil>}`, `/name type`},
		{`{"name":"a","sub":{},"sub":{"x":1}}`, `{a <nil> [] 1 <nil>}`, ``},
		{`{"name":"a","sub":{"x":1},"sub":{}}`, `{a <nil> [] <nil> <nil>}`, `/sub/x required`},
		{`{"name":"a","tags":[1],"tags":["x"]}`, `{a <nil> [x] <nil> <nil>}`, ``},
		// Integers: a fraction, and beyond int64.
		{`{"name":"a","n":1.5}`, ``, `/n type`},
		{`{"name":"a","n":9223372036854775807}`, `{a 9223372036854775807 [] <nil> <nil>}`, ``},
		{`{"name":"a","n":-9223372036854775808}`, `{a -9223372036854775808 [] <nil> <nil>}`, ``},
		{`{"name":"a","n":9223372036854775808}`, ``, `/n type`},
		{`{"name":"a","n":1e19}`, ``, `/n type`},
		{`{"name":"a","n":1e400}`, ``, `/n type`},
		{`{"name":"a","sub":{"x":1e400}}`, ``, `/sub/x type`},
		{`{"name":"a","sub":{"x":-1.7e308}}`, `{a <nil> [] -1.7e+308 <nil>}`, ``},
		// Nulls and types.
		{`null`, ``, ` type`},
		{`[]`, ``, ` type`},
		{`{"name":"a","n":null,"opt":null,"sub":null}`, ``, `/n type`},
		{`{"name":"a","tags":[null,1,"x"]}`, ``, `/tags/0 type; /tags/1 type`},
		{`{"name":"a","sub":{"x":"1"}}`, ``, `/sub/x type`},
		{`{"name":1,"sub":{}}`, ``, `/name type; /sub/x required`},
		// Escaped keys match; pointers escape ~ and /.
		{`{"n\u0061me":"a"}`, `{a <nil> [] <nil> <nil>}`, ``},
	} {
		x, err := decodeSample(c.in, true, false)
		if got := paths(err); got != c.errs && !(c.errs == "" && err == nil) {
			t.Errorf("%s: errors %q, want %q", c.in, got, c.errs)
		}
		if c.want != "" && err == nil {
			if got := show(x); got != c.want {
				t.Errorf("%s: got %s, want %s", c.in, got, c.want)
			}
		}
	}
}

func show(x sample) string {
	s := fmt.Sprintf("{%s ", x.Name)
	if x.N != nil {
		s += fmt.Sprint(*x.N)
	} else {
		s += "<nil>"
	}
	s += fmt.Sprintf(" %v ", x.Tags)
	if x.Sub != nil {
		s += fmt.Sprint(x.Sub.X)
	} else {
		s += "<nil>"
	}
	if x.Opt != nil {
		s += " " + *x.Opt + "}"
	} else {
		s += " <nil>}"
	}
	return s
}

func TestDecoderUnknownAndPaths(t *testing.T) {
	_, err := decodeSample(`{"name":"a","a/b~c":1,"Name":2}`, true, true)
	if got := paths(err); got != "/a~1b~0c additionalProperties; /Name additionalProperties" {
		t.Errorf("unknown keys: %s", got)
	}
	// A repeated unknown key is reported once.
	_, err = decodeSample(`{"name":"a","z":1,"z":2}`, true, true)
	if got := paths(err); got != "/z additionalProperties" {
		t.Errorf("repeated unknown key: %s", got)
	}
	if _, err := decodeSample(`{"name":"a","z":1}`, false, true); err != nil {
		t.Errorf("tolerant decoders ignore unknown keys: %v", err)
	}
}

func TestDecoderTolerant(t *testing.T) {
	x, err := decodeSample(`{"name":null,"n":null,"tags":null,"sub":{"x":null}}`, false, false)
	if err != nil || show(x) != "{ <nil> [] 0 <nil>}" {
		t.Errorf("nulls: %s %v", show(x), err)
	}
	_, err = decodeSample(`{"name":"a","tags":["x",2],"n":"3"}`, false, false)
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) || te.Field != "tags.1" || te.Value != "number" || te.Type != reflect.TypeFor[string]() {
		t.Errorf("type error: %#v", err)
	}
	_, err = decodeSample(`{"n":1.5}`, false, false)
	if !errors.As(err, &te) || te.Field != "n" || te.Value != "number 1.5" {
		t.Errorf("fraction: %#v", err)
	}
}

func TestDecoderSyntax(t *testing.T) {
	for _, in := range []string{``, `{`, `{"name":"a"`, `{"name":"a",}`, `{"name" "a"}`, `{"name":"a"} x`, `{"tags":[1,]}`, `{"tags":[,1]}`,
		`{"sub":{"x":1}`, `{"x":tru}`, `{"x":[}`, `{"name":"\x"}`, "{\"name\":\"\x01\"}", `{"n":01}`, `{"n":-}`, `{"x":{"y":[1 2]}}`,
		strings.Repeat(`{"x":`, 10001) + "1" + strings.Repeat("}", 10001)} {
		_, err := decodeSample(in, true, false)
		var se *json.SyntaxError
		var want any
		wantErr := json.Unmarshal([]byte(in), &want)
		if !errors.As(err, &se) || err.Error() != wantErr.Error() {
			t.Errorf("%.30q: %v, want %v", in, err, wantErr)
		}
	}
}

// FuzzDecoder decodes anything with the sample decoder, strict and tolerant:
// it never panics, reports a syntax error exactly when encoding/json does,
// and otherwise agrees with a reference built on encoding/json.
func FuzzDecoder(f *testing.F) {
	for _, s := range []string{`{"name":"a","n":1,"tags":["x"],"sub":{"x":1.5},"opt":"o"}`, `{"name":null,"name":"b"}`, `{"n":1e2,"N":1}`, `[1]`, `{"sub":{"x":"1"}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, strict := range []bool{true, false} {
			var x sample
			d := NewDecoder(b)
			if !strict {
				d = NewTolerantDecoder(b, "sample")
			}
			x.decode(&d, false)
			err := d.Finish()
			var se *json.SyntaxError
			if errors.As(err, &se) != !json.Valid(b) {
				t.Fatalf("%q: %v, but json.Valid says %v", b, err, json.Valid(b))
			}
		}
	})
}

func TestParseInt(t *testing.T) {
	for _, c := range []string{"0", "-0", "1", "-1", "12", "1.0", "1.50", "1.5", "1e2", "1E+2", "1e-2", "100e-2", "150e-2", "0.0e5", "0e-99999999999999",
		"9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "18446744073709551615", "18446744073709551616",
		"99999999999999999999", "922337203685477580.7e1", "9.223372036854775807e18", "9.223372036854775808e18", "1e18", "1e19", "1e400", "1e-400",
		"123456789012345678901234567890e-10", "0.000000000000000000000000000001e30", "5e-1", "-5.0e0"} {
		v, st := ParseInt([]byte(c))
		r, _ := new(big.Rat).SetString(c)
		switch {
		case !r.IsInt():
			if st != intFraction {
				t.Errorf("%s: status %d, want fraction", c, st)
			}
		case !r.Num().IsInt64():
			if st != intRange {
				t.Errorf("%s: status %d, want range", c, st)
			}
		case st != intOK || v != r.Num().Int64():
			t.Errorf("%s: %d %d, want %s", c, v, st, r.Num())
		}
	}
}

func FuzzParseInt(f *testing.F) {
	for _, s := range []string{"1", "1.0", "1e2", "-9223372036854775808", "1.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 100 || strings.ContainsAny(s, " \t\r\n") || !json.Valid([]byte(s)) || s[0] != '-' && (s[0] < '0' || s[0] > '9') {
			return
		}
		v, st := ParseInt([]byte(s))
		r, ok := new(big.Rat).SetString(s)
		if !ok {
			return // an exponent beyond what big.Rat takes
		}
		switch {
		case !r.IsInt():
			if st != intFraction {
				t.Fatalf("%s: status %d, want fraction", s, st)
			}
		case !r.Num().IsInt64():
			if st != intRange {
				t.Fatalf("%s: status %d, want range", s, st)
			}
		case st != intOK || v != r.Num().Int64():
			t.Fatalf("%s: %d %d, want %s", s, v, st, r.Num())
		}
	})
}
