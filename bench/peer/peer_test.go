package peer

import (
	"context"
	"testing"

	"github.com/triggergen/triggergen/catalog"
)

// BenchmarkPeer generates the same 82 config + payload schemas of the
// embedded catalog with triggergen and with go-jsonschema in one run.
// Besides ns/op it reports ns/trigger over the 82 trigger types.
func BenchmarkPeer(b *testing.B) {
	lk, err := catalog.Lock()
	if err != nil {
		b.Fatal(err)
	}
	n := float64(len(lk.TriggerTypes()))
	b.Run("triggergen", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Triggergen(context.Background(), lk); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/(float64(b.N)*n), "ns/trigger")
	})
	b.Run("go-jsonschema", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := GoJSONSchema(lk); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/(float64(b.N)*n), "ns/trigger")
	})
}

// TestBothGenerate checks that both generators accept the whole catalog and
// that their output parses.
func TestBothGenerate(t *testing.T) {
	lk, err := catalog.Lock()
	if err != nil {
		t.Fatal(err)
	}
	a, err := Triggergen(context.Background(), lk)
	if err != nil {
		t.Fatal(err)
	}
	g, err := GoJSONSchema(lk)
	if err != nil {
		t.Fatal(err)
	}
	for name, files := range map[string]map[string][]byte{"triggergen": a, "go-jsonschema": g} {
		st, err := Analyze(files)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if st.Files == 0 || st.Structs == 0 {
			t.Errorf("%s: %+v", name, st)
		}
	}
}
