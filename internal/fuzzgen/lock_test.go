package fuzzgen_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite fuzz.lock.json from the golden cases' input locks")

// goldenCases are the golden cases whose input locks make fuzz.lock.json.
var goldenCases = []string{"constraints", "enum_ref", "exact", "refs", "unions", "real_gmail"}

// TestLockIsGoldenInputs checks that fuzz.lock.json is the golden cases'
// input locks merged (their toolkits in order), so that the fuzzed code
// follows the goldens; `go test ./internal/fuzzgen/ -run LockIs -update`
// rewrites it, and `make generate` then regenerates the packages.
func TestLockIsGoldenInputs(t *testing.T) {
	var toolkits []json.RawMessage
	for _, c := range goldenCases {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "golden", c, "input.lock.json"))
		if err != nil {
			t.Fatal(err)
		}
		var lk struct {
			Toolkits []map[string]json.RawMessage `json:"toolkits"`
		}
		if err := json.Unmarshal(b, &lk); err != nil {
			t.Fatal(err)
		}
		for _, tk := range lk.Toolkits {
			delete(tk, "sha256")
			b, err := json.Marshal(tk)
			if err != nil {
				t.Fatal(err)
			}
			toolkits = append(toolkits, b)
		}
	}
	want, err := json.MarshalIndent(map[string]any{"lock_version": 1, "toolkits": toolkits}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, '\n')
	if *update {
		if err := os.WriteFile("fuzz.lock.json", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile("fuzz.lock.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("fuzz.lock.json is not the golden inputs merged: run go test ./internal/fuzzgen/ -run LockIs -update, then make generate")
	}
}
