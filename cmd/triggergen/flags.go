package main

import (
	"errors"
	"flag"
	"fmt"
)

// errHelp is returned by parseFlags after -h printed the help: exit 0.
var errHelp = errors.New("help requested")

// newFlags returns a flag set whose -h prints the synopsis, the flags and an
// example to e.stdout.
func newFlags(e *env, name, synopsis, example string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fs.SetOutput(e.stdout)
		fmt.Fprintf(e.stdout, "Usage: triggergen %s\n\n", synopsis)
		fs.PrintDefaults()
		if example != "" {
			fmt.Fprintf(e.stdout, "\nExample:\n\n  %s\n", example)
		}
		fs.SetOutput(e.stderr)
	}
	return fs
}

// parseFlags parses args. It returns errHelp after -h, and a usage error
// (exit 2) for a bad flag.
func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(discard{})
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		// The flag package has already called fs.Usage.
		return errHelp
	case err != nil:
		return usagef("%s: %v", fs.Name(), err)
	}
	return nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// parseArgs parses args like parseFlags but lets flags follow positional
// arguments (`diff OLD NEW -json`), and returns the positional arguments.
// Everything after "--" is positional.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var tail []string
	for i, a := range args {
		if a == "--" {
			args, tail = args[:i], args[i+1:]
			break
		}
	}
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return append(pos, tail...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
