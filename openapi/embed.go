package openapi

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// Spec is the curated OpenAPI description, composio.yaml, as written.
//
// It is shared: callers must not modify it.
//
//go:embed composio.yaml
var Spec []byte

// Load parses Spec with kin-openapi and validates it. Each call returns a
// fresh document, so callers may modify the result.
func Load() (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(Spec)
	if err != nil {
		return nil, fmt.Errorf("load composio.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validate composio.yaml: %w", err)
	}
	return doc, nil
}
