// Package bench holds triggergen's end-to-end benchmarks: payload decoding
// into generated structs versus map[string]any, the webhook receiver under
// concurrent load on loopback, and the build cost of generated code. The
// generation benchmarks live in package generator (BenchmarkGenerate), the
// verifier's in package webhook, and the comparison with
// atombender/go-jsonschema in the separate module bench/peer, so that the
// root go.mod does not depend on it. BENCHMARKS.md has the figures and the
// commands.
//
// The package has no non-test code besides this file; the generated types
// it decodes into are the catalog's (catalog/<toolkit>), triggergen's output for the
// embedded catalog.
package bench
