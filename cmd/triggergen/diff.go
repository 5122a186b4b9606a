package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/triggergen/triggergen/internal/schemadiff"
	"github.com/triggergen/triggergen/lockfile"
)

const diffSynopsis = `diff OLD.lock NEW.lock [-json] [-fail-on-breaking]

Compares two lock files and classifies every change of the trigger types:
breaking for callers (config: required field added, field removed, type
changed, enum value removed, optional→required, a constraint tightened such
as a lower maxLength or a new pattern, trigger removed), breaking
for consumers (payload: field removed, type changed, became nullable or
optional), additive, or info. -json prints the machine-readable report
(fields documented in internal/schemadiff).`

func runDiff(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "diff", diffSynopsis,
		"git show HEAD:triggergen.lock.json > /tmp/old.lock.json && triggergen diff /tmp/old.lock.json triggergen.lock.json -fail-on-breaking")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	failOnBreaking := fs.Bool("fail-on-breaking", false, "exit 1 when any change is breaking (after printing the report)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("diff: want two lock files, OLD and NEW; got %s", countOf(len(pos), "argument"))
	}
	old, err := readLockFile(pos[0])
	if err != nil {
		return err
	}
	new, err := readLockFile(pos[1])
	if err != nil {
		return err
	}
	r := schemadiff.Compare(old, new)
	if err := writeReport(e.stdout, r, *asJSON); err != nil {
		return err
	}
	if *failOnBreaking && r.Breaking() {
		fmt.Fprintf(e.stderr, "triggergen: %s between %s and %s\n", countOf(r.Count(schemadiff.Breaking), "breaking change"), printable(pos[0]), printable(pos[1]))
		return &exitError{1}
	}
	return nil
}

// readLockFile reads and parses the lock file at path.
func readLockFile(path string) (*lockfile.Lock, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return lockfile.Parse(path, data)
}

// writeReport prints r as text or JSON with the lock's strings made
// printable: escaped in the text, \u-escaped inside the JSON strings (the
// same values to a JSON reader).
func writeReport(w io.Writer, r *schemadiff.Report, asJSON bool) error {
	if !asJSON {
		return schemadiff.WriteText(w, printableReport(r))
	}
	var b bytes.Buffer
	if err := schemadiff.WriteJSON(&b, r); err != nil {
		return err
	}
	_, err := w.Write(printableJSON(b.Bytes()))
	return err
}
