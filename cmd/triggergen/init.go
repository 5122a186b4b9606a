package main

import (
	"context"
	"errors"
	"fmt"
	iofs "io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/triggergen/triggergen/catalog"
	"github.com/triggergen/triggergen/internal/config"
	"github.com/triggergen/triggergen/lockfile"
)

const initSynopsis = `init [-toolkits a,b] [-config F] [-lock F] [-out DIR]

Starts a module's triggergen setup offline: writes the config file and a lock
made from the embedded catalog (real trigger types, no API key, no network),
so that ` + "`triggergen generate`" + ` and ` + "`go generate`" + ` work at once. It refuses to
overwrite either file. Later, ` + "`triggergen pull`" + ` refreshes the lock from
Composio (COMPOSIO_API_KEY).`

func runInit(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "init", initSynopsis, "triggergen init -toolkits github,slack")
	toolkits := fs.String("toolkits", "", "comma-separated toolkit slugs to start with (default: every toolkit of the embedded catalog)")
	configPath := fs.String("config", config.FileName, "config file to write")
	lockName := fs.String("lock", config.DefaultLock, "lock file to write, relative to the config file")
	out := fs.String("out", "./composiotriggers", "output directory the config names, relative to the config file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("init: unexpected argument %q", fs.Arg(0))
	}
	lk, err := catalog.Lock()
	if err != nil {
		return err
	}
	if *toolkits != "" {
		if lk, err = selectToolkits(lk, strings.Split(*toolkits, ",")); err != nil {
			return err
		}
	}
	lockPath := filepath.Join(filepath.Dir(*configPath), *lockName)
	for _, p := range []string{*configPath, lockPath} {
		if _, err := os.Lstat(p); err == nil {
			return fmt.Errorf("init: %s already exists; init writes only new files (edit it, or run `triggergen pull` to refresh the lock)", p)
		} else if !errors.Is(err, iofs.ErrNotExist) {
			return fmt.Errorf("init: %w", err)
		}
	}
	lockData, err := lk.Marshal()
	if err != nil {
		return err
	}
	if err := createFile(lockPath, lockData); err != nil {
		return fmt.Errorf("init: %w", err)
	}
	if err := createFile(*configPath, initConfig(lk, *lockName, *out)); err != nil {
		os.Remove(lockPath) // created above by this run
		return fmt.Errorf("init: %w", err)
	}
	n := len(lk.TriggerTypes())
	fmt.Fprintf(e.stdout, "wrote %s and %s: %s, %s from the embedded catalog\n", displayPath(*configPath), displayPath(lockPath),
		countOf(len(lk.Toolkits), "toolkit"), countOf(n, "trigger type"))
	fmt.Fprintf(e.stdout, "next: triggergen generate (or go generate ./...); triggergen pull refreshes the lock from Composio\n")
	return nil
}

// selectToolkits returns the lock with only the named toolkits; an unknown
// slug is an error that suggests the slug meant.
func selectToolkits(lk *lockfile.Lock, slugs []string) (*lockfile.Lock, error) {
	var known []string
	for _, tk := range lk.Toolkits {
		known = append(known, tk.Slug)
	}
	out := &lockfile.Lock{}
	for _, s := range slugs {
		s = strings.ToLower(strings.TrimSpace(s))
		tk := lk.Toolkit(s)
		if tk == nil {
			return nil, fmt.Errorf("init: the embedded catalog has no toolkit %q%s", s, didYouMean(s, known))
		}
		if !slices.Contains(out.Toolkits, tk) {
			out.Toolkits = append(out.Toolkits, tk)
		}
	}
	return out, nil
}

// initConfig is the config file init writes: every toolkit pinned to the
// version of its lock entry.
func initConfig(lk *lockfile.Lock, lock, out string) []byte {
	var b strings.Builder
	b.WriteString("# triggergen.yaml: what `triggergen generate` (and `go generate`) builds.\n")
	b.WriteString("# Written by `triggergen init` from the embedded catalog; `triggergen pull`\n")
	b.WriteString("# refreshes the lock from Composio (COMPOSIO_API_KEY).\n")
	b.WriteString("version: 1\ntoolkits:\n")
	for _, tk := range lk.Toolkits {
		fmt.Fprintf(&b, "  %s: %s\n", tk.Slug, tk.Version)
	}
	fmt.Fprintf(&b, "lock: %s\nout: %s\n", lock, out)
	return []byte(b.String())
}

// createFile writes data to a new file at path, atomically and never over an
// existing file: the file is linked into place, which fails when path exists.
func createFile(path string, data []byte) error { return placeFile(path, data, 0o644, os.Link) }
