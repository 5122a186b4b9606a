// Package catalog embeds triggergen's default catalog: the real trigger types
// of Composio's published trigger-type dump (82 trigger types in 24 toolkits,
// taken 2025-07-29), as a lock file. `triggergen generate` uses it when it is
// given no lock, so the main job needs no API key and no network.
//
// The dump has no toolkit or version keys. Toolkits are assigned by slug
// prefix (see internal/build) and every toolkit's version is the dump's date,
// 20250729_00. Slack's webhook endpoint schema is the sample response of
// Composio's custom-OAuth-webhooks documentation, the only one published.
//
// # The catalog, generated
//
// The packages below this one (catalog/github, catalog/slack, … one per
// toolkit) are the catalog as `triggergen generate` writes it, checked in:
// the package documentation's examples, the project's tests and benchmarks
// use them, and you can import them to try triggergen without generating
// anything. They follow the catalog and the generator of this module's
// version; for trigger types pinned to the versions your project uses,
// generate your own packages from your lock (see the README).
package catalog

import (
	_ "embed"

	"github.com/triggergen/triggergen/lockfile"
)

//go:generate go run ./internal/build -in ../testdata/real/trigger-types/composio-cli-mocks-2025-07-29.json -version 20250729_00 -setup-fields slack=../testdata/real/setup-fields/slack-webhook-endpoints-schema-response.docs-derived.json -out triggergen.lock.json
//go:generate go run ../cmd/triggergen generate -out . -import-path github.com/triggergen/triggergen/catalog

// Version is the toolkit version recorded for every toolkit of the catalog.
const Version = "20250729_00"

// Name is how errors and messages refer to the embedded catalog.
const Name = "embedded catalog"

//go:embed triggergen.lock.json
var lockJSON []byte

// Bytes returns the catalog's lock file.
func Bytes() []byte { return append([]byte(nil), lockJSON...) }

// Lock parses the catalog. Each call returns a fresh value the caller may modify.
func Lock() (*lockfile.Lock, error) { return lockfile.Parse(Name, lockJSON) }
