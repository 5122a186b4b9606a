// Package openapi holds the curated OpenAPI description of the Composio
// v3.1 endpoints triggergen uses (composio.yaml), the oapi-codegen
// configuration that turns it into the typed client in ../gen, and the
// description's bytes for code that needs them at run time (Spec, Load).
//
// Regenerate the client after editing composio.yaml:
//
//	go generate ./openapi/
//
// README.md in this directory says where the description comes from and how
// it differs from Composio's published document.
package openapi

//go:generate go tool oapi-codegen -config oapi-codegen.yaml composio.yaml
