package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/triggergen/triggergen/lockfile"
	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
	"github.com/triggergen/triggergen/webhook/webhooktest"
)

const webhookSendSynopsis = `webhook send -url URL [-secret S] -trigger SLUG [-payload FILE] [-version V3|V2|V1] [-lock F] [-config F]

Builds a delivery of a trigger event as Composio sends it, signed with the
webhook secret, POSTs it to your receiver and prints the answer: a way to try
a receiver without Go code or hand-made HMACs. The payload comes from FILE
('-' for stdin), checked against the trigger type's payload schema, or, without
-payload, from the examples in that schema. Trigger types come from the lock
(the config file's, or -lock), else from the embedded catalog. Exit 1 when the
receiver does not answer 2xx.`

const webhookSendExample = "COMPOSIO_WEBHOOK_SECRET=whsec_test triggergen webhook send -url http://localhost:8080/webhooks/composio -trigger GITHUB_COMMIT_EVENT"

// maxSendAnswer bounds how much of the receiver's answer send prints.
const maxSendAnswer = 64 << 10

type webhookSendOptions struct {
	url, secret, slug, payload, version, lockPath, configPath, user, triggerID string
}

func runWebhookSend(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "webhook send", webhookSendSynopsis, webhookSendExample)
	var o webhookSendOptions
	fs.StringVar(&o.url, "url", "", "receiver `URL` to POST the delivery to (required)")
	fs.StringVar(&o.secret, "secret", "", "webhook `secret` to sign with (default: $"+webhookSecretEnv+")")
	fs.StringVar(&o.slug, "trigger", "", "trigger type `slug`, e.g. GITHUB_COMMIT_EVENT (required)")
	fs.StringVar(&o.payload, "payload", "", "JSON `file` with the event's payload ('-': stdin); default: built from the payload schema's examples")
	fs.StringVar(&o.version, "version", "V3", "payload `version` of the envelope: V3, V2 or V1")
	fs.StringVar(&o.lockPath, "lock", "", "lock `file` with the trigger type (default: the config's lock, else the embedded catalog)")
	fs.StringVar(&o.configPath, "config", "", configFlagUsage)
	fs.StringVar(&o.user, "user", "user_test", "user id the event carries")
	fs.StringVar(&o.triggerID, "trigger-id", "ti_test", "trigger instance id the event carries")
	if err := parseSecretFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("webhook send: unexpected argument (argument %d, %s)", len(args)-fs.NArg()+1, notShown)
	}
	if o.secret == "" {
		o.secret = e.getenv(webhookSecretEnv)
	}
	switch {
	case o.url == "":
		return usagef("webhook send: -url is required (where your receiver listens)")
	case o.secret == "":
		return usagef("webhook send: no secret: set $%s or pass -secret", webhookSecretEnv)
	case o.slug == "":
		return usagef("webhook send: -trigger is required (a trigger type slug)")
	}
	if u, err := url.Parse(o.url); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usagef("webhook send: -url: want an http(s) URL")
	}
	version, err := webhook.ParseVersion(o.version)
	if err != nil {
		return usagef("webhook send: -version: want V3, V2 or V1")
	}
	tt, err := sendTriggerType(o)
	if err != nil {
		return err
	}
	data, err := sendPayload(e, o, tt)
	if err != nil {
		return err
	}
	now := time.Now()
	id := "msg_" + randomHex(16)
	user := o.user
	body, err := webhooktest.Message{ID: id, TriggerSlug: tt.Slug, TriggerID: o.triggerID, UserID: &user, Timestamp: now, Data: data}.Body(version)
	if err != nil {
		return fmt.Errorf("webhook send: %w", err)
	}
	req, err := webhooktest.NewClientRequest(ctx, o.url, secret.New(o.secret), body,
		webhooktest.WithID(id), webhooktest.WithTimestamp(now), webhooktest.WithVersion(version), webhooktest.WithAttempt(1))
	if err != nil {
		return fmt.Errorf("webhook send: %w", err)
	}
	req.Header.Set("User-Agent", "triggergen-webhook-send")
	fmt.Fprintf(e.stdout, "POST %s: %s (%s, webhook-id %s)\n", printable(o.url), tt.Slug, version, id)
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return fmt.Errorf("webhook send: %w", err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, maxSendAnswer+1))
	fmt.Fprintln(e.stdout, resp.Status)
	if len(answer) > maxSendAnswer {
		answer = append(answer[:maxSendAnswer], "…"...)
	}
	if len(bytes.TrimSpace(answer)) > 0 {
		fmt.Fprintln(e.stdout, printableText(strings.TrimRight(string(answer), "\n")))
	}
	if resp.StatusCode/100 != 2 {
		return &exitError{1}
	}
	return nil
}

// sendTriggerType finds the trigger type in the lock send reads.
func sendTriggerType(o webhookSendOptions) (*lockfile.TriggerType, error) {
	lockPath := o.lockPath
	if lockPath == "" {
		cfg, err := loadConfig(o.configPath)
		if err != nil {
			return nil, err
		}
		if cfg != nil {
			lockPath = cfg.Lock
		}
	}
	lk, name, err := readLock(lockPath)
	if err != nil {
		return nil, fmt.Errorf("webhook send: %w", err)
	}
	var slugs []string
	for _, tt := range lk.TriggerTypes() {
		if strings.EqualFold(tt.Slug, o.slug) {
			return tt, nil
		}
		slugs = append(slugs, tt.Slug)
	}
	return nil, fmt.Errorf("webhook send: %s has no trigger type %q%s", displayPath(name), printable(o.slug), didYouMean(strings.ToUpper(o.slug), slugs))
}

// sendPayload reads the payload file, or builds one from the schema's
// examples, and checks it against the payload schema.
func sendPayload(e *env, o webhookSendOptions, tt *lockfile.TriggerType) (json.RawMessage, error) {
	var (
		data []byte
		err  error
		from string
	)
	switch o.payload {
	case "":
		from = "the examples of its payload schema"
		if data, err = marshalExample(tt.Payload); err != nil {
			return nil, fmt.Errorf("webhook send: %w", err)
		}
	case "-":
		from = "stdin"
		data, err = io.ReadAll(io.LimitReader(e.stdin, maxWebhookBody))
	default:
		from = o.payload
		data, err = os.ReadFile(o.payload)
	}
	if err != nil {
		return nil, fmt.Errorf("webhook send: %w", err)
	}
	if err := checkPayload(tt, data); err != nil {
		hint := ""
		if o.payload == "" {
			hint = "; pass -payload FILE with a complete payload"
		}
		return nil, fmt.Errorf("webhook send: the payload from %s does not fit %s's payload schema: %v%s", from, tt.Slug, err, hint)
	}
	return data, nil
}

// checkPayload validates data against the trigger type's payload schema.
func checkPayload(tt *lockfile.TriggerType, data []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("not JSON: %v", err)
	}
	if _, ok := inst.(map[string]any); !ok {
		return errors.New("not a JSON object")
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(tt.Payload))
	if err != nil {
		return err
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("payload.json", doc); err != nil {
		return err
	}
	sch, err := c.Compile("payload.json")
	if err != nil {
		return err
	}
	if err := sch.Validate(inst); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			return errors.New(printable(leafErrors(ve)))
		}
		return err
	}
	return nil
}

var englishPrinter = message.NewPrinter(language.English)

// leafErrors lists the innermost causes of a validation error, each with
// its JSON pointer: "/author: missing property …; /id: …".
func leafErrors(ve *jsonschema.ValidationError) string {
	var out []string
	var walk func(*jsonschema.ValidationError)
	walk = func(ve *jsonschema.ValidationError) {
		if len(ve.Causes) == 0 {
			ptr := "/" + strings.Join(ve.InstanceLocation, "/")
			out = append(out, ptr+": "+ve.ErrorKind.LocalizedString(englishPrinter))
			return
		}
		for _, c := range ve.Causes {
			walk(c)
		}
	}
	walk(ve)
	slices.Sort(out)
	return strings.Join(slices.Compact(out), "; ")
}

// exampleValue builds a value for a JSON Schema from its examples: the
// schema's first example, else its default or const, else for an object
// its properties' values (every property that has an example or default,
// and every required one), else the zero value of its type.
func exampleValue(schema json.RawMessage) any {
	var s map[string]json.RawMessage
	if json.Unmarshal(schema, &s) != nil {
		return nil
	}
	var examples []json.RawMessage
	if json.Unmarshal(s["examples"], &examples) == nil && len(examples) > 0 {
		return examples[0]
	}
	for _, k := range []string{"default", "const"} {
		if v, ok := s[k]; ok {
			return v
		}
	}
	var types []string
	if json.Unmarshal(s["type"], &types) != nil {
		var t string
		if json.Unmarshal(s["type"], &t) == nil {
			types = []string{t}
		}
	}
	if len(types) == 0 {
		// anyOf/oneOf: the first branch that is not null.
		for _, k := range []string{"anyOf", "oneOf"} {
			var alts []json.RawMessage
			if json.Unmarshal(s[k], &alts) == nil {
				for _, a := range alts {
					if !strings.Contains(string(a), `"null"`) {
						return exampleValue(a)
					}
				}
			}
		}
		if _, ok := s["properties"]; ok {
			types = []string{"object"}
		}
	}
	typ := ""
	for _, t := range types {
		if t != "null" {
			typ = t
			break
		}
	}
	switch typ {
	case "object":
		var props orderedProps
		_ = json.Unmarshal(s["properties"], &props)
		var required []string
		_ = json.Unmarshal(s["required"], &required)
		obj := orderedObject{}
		for _, p := range props {
			var ps map[string]json.RawMessage
			_ = json.Unmarshal(p.schema, &ps)
			_, hasExample := ps["examples"]
			_, hasDefault := ps["default"]
			if hasExample || hasDefault || slices.Contains(required, p.name) {
				obj = append(obj, member{p.name, exampleValue(p.schema)})
			}
		}
		return obj
	case "array":
		return []any{}
	case "string":
		return ""
	case "integer", "number":
		return 0
	case "boolean":
		return false
	}
	return nil
}

// orderedProps decodes a "properties" object keeping schema order.
type orderedProps []struct {
	name   string
	schema json.RawMessage
}

func (p *orderedProps) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil {
		return err
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return err
		}
		name, _ := k.(string)
		*p = append(*p, struct {
			name   string
			schema json.RawMessage
		}{name, v})
	}
	return nil
}

// orderedObject encodes its members in order.
type orderedObject []member

type member struct {
	name  string
	value any
}

func (o orderedObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.name)
		v, err := json.Marshal(m.value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// marshalExample is the JSON of exampleValue(schema).
func marshalExample(schema json.RawMessage) ([]byte, error) {
	return json.Marshal(exampleValue(schema))
}
