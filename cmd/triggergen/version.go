package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

const versionSynopsis = `version

Prints triggergen's module version (as recorded in the build: the tag when it
was installed or required at one, "(devel)" in a checkout), the Go version it
was built with, and the platform.`

// modulePath is triggergen's module path, looked up in the build info.
const modulePath = "github.com/triggergen/triggergen"

func runVersion(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "version", versionSynopsis, "triggergen version")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("version: unexpected argument %q", fs.Arg(0))
	}
	fmt.Fprintf(e.stdout, "triggergen %s %s %s/%s\n", moduleVersion(debug.ReadBuildInfo), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

// moduleVersion is triggergen's module version from the build info: the main
// module's when triggergen is built or installed itself, the dependency's
// when it runs from another module (`go run github.com/triggergen/triggergen/cmd/triggergen`),
// and "(devel)" when unknown.
func moduleVersion(read func() (*debug.BuildInfo, bool)) string {
	bi, ok := read()
	if !ok {
		return "(devel)"
	}
	m := &bi.Main
	if m.Path != modulePath {
		m = nil
		for _, d := range bi.Deps {
			if d.Path == modulePath {
				m = d
				if d.Replace != nil {
					m = d.Replace
				}
				break
			}
		}
	}
	if m == nil || m.Version == "" {
		return "(devel)"
	}
	return m.Version
}
