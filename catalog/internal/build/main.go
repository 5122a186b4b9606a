// Command build turns Composio's trigger-type dump (a JSON array of trigger
// type objects without toolkit or version keys) into the lock file that the
// catalog package embeds.
//
// The dump carries no toolkit: each slug is assigned one by the longest
// matching prefix in toolkitPrefixes. It carries no version either: every
// toolkit gets the dump's date as its version (-version), in Composio's
// YYYYMMDD_NN format. Setup-field responses (-setup-fields slug=file) become
// the toolkits' webhook_endpoint_schema.
//
//	go run ./internal/build -in DUMP.json -version 20250729_00 -setup-fields slack=FILE -out triggergen.lock.json
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/triggergen/triggergen/lockfile"
)

// toolkitPrefixes maps slug prefixes to toolkit slugs. Longer prefixes win,
// so SLACKBOT_ is tried before SLACK_ and GOOGLESUPER_ before GOOGLE… ones.
var toolkitPrefixes = map[string]string{
	"ASANA_":          "asana",
	"CANVAS_":         "canvas",
	"CODA_":           "coda",
	"FIREFLIES_":      "fireflies",
	"GITHUB_":         "github",
	"GMAIL_":          "gmail",
	"GOOGLECALENDAR_": "googlecalendar",
	"GOOGLEDRIVE_":    "googledrive",
	"GOOGLESHEETS_":   "googlesheets",
	"GOOGLESUPER_":    "googlesuper",
	"HUBSPOT_":        "hubspot",
	"JIRA_":           "jira",
	"LINEAR_":         "linear",
	"MAILCHIMP_":      "mailchimp",
	"NOTION_":         "notion",
	"ONE_DRIVE_":      "one_drive",
	"OUTLOOK_":        "outlook",
	"PIPEDRIVE_":      "pipedrive",
	"SLACK_":          "slack",
	"SLACKBOT_":       "slackbot",
	"STRIPE_":         "stripe",
	"TRELLO_":         "trello",
	"YOUTUBE_":        "youtube",
	"ZENDESK_":        "zendesk",
}

func toolkitOf(slug string) (string, bool) {
	prefixes := make([]string, 0, len(toolkitPrefixes))
	for p := range toolkitPrefixes {
		prefixes = append(prefixes, p)
	}
	// Longest first; ties broken alphabetically so the order is fixed.
	slices.SortFunc(prefixes, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
	for _, p := range prefixes {
		if strings.HasPrefix(slug, p) {
			return toolkitPrefixes[p], true
		}
	}
	return "", false
}

type setupFlags map[string]string

func (s setupFlags) String() string { return fmt.Sprint(map[string]string(s)) }
func (s setupFlags) Set(v string) error {
	slug, file, ok := strings.Cut(v, "=")
	if !ok {
		return fmt.Errorf("want toolkit=file, got %q", v)
	}
	s[slug] = file
	return nil
}

func main() {
	in := flag.String("in", "", "trigger-type dump (JSON array)")
	out := flag.String("out", "triggergen.lock.json", "lock file to write")
	version := flag.String("version", "", "toolkit version to record (the dump's date, YYYYMMDD_NN)")
	setup := setupFlags{}
	flag.Var(setup, "setup-fields", "toolkit=file: a webhook_endpoints/schema response (repeatable)")
	flag.Parse()
	if err := run(*in, *out, *version, setup); err != nil {
		fmt.Fprintln(os.Stderr, "build:", err)
		os.Exit(1)
	}
}

func run(in, out, version string, setup setupFlags) error {
	data, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	var dump []json.RawMessage
	if err := json.Unmarshal(data, &dump); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	byToolkit := map[string][]json.RawMessage{}
	for i, raw := range dump {
		var head struct{ Slug string }
		if err := json.Unmarshal(raw, &head); err != nil {
			return fmt.Errorf("%s#/%d: %w", in, i, err)
		}
		tk, ok := toolkitOf(head.Slug)
		if !ok {
			return fmt.Errorf("%s#/%d/slug: no toolkit prefix matches %q; add one to toolkitPrefixes", in, i, head.Slug)
		}
		byToolkit[tk] = append(byToolkit[tk], raw)
	}
	doc := map[string]any{"lock_version": lockfile.Version}
	var toolkits []map[string]any
	for tk, raws := range byToolkit {
		entry := map[string]any{"slug": tk, "version": version, "trigger_types": raws, "webhook_endpoint_schema": nil}
		if f, ok := setup[tk]; ok {
			b, err := os.ReadFile(f)
			if err != nil {
				return err
			}
			entry["webhook_endpoint_schema"] = json.RawMessage(b)
		}
		toolkits = append(toolkits, entry)
	}
	doc["toolkits"] = toolkits
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	lk, err := lockfile.Parse(in, b)
	if err != nil {
		return err
	}
	canon, err := lk.Marshal()
	if err != nil {
		return err
	}
	return os.WriteFile(out, canon, 0o644)
}
