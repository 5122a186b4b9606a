package catalog_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/triggergen/triggergen/catalog/github"
	"github.com/triggergen/triggergen/catalog/gmail"
	"github.com/triggergen/triggergen/catalog/slack"
	"github.com/triggergen/triggergen/webhook"
)

var update = flag.Bool("update", false, "rewrite testdata/decoded-events.txt")

const (
	eventsDir   = "../testdata/webhooks/events"
	decodedFile = "testdata/decoded-events.txt"
)

// payloadTypes are the generated payload types every real event's data is
// decoded into: those of the toolkits the events come from.
var payloadTypes = []struct {
	name   string
	decode func(data []byte) (any, error)
}{
	{"github.CommitEventPayload", decodeAs[github.CommitEventPayload]},
	{"github.FollowerEventPayload", decodeAs[github.FollowerEventPayload]},
	{"github.IssueAddedEventPayload", decodeAs[github.IssueAddedEventPayload]},
	{"github.LabelAddedEventPayload", decodeAs[github.LabelAddedEventPayload]},
	{"github.StarAddedEventPayload", decodeAs[github.StarAddedEventPayload]},
	{"gmail.NewMessagePayload", decodeAs[gmail.NewMessagePayload]},
	{"slack.ChannelCreatedPayload", decodeAs[slack.ChannelCreatedPayload]},
	{"slack.ReactionAddedPayload", decodeAs[slack.ReactionAddedPayload]},
	{"slack.ReactionRemovedPayload", decodeAs[slack.ReactionRemovedPayload]},
	{"slack.ReceiveBotMessagePayload", decodeAs[slack.ReceiveBotMessagePayload]},
	{"slack.ReceiveDirectMessagePayload", decodeAs[slack.ReceiveDirectMessagePayload]},
	{"slack.ReceiveGroupMessagePayload", decodeAs[slack.ReceiveGroupMessagePayload]},
	{"slack.ReceiveMessagePayload", decodeAs[slack.ReceiveMessagePayload]},
	{"slack.ReceiveMpimMessagePayload", decodeAs[slack.ReceiveMpimMessagePayload]},
	{"slack.ReceiveThreadReplyPayload", decodeAs[slack.ReceiveThreadReplyPayload]},
}

func decodeAs[P any](data []byte) (any, error) {
	p := new(P)
	err := json.Unmarshal(data, p)
	return p, err
}

// TestRealEventsDecode decodes the data of every real delivered event into
// every payload type of the toolkits the events come from, and compares the
// decoded Go values (or the fact that decoding failed) with
// testdata/decoded-events.txt, which was written by the decoder before the
// generated one-pass decoders replaced encoding/json (issue 13): the values
// a user reads from real events must not change.
func TestRealEventsDecode(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(eventsDir, "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no events in %s: %v", eventsDir, err)
	}
	sort.Strings(paths)
	var b strings.Builder
	for _, p := range paths {
		body, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := webhook.Decode(nil, body)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		fmt.Fprintf(&b, "== %s (%s %s)\n", filepath.Base(p), ev.Type, ev.TriggerSlug)
		for _, pt := range payloadTypes {
			v, err := pt.decode(ev.Data)
			if err != nil {
				fmt.Fprintf(&b, "%s: error\n", pt.name)
				continue
			}
			fmt.Fprintf(&b, "%s: %s\n", pt.name, dump(reflect.ValueOf(v)))
		}
	}
	got := b.String()
	if *update {
		if err := os.WriteFile(decodedFile, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(decodedFile)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		g, w := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range min(len(g), len(w)) {
			if g[i] != w[i] {
				t.Fatalf("%s line %d differs:\n got %s\nwant %s", decodedFile, i+1, g[i], w[i])
			}
		}
		t.Fatalf("%s: %d lines, want %d", decodedFile, len(g), len(w))
	}
}

var marshaler = reflect.TypeFor[json.Marshaler]()

// dump writes v as Go-like text that shows what a user reads: pointers are
// followed (nil is written), values with their own JSON encoding (dates,
// unions, raw JSON) are written as that JSON, struct fields by name.
func dump(v reflect.Value) string {
	switch {
	case !v.IsValid():
		return "<invalid>"
	case v.Kind() == reflect.Pointer:
		if v.IsNil() {
			return "nil"
		}
		return "&" + dump(v.Elem())
	case v.Type().Implements(marshaler) && v.Kind() != reflect.Struct || v.Kind() == reflect.Struct && v.Type().Implements(marshaler):
		b, err := json.Marshal(v.Interface())
		if err != nil {
			return "<marshal error>"
		}
		return v.Type().Name() + "(" + string(b) + ")"
	}
	switch v.Kind() {
	case reflect.Struct:
		var parts []string
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			parts = append(parts, f.Name+":"+dump(v.Field(i)))
		}
		return v.Type().Name() + "{" + strings.Join(parts, " ") + "}"
	case reflect.Slice:
		if v.IsNil() {
			return "nil"
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return fmt.Sprintf("bytes(%q)", v.Bytes())
		}
		var parts []string
		for i := range v.Len() {
			parts = append(parts, dump(v.Index(i)))
		}
		return "[" + strings.Join(parts, " ") + "]"
	case reflect.Map:
		if v.IsNil() {
			return "nil"
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%q:%s", k.String(), dump(v.MapIndex(k))))
		}
		return "map[" + strings.Join(parts, " ") + "]"
	case reflect.String:
		return fmt.Sprintf("%q", v.String())
	}
	return fmt.Sprintf("%v", v.Interface())
}
