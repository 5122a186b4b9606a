// Package webhook receives the events Composio delivers: it verifies their
// signatures, decodes the V1, V2 and V3 envelopes into one Event, and
// dispatches each event to a handler that receives the generated payload type.
//
// # Receiving
//
// NewHandler puts it together as an http.Handler:
//
//	v, err := webhook.NewVerifier(secret.New(os.Getenv("COMPOSIO_WEBHOOK_SECRET")))
//	d := webhook.NewDispatcher()
//	github.OnCommitEvent(d, func(ctx context.Context, ev *webhook.Event, p *github.CommitEventPayload) error { … })
//	d.Fallback(func(ctx context.Context, ev *webhook.Event) error { … })
//	http.Handle("POST /composio", webhook.NewHandler(v, d))
//
// The Handler's documentation lists the status codes it answers with.
// Verifier, Decode and Dispatcher can also be used on their own; Verify and
// Decode take the request's headers, then its raw body.
//
// # Signatures
//
// Composio signs each delivery as Standard Webhooks describes: the headers
// webhook-id, webhook-timestamp (unix seconds) and webhook-signature
// ("v1,<base64>", possibly several entries separated by spaces, on one or
// several header lines; any one matching suffices; entries of other versions
// are ignored) carry
// base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)) over the raw
// body. The timestamp must lie within DefaultTolerance (300 s) of now in
// either direction; WithTolerance changes that and 0 disables the check.
// Several secrets may be accepted at once while one is rotated
// (WithSecrets). Each failure is a *VerifyError matching ErrMissingHeader,
// ErrMalformedHeader, ErrStaleTimestamp or ErrNoMatchingSignature; no error
// or log line ever contains a secret.
//
// # The whsec_ prefix
//
// Composio's SDKs key the HMAC with the secret's raw UTF-8 bytes, and their
// fixtures are signed that way, so the verifier always does: a secret
// "whsec_abc" is the 9-byte key "whsec_abc", prefix included, and Sign signs
// the same way. Standard Webhooks libraries instead strip "whsec_" and
// base64-decode the rest; some Composio documentation mentions the prefix and
// advises trying both. That second key is tried only when the Verifier is
// built WithStandardWebhooksKeys, and only after the raw key, so the default
// accepts exactly what Composio's own SDKs accept.
//
// # Envelopes
//
// Decode detects the envelope version from the body's shape, checks it
// against the x-composio-webhook-version header when that is present
// (ErrVersionConflict), and normalises V3 events (composio.trigger.message,
// composio.trigger.disabled, composio.connected_account.expired and unknown
// composio.* types), legacy V2 and legacy V1 into an Event. Legacy trigger
// slugs arrive in lower case and are upper-cased; the envelope fields that V2
// mixes into "data" are moved into the Event and removed from Data. See
// DecodeParts for the details.
//
// # Dispatching
//
// A Dispatcher routes trigger messages by trigger slug (the generated OnXxx
// functions register typed handlers with On), other V3 event types with
// HandleType, and the rest to a Fallback. Its zero value is ready to use.
// Each slug, type and the fallback take one handler: a second registration
// panics, as http.ServeMux.Handle does for a duplicate pattern. A payload
// that does not decode into the registered type (in strict mode, one with a
// field the type does not declare) is a *PayloadError, which the Handler
// answers with 422 so that Composio retries it; see WithPayloadErrorStatus.
//
// # Errors
//
// A delivery that fails verification, decoding or typed dispatch fails with
// a pointer to a struct type, matched with errors.As: *VerifyError,
// *DecodeError, *PayloadError (wrapping an *UnknownFieldsError in strict
// mode). VerifyError and DecodeError wrap one sentinel each for errors.Is.
// Their fields follow one convention, the one of trigger.ValidationError:
// Message is the human-readable detail; Path is where in a JSON document the
// fault lies, as a JSON pointer (RFC 6901), e.g. "/metadata/trigger_slug" in
// the body or "/commits/1/verified" in a payload (Paths when there are
// several); Err is the sentinel or cause. A VerifyError's fault lies in an
// HTTP header, which its Header field names. Envelope versions are Version
// values, and trigger slugs are in fields named TriggerSlug, throughout.
//
// # Duplicates
//
// Composio retries a delivery until it is answered with a 2xx, under the
// same webhook-id, and may retry one that is still running. The Handler
// keeps each webhook-id in a Deduper (by default an in-memory MemoryDeduper;
// webhook/redisdedup shares one between replicas) in one of two states:
//
//   - in progress, leased for DefaultDedupLease (2 minutes) while the
//     handler runs: another delivery of the id is answered 409 with
//     Retry-After, so Composio comes back later;
//   - done, for DefaultDedupTTL (24 hours) once the handler succeeded:
//     another delivery is answered 200 without running it.
//
// When the handler fails the lease is released, so the retry runs it; when
// the receiver dies mid-handler the lease expires and a retry takes over.
// Each lease carries a random token (Deduper.Begin returns it in a Lease),
// and only that token releases it (Deduper.Forget): an attempt that fails
// after its lease expired and a retry took over leaves the retry's lease in
// place, so no third delivery runs alongside the retry. Success is recorded
// whoever holds the lease (Deduper.Complete). The lease should outlast the
// handler's longest run: past it, a retry may run while the first attempt
// still does.
//
// # Testing
//
// Sign produces the webhook-signature value; package webhooktest builds
// signed requests and event bodies for tests.
package webhook
