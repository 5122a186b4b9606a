// Command synthcatalog writes the synthetic lock file that the generation
// benchmarks build in memory (see package synth), so that humans can read it
// or feed it to `triggergen generate`:
//
//	go run ./generator/internal/synth/cmd/synthcatalog -n 5000 -out /tmp/synth5000.lock.json
//
// The source is the embedded catalog; the output is deterministic for a given
// -n and -seed.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/triggergen/triggergen/catalog"
	"github.com/triggergen/triggergen/generator/internal/synth"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "synthcatalog:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("synthcatalog", flag.ContinueOnError)
	n := fs.Int("n", 5000, "number of trigger types")
	seed := fs.Uint64("seed", synth.DefaultSeed, "PRNG seed")
	out := fs.String("out", "-", `output lock file ("-" for stdout)`)
	if err := fs.Parse(args); err != nil {
		return err
	}
	src, err := catalog.Lock()
	if err != nil {
		return err
	}
	lk, err := synth.Build(src, *n, *seed)
	if err != nil {
		return err
	}
	data, err := lk.Marshal()
	if err != nil {
		return err
	}
	if *out == "-" {
		_, err = stdout.Write(data)
		return err
	}
	return os.WriteFile(*out, data, 0o644)
}
