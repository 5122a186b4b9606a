package openapi

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:embed composio.yaml
var spec []byte

// Spec returns the curated OpenAPI description, composio.yaml, as written.
// Each call returns a new copy, so a caller that changes it changes nothing
// for anyone else.
func Spec() []byte { return bytes.Clone(spec) }

// Load parses the description with kin-openapi and validates it. Each call
// returns a fresh document, so callers may modify the result.
func Load() (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(spec)
	if err != nil {
		return nil, fmt.Errorf("load composio.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validate composio.yaml: %w", err)
	}
	return doc, nil
}
