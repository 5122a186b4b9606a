package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/triggergen/triggergen/catalog"
	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/internal/config"
	"github.com/triggergen/triggergen/internal/retry"
	"github.com/triggergen/triggergen/internal/schemadiff"
	"github.com/triggergen/triggergen/lockfile"
)

const pullSynopsis = `pull [-config F] [-toolkits a,b] [-lock F]

Fetches the trigger types (every page) and the webhook endpoint schema of
each selected toolkit from the Composio API and writes the lock file
atomically (sorted, with a sha256 per toolkit). Toolkits come from
-toolkits (slug or slug@version; merged into the existing lock), else from
the config file (the lock then holds exactly those), else from the existing
lock.

Reads COMPOSIO_API_KEY (required: create one in the Composio dashboard,
Settings > API Keys) and COMPOSIO_BASE_URL. The key is sent to the base
URL's host only: a redirect to another host fails the pull.

A 429, a 5xx or a network error is retried up to 5 attempts in all, each
wait shown on stderr; a Retry-After longer than 30s fails at once rather
than keep the pull waiting. A toolkit may have at most 10,000 pages of 50
trigger types, and a response at most 32 MiB.`

// pullConcurrency is how many toolkits are fetched at once.
const pullConcurrency = 4

// pullPageSize is the limit sent with each trigger-type page (the API's
// maximum).
const pullPageSize = composio.MaxPageSize

// pullOptions are the inputs of a pull.
type pullOptions struct {
	lockPath string
	toolkits []config.Toolkit
	// merge keeps the existing lock's other toolkits (-toolkits given).
	merge bool
	// retry is the retry policy; zero fields take pullRetry's.
	retry composio.RetryPolicy
	// pageSize is the page limit; pullPageSize when 0 (tests lower it).
	pageSize int
	// maxPages bounds the pages of a toolkit; composio.DefaultMaxPages when
	// 0 (tests lower it).
	maxPages int
}

// pullRetry is pull's retry policy: more attempts than the runtime client's
// default, since a pull is a batch job, and a Retry-After of at most 30s, so
// that a rate-limited pull fails within about two minutes instead of waiting
// for as long as the server asks.
func pullRetry() composio.RetryPolicy {
	return composio.RetryPolicy{MaxAttempts: 5, MinBackoff: 500 * time.Millisecond, MaxBackoff: 10 * time.Second, MaxRetryAfter: 30 * time.Second}
}

func runPull(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "pull", pullSynopsis, "COMPOSIO_API_KEY=... triggergen pull -toolkits github,slack@20250729_00")
	configPath := fs.String("config", "", configFlagUsage)
	toolkits := fs.String("toolkits", "", "comma-separated toolkits to pull, each slug or slug@version (default: the config's, else the lock's)")
	lockPath := fs.String("lock", "", "lock file to write (default: the config's lock, else "+config.DefaultLock+")")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("pull: unexpected argument %q", pos[0])
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		return err
	}
	o := pullOptions{lockPath: *lockPath}
	if o.lockPath == "" {
		o.lockPath = config.DefaultLock
		if cfg != nil {
			o.lockPath = cfg.Lock
		}
	}
	switch {
	case *toolkits != "":
		o.merge = true
		seen := map[string]bool{}
		for _, s := range strings.Split(*toolkits, ",") {
			slug, version, _ := strings.Cut(strings.TrimSpace(s), "@")
			if slug == "" {
				return usagef("pull: -toolkits %q: empty toolkit slug", *toolkits)
			}
			slug = strings.ToLower(slug)
			if seen[slug] {
				continue
			}
			seen[slug] = true
			if version == "" {
				version = config.Latest
				if cfg != nil {
					version = cfg.VersionOf(slug)
				}
			}
			o.toolkits = append(o.toolkits, config.Toolkit{Slug: slug, Version: version})
		}
	case cfg != nil && len(cfg.Toolkits) > 0:
		o.toolkits = cfg.Toolkits
	}
	return pull(ctx, e, o)
}

func pull(ctx context.Context, e *env, o pullOptions) error {
	prog := newProgress(e.stderr)
	client, err := pullClient(e, o, prog)
	if err != nil {
		return err
	}

	old, err := readExistingLock(o.lockPath)
	if err != nil {
		return err
	}
	toolkits := o.toolkits
	if len(toolkits) == 0 && old != nil {
		// Refresh the lock's own toolkits, at their latest versions.
		for _, tk := range old.Toolkits {
			toolkits = append(toolkits, config.Toolkit{Slug: tk.Slug, Version: config.Latest})
		}
	}
	if len(toolkits) == 0 {
		return usagef("pull: no toolkits to pull: pass -toolkits, list them in %s, or start from an existing lock", config.FileName)
	}

	if o.pageSize == 0 {
		o.pageSize = pullPageSize
	}
	prog.setTotal(len(toolkits))
	pulled, err := fetchAll(ctx, client, toolkits, o.pageSize, prog)
	prog.done()
	if err != nil {
		return err
	}

	lk := &lockfile.Lock{Toolkits: pulled}
	if o.merge && old != nil {
		for _, tk := range old.Toolkits {
			if lk.Toolkit(tk.Slug) == nil {
				lk.Toolkits = append(lk.Toolkits, tk)
			}
		}
	}
	data, err := lk.Marshal()
	if err != nil {
		return fmt.Errorf("pull: %w", err)
	}
	// What we write must read back: a lock that the generator rejects is
	// not written.
	written, err := lockfile.Parse(o.lockPath, data)
	if err != nil {
		return fmt.Errorf("pull: the API's answer does not make a valid lock: %w", err)
	}
	if err := writeFileAtomic(o.lockPath, data); err != nil {
		return fmt.Errorf("pull: %w", err)
	}
	printPullSummary(e.stdout, o.lockPath, old, written)
	return nil
}

// pullClient is the runtime client, configured from the environment as any
// program using it would be, with pull's retry policy and its retries shown
// by prog.
func pullClient(e *env, o pullOptions, prog *progress) (*composio.Client, error) {
	policy := composio.RetryPolicy(retry.Policy(o.retry).Fill(retry.Policy(pullRetry())))
	opts := []composio.Option{
		composio.WithGetenv(e.getenv),
		composio.WithUserAgent("triggergen/" + moduleVersion(debug.ReadBuildInfo)),
		composio.WithHTTPClient(&http.Client{Timeout: 2 * time.Minute}),
		composio.WithRetry(policy),
		composio.WithLogger(slog.New(progressLog{prog})),
	}
	if o.maxPages > 0 {
		opts = append(opts, composio.WithMaxPages(o.maxPages))
	}
	client, err := composio.NewClient(opts...)
	if errors.Is(err, composio.ErrMissingAPIKey) {
		return nil, fmt.Errorf("pull: %s is not set (see triggergen pull -h); without a key, `triggergen init` starts from the embedded catalog, and `triggergen fake-server` serves a fake API: set %s and %s to what it prints", composio.EnvAPIKey, composio.EnvBaseURL, composio.EnvAPIKey)
	}
	if err != nil {
		return nil, fmt.Errorf("pull: %w", err)
	}
	return client, nil
}

// readExistingLock reads the lock at path; nil when there is none.
func readExistingLock(path string) (*lockfile.Lock, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	lk, err := lockfile.Parse(path, data)
	if err != nil {
		return nil, fmt.Errorf("pull: the existing lock is malformed (remove it to pull afresh): %w", err)
	}
	return lk, nil
}

// fetchAll fetches the toolkits, pullConcurrency at a time. The first error
// cancels the rest.
func fetchAll(ctx context.Context, client *composio.Client, toolkits []config.Toolkit, pageSize int, prog *progress) ([]*lockfile.Toolkit, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	out := make([]*lockfile.Toolkit, len(toolkits))
	sem := make(chan struct{}, pullConcurrency)
	var wg sync.WaitGroup
	var once sync.Once
	var firstErr error
	for i, tk := range toolkits {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			prog.start(tk.Slug)
			got, err := fetchToolkit(ctx, client, tk, pageSize)
			if err != nil {
				once.Do(func() { firstErr = err; cancel(err) })
				prog.fail(tk.Slug)
				return
			}
			out[i] = got
			prog.finish(tk.Slug, len(got.TriggerTypes))
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// slugHint suggests the toolkit slug meant, from the embedded catalog's
// (package directories drop the underscore: onedrive is one_drive), or asks.
func slugHint(slug string) string {
	var known []string
	if lk, err := catalog.Lock(); err == nil {
		for _, tk := range lk.Toolkits {
			known = append(known, tk.Slug)
		}
	}
	if h := didYouMean(slug, known); h != "" {
		return h
	}
	return " (is the slug right?)"
}

// fetchToolkit fetches every page of the toolkit's trigger types and its
// webhook endpoint schema. Trigger-type objects are kept exactly as
// returned.
func fetchToolkit(ctx context.Context, client *composio.Client, tk config.Toolkit, pageSize int) (*lockfile.Toolkit, error) {
	version := tk.Version
	if version == "" {
		version = config.Latest
	}
	// The lock's version, never COMPOSIO_TOOLKIT_VERSION_<TOOLKIT>.
	pin := composio.WithToolkitVersion(tk.Slug, version)
	out := &lockfile.Toolkit{Slug: tk.Slug}
	versions := map[string]bool{}
	for tt, err := range client.TriggerTypes(ctx, composio.TriggerTypesParams{Toolkits: []string{tk.Slug}, PageSize: pageSize}, pin) {
		if err != nil {
			return nil, pullAPIError(err)
		}
		lt, err := triggerTypeOf(tk.Slug, tt.Raw)
		if err != nil {
			return nil, fmt.Errorf("pull %s: %w", tk.Slug, err)
		}
		if lt.Version != "" {
			versions[lt.Version] = true
		}
		out.TriggerTypes = append(out.TriggerTypes, lt)
	}
	if len(out.TriggerTypes) == 0 {
		return nil, fmt.Errorf("pull %s: the API lists no trigger types for toolkit %q at version %s%s", tk.Slug, tk.Slug, version, slugHint(tk.Slug))
	}
	switch {
	case version != config.Latest:
		out.Version = version
	case len(versions) == 0:
		out.Version = config.Latest
	case len(versions) == 1:
		for v := range versions {
			out.Version = v
		}
	default:
		vs := slices.Sorted(maps.Keys(versions))
		return nil, fmt.Errorf("pull %s: trigger types of several versions (%s); pin one in %s", tk.Slug, strings.Join(vs, ", "), config.FileName)
	}

	schema, err := client.WebhookEndpointSchema(ctx, tk.Slug, pin)
	var apiErr *composio.APIError
	switch {
	case err == nil:
		var b bytes.Buffer
		if err := json.Compact(&b, schema.Raw); err != nil {
			return nil, fmt.Errorf("pull %s: webhook endpoint schema: %w", tk.Slug, err)
		}
		out.WebhookEndpointSchema = b.Bytes()
	case errors.As(err, &apiErr) && (apiErr.Status == http.StatusNotFound || apiErr.Status == http.StatusBadRequest):
		// The toolkit uses no webhook endpoints: the lock stores null.
	default:
		return nil, pullAPIError(err)
	}
	return out, nil
}

// triggerTypeOf wraps one API object, checking that it belongs to toolkit.
func triggerTypeOf(toolkit string, raw json.RawMessage) (*lockfile.TriggerType, error) {
	// Parse it the way the lock will be parsed, so that errors surface here
	// with the trigger's slug.
	one := fmt.Sprintf(`{"lock_version":%d,"toolkits":[{"slug":%q,"trigger_types":[%s]}]}`, lockfile.Version, toolkit, raw)
	lk, err := lockfile.Parse("API response", []byte(one))
	if err != nil {
		return nil, err
	}
	return lk.Toolkits[0].TriggerTypes[0], nil
}

// pullAPIError is a failed call of the client, which names the call and the
// toolkit; a rejected key says which variable holds it.
func pullAPIError(err error) error {
	var apiErr *composio.APIError
	if errors.As(err, &apiErr) && (apiErr.Status == http.StatusUnauthorized || apiErr.Status == http.StatusForbidden) {
		return fmt.Errorf("pull: %w (check %s)", err, composio.EnvAPIKey)
	}
	return fmt.Errorf("pull: %w", err)
}

// writeFileAtomic replaces path with data: a temporary file in the same
// directory is written, synced and renamed over path, so readers see the old
// or the new content, never a mix. An existing file keeps its permissions.
func writeFileAtomic(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	mode := fs.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	return placeFile(path, data, mode, os.Rename)
}

// placeFile writes data to a synced temporary file beside path, with mode,
// and then puts it at path with place: os.Rename replaces what is there,
// os.Link refuses to.
func placeFile(path string, data []byte, mode fs.FileMode, place func(tmp, path string) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op after a rename
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp, mode); err != nil {
		return err
	}
	return place(tmp, path)
}

// printPullSummary says what the pull changed against the previous lock.
func printPullSummary(w io.Writer, path string, old, new *lockfile.Lock) {
	n := 0
	for _, tk := range new.Toolkits {
		n += len(tk.TriggerTypes)
	}
	fmt.Fprintf(w, "wrote %s: %s, %s\n", printable(displayPath(path)), countOf(len(new.Toolkits), "toolkit"), countOf(n, "trigger type"))
	header := "changes against the previous lock:"
	if old == nil {
		header = "no previous lock; pulled:"
		old = &lockfile.Lock{}
	}
	r := printableReport(schemadiff.Compare(old, new))
	changed := false
	for _, td := range r.Toolkits {
		if line := toolkitSummary(td); line != "" {
			if !changed {
				fmt.Fprintln(w, header)
				changed = true
			}
			fmt.Fprintln(w, "  "+line)
		}
	}
	if !changed {
		fmt.Fprintln(w, "no changes against the previous lock")
		return
	}
	if b := r.Count(schemadiff.Breaking); b > 0 {
		fmt.Fprintf(w, "%s:\n", countOf(b, "breaking change"))
		for _, c := range r.Changes {
			if c.Severity == schemadiff.Breaking {
				where := c.Toolkit
				if c.Trigger != "" {
					where = c.Trigger
				}
				fmt.Fprintf(w, "  %s: %s\n", where, c.Message)
			}
		}
		fmt.Fprintln(w, "run `triggergen diff OLD NEW` on the previous and the new lock for every change")
	}
}

func toolkitSummary(td schemadiff.ToolkitDiff) string {
	switch td.Status {
	case schemadiff.StatusAdded:
		return fmt.Sprintf("%s: added at %s (%s), sha256 %s", td.Slug, td.NewVersion, countOf(len(td.TriggersAdded), "trigger type"), shortSHA(td.NewSHA256))
	case schemadiff.StatusRemoved:
		return fmt.Sprintf("%s: removed", td.Slug)
	case schemadiff.StatusUnchanged:
		return ""
	}
	var parts []string
	if td.OldVersion != td.NewVersion {
		parts = append(parts, fmt.Sprintf("version %s → %s", td.OldVersion, td.NewVersion))
	}
	parts = append(parts, fmt.Sprintf("sha256 %s → %s", shortSHA(td.OldSHA256), shortSHA(td.NewSHA256)))
	list := func(what string, slugs []string) {
		if len(slugs) > 0 {
			parts = append(parts, fmt.Sprintf("%s %s (%s)", countOf(len(slugs), "trigger type"), what, strings.Join(slugs, ", ")))
		}
	}
	list("added", td.TriggersAdded)
	list("removed", td.TriggersRemoved)
	list("changed", td.TriggersChanged)
	return td.Slug + ": " + strings.Join(parts, ", ")
}

func shortSHA(sha string) string {
	if len(sha) > 8 {
		return sha[:8]
	}
	return sha
}

// progress reports the pull: a live line on a terminal, plain lines
// otherwise. It is safe for concurrent use.
type progress struct {
	mu      sync.Mutex
	w       io.Writer
	tty     bool
	total   int
	done_   int
	running []string
	last    int // length of the last live line
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w}
	if f, ok := w.(interface{ Fd() uintptr }); ok {
		p.tty = term.IsTerminal(int(f.Fd()))
	}
	return p
}

func (p *progress) setTotal(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total = n
}

func (p *progress) start(slug string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running = append(p.running, slug)
	p.redraw()
}

func (p *progress) remove(slug string) {
	for i, s := range p.running {
		if s == slug {
			p.running = append(p.running[:i], p.running[i+1:]...)
			return
		}
	}
}

func (p *progress) finish(slug string, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.remove(slug)
	p.done_++
	p.println(fmt.Sprintf("pulled %s: %s", slug, countOf(n, "trigger type")))
}

func (p *progress) fail(slug string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.remove(slug)
	p.redraw()
}

// retry says that the client waits before repeating what (a call, as its
// errors name it), and why.
func (p *progress) retry(what string, attempt int, wait time.Duration, waitFor, reason string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if what == "" {
		what = "request"
	}
	if waitFor == "Retry-After" {
		waitFor = " (as Retry-After asks)"
	} else {
		waitFor = ""
	}
	reason = strings.TrimPrefix(reason, what+": ")
	p.println(fmt.Sprintf("retrying %s in %s%s after attempt %d: %s", what, wait.Round(time.Millisecond), waitFor, attempt, reason))
}

// line prints a permanent line.
func (p *progress) line(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.println(s)
}

// progressLog shows the client's log records (retries, warnings) as
// progress lines.
type progressLog struct{ p *progress }

func (progressLog) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelInfo }
func (h progressLog) WithAttrs([]slog.Attr) slog.Handler         { return h }
func (h progressLog) WithGroup(string) slog.Handler              { return h }

func (h progressLog) Handle(_ context.Context, r slog.Record) error {
	if r.Message == composio.RetryLogMessage {
		var what, waitFor, reason string
		var attempt int
		var wait time.Duration
		r.Attrs(func(a slog.Attr) bool {
			switch a.Key {
			case "op":
				what = a.Value.String()
			case "attempt":
				attempt = int(a.Value.Int64())
			case "wait":
				wait = a.Value.Duration()
			case "wait_for":
				waitFor = a.Value.String()
			case "error":
				reason = a.Value.String()
			}
			return true
		})
		h.p.retry(what, attempt, wait, waitFor, reason)
		return nil
	}
	var b strings.Builder
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		b.WriteString(" " + a.String())
		return true
	})
	h.p.line(b.String())
	return nil
}

// println prints a permanent line (above the live line on a terminal).
func (p *progress) println(s string) {
	if p.tty {
		p.clear()
	}
	fmt.Fprintln(p.w, s)
	p.redraw()
}

func (p *progress) clear() {
	if p.last > 0 {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.last = 0
	}
}

func (p *progress) redraw() {
	if !p.tty {
		return
	}
	p.clear()
	if p.done_ == p.total && len(p.running) == 0 {
		return
	}
	line := fmt.Sprintf("pulling %d/%d toolkits… %s", p.done_, p.total, strings.Join(p.running, " "))
	fmt.Fprint(p.w, line)
	p.last = len(line)
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		p.clear()
	}
}

// countOf is "1 thing" or "n things".
func countOf(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// displayPath is path relative to the current directory when it lies below
// it, else path as given.
func displayPath(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	rel, err := filepath.Rel(wd, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return path
	}
	return rel
}
