// Package trigger holds the small set of types that triggergen's generated
// packages are written against: trigger metadata, the Config interface that
// every generated config struct satisfies, validation errors, and the
// interfaces of generated webhook-endpoint credentials.
//
// DateTime and Date are the lenient date types of generated structs (an
// event with a date that is not RFC 3339 still decodes), and Ptr builds the
// pointers of optional config fields. What generated code calls and users do
// not is in trigger/triggerimpl and, for the rare config whose schema uses
// keywords the generated checks do not cover, trigger/schemacheck (which
// validates with santhosh-tekuri/jsonschema); neither carries a
// compatibility promise of its own.
//
// It imports only the standard library (and the project's secret package), so
// generated code that imports it vendors cleanly.
package trigger

// Kind says how Composio produces a trigger's events.
type Kind string

const (
	// Webhook triggers fire when the provider calls Composio.
	Webhook Kind = "webhook"
	// Poll triggers fire when Composio's periodic poll finds something new.
	Poll Kind = "poll"
)

// Type is the metadata of one trigger type, fixed when the code was generated.
type Type struct {
	// Slug is the trigger type's slug, e.g. "GITHUB_COMMIT_EVENT".
	Slug string
	// Toolkit is the toolkit slug, e.g. "github".
	Toolkit string
	// ToolkitVersion is the toolkit version the code was generated from.
	ToolkitVersion string
	// Kind is webhook or poll.
	Kind Kind
	// RequiresWebhookEndpointSetup reports whether the toolkit needs a webhook
	// endpoint (with the user's own OAuth app credentials) before a trigger of
	// this type can be created.
	RequiresWebhookEndpointSetup bool
}

// Config is implemented by every generated trigger config struct. The runtime
// client creates a trigger from a Config alone: the slug and the pinned toolkit
// version come from TriggerType, the body from the struct's JSON encoding.
type Config interface {
	// TriggerType returns the metadata of the trigger type this config is for.
	TriggerType() Type
	// Validate checks the config against its JSON Schema. A non-nil error is a
	// ValidationErrors (use errors.As to get a *ValidationError).
	Validate() error
}

// Ptr returns a pointer to v. Optional config fields are pointers, so that
// "unset" (the server's default applies) differs from an explicit zero:
//
//	cfg := gmail.NewMessageConfig{Interval: trigger.Ptr(5.0)}
func Ptr[T any](v T) *T { return &v }
