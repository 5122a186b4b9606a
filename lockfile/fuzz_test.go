package lockfile_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/triggergen/triggergen/catalog"
	"github.com/triggergen/triggergen/lockfile"
)

// FuzzParse: Parse never panics, fails only with a located *lockfile.Error,
// and a parsed lock round-trips: Marshal → Parse → Marshal gives the same
// bytes. Seeds: the embedded catalog and every golden and hostile input.
func FuzzParse(f *testing.F) {
	f.Add(catalog.Bytes())
	for _, glob := range []string{"../testdata/golden/*/input.lock.json", "../testdata/hostile/*/input.lock.json"} {
		paths, _ := filepath.Glob(glob)
		for _, p := range paths {
			if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
				f.Add(b)
			}
		}
	}
	f.Add([]byte(`{"lock_version":1,"toolkits":[{"slug":"a","trigger_types":[{"slug":"A_X","toolkit":{"slug":"A"},"config":true,"payload":null}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		lk, err := lockfile.Parse("in.json", data)
		if err != nil {
			var le *lockfile.Error
			if !errors.As(err, &le) {
				t.Fatalf("error %T is not a *lockfile.Error: %v", err, err)
			}
			return
		}
		b1, err := lk.Marshal()
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		lk2, err := lockfile.Parse("out.json", b1)
		if err != nil {
			t.Fatalf("marshalled lock does not parse: %v\n%s", err, b1)
		}
		b2, err := lk2.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b1, b2) {
			t.Fatalf("round trip differs:\n%s\n---\n%s", b1, b2)
		}
	})
}
