package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"

	"example.com/triggergen-example/composiotriggers/github"
	"example.com/triggergen-example/composiotriggers/slack"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "triggergen-example:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string) error {
	fs := flag.NewFlagSet("triggergen-example", flag.ContinueOnError)
	owner := fs.String("owner", "octocat", "GitHub repository owner")
	repo := fs.String("repo", "Hello-World", "GitHub repository name")
	addr := fs.String("addr", "localhost:8080", "address to receive webhooks on")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := slog.Default()

	// Create the trigger. The config is a generated struct: its fields are
	// the trigger type's config schema, Validate checks it before any request,
	// and it pins the toolkit version it was generated from.
	client, err := composio.NewClient(composio.WithGetenv(getenv)) // COMPOSIO_API_KEY, COMPOSIO_BASE_URL
	if err != nil {
		return err
	}
	tr, err := client.CreateTrigger(ctx, composio.CreateTriggerParams{
		UserID: getenv("COMPOSIO_USER_ID"),
		Config: github.CommitEventConfig{Owner: *owner, Repo: *repo},
	})
	if err != nil {
		return fmt.Errorf("create trigger: %w", err)
	}
	log.Info("trigger created", "id", tr.ID, "slug", tr.Slug, "toolkit_version", tr.ToolkitVersion)

	// Receive its events: verify each delivery's signature, decode the
	// envelope and hand the typed payload to the handler of its trigger type.
	v, err := webhook.NewVerifier(secret.New(getenv("COMPOSIO_WEBHOOK_SECRET")))
	if err != nil {
		return err
	}
	d := webhook.NewDispatcher()
	github.OnCommitEvent(d, func(ctx context.Context, ev *webhook.Event, p *github.CommitEventPayload) error {
		log.InfoContext(ctx, "commit", "trigger", ev.TriggerID, "id", p.ID, "author", p.Author, "message", p.Message)
		return nil
	})
	slack.OnReactionAdded(d, func(ctx context.Context, ev *webhook.Event, p *slack.ReactionAddedPayload) error {
		log.InfoContext(ctx, "slack reaction", "trigger", ev.TriggerID)
		return nil
	})
	d.Fallback(func(ctx context.Context, ev *webhook.Event) error {
		log.InfoContext(ctx, "unhandled event", "type", ev.Type, "slug", ev.TriggerSlug)
		return nil
	})

	mux := http.NewServeMux()
	mux.Handle("POST /composio", webhook.NewHandler(v, d, webhook.WithLogger(log)))
	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	log.Info("listening for Composio webhooks", "url", "http://"+*addr+"/composio")
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
