package trigger

import "github.com/triggergen/triggergen/secret"

// EndpointField is one setup field of a webhook endpoint as sent on the wire.
type EndpointField struct {
	// Name is the setup field's key, e.g. "webhook_signing_secret".
	Name string
	// Value is the field's value. Every value travels as a secret.Value so
	// that no credential is ever printed, whether or not the schema marks it
	// secret; Sensitive records what the schema said.
	Value secret.Value
	// Sensitive is the schema's is_secret.
	Sensitive bool
}

// EndpointCredentials is implemented by generated full credential sets
// (WebhookCredentials), the body of a replace (POST): every required setup
// field is present.
type EndpointCredentials interface {
	// EndpointToolkit is the toolkit slug the credentials are for.
	EndpointToolkit() string
	// EndpointFields lists the fields that are set, in schema order.
	EndpointFields() []EndpointField
	// Validate reports each required field left empty. The client calls it
	// before any request.
	Validate() error
}

// EndpointUpdate is implemented by generated partial credential updates
// (WebhookCredentialsUpdate), the body of a merge (PATCH): only the fields
// the caller set are sent.
type EndpointUpdate interface {
	// EndpointToolkit is the toolkit slug the update is for.
	EndpointToolkit() string
	// EndpointFields lists the fields that are set, in schema order.
	EndpointFields() []EndpointField
	// Validate reports each required field the update would clear (set to
	// an empty value). The client calls it before any request.
	Validate() error
}
