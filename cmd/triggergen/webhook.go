package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
)

// webhookSecretEnv names the environment variable the secret may come from,
// so that it need not appear on the command line or in shell history.
const webhookSecretEnv = "COMPOSIO_WEBHOOK_SECRET"

const webhookSynopsis = "webhook <subcommand> [flags]"

const webhookVerifySynopsis = `webhook verify [-secret S] -id ID -timestamp TS -signature SIG [-tolerance 300s] < body

Checks a delivery's signature as your receiver would (the webhook-id,
webhook-timestamp and webhook-signature headers and the body from stdin), and
prints the decoded event, or exits 1 with the precise reason.`

// webhookVerifyExample is the example of both `webhook -h` and
// `webhook verify -h`.
const webhookVerifyExample = "COMPOSIO_WEBHOOK_SECRET=... triggergen webhook verify -id msg_abc -timestamp 1768262400 -signature 'v1,DGfk...=' < body.json"

// maxWebhookBody bounds what `webhook verify` reads from stdin.
const maxWebhookBody = 64 << 20

// runWebhook implements `triggergen webhook <subcommand>`: verify and send.
func runWebhook(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		printWebhookUsage(e.stderr)
		return usagef("webhook: no subcommand given")
	}
	switch args[0] {
	case "verify":
		return runWebhookVerify(ctx, e, args[1:])
	case "send":
		return runWebhookSend(ctx, e, args[1:])
	case "-h", "-help", "--help", "help":
		printWebhookUsage(e.stdout)
		return errHelp
	}
	return usagef("webhook: unknown subcommand %q (want verify or send)", args[0])
}

func printWebhookUsage(w io.Writer) {
	fmt.Fprintf(w, "Usage: triggergen %s\n\n", webhookSynopsis)
	fmt.Fprintln(w, "Subcommands:\n  verify   check a delivery's signature and print the decoded event\n  send     sign a trigger event and POST it to your receiver")
	printExample(w, webhookVerifyExample)
	fmt.Fprintln(w, "\nRun `triggergen webhook verify -h` or `triggergen webhook send -h` for their flags.")
}

// toleranceFlag is a duration flag that also takes plain seconds ("300").
type toleranceFlag struct{ d time.Duration }

func (f *toleranceFlag) String() string { return f.d.String() }

func (f *toleranceFlag) Set(s string) error {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		f.d = time.Duration(n) * time.Second
	} else if f.d, err = time.ParseDuration(s); err != nil {
		return fmt.Errorf("want a duration such as 300s or 10m, or seconds")
	}
	if f.d < 0 {
		return fmt.Errorf("negative tolerance")
	}
	return nil
}

type webhookVerifyOptions struct {
	secret, id, timestamp, signature, version string
	tolerance                                 time.Duration
	standardWebhooks                          bool
}

func runWebhookVerify(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "webhook verify", webhookVerifySynopsis, webhookVerifyExample)
	var o webhookVerifyOptions
	tol := toleranceFlag{webhook.DefaultTolerance}
	fs.StringVar(&o.secret, "secret", "", "webhook `secret` (default: $"+webhookSecretEnv+"; prefer the variable, which keeps the secret out of shell history and ps)")
	fs.StringVar(&o.id, "id", "", "value of the webhook-id header (required)")
	fs.StringVar(&o.timestamp, "timestamp", "", "value of the webhook-timestamp header, unix seconds (required)")
	fs.StringVar(&o.signature, "signature", "", "value of the webhook-signature header, e.g. 'v1,<base64>'; several space-separated entries allowed (required)")
	fs.Var(&tol, "tolerance", "how far the timestamp may be from now, either way: a `duration` (300s, 10m) or seconds; 0 disables the check (to replay an old delivery)")
	fs.StringVar(&o.version, "version", "", "value of the x-composio-webhook-version header (V1, V2 or V3), checked against the body's shape")
	fs.BoolVar(&o.standardWebhooks, "standard-webhooks", false, "also accept a whsec_ secret's base64-decoded key (Standard Webhooks); Composio signs with the raw string")
	if err := parseSecretFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("webhook verify: unexpected argument (argument %d, %s); the body is read from stdin", len(args)-fs.NArg()+1, notShown)
	}
	o.tolerance = tol.d
	if o.secret == "" && e.getenv != nil {
		o.secret = e.getenv(webhookSecretEnv)
	}
	switch {
	case o.secret == "":
		return usagef("webhook verify: no secret: set $%s or pass -secret", webhookSecretEnv)
	case o.id == "":
		return usagef("webhook verify: -id is required (the webhook-id header)")
	case o.timestamp == "":
		return usagef("webhook verify: -timestamp is required (the webhook-timestamp header)")
	case o.signature == "":
		return usagef("webhook verify: -signature is required (the webhook-signature header)")
	}
	if o.version != "" {
		if _, err := webhook.ParseVersion(o.version); err != nil {
			return usagef("webhook verify: -version: want V1, V2 or V3 (the value given is %s)", notShown)
		}
	}
	body, err := io.ReadAll(io.LimitReader(e.stdin, maxWebhookBody+1))
	if err != nil {
		return fmt.Errorf("webhook verify: read body from stdin: %w", err)
	}
	if len(body) > maxWebhookBody {
		return fmt.Errorf("webhook verify: body on stdin exceeds %d MiB", maxWebhookBody>>20)
	}
	return webhookVerify(ctx, e, o, body)
}

// notShown stands in for a command-line value in a message: a secret typed
// into the wrong flag, or where a flag was expected, must not end up in a
// terminal's scrollback or a CI log.
const notShown = "not shown: it may be a secret"

// rephrase returns e with another message and the same hint.
func (e *usageError) rephrase(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...), hint: e.hint}
}

// parseSecretFlags is parseFlags for a command that takes a secret: its
// errors name the flag at fault or the argument's position, never a value
// or an unknown argument.
func parseSecretFlags(fs *flag.FlagSet, args []string) error {
	err := parseFlags(fs, args)
	ue, ok := errors.AsType[*usageError](err)
	if !ok {
		return err
	}
	msg := strings.TrimPrefix(ue.msg, fs.Name()+": ")
	// The flag package has consumed the arguments up to the one at fault
	// (and, for a bad value, the value).
	at := len(args) - len(fs.Args())
	if rest, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		if fs.Lookup(strings.TrimLeft(rest, "-")) == nil {
			return ue.rephrase("%s: flag provided but not defined (argument %d, %s)", fs.Name(), at, notShown)
		}
	}
	if _, ok := strings.CutPrefix(msg, "bad flag syntax: "); ok {
		return ue.rephrase("%s: bad flag syntax (argument %d, %s)", fs.Name(), at+1, notShown)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok && fs.Lookup(name) != nil {
		return err
	}
	for _, prefix := range []string{"invalid value ", "invalid boolean value "} {
		rest, ok := strings.CutPrefix(msg, prefix)
		if !ok {
			continue
		}
		// rest is `"VALUE" for [flag ]-NAME: REASON`.
		quoted, err := strconv.QuotedPrefix(rest)
		if err != nil {
			break
		}
		value, _ := strconv.Unquote(quoted)
		rest = strings.TrimPrefix(strings.TrimPrefix(rest[len(quoted):], " for "), "flag ")
		name, reason, _ := strings.Cut(strings.TrimPrefix(rest, "-"), ": ")
		if fs.Lookup(name) == nil {
			break
		}
		if value != "" && strings.Contains(reason, value) {
			reason = "see -h"
		}
		return ue.rephrase("%s: invalid value for -%s (%s): %s", fs.Name(), name, notShown, reason)
	}
	return ue.rephrase("%s: bad arguments (%s); run triggergen %s -h", fs.Name(), notShown, fs.Name())
}

// cliError is an error with a message for people that still matches its
// cause with errors.Is.
type cliError struct {
	msg string
	err error
}

func (e *cliError) Error() string { return e.msg }
func (e *cliError) Unwrap() error { return e.err }

func webhookVerify(_ context.Context, e *env, o webhookVerifyOptions, body []byte) error {
	opts := []webhook.VerifierOption{webhook.WithTolerance(o.tolerance)}
	if o.standardWebhooks {
		opts = append(opts, webhook.WithStandardWebhooksKeys())
	}
	v, err := webhook.NewVerifier(secret.New(o.secret), opts...)
	if err != nil {
		return fmt.Errorf("webhook verify: %w", err)
	}
	if err := v.VerifyParts(o.id, o.timestamp, o.signature, body); err != nil {
		return &cliError{msg: "webhook verify: invalid: " + verifyReason(err, v, o, body), err: err}
	}

	var version webhook.Version // checked with ParseVersion already
	if o.version != "" {
		version, _ = webhook.ParseVersion(o.version)
	}
	ev, err := webhook.DecodeParts(o.id, version, body)
	if err != nil {
		fmt.Fprintf(e.stderr, "triggergen: signature valid, but the body is not a known Composio event: %s\n",
			printable(strings.TrimPrefix(err.Error(), "webhook: ")))
		return nil
	}
	out, err := json.MarshalIndent(ev, "", "  ")
	if err != nil {
		return fmt.Errorf("webhook verify: encode event: %w", err)
	}
	if _, err := fmt.Fprintf(e.stdout, "%s\n", printableJSON(out)); err != nil {
		return err
	}
	desc := string(ev.Version) + " " + ev.Type
	if ev.TriggerSlug != "" {
		desc += " " + ev.TriggerSlug
	}
	fmt.Fprintf(e.stderr, "triggergen: signature valid (%s)\n", printable(desc))
	return nil
}

// verifyReason explains a verification failure, with a hint for the
// mistakes people make when replaying a delivery by hand. It never shows
// the secret.
func verifyReason(err error, v *webhook.Verifier, o webhookVerifyOptions, body []byte) string {
	var reason string
	if ve, ok := errors.AsType[*webhook.VerifyError](err); ok {
		reason = ve.Header + ": " + ve.Err.Error()
		switch {
		case ve.Header == webhook.HeaderTimestamp && errors.Is(ve.Err, webhook.ErrMalformedHeader):
			// The reason quotes the value, which may be the secret.
			reason += ": -timestamp is not integer unix seconds (the value given is " + notShown + ")"
		case ve.Message != "":
			reason += ": " + ve.Message
		}
	} else {
		reason = err.Error()
	}
	switch {
	case errors.Is(err, webhook.ErrStaleTimestamp):
		reason += " (replaying an old delivery? pass -tolerance 0)"
	case errors.Is(err, webhook.ErrNoMatchingSignature):
		if trimmed := bytes.TrimRight(body, "\r\n"); len(trimmed) < len(body) &&
			v.VerifyParts(o.id, o.timestamp, o.signature, trimmed) == nil {
			reason += " (it matches the body without its trailing newline: did echo or an editor add one? use printf '%s' or a file written byte for byte)"
		} else if strings.HasPrefix(o.secret, "whsec_") && !o.standardWebhooks {
			reason += " (the whsec_ secret was used raw, as Composio signs; -standard-webhooks also tries its base64-decoded key)"
		}
	}
	return reason
}
