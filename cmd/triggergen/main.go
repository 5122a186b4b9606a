// Command triggergen pulls Composio trigger-type schemas into a lock file and
// generates typed Go packages from it.
//
// Usage:
//
//	triggergen <command> [flags]
//
// The commands:
//
//	init         write triggergen.yaml and a lock from the embedded catalog (offline)
//	generate     generate Go packages from a lock file (default: the embedded catalog)
//	pull         fetch trigger types from the Composio API into the lock file
//	diff         compare two lock files and classify the changes (breaking, additive)
//	vet          report config literals in your packages that omit a required field
//	webhook      work with Composio webhooks: verify a delivery, send a signed test event
//	listen       print trigger events as they happen (realtime), and forward them to a local receiver
//	fake-server  serve a fake Composio API for local development and tests
//	version      print triggergen's version
//
// Run `triggergen <command> -h` for a command's flags and an example. Exit
// status: 0 ok; 1 failure, stale output, a breaking change or a vet report;
// 2 usage.
//
// triggergen is also a go vet tool: `go vet -vettool=$(which triggergen) ./...`
// runs the vet command's check through go vet.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
)

// env is what a command may touch of the outside world; tests supply their own.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

// usageError makes main exit with status 2. hint, when set, is printed on a
// line of its own after the message (e.g. where the command's help is).
type usageError struct{ msg, hint string }

func (e *usageError) Error() string {
	if e.hint == "" {
		return e.msg
	}
	return e.msg + "\n" + e.hint
}

func usagef(format string, args ...any) error { return &usageError{msg: fmt.Sprintf(format, args...)} }

// exitError makes main exit with a status without printing anything more
// (the command has already explained itself), e.g. 1 for "stale".
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func commands() map[string]command {
	return map[string]command{
		"generate":    {"generate Go packages from a lock file (default: the embedded catalog)", runGenerate},
		"init":        {"write triggergen.yaml and a lock from the embedded catalog (offline)", runInit},
		"pull":        {"fetch trigger types from the Composio API into the lock file", runPull},
		"diff":        {"compare two lock files and classify the changes (breaking, additive)", runDiff},
		"version":     {"print triggergen's version", runVersion},
		"vet":         {"report config literals in your packages that omit a required field", runVet},
		"webhook":     {"work with Composio webhooks (run `triggergen webhook -h`)", runWebhook},
		"fake-server": {"serve a fake Composio API for local development and tests", runFakeServer},
		"listen":      {"print trigger events as they happen, and forward them to a local receiver", runListen},
	}
}

func main() {
	if isVetTool(os.Args[1:]) {
		runVetTool(os.Args[1:]) // go vet -vettool: exits
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	code := exitCode(e.stderr, run(ctx, e, os.Args[1:]))
	stop()
	os.Exit(code)
}

// run executes one command line.
func run(ctx context.Context, e *env, args []string) error {
	cmds := commands()
	if len(args) == 0 {
		printUsage(e.stderr, cmds)
		return usagef("no command given")
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		printUsage(e.stdout, cmds)
		return nil
	}
	c, ok := cmds[args[0]]
	if !ok {
		return usagef("unknown command %q (run `triggergen help`)", args[0])
	}
	if err := c.run(ctx, e, args[1:]); !errors.Is(err, errHelp) {
		return err
	}
	return nil
}

func printUsage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "triggergen turns Composio trigger types into typed Go packages.")
	fmt.Fprintln(w, "\nUsage:\n\n  triggergen <command> [flags]\n\nCommands:")
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun `triggergen <command> -h` for a command's flags and an example.")
}

// exitCode prints err (prefixed "triggergen: ") and maps it to an exit status:
// 0 ok, 1 failure, 2 usage.
func exitCode(stderr io.Writer, err error) int {
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	// Messages quote lock data, file contents and server answers: escaped.
	msg := strings.TrimPrefix(printableText(err.Error()), "triggergen: ")
	fmt.Fprintln(stderr, "triggergen: "+msg)
	var ue *usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}
