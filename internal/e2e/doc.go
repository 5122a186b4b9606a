// Package e2e holds end-to-end tests that run every layer together: the
// generated toolkit packages (catalog/<toolkit>), the runtime client, the
// fake Composio API and the webhook receiver.
package e2e
