package triggerimpl

import (
	"encoding/json"

	"github.com/triggergen/triggergen/internal/jsonscan"
)

// Member is one object member a generated struct keeps without a field for
// it: in a config that Validate checks with the JSON Schema library, the
// members beside the declared properties and the explicit nulls of optional
// properties, written back by MarshalJSON so that the library judges what
// was decoded.
type Member struct {
	Key   string
	Value json.RawMessage
}

// Keep stores the current member in *kept (replacing an earlier member of
// the same key: the last wins) and consumes its value.
func (d *Decoder) Keep(kept *[]Member) {
	key := string(d.key)
	v := d.Raw()
	if d.syntax {
		return
	}
	*kept = setMember(*kept, key, v)
}

// KeepNull consumes a null value of the current member, keeping it in
// *kept, and reports true; otherwise it drops an earlier member of the same
// key from *kept (the last wins) and reports false, consuming nothing.
func (d *Decoder) KeepNull(kept *[]Member) bool {
	if d.Null() {
		*kept = setMember(*kept, string(d.key), json.RawMessage("null"))
		return true
	}
	if len(*kept) > 0 {
		*kept = dropMember(*kept, string(d.key))
	}
	return false
}

func setMember(ms []Member, key string, v json.RawMessage) []Member {
	ms = dropMember(ms, key)
	return append(ms, Member{key, v})
}

func dropMember(ms []Member, key string) []Member {
	for i, m := range ms {
		if m.Key == key {
			return append(ms[:i], ms[i+1:]...)
		}
	}
	return ms
}

// AppendMembers adds to the JSON object b (as json.Marshal writes it) each
// kept member whose key b does not have.
func AppendMembers(b []byte, kept []Member) ([]byte, error) {
	if len(kept) == 0 {
		return b, nil
	}
	have := map[string]bool{}
	for k := range jsonscan.Members(b) {
		have[string(k)] = true
	}
	out := b[:len(b)-1] // drop '}'
	first := len(have) == 0
	for _, m := range kept {
		if have[m.Key] {
			continue
		}
		if !first {
			out = append(out, ',')
		}
		first = false
		k, err := json.Marshal(m.Key)
		if err != nil {
			return nil, err
		}
		out = append(out, k...)
		out = append(out, ':')
		out = append(out, m.Value...)
	}
	return append(out, '}'), nil
}
