package webhook_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// Test data lives in the repository's testdata/webhooks (see its PROVENANCE.md).
const (
	vectorsFile = "../testdata/webhooks/signature-vectors.json"
	eventsDir   = "../testdata/webhooks/events"
)

// vector is one entry of signature-vectors.json.
type vector struct {
	Name               string            `json:"name"`
	Kind               string            `json:"kind"`
	Secret             string            `json:"secret"`
	KeyDerivation      string            `json:"secret_key_derivation"`
	ID                 string            `json:"webhook_id"`
	Timestamp          string            `json:"webhook_timestamp"`
	Body               string            `json:"body"`
	Signature          string            `json:"signature_header"`
	ToleranceSeconds   int64             `json:"tolerance_seconds"`
	NowUnix            *int64            `json:"now_unix"`
	Expected           string            `json:"expected"`
	ExpectedError      string            `json:"expected_error"`
	ExpectedVersion    string            `json:"expected_version"`
	ExpectedNormalized map[string]string `json:"expected_normalized"`
	ExpectedByKey      map[string]string `json:"expected_by_key_derivation"`
	SignatureIfRaw     string            `json:"signature_if_key_is_utf8_raw"`
	Scope              string            `json:"scope"`
}

func loadVectors(tb testing.TB) []vector {
	tb.Helper()
	b, err := os.ReadFile(vectorsFile)
	if err != nil {
		tb.Fatal(err)
	}
	var f struct {
		Vectors []vector `json:"vectors"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		tb.Fatal(err)
	}
	if len(f.Vectors) < 30 {
		tb.Fatalf("%s: only %d vectors", vectorsFile, len(f.Vectors))
	}
	return f.Vectors
}

// loadEvents returns the example event bodies by file name.
func loadEvents(tb testing.TB) map[string][]byte {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(eventsDir, "*.json"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no events in %s: %v", eventsDir, err)
	}
	sort.Strings(paths)
	out := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		out[filepath.Base(p)] = b
	}
	return out
}
