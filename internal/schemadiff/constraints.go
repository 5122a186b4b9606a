package schemadiff

import (
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
)

// Constraint keywords: what the walker records of them on a view, and how a
// change of each is classified (see the package doc).

// bound is one numeric constraint keyword of a node.
type bound struct {
	lit string   // the number as written
	val *big.Rat // its value
	ptr string   // JSON pointer of the keyword
}

// located is a keyword value with the JSON pointer of the keyword.
type located struct {
	val string
	ptr string
}

// constraints are the validation keywords of one node, allOf branches merged
// (the strictest value wins, patterns accumulate).
type constraints struct {
	bounds   map[string]*bound
	patterns []located // sorted by value, deduplicated
	unique   *located  // uniqueItems: true
	format   *located
	addl     *located // additionalProperties as written: "true", "false" or "schema"
}

// numericKeyword is a numeric constraint; lower says a larger value is
// stricter (minimum-like), otherwise a smaller value is (maximum-like).
type numericKeyword struct {
	name  string
	lower bool
}

// numericKeywords lists the numeric constraints in the order they are reported.
var numericKeywords = []numericKeyword{
	{"minimum", true}, {"exclusiveMinimum", true},
	{"maximum", false}, {"exclusiveMaximum", false},
	{"minLength", true}, {"maxLength", false},
	{"minItems", true}, {"maxItems", false},
	{"minProperties", true}, {"maxProperties", false},
}

var draft4Exclusive = map[string]string{"minimum": "exclusiveMinimum", "maximum": "exclusiveMaximum"}

// number reads a JSON number (decoded with UseNumber).
func number(x any) (string, *big.Rat, bool) {
	n, ok := x.(json.Number)
	if !ok {
		return "", nil, false
	}
	r, ok := new(big.Rat).SetString(n.String())
	return n.String(), r, ok
}

// fillConstraints merges the constraint keywords of the schema object m,
// found at ptr, into v.
func (v *view) fillConstraints(m map[string]any, ptr string) {
	c := &v.cons
	if c.bounds == nil {
		c.bounds = map[string]*bound{}
	}
	for _, k := range numericKeywords {
		name := k.name
		raw, ok := m[name]
		if !ok {
			continue
		}
		// Draft 4 and OpenAPI 3.0 make minimum/maximum exclusive with a
		// boolean exclusiveMinimum/exclusiveMaximum: read it as the
		// 2020-12 keyword.
		if excl := draft4Exclusive[name]; excl != "" {
			if b, _ := m[excl].(bool); b {
				name = excl
			}
		}
		lit, val, ok := number(raw)
		if !ok {
			continue
		}
		nb := &bound{lit, val, ptr + "/" + k.name}
		if cur := c.bounds[name]; cur == nil || stricter(k.lower, val, cur.val) {
			c.bounds[name] = nb
		}
	}
	if p, ok := m["pattern"].(string); ok && !slices.ContainsFunc(c.patterns, func(l located) bool { return l.val == p }) {
		c.patterns = append(c.patterns, located{p, ptr + "/pattern"})
		slices.SortFunc(c.patterns, func(a, b located) int { return strings.Compare(a.val, b.val) })
	}
	if u, ok := m["uniqueItems"].(bool); ok && u && c.unique == nil {
		c.unique = &located{"true", ptr + "/uniqueItems"}
	}
	if f, ok := m["format"].(string); ok && c.format == nil {
		c.format = &located{f, ptr + "/format"}
	}
	switch ap := m["additionalProperties"].(type) {
	case bool:
		if !ap {
			c.addl = &located{"false", ptr + "/additionalProperties"}
		} else if c.addl == nil {
			c.addl = &located{"true", ptr + "/additionalProperties"}
		}
	case map[string]any:
		if c.addl == nil || c.addl.val == "true" {
			c.addl = &located{"schema", ptr + "/additionalProperties"}
		}
	}
}

// stricter reports whether a is a stricter bound than b.
func stricter(lower bool, a, b *big.Rat) bool {
	if lower {
		return a.Cmp(b) > 0
	}
	return a.Cmp(b) < 0
}

// compareConstraints reports changed constraint keywords of a node. A
// tightened constraint may reject a config that was valid (breaking for
// callers) and only strengthens what consumers receive (additive); a
// loosened one is additive for callers and info for consumers, who may have
// relied on the old bound. format is an annotation: info for both.
func (w *walker) compareConstraints(o, n *view, field, label string) {
	oc, nc := &o.cons, &n.cons
	tightened := func(ptr, msg string) {
		w.add(ptr, field, ConstraintTightened, w.sev(Breaking, Additive), label+": "+msg)
	}
	loosened := func(ptr, msg string) {
		w.add(ptr, field, ConstraintLoosened, w.sev(Additive, Info), label+": "+msg)
	}
	for _, k := range numericKeywords {
		ob, nb := oc.bounds[k.name], nc.bounds[k.name]
		switch {
		case ob == nil && nb == nil:
		case ob == nil:
			tightened(nb.ptr, fmt.Sprintf("%s added (none) → %s", k.name, nb.lit))
		case nb == nil:
			loosened(n.ptr+"/"+k.name, fmt.Sprintf("%s removed %s → (none)", k.name, ob.lit))
		case ob.val.Cmp(nb.val) == 0:
		case stricter(k.lower, nb.val, ob.val):
			tightened(nb.ptr, fmt.Sprintf("%s %s %s → %s", k.name, direction(k.lower), ob.lit, nb.lit))
		default:
			loosened(nb.ptr, fmt.Sprintf("%s %s %s → %s", k.name, direction(!k.lower), ob.lit, nb.lit))
		}
	}
	w.comparePatterns(o, n, tightened, loosened)
	switch {
	case oc.unique == nil && nc.unique != nil:
		tightened(nc.unique.ptr, "uniqueItems false → true")
	case oc.unique != nil && nc.unique == nil:
		loosened(n.ptr+"/uniqueItems", "uniqueItems true → false")
	}
	if of, nf := valOf(oc.format), valOf(nc.format); of != nf {
		ptr := n.ptr + "/format"
		if nc.format != nil {
			ptr = nc.format.ptr
		}
		w.add(ptr, field, FormatChanged, Info,
			fmt.Sprintf("%s: format %s %s → %s", label, verb(of, nf), quoteOrNone(of), quoteOrNone(nf)))
	}
	oa, na := valOf(oc.addl), valOf(nc.addl)
	switch {
	case oa != "false" && na == "false":
		tightened(nc.addl.ptr, fmt.Sprintf("additionalProperties %s %s → false", verb(oa, na), orNone(oa)))
	case oa == "false" && na != "false":
		loosened(n.ptr+"/additionalProperties", fmt.Sprintf("additionalProperties %s false → %s", verb(oa, na), orNone(na)))
	}
}

// comparePatterns reports a changed pattern: any new pattern tightens, only
// removals loosen.
func (w *walker) comparePatterns(o, n *view, tightened, loosened func(ptr, msg string)) {
	op, np := o.cons.patterns, n.cons.patterns
	if slices.EqualFunc(op, np, func(a, b located) bool { return a.val == b.val }) {
		return
	}
	old, new := patternList(op), patternList(np)
	for _, p := range np {
		if !slices.ContainsFunc(op, func(l located) bool { return l.val == p.val }) {
			tightened(p.ptr, fmt.Sprintf("pattern %s %s → %s", verb(old, new), orNone(old), new))
			return
		}
	}
	loosened(n.ptr+"/pattern", fmt.Sprintf("pattern %s %s → %s", verb(old, new), old, orNone(new)))
}

func patternList(ps []located) string {
	q := make([]string, len(ps))
	for i, p := range ps {
		q[i] = strconv.Quote(p.val)
	}
	return strings.Join(q, " & ")
}

func direction(up bool) string {
	if up {
		return "raised"
	}
	return "lowered"
}

// verb says how a keyword went from old to new ("" is absent).
func verb(old, new string) string {
	switch {
	case old == "":
		return "added"
	case new == "":
		return "removed"
	}
	return "changed"
}

func valOf(l *located) string {
	if l == nil {
		return ""
	}
	return l.val
}

func quoteOrNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return strconv.Quote(s)
}
