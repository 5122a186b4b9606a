// Package fuzzgen holds code triggergen generates from fuzz.lock.json, the
// merged input locks of the golden cases constraints, enum_ref, exact, refs,
// unions and real_gmail: configs with every construct the generated decoders
// and checks handle (bounds, patterns, enums, consts, unions, references,
// closed objects, a config validated by the JSON Schema library). Its test,
// FuzzConfigDecode, decodes fuzzed bytes into each config and compares the
// outcome with santhosh-tekuri/jsonschema's. Regenerate with `make generate`.
package fuzzgen

//go:generate go run ../../cmd/triggergen generate -lock fuzz.lock.json -out . -import-path github.com/triggergen/triggergen/internal/fuzzgen
