// Package synth builds large synthetic lock files from a real one, for
// benchmarks that show how generation scales with the number of trigger
// types.
//
// Build(src, n, seed) returns a lock of exactly n trigger types spread over
// ceil(n/PerToolkit) toolkits named "synth0001", "synth0002", .... Trigger
// type i is a recombination of real trigger types picked by a PCG generator
// seeded with seed:
//
//   - its config schema is the config of real trigger type A;
//   - its payload schema is the payload of real trigger type B, plus up to
//     three top-level properties copied from the payload of C and renamed
//     ("<name>_x<i>") so they never collide;
//   - its slug is "SYNTH0007_" + A's slug minus its toolkit prefix + "_" + i,
//     its name and schema titles are renamed to match.
//
// Property order inside each schema is kept. Every tenth toolkit carries the
// webhook endpoint schema of the first real toolkit that has one, so that
// credentials are generated too. The same (src, n, seed) always yields the
// same lock, byte for byte once marshalled.
package synth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/triggergen/triggergen/lockfile"
)

// PerToolkit is the number of trigger types per synthetic toolkit.
const PerToolkit = 50

// Version is the toolkit version recorded for every synthetic toolkit.
const Version = "20250729_00"

// DefaultSeed is the seed the benchmarks and cmd/synthcatalog use.
const DefaultSeed = 20250729

// source is one real trigger type, ready for recombination.
type source struct {
	base    string // slug minus toolkit prefix, e.g. COMMIT_EVENT
	name    string
	desc    string
	instr   string
	kind    string
	config  json.RawMessage
	payload json.RawMessage
	props   object // top-level payload properties (nil when none)
}

// Build returns a synthetic lock of n trigger types recombined from the
// trigger types of src.
func Build(src *lockfile.Lock, n int, seed uint64) (*lockfile.Lock, error) {
	if n <= 0 {
		return nil, fmt.Errorf("synth: n must be positive, got %d", n)
	}
	var srcs []source
	var endpoint json.RawMessage
	for _, tk := range src.Toolkits {
		if endpoint == nil && len(tk.WebhookEndpointSchema) > 0 {
			endpoint = tk.WebhookEndpointSchema
		}
		for _, tt := range tk.TriggerTypes {
			s := source{
				base: strings.TrimPrefix(strings.ToUpper(tt.Slug), strings.ToUpper(tk.Slug)+"_"),
				name: tt.Name, desc: tt.Description, instr: tt.Instructions, kind: tt.Type,
				config: tt.Config, payload: tt.Payload,
			}
			if p, err := parseObject(tt.Payload); err == nil {
				if raw, ok := p.get("properties"); ok && !bytes.Contains(raw, []byte(`"$ref"`)) {
					s.props, _ = parseObject(raw)
				}
			}
			srcs = append(srcs, s)
		}
	}
	if len(srcs) == 0 {
		return nil, fmt.Errorf("synth: the source lock has no trigger types")
	}
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	ntk := (n + PerToolkit - 1) / PerToolkit
	var b bytes.Buffer
	b.WriteString(`{"lock_version":1,"toolkits":[`)
	for t := range ntk {
		if t > 0 {
			b.WriteByte(',')
		}
		slug := fmt.Sprintf("synth%04d", t+1)
		fmt.Fprintf(&b, `{"slug":%q,"version":%q,"trigger_types":[`, slug, Version)
		for k := 0; k < PerToolkit && t*PerToolkit+k < n; k++ {
			if k > 0 {
				b.WriteByte(',')
			}
			i := t*PerToolkit + k
			a, p, c := &srcs[r.IntN(len(srcs))], &srcs[r.IntN(len(srcs))], &srcs[r.IntN(len(srcs))]
			tt, err := triggerType(strings.ToUpper(slug), i, a, p, c, r)
			if err != nil {
				return nil, err
			}
			b.Write(tt)
		}
		b.WriteString(`],"webhook_endpoint_schema":`)
		if t%10 == 9 && endpoint != nil {
			b.Write(endpoint)
		} else {
			b.WriteString("null")
		}
		b.WriteString(`}`)
	}
	b.WriteString(`]}`)
	return lockfile.Parse("synthetic lock", b.Bytes())
}

// triggerType returns the JSON object of synthetic trigger type i.
func triggerType(prefix string, i int, a, p, c *source, r *rand.Rand) ([]byte, error) {
	slug := fmt.Sprintf("%s_%s_%d", prefix, a.base, i)
	title := fmt.Sprintf("%s %d", a.name, i)
	config, err := retitle(a.config, fmt.Sprintf("Synth%dConfig", i))
	if err != nil {
		return nil, fmt.Errorf("synth: config of %s: %w", slug, err)
	}
	payload, err := recombine(p.payload, c.props, i, r)
	if err != nil {
		return nil, fmt.Errorf("synth: payload of %s: %w", slug, err)
	}
	obj := object{
		{"slug", mustJSON(slug)},
		{"name", mustJSON(title)},
		{"description", mustJSON(p.desc)},
		{"instructions", mustJSON(a.instr)},
		{"type", mustJSON(a.kind)},
		{"config", config},
		{"payload", payload},
	}
	return obj.marshal(), nil
}

// retitle replaces the title of an object schema.
func retitle(schema json.RawMessage, title string) (json.RawMessage, error) {
	o, err := parseObject(schema)
	if err != nil || o == nil {
		return schema, err
	}
	o.set("title", mustJSON(title))
	return o.marshal(), nil
}

// recombine returns payload with up to three properties of extra appended,
// renamed with the suffix "_x<i>", and a new title.
func recombine(payload json.RawMessage, extra object, i int, r *rand.Rand) (json.RawMessage, error) {
	o, err := parseObject(payload)
	if err != nil || o == nil {
		return payload, err
	}
	o.set("title", mustJSON(fmt.Sprintf("Synth%dPayload", i)))
	raw, ok := o.get("properties")
	if !ok || len(extra) == 0 || bytes.Contains(payload, []byte(`"$ref"`)) {
		return o.marshal(), nil
	}
	props, err := parseObject(raw)
	if err != nil || props == nil {
		return o.marshal(), err
	}
	for range 1 + r.IntN(3) {
		m := extra[r.IntN(len(extra))]
		props.set(fmt.Sprintf("%s_x%d", m.Key, i), m.Value)
	}
	o.set("properties", props.marshal())
	return o.marshal(), nil
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// member is one key of a JSON object.
type member struct {
	Key   string
	Value json.RawMessage
}

// object is a JSON object with its key order.
type object []member

// parseObject decodes a JSON object keeping key order; nil for a non-object.
func parseObject(data []byte) (object, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	o := object{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		o = append(o, member{tok.(string), v})
	}
	return o, nil
}

func (o object) get(k string) (json.RawMessage, bool) {
	for _, m := range o {
		if m.Key == k {
			return m.Value, true
		}
	}
	return nil, false
}

func (o *object) set(k string, v json.RawMessage) {
	for i := range *o {
		if (*o)[i].Key == k {
			(*o)[i].Value = v
			return
		}
	}
	*o = append(*o, member{k, v})
}

func (o object) marshal() json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(mustJSON(m.Key))
		b.WriteByte(':')
		b.Write(m.Value)
	}
	b.WriteByte('}')
	return b.Bytes()
}
