package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/triggergen/triggergen/composiotest"
	"github.com/triggergen/triggergen/lockfile"
)

// accountFlags collects repeated --account USER:TOOLKIT[:STATUS] flags.
type accountFlags []composiotest.ConnectedAccount

func (a *accountFlags) String() string { return "" }

func (a *accountFlags) Set(s string) error {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return fmt.Errorf("want USER:TOOLKIT or USER:TOOLKIT:STATUS, got %q", s)
	}
	ca := composiotest.ConnectedAccount{UserID: parts[0], Toolkit: parts[1]}
	if len(parts) == 3 {
		ca.Status = strings.ToUpper(parts[2])
	}
	*a = append(*a, ca)
	return nil
}

const fakeServerSynopsis = `fake-server [-addr HOST:PORT] [-lock FILE] [-api-key KEY] [-account USER:TOOLKIT[:STATUS]]...

Serves a stateful fake of the Composio API (trigger types from the lock or
the embedded catalog, trigger instances, connected accounts, webhook
endpoints, subscriptions, the realtime channel) until interrupted. Point a
client at it with COMPOSIO_BASE_URL=http://ADDR and COMPOSIO_API_KEY=KEY.
Control routes (same x-api-key) do by hand what Go tests do with methods:
  POST /_fake/connected_accounts             {"user_id","toolkit","status"}
  POST /_fake/webhook_endpoints/ID/verify    the provider's handshake
  POST /_fake/trigger_instances/ID/events    {"data":{...}}: delivered signed
       to the webhook subscription's URL and published on the realtime channel`

// runFakeServer serves composiotest's fake Composio API until ctx is done.
func runFakeServer(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "fake-server",
		fakeServerSynopsis,
		"triggergen fake-server -addr 127.0.0.1:9900 -lock triggergen.lock.json -account alice:github")
	addr := fs.String("addr", "127.0.0.1:9900", "address to listen on (port 0 picks a free one)")
	lockPath := fs.String("lock", "", "lock file whose trigger types the server serves (default: the embedded catalog)")
	apiKey := fs.String("api-key", composiotest.DefaultAPIKey, "x-api-key value the server accepts")
	var accounts accountFlags
	fs.Var(&accounts, "account", "seed an ACTIVE (or STATUS) connected account USER:TOOLKIT[:STATUS]; repeatable")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("fake-server: unexpected argument %q", fs.Arg(0))
	}
	if *apiKey == "" {
		return usagef("fake-server: -api-key must not be empty")
	}

	opts := []composiotest.Option{
		composiotest.WithAPIKey(*apiKey),
		composiotest.WithLogger(slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))),
	}
	source := "the embedded catalog"
	if *lockPath != "" {
		data, err := os.ReadFile(*lockPath)
		if err != nil {
			return fmt.Errorf("fake-server: %w", err)
		}
		lk, err := lockfile.Parse(*lockPath, data)
		if err != nil {
			return fmt.Errorf("fake-server: %w", err)
		}
		opts = append(opts, composiotest.WithLock(lk))
		source = *lockPath
	}
	fake, err := composiotest.New(opts...)
	if err != nil {
		return fmt.Errorf("fake-server: %w", err)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("fake-server: %w", err)
	}
	srv := &http.Server{Handler: fake.Handler(), ReadHeaderTimeout: 10 * time.Second}
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(e.stdout, "fake Composio API listening on %s (trigger types from %s)\n", base, source)
	fmt.Fprintf(e.stdout, "  COMPOSIO_BASE_URL=%s COMPOSIO_API_KEY=%s\n", base, *apiKey)
	for _, ca := range accounts {
		ca = fake.AddConnectedAccount(ca)
		fmt.Fprintf(e.stdout, "  connected account %s: user %s, toolkit %s, %s\n", ca.ID, ca.UserID, ca.Toolkit, ca.Status)
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("fake-server: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		_ = srv.Close()
	}
	fake.CloseRealtime(1001, "server shutting down") // Shutdown leaves websockets open
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("fake-server: %w", err)
	}
	if v := fake.ContractViolations(); len(v) > 0 {
		fmt.Fprintf(e.stderr, "triggergen: warning: fake-server: %d contract violation(s) seen; see the log above\n", len(v))
	}
	return nil
}
