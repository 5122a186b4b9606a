// Package generated holds the packages triggergen generates from its embedded
// default catalog, checked in so that the project's own tests, examples and
// benchmarks can use real generated types (and so that `make check-generated`
// proves the generator's output is stable). Regenerate with `make generate`.
package generated

//go:generate go run ../../cmd/triggergen generate -out . -import-path github.com/triggergen/triggergen/internal/generated
