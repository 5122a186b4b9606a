// Package sdkcontract holds the contract test that runs Composio's official
// TypeScript SDK against triggergen's fake (composiotest), and type-checks
// every successful answer the fake sent against the SDK's own v3.1 client
// types. It has no Go API: see README.md and sdkcontract_test.go.
package sdkcontract
