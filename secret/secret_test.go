package secret_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/triggergen/triggergen/secret"
)

const raw = "s3cr3t-VALUE-0123456789"

// holder keeps Values where fmt cannot call their methods (unexported
// fields) as well as where it can.
type holder struct {
	Exported   secret.Value
	unexported secret.Value
	ptr        *secret.Value
	list       []secret.Value
	m          map[string]secret.Value
}

func TestValueNeverPrints(t *testing.T) {
	v := secret.New(raw)
	h := holder{Exported: v, unexported: v, ptr: &v, list: []secret.Value{v}, m: map[string]secret.Value{"k": v}}
	var out bytes.Buffer
	for _, x := range []any{v, &v, h, &h, []secret.Value{v}, map[string]secret.Value{"k": v}} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%10.3s", "%-8v"} {
			fmt.Fprintf(&out, verb+"\n", x)
		}
		fmt.Fprint(&out, x, "\n")
		fmt.Fprintln(&out, x)
		if b, err := json.Marshal(x); err == nil {
			out.Write(b)
		}
		slog.New(slog.NewTextHandler(&out, nil)).Info("m", "v", x)
		slog.New(slog.NewJSONHandler(&out, nil)).Info("m", "v", x)
		out.WriteString(fmt.Errorf("wrapped: %v: %w", x, errors.New("e")).Error())
	}
	if b, err := v.MarshalText(); err != nil || string(b) != secret.Redacted {
		t.Errorf("MarshalText = %q, %v", b, err)
	}
	if strings.Contains(out.String(), raw) || strings.Contains(out.String(), raw[:8]) {
		t.Fatalf("a secret leaked:\n%s", out.String())
	}
	if !strings.Contains(out.String(), secret.Redacted) {
		t.Fatal("no redaction printed: the test checked nothing")
	}
}

func TestValueReveal(t *testing.T) {
	var zero secret.Value
	if !zero.IsZero() || zero.Reveal() != "" {
		t.Error("zero Value is not empty")
	}
	v := secret.New(raw)
	if v.Reveal() != raw || v.IsZero() {
		t.Errorf("Reveal = %q", v.Reveal())
	}
	if !v.Equal(secret.New(raw)) || v.Equal(secret.New("other")) || !zero.Equal(secret.New("")) {
		t.Error("Equal compares the secrets")
	}
}
