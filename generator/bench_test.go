package generator_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/triggergen/triggergen/catalog"
	"github.com/triggergen/triggergen/generator"
	"github.com/triggergen/triggergen/generator/internal/synth"
	"github.com/triggergen/triggergen/lockfile"
)

// BenchmarkGenerate generates the real corpus (82 trigger types) and
// synthetic catalogs of 1k, 2k and 5k trigger types (package synth, built
// before the timer starts). Besides the usual per-op figures it reports
// ns/trigger, allocs/trigger and B/trigger: if generation is linear, these
// stay flat from 1k to 5k.
func BenchmarkGenerate(b *testing.B) {
	real, err := catalog.Lock()
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name string
		n    int
	}{{"real", 0}, {"synth1k", 1000}, {"synth2k", 2000}, {"synth5k", 5000}}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			lk := real
			if c.n > 0 {
				if lk, err = synth.Build(real, c.n, synth.DefaultSeed); err != nil {
					b.Fatal(err)
				}
			}
			n := len(lk.TriggerTypes())
			benchGenerate(b, lk, n)
		})
	}
}

func benchGenerate(b *testing.B, lk *lockfile.Lock, n int) {
	ctx := context.Background()
	cfg := generator.Config{Lock: lk, ImportPath: "example.com/bench/triggers"}
	var files int
	b.ReportAllocs()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	iters := 0
	for b.Loop() {
		res, err := generator.Generate(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		files = len(res.Files)
		iters++
	}
	runtime.ReadMemStats(&after)
	per := float64(iters * n)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/per, "ns/trigger")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/per, "allocs/trigger")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/per, "B/trigger")
	b.ReportMetric(float64(n), "triggers")
	b.ReportMetric(float64(files), "files")
}

// TestSynthGenerates checks that a small synthetic catalog is deterministic
// and generates without errors (the benchmarks rely on it).
func TestSynthGenerates(t *testing.T) {
	real, err := catalog.Lock()
	if err != nil {
		t.Fatal(err)
	}
	a, err := synth.Build(real, 120, synth.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(a.TriggerTypes()); got != 120 {
		t.Fatalf("%d trigger types, want 120", got)
	}
	b, _ := synth.Build(real, 120, synth.DefaultSeed)
	ma, _ := a.Marshal()
	mb, _ := b.Marshal()
	if string(ma) != string(mb) {
		t.Fatal("synth.Build is not deterministic")
	}
	res, err := generator.Generate(context.Background(), generator.Config{Lock: a, ImportPath: "example.com/x"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) < 120 {
		t.Fatalf("%d files", len(res.Files))
	}
}
