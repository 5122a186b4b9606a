package model

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/triggergen/triggergen/generator/internal/naming"
)

// resolve decides every package-level name, the file of every type, default
// constants, pattern variables and cycle-breaking pointers.
func (pb *pkgBuilder) resolve() {
	p := pb.pkg
	// Weak (title or $defs) names wanted by several distinct types fall back
	// to their strong name (parent type + field).
	weak := map[string][]*Named{}
	for _, n := range pb.types {
		if n.weak {
			weak[n.cand.Want] = append(weak[n.cand.Want], n)
		}
	}
	for w, ns := range weak {
		if len(ns) > 1 {
			for _, n := range ns {
				pb.warnf("", "type name %s (from a title or $defs key) fits %d different schemas; using %s for %s", w, len(ns), n.strongWant, n.Key)
				n.cand.Want, n.fullWant = n.strongWant, ""
			}
		}
	}
	pb.unshortenColliding()
	taken := map[string]string{"Toolkit": "toolkit", "ToolkitVersion": "toolkit"}
	var cands []*naming.Candidate
	for _, t := range p.Triggers {
		t.slugCand = &naming.Candidate{Want: t.Base + "Slug", Key: t.Slug + "#slug", Fixed: t.baseCand.Fixed}
		t.onCand = &naming.Candidate{Want: "On" + t.Base, Key: t.Slug + "#on", Fixed: t.baseCand.Fixed}
		cands = append(cands, t.slugCand, t.onCand)
	}
	for _, n := range pb.types {
		if n.Role != "" && n.Trigger.baseCand.Fixed {
			n.cand.Fixed = true
		}
		cands = append(cands, n.cand)
	}
	var credCands []*naming.Candidate
	if cr := p.Creds; cr != nil {
		key := p.Toolkit + "#/webhook_endpoint_schema"
		for _, w := range []string{"WebhookCredentials", "WebhookCredentialsUpdate"} {
			credCands = append(credCands, &naming.Candidate{Want: w, Key: key + "#" + w})
		}
		cands = append(cands, credCands...)
	}
	cs, err := naming.Resolve(taken, cands)
	if err != nil {
		pb.errorf(p.Ptr, "names: %v", err)
		return
	}
	for _, c := range cs {
		pb.warnf("", "%s: name %s collides with %s; using %s (set Renames[\"type:%s\"] to choose)", c.Key, c.Want, c.Winner, c.Got, c.Key)
	}
	for _, t := range p.Triggers {
		t.SlugConst, t.OnFunc = t.slugCand.Got, t.onCand.Got
	}
	for _, n := range pb.types {
		n.Name = n.cand.Got
		if n.Library && n.Role == "config" {
			n.SchemaVar = "schema" + n.Name // unexported: no exported name collides
		}
	}
	if cr := p.Creds; cr != nil {
		cr.Type, cr.Update = credCands[0].Got, credCands[1].Got
	}
	used := map[string]string{}
	for _, c := range cands {
		used[c.Got] = c.Key
	}
	for k, v := range taken {
		used[k] = v
	}
	for _, n := range pb.types {
		for _, v := range n.Variants {
			if v.Name == "" {
				v.Name = v.Type.Named.Name
			}
		}
	}
	// Enum constants, default constants and union constructors.
	var second []*naming.Candidate
	for _, n := range pb.types {
		for _, v := range n.Variants {
			v.ctor = &naming.Candidate{Want: "New" + n.Name + v.Name, Key: n.Key + "#new" + v.Name}
			second = append(second, v.ctor)
		}
		for _, v := range n.Values {
			if !v.cand.Fixed {
				v.cand.Want = n.Name + v.cand.Want
			}
			second = append(second, v.cand)
		}
		if n.Kind == Struct && n.Validated {
			for _, f := range n.Fields {
				if f.HasDefault && f.Default != nil && pb.defaultOK(f) {
					f.defCand = &naming.Candidate{Want: n.Name + f.Name + "Default", Key: f.Key + "#default"}
					second = append(second, f.defCand)
				}
			}
		}
	}
	cs, err = naming.Resolve(used, second)
	if err != nil {
		pb.errorf(p.Ptr, "names: %v", err)
		return
	}
	for _, c := range cs {
		pb.warnf("", "%s: name %s collides with %s; using %s", c.Key, c.Want, c.Winner, c.Got)
	}
	for _, n := range pb.types {
		for _, v := range n.Values {
			v.Name = v.cand.Got
		}
		for _, f := range n.Fields {
			if f.defCand != nil {
				f.DefaultConst = f.defCand.Got
			}
		}
		for _, v := range n.Variants {
			v.Ctor = v.ctor.Got
		}
	}
	// Files: a type used by one trigger lives in its file, others in types.gen.go.
	for _, n := range pb.types {
		if len(n.users) == 1 {
			for t := range n.users {
				n.File = t.File
			}
		} else {
			n.File = "types.gen.go"
		}
	}
	// Types in a stable order: by file, then triggers' roots first in slug
	// order, then by name.
	sort.SliceStable(pb.types, func(i, j int) bool {
		a, b := pb.types[i], pb.types[j]
		if a.File != b.File {
			return a.File < b.File
		}
		ra, rb := rootRank(a), rootRank(b)
		if ra != rb {
			return ra < rb
		}
		return a.Name < b.Name
	})
	p.Types = pb.types
	// Patterns.
	var srcs []string
	for s := range pb.patterns {
		srcs = append(srcs, s)
	}
	sort.Strings(srcs)
	for i, s := range srcs {
		pat := pb.patterns[s]
		pat.Var = "pattern" + strconv.Itoa(i)
		p.Patterns = append(p.Patterns, pat)
	}
	pb.breakCycles()
	pb.getters()
}

// getters names the nil-safe getter of each pointer field of a payload
// struct (config structs keep plain pointers): "Get" + the field name,
// unless a field of the struct has that name (then there is none, with a
// warning).
func (pb *pkgBuilder) getters() {
	for _, n := range pb.types {
		if n.Kind != Struct || n.Validated {
			continue
		}
		fields := map[string]bool{}
		for _, f := range n.Fields {
			fields[f.Name] = true
		}
		for _, f := range n.Fields {
			if !f.Pointer() {
				continue
			}
			if g := "Get" + f.Name; fields[g] {
				pb.warnf("", "%s: no getter %s.%s: a field has that name", f.Key, n.Name, g)
			} else {
				f.Getter = g
			}
		}
	}
}

// unshortenColliding gives a weak name that was shortened (OneDriveItemSchema
// → Item) its whole form back when another type or a trigger's derived
// name wants the short one.
func (pb *pkgBuilder) unshortenColliding() {
	wants := map[string]int{"Toolkit": 1, "ToolkitVersion": 1}
	for _, t := range pb.pkg.Triggers {
		wants[t.Base+"Slug"]++
		wants["On"+t.Base]++
	}
	for _, n := range pb.types {
		wants[n.cand.Want]++
	}
	for _, n := range pb.types {
		if n.weak && n.fullWant != "" && n.fullWant != n.cand.Want && wants[n.cand.Want] > 1 {
			pb.warnf("", "type name %s (from a title or $defs key) collides with another name; using %s for %s", n.cand.Want, n.fullWant, n.Key)
			n.cand.Want = n.fullWant
		}
	}
}

func rootRank(n *Named) int {
	switch n.Role {
	case "config":
		return 0
	case "payload":
		return 1
	}
	return 2
}

// defaultOK reports whether a field's default can be a Go constant of the
// field's type.
func (pb *pkgBuilder) defaultOK(f *Field) bool {
	t := f.Type
	switch v := f.Default.(type) {
	case string:
		if t.Kind == String {
			return true
		}
		if t.Kind == Ref && t.Named.Kind == Enum {
			for _, ev := range t.Named.Values {
				if ev.Value == v {
					return true
				}
			}
		}
	case bool:
		return t.Kind == Bool
	case json.Number:
		switch t.Kind {
		case Int:
			_, err := strconv.ParseInt(string(v), 10, 64)
			return err == nil
		case Float:
			_, err := strconv.ParseFloat(string(v), 64)
			return err == nil
		}
	}
	if f.Default != nil {
		b, _ := json.Marshal(f.Default)
		if t.Kind != Slice && t.Kind != Map && t.Kind != Object && t.Kind != Raw && !(t.Kind == Ref && t.Named.Kind == Struct) {
			pb.warnf("", "%s: default %s does not fit the field's type; documented only", f.Key, b)
		}
	}
	return false
}

// breakCycles makes required struct fields pointers where structs would
// otherwise contain themselves.
func (pb *pkgBuilder) breakCycles() {
	state := map[*Named]int{} // 1 visiting, 2 done
	var visit func(n *Named)
	visit = func(n *Named) {
		state[n] = 1
		for _, f := range n.Fields {
			if f.Type.Kind != Ref || f.Type.Named.Kind != Struct || f.Pointer() {
				continue
			}
			m := f.Type.Named
			switch state[m] {
			case 1:
				f.Cycle = true
			case 0:
				visit(m)
			}
		}
		state[n] = 2
	}
	for _, n := range pb.types {
		if n.Kind == Struct && state[n] == 0 {
			visit(n)
		}
	}
	pb.boundSizes()
}

// maxInline is the most scalar fields a struct may hold by value, nested
// structs included.
const maxInline = 4096

// boundSizes makes required struct fields pointers (marked Cycle) where
// by-value nesting would make a struct's size explode: a schema whose
// definitions each use the next one twice ("billion laughs") would
// otherwise nest 2^depth structs in one value.
func (pb *pkgBuilder) boundSizes() {
	size := map[*Named]int{}
	var sizeOf func(n *Named) int
	sizeOf = func(n *Named) int {
		if s, ok := size[n]; ok {
			return s
		}
		size[n] = 1 // cycles go through pointers already
		fieldSize := func(f *Field) int {
			if f.Type.Kind == Ref && f.Type.Named.Kind == Struct && !f.Pointer() {
				return sizeOf(f.Type.Named)
			}
			return 1
		}
		total := 0
		for _, f := range n.Fields {
			total += fieldSize(f)
		}
		for total > maxInline {
			var big *Field
			for _, f := range n.Fields {
				if fieldSize(f) > 1 && (big == nil || fieldSize(f) > fieldSize(big)) {
					big = f
				}
			}
			if big == nil {
				break
			}
			total -= fieldSize(big) - 1
			big.Cycle = true
		}
		size[n] = total
		return total
	}
	for _, n := range pb.types {
		if n.Kind == Struct {
			sizeOf(n)
		}
	}
}

// Describe returns a short human description of a trigger for docs.
func (t *Trigger) Describe() string {
	return fmt.Sprintf("%s (%s)", t.Slug, strings.TrimSpace(t.Name))
}
