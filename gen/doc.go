// Package gen is the transport of package composio, machine-written by oapi-codegen
// from ../openapi/composio.yaml (go generate ./openapi/), and carries no
// compatibility promise: its names and types change whenever the
// description or oapi-codegen does. Use package composio, which wraps it
// with validation, retries, secret handling and stable types, and
// composiotest's Server.NewClient in tests.
//
// This file is the one hand-written file of the package; composio.gen.go is
// regenerated and must not be edited.
package gen
