package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/composio/realtime"
	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
	"github.com/triggergen/triggergen/webhook/webhooktest"
)

const listenSynopsis = "listen [-toolkits a,b] [-triggers SLUG,...] [-forward-to URL] [-secret S]"

const listenExample = "COMPOSIO_API_KEY=... triggergen listen -toolkits github -forward-to http://localhost:8080/webhooks/composio"

// forwardTimeout bounds one forwarded delivery.
const forwardTimeout = 30 * time.Second

// runListen implements `triggergen listen`: it subscribes to the project's
// trigger events over Composio's realtime channel, prints one line per
// event and, with -forward-to, re-delivers each as a signed V3 webhook.
func runListen(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "listen", listenSynopsis, listenExample)
	toolkits := fs.String("toolkits", "", "only events of these toolkits, comma-separated (e.g. github,slack)")
	triggers := fs.String("triggers", "", "only events of these trigger types, comma-separated slugs (e.g. GITHUB_COMMIT_EVENT)")
	forwardTo := fs.String("forward-to", "", "re-deliver each event as a signed V3 webhook to this `URL` (your webhook.NewHandler)")
	secretFlag := fs.String("secret", "", "webhook `secret` forwarded events are signed with (default: $"+webhookSecretEnv+", else a random one printed at start)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("listen: unexpected argument %q", fs.Arg(0))
	}
	if *forwardTo != "" {
		if u, err := url.Parse(*forwardTo); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usagef("listen: -forward-to %q: want an http(s) URL such as http://localhost:8080/webhooks", *forwardTo)
		}
	} else if *secretFlag != "" {
		return usagef("listen: -secret signs forwarded events: it needs -forward-to")
	}
	if strings.TrimSpace(e.getenv(composio.EnvAPIKey)) == "" {
		return fmt.Errorf("listen: %s is not set: create an API key in the Composio dashboard (Settings → API Keys) and export %s=… (against `triggergen fake-server`, use the key it prints)", composio.EnvAPIKey, composio.EnvAPIKey)
	}
	client, err := composio.NewClient(composio.WithGetenv(e.getenv))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}

	l := &listener{e: e, forwardTo: *forwardTo, http: &http.Client{Timeout: forwardTimeout}, base: client.BaseURL()}
	if l.forwardTo != "" {
		key := *secretFlag
		if key == "" {
			key = e.getenv(webhookSecretEnv)
		}
		if key == "" {
			key = randomSecret()
			// Shown on purpose, as stripe listen does: the receiver must be
			// started with it.
			fmt.Fprintf(e.stderr, "Forwarding to %s, signed with the webhook secret %s (random; set $%s or pass -secret to choose it)\n", l.forwardTo, key, webhookSecretEnv)
		} else {
			fmt.Fprintf(e.stderr, "Forwarding to %s, signed with the given webhook secret\n", l.forwardTo)
		}
		l.secret = secret.New(key)
	}
	d := webhook.NewDispatcher()
	d.Fallback(l.handle)
	logger := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	err = realtime.Subscribe(ctx, client, d,
		realtime.WithFilter(realtime.Filter{Toolkits: splitList(*toolkits), TriggerSlugs: splitList(*triggers)}),
		realtime.WithLogger(logger),
		realtime.OnSubscribed(l.subscribed))
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		fmt.Fprintln(e.stderr, "Stopped.")
		return nil
	}
	if errors.Is(err, composio.ErrUnauthorized) {
		return fmt.Errorf("listen: %w (the API rejected %s: check that it is a current API key of your Composio project)", err, composio.EnvAPIKey)
	}
	return fmt.Errorf("listen: %w", err)
}

// listener prints and forwards events; its handler runs one event at a
// time (Subscribe's guarantee), the mutex only guards the output.
type listener struct {
	e         *env
	forwardTo string
	secret    secret.Value
	http      *http.Client
	base      string

	mu    sync.Mutex
	ready bool
}

func (l *listener) subscribed(channel string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ready {
		fmt.Fprintln(l.e.stderr, "Reconnected.")
		return
	}
	l.ready = true
	fmt.Fprintf(l.e.stderr, "Ready: listening for trigger events on %s at %s (Ctrl-C to stop)\n", channel, l.base)
}

// handle prints one line per event: time, slug, trigger id, user,
// connected account, and the receiver's answer when forwarding.
func (l *listener) handle(ctx context.Context, ev *webhook.Event) error {
	now := time.Now()
	user := "-"
	if ev.UserID != nil {
		user = *ev.UserID
	}
	line := fmt.Sprintf("%s  %s  trigger=%s  user=%s  account=%s", now.Format(time.DateTime), ev.TriggerSlug, ev.TriggerID, user, ev.ConnectedAccountID)
	if l.forwardTo != "" {
		line += "  -> " + l.forward(ctx, ev, now)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_, err := fmt.Fprintln(l.e.stdout, line)
	return err
}

// forward re-delivers ev as the V3 webhook Composio would send, signed
// with the listener's secret by the same code composiotest and users'
// tests sign with (webhooktest), and describes the answer.
func (l *listener) forward(ctx context.Context, ev *webhook.Event, now time.Time) string {
	id := "msg_" + randomHex(16)
	var triggerUUID string
	if m, ok := realtime.FromContext(ctx); ok {
		triggerUUID = m.TriggerUUID
	}
	data := json.RawMessage(ev.Data)
	if len(data) == 0 {
		data = json.RawMessage("{}")
	}
	body, err := webhooktest.Message{
		ID: id, TriggerSlug: ev.TriggerSlug, TriggerID: ev.TriggerID, TriggerUUID: triggerUUID,
		ConnectedAccountID: ev.ConnectedAccountID, AuthConfigID: ev.AuthConfigID, UserID: ev.UserID,
		Timestamp: now, Data: data,
	}.Body(webhook.V3)
	if err != nil {
		return "not forwarded: " + err.Error()
	}
	ctx, cancel := context.WithTimeout(ctx, forwardTimeout)
	defer cancel()
	req, err := webhooktest.NewClientRequest(ctx, l.forwardTo, l.secret, body,
		webhooktest.WithID(id), webhooktest.WithTimestamp(now), webhooktest.WithVersion(webhook.V3), webhooktest.WithAttempt(1))
	if err != nil {
		return "not forwarded: " + err.Error()
	}
	req.Header.Set("User-Agent", "triggergen-listen")
	start := time.Now()
	resp, err := l.http.Do(req)
	if err != nil {
		return "POST failed: " + err.Error()
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	return fmt.Sprintf("%s (%s)", resp.Status, time.Since(start).Round(time.Millisecond))
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// randomSecret is a webhook secret in Composio's format.
func randomSecret() string { return "whsec_" + randomHex(24) }
