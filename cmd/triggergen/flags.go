package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// errHelp is returned by parseFlags after -h printed the help: exit 0.
var errHelp = errors.New("help requested")

// newFlags returns a flag set whose -h prints the synopsis, the flags (but
// deprecated aliases) and an example to e.stdout.
func newFlags(e *env, name, synopsis, example string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stdout, "Usage: triggergen %s\n", synopsis)
		printFlags(e.stdout, fs)
		printExample(e.stdout, example)
	}
	return fs
}

// printExample prints the "Example:" section of a command's help.
func printExample(w io.Writer, example string) {
	if example != "" {
		fmt.Fprintf(w, "\nExample:\n\n  %s\n", example)
	}
}

// deprecatedPrefix starts the usage of a deprecated alias, which -h does not
// show.
const deprecatedPrefix = "deprecated: "

// deprecatedAlias makes -old set the same value as -new, hidden from -h.
func deprecatedAlias(fs *flag.FlagSet, old, new string) {
	fs.Var(fs.Lookup(new).Value, old, deprecatedPrefix+"use -"+new)
}

// warnDeprecated prints a warning for each deprecated alias that was set.
func warnDeprecated(e *env, fs *flag.FlagSet) {
	fs.Visit(func(f *flag.Flag) {
		if use, ok := strings.CutPrefix(f.Usage, deprecatedPrefix); ok {
			fmt.Fprintf(e.stderr, "triggergen: warning: %s: -%s is deprecated; %s\n", fs.Name(), f.Name, use)
		}
	})
}

// printFlags is fs.PrintDefaults without the deprecated aliases, after a
// blank line; nothing when there are none.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	shown := flag.NewFlagSet(fs.Name(), flag.ContinueOnError)
	shown.SetOutput(w)
	n := 0
	fs.VisitAll(func(f *flag.Flag) {
		if !strings.HasPrefix(f.Usage, deprecatedPrefix) {
			shown.Var(f.Value, f.Name, f.Usage)
			shown.Lookup(f.Name).DefValue = f.DefValue
			n++
		}
	})
	if n > 0 {
		fmt.Fprintln(w)
		shown.PrintDefaults()
	}
}

// parseFlags parses args. It returns errHelp after -h, and a usage error
// (exit 2) for a bad flag.
// A bad flag prints no help, only the error and where to find the help, on
// stderr (exit 2): the flag package would print the whole help on stdout.
func parseFlags(fs *flag.FlagSet, args []string) error {
	usage := fs.Usage
	fs.Usage = func() {}
	fs.SetOutput(discard{})
	err := fs.Parse(args)
	fs.Usage = usage
	switch {
	case errors.Is(err, flag.ErrHelp):
		usage()
		return errHelp
	case err != nil:
		return &usageError{msg: fmt.Sprintf("%s: %v", fs.Name(), err), hint: "run 'triggergen " + fs.Name() + " -h' for usage"}
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
