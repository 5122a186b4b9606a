// Package openapi holds the curated OpenAPI description of the Composio
// v3.1 endpoints triggergen uses (composio.yaml), the oapi-codegen
// configuration that turns it into the typed client in ../gen, and the
// description for code that needs it at run time: Spec, Load, and the
// Validator the fake server and the tests check traffic with.
//
// Like ../gen, the package serves triggergen's own runtime and tests and
// carries no compatibility promise: the description follows Composio's API,
// and the Go API here changes with it. Programs use package composio (and
// composiotest in their tests).
//
// Regenerate the client after editing composio.yaml:
//
//	go generate ./openapi/
//
// README.md in this directory says where the description comes from and how
// it differs from Composio's published document.
package openapi

//go:generate go tool oapi-codegen -config oapi-codegen.yaml composio.yaml
