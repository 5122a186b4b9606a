package load

import (
	"bytes"
	"strings"
	"sync"
)

// Docs compiles the schema documents of one Generate call, compiling a
// document that several trigger types have byte for byte only once, when
// the URL it is compiled under cannot change the result (see shareable).
// Compiling is mostly the library's check of the document against its
// metaschema, and a lock repeats many documents (trigger types of a
// toolkit share payloads, many configs are empty). Docs is safe for
// concurrent use; it lives as long as the call, so no run depends on an
// earlier one, and it keeps a compiled document only until the last of its
// expected uses (see Expect).
type Docs struct {
	lim  Limits
	mu   sync.Mutex
	m    map[string]*sharedDoc
	left map[string]int // expected Compile calls still to come, per document
}

// sharedDoc is a document compiled under sharedURL, or nil when it must be
// compiled under each URL it has.
type sharedDoc struct {
	ready chan struct{}
	doc   *Doc
}

// sharedURL is the URL shared documents are compiled under. No shareable
// document can refer to it (it has no $id and only "#" references), so it
// only shows in schema locations, which Doc.Pointer and Doc.Location map
// back to the document's own URL.
const sharedURL = "https://triggergen.invalid/shared/schema.json"

// NewDocs returns an empty cache that compiles within lim.
func NewDocs(lim Limits) *Docs {
	return &Docs{lim: lim, m: map[string]*sharedDoc{}, left: map[string]int{}}
}

// Expect says that Compile will be called once more with data, before any
// call to Compile: the cache drops a document after its last expected use.
func (c *Docs) Expect(data []byte) { c.left[string(data)]++ }

// Compile is Compile(url, data, lim): the same document, errors included,
// at a fraction of the cost when the bytes were compiled before.
func (c *Docs) Compile(url string, data []byte) (*Doc, error) {
	c.mu.Lock()
	e, seen := c.m[string(data)]
	if !seen {
		e = &sharedDoc{ready: make(chan struct{})}
		c.m[string(data)] = e
	}
	if n, ok := c.left[string(data)]; ok {
		if n <= 1 {
			// The last use: waiters hold e, the map need not.
			delete(c.left, string(data))
			delete(c.m, string(data))
		} else {
			c.left[string(data)] = n - 1
		}
	}
	c.mu.Unlock()
	if !seen {
		if d, err := Compile(sharedURL, data, c.lim); err == nil && shareable(d.raw) {
			e.doc = d
		}
		close(e.ready)
	}
	<-e.ready
	if e.doc == nil {
		// Not shareable, or an error whose message and pointer may name
		// the URL: compile under the document's own URL.
		return Compile(url, data, c.lim)
	}
	d := *e.doc
	d.URL = url
	return &d, nil
}

// shareable reports whether compiling the raw document v under any URL
// gives the same schemas and the same errors, up to the URL in locations:
// it has no $schema (so the draft is the default and "id" means nothing),
// no $id (so the base URL is the document's everywhere), and every $ref
// and $dynamicRef is a fragment ("#/$defs/x", "#anchor") of that base.
// Keys are matched wherever they are, property names too, so some
// documents that could be shared are not; none that cannot is.
func shareable(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			switch k {
			case "$schema", "$id", "$recursiveRef":
				return false
			case "$ref", "$dynamicRef":
				if s, ok := val.(string); !ok || !strings.HasPrefix(s, "#") {
					return false
				}
			}
			if !shareable(val) {
				return false
			}
		}
	case []any:
		for _, e := range x {
			if !shareable(e) {
				return false
			}
		}
	}
	return true
}

// normalize is the document Compile reads for data: an empty document or
// null is the empty schema.
func normalize(data []byte) []byte {
	if t := bytes.TrimSpace(data); len(t) == 0 || string(t) == "null" {
		return []byte("{}")
	}
	return data
}
