package composio

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Sentinels matched (with errors.Is) by *APIError and by the client's own
// errors.
//
// The status-based ones are reliable: ErrUnauthorized, ErrConflict, ErrGone,
// ErrInvalidConfig, ErrRateLimited, ErrServer, and ErrNotFound on a 404. The
// API reports some cases only as a plain 400 whose slug is not published, so
// these are heuristic, guessed from the error's slug and, failing that, its
// message: ErrWebhookEndpointRequired, ErrNoConnectedAccount, and ErrNotFound
// on a 400 (an unknown trigger type or toolkit version). Where a guess is not
// good enough, get the *APIError with errors.As and look at its Status, Slug
// and Code. The client's own checks (ErrMissingAPIKey,
// *NoConnectedAccountError from ResolveConnectedAccount, ErrAlreadyInState,
// ErrAlreadyDeleted, ErrEndpointNotConfigured, ErrRedirect,
// ErrResponseTooLarge, ErrPagination) are exact.
var (
	// ErrUnauthorized: 401, a missing or wrong API key.
	ErrUnauthorized = errors.New("composio: unauthorized")
	// ErrNotFound: 404 (reliable); a 400 for an unknown trigger type slug or
	// toolkit version (heuristic); and Subscription when the project has
	// none.
	ErrNotFound = errors.New("composio: not found")
	// ErrRateLimited: 429.
	ErrRateLimited = errors.New("composio: rate limited")
	// ErrConflict: 409.
	ErrConflict = errors.New("composio: conflict")
	// ErrGone: 410.
	ErrGone = errors.New("composio: gone")
	// ErrInvalidConfig: 422, the server rejected a config or body against
	// its schema. Client-side validation failures match trigger.ErrInvalid.
	ErrInvalidConfig = errors.New("composio: invalid config")
	// ErrServer: any 5xx.
	ErrServer = errors.New("composio: server error")
	// ErrWebhookEndpointRequired (heuristic, a 400 or 412): the trigger type
	// needs a webhook endpoint, with your OAuth app's credentials, that the
	// toolkit does not have yet. To fix it: SetupWebhookEndpoint(ctx,
	// clientID, credentials), register the returned URL with the provider,
	// WaitVerified, then CreateTrigger again.
	ErrWebhookEndpointRequired = errors.New("composio: webhook endpoint required")
	// ErrNoConnectedAccount (heuristic for an API answer, a 400 or 404;
	// exact from ResolveConnectedAccount): the user has no ACTIVE connected
	// account for the toolkit. Connect the user's account first (a Composio
	// connect link, or the connected accounts API).
	ErrNoConnectedAccount = errors.New("composio: no connected account")
	// ErrAlreadyInState: EnableTrigger or DisableTrigger with
	// WithErrorIfUnchanged on a trigger already in that state (a 409).
	ErrAlreadyInState = errors.New("composio: trigger already in that state")
	// ErrAlreadyDeleted: DeleteTrigger with WithErrorIfUnchanged on a
	// trigger already deleted (a 409).
	ErrAlreadyDeleted = errors.New("composio: trigger already deleted")
	// ErrEndpointNotConfigured: IngressURL on an endpoint that does not
	// exist or whose required credentials are not stored yet.
	ErrEndpointNotConfigured = errors.New("composio: webhook endpoint not configured")
	// ErrRedirect: the API redirected a request to another host, which the
	// client refuses, so that neither the API key nor a body reaches it.
	ErrRedirect = errors.New("composio: refused a redirect to another host")
	// ErrResponseTooLarge: a response body longer than the client reads
	// (32 MiB).
	ErrResponseTooLarge = errors.New("composio: response body too large")
	// ErrPagination: a list did not end, either because it ran past
	// WithMaxPages or because the API sent a cursor it had sent before.
	ErrPagination = errors.New("composio: pagination did not end")
)

// APIError is a non-2xx answer of the Composio API. Get it with errors.As;
// compare it with the sentinels using errors.Is. It never holds the API key
// or a credential the client sent.
type APIError struct {
	// Status is the HTTP status code.
	Status int
	// Code is Composio's numeric error code, as a string ("" when absent).
	Code string
	// Slug is Composio's machine-readable error name (v3.1), e.g.
	// "TriggerType_NotFound".
	Slug string
	// Message is the server's explanation.
	Message string
	// RequestID identifies the request for Composio support.
	RequestID string
	// SuggestedFix is the server's hint, when it gives one.
	SuggestedFix string
	// Details are the server's further messages ("errors"), e.g. one per
	// schema violation.
	Details []string
	// RetryAfter is the Retry-After header of a 429 or 503, as sent.
	RetryAfter string
}

func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("composio: ")
	b.WriteString(strconv.Itoa(e.Status))
	if t := http.StatusText(e.Status); t != "" {
		b.WriteString(" ")
		b.WriteString(t)
	}
	if e.Slug != "" {
		b.WriteString(" (")
		b.WriteString(e.Slug)
		b.WriteString(")")
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if len(e.Details) > 0 {
		b.WriteString(" [")
		b.WriteString(strings.Join(e.Details, "; "))
		b.WriteString("]")
	}
	if e.SuggestedFix != "" {
		b.WriteString("; suggested fix: ")
		b.WriteString(e.SuggestedFix)
	}
	if e.RequestID != "" {
		b.WriteString(" (request id ")
		b.WriteString(e.RequestID)
		b.WriteString(")")
	}
	return b.String()
}

// Is matches the sentinel that corresponds to the status (and, for a 400, to
// the error's slug, code or message).
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.Status == http.StatusUnauthorized
	case ErrNotFound:
		return e.Status == http.StatusNotFound || (e.Status == http.StatusBadRequest && e.unknownTriggerType())
	case ErrRateLimited:
		return e.Status == http.StatusTooManyRequests
	case ErrConflict:
		return e.Status == http.StatusConflict
	case ErrGone:
		return e.Status == http.StatusGone
	case ErrInvalidConfig:
		return e.Status == http.StatusUnprocessableEntity
	case ErrServer:
		return e.Status >= 500
	case ErrWebhookEndpointRequired:
		return e.webhookEndpointRequired()
	case ErrNoConnectedAccount:
		return e.noConnectedAccount()
	}
	return false
}

// Error slugs of the cases the API reports as a plain 400 (the real slugs
// are not published; these are the composiotest ones and close variants).
// Slugs compare case-insensitively and without separators, so
// "WEBHOOK_ENDPOINT_REQUIRED" and "WebhookEndpoint_Required" agree. When the
// slug is not one of them, the message is the fallback.
var (
	slugsEndpointRequired = []string{"webhookendpointrequired", "webhookendpointsetuprequired", "webhookendpointnotconfigured"}
	slugsUnknownTrigger   = []string{"triggertypenotfound", "triggernotfound", "unknowntriggertype", "toolkitversionnotfound"}
	slugsNoAccount        = []string{"connectedaccountnotfound", "noconnectedaccount", "noactiveconnectedaccount"}
)

func normSlug(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r + ('a' - 'A')
		}
		return -1
	}, s)
}

func (e *APIError) slugIn(set []string) bool {
	n := normSlug(e.Slug)
	return n != "" && slices.Contains(set, n)
}

// knownSlug reports whether the slug is one whose meaning the client knows,
// in which case the message is not consulted.
func (e *APIError) knownSlug() bool {
	return e.slugIn(slugsEndpointRequired) || e.slugIn(slugsUnknownTrigger) || e.slugIn(slugsNoAccount)
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func (e *APIError) webhookEndpointRequired() bool {
	if e.Status != http.StatusBadRequest && e.Status != http.StatusPreconditionFailed {
		return false
	}
	if e.knownSlug() {
		return e.slugIn(slugsEndpointRequired)
	}
	return containsAny(strings.ToLower(e.Message),
		"requires a webhook endpoint", "webhook endpoint is required", "webhook endpoint must be set up",
		"no webhook endpoint", "webhook endpoint required")
}

func (e *APIError) unknownTriggerType() bool {
	if e.knownSlug() {
		return e.slugIn(slugsUnknownTrigger)
	}
	m := strings.ToLower(e.Message)
	return strings.Contains(m, "trigger type") && containsAny(m, "not found", "unknown", "does not exist")
}

func (e *APIError) noConnectedAccount() bool {
	if e.Status != http.StatusBadRequest && e.Status != http.StatusNotFound {
		return false
	}
	if e.knownSlug() {
		return e.slugIn(slugsNoAccount)
	}
	m := strings.ToLower(e.Message)
	return strings.Contains(m, "connected account") && containsAny(m, "no connected account", "not found")
}

// parseAPIError decodes an error body leniently: the {"error": {...}}
// envelope, the 429 {"message": ...} form, or anything else (then Message
// is the status text). A field of an unexpected type (a string code) does
// not lose the status. scrub removes secrets the server might echo, from
// every field.
func parseAPIError(status int, header http.Header, body []byte, scrub func(string) string) *APIError {
	e := &APIError{Status: status, RetryAfter: header.Get("Retry-After")}
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) == nil {
		fields := top
		var inner map[string]json.RawMessage
		if json.Unmarshal(top["error"], &inner) == nil && inner != nil {
			fields = inner
		}
		e.Message = rawText(fields["message"])
		e.Slug = rawText(fields["slug"])
		e.Code = rawText(fields["code"])
		e.SuggestedFix = rawText(fields["suggested_fix"])
		e.RequestID = rawText(fields["request_id"])
		if e.RequestID == "" {
			e.RequestID = rawText(top["request_id"])
		}
		var details []json.RawMessage
		if json.Unmarshal(fields["errors"], &details) == nil {
			for _, d := range details {
				e.Details = append(e.Details, rawText(d))
			}
		}
	} else if t := strings.TrimSpace(string(body)); t != "" && len(t) <= 200 && !strings.ContainsAny(t, "<{") {
		e.Message = t // a short plain-text body, e.g. from a proxy
	}
	if e.RequestID == "" {
		e.RequestID = firstHeader(header, "X-Request-Id", "X-Request-ID", "Request-Id")
	}
	if scrub != nil {
		for _, f := range []*string{&e.Message, &e.SuggestedFix, &e.Slug, &e.Code, &e.RequestID, &e.RetryAfter} {
			*f = scrub(*f)
		}
		for i := range e.Details {
			e.Details[i] = scrub(e.Details[i])
		}
	}
	return e
}

// rawText is a JSON value as text: a string's contents, "" for null or
// nothing, else the value's JSON (a numeric code, an object in a list).
func rawText(r json.RawMessage) string {
	s := strings.TrimSpace(string(r))
	if s == "" || s == "null" {
		return ""
	}
	var str string
	if json.Unmarshal(r, &str) == nil {
		return str
	}
	return s
}

func firstHeader(h http.Header, names ...string) string {
	for _, n := range names {
		if v := h.Get(n); v != "" {
			return v
		}
	}
	return ""
}

// NoConnectedAccountError is returned by ResolveConnectedAccount when the
// user has no ACTIVE connected account for the toolkit. It matches
// ErrNoConnectedAccount, whose documentation says what to do.
type NoConnectedAccountError struct {
	UserID  string
	Toolkit string
}

func (e *NoConnectedAccountError) Error() string {
	return fmt.Sprintf("composio: user %q has no ACTIVE connected account for toolkit %q", e.UserID, e.Toolkit)
}

// Is matches ErrNoConnectedAccount.
func (e *NoConnectedAccountError) Is(target error) bool { return target == ErrNoConnectedAccount }

// endpointRequiredError names the call that fixes a missing webhook
// endpoint; ErrWebhookEndpointRequired's documentation has the steps. It
// matches ErrWebhookEndpointRequired and unwraps to the API's error.
type endpointRequiredError struct {
	slug, toolkit string
	cause         error
}

func (e *endpointRequiredError) Error() string {
	return fmt.Sprintf("create trigger %s: toolkit %q needs a webhook endpoint first (see SetupWebhookEndpoint): %v", e.slug, e.toolkit, e.cause)
}

func (e *endpointRequiredError) Is(target error) bool { return target == ErrWebhookEndpointRequired }
func (e *endpointRequiredError) Unwrap() error        { return e.cause }

// schemaNotServedError is WebhookEndpointSchema's 404: the API did not
// serve the toolkit's setup fields, and the caller has to pass them itself.
// It matches ErrNotFound through the API's error it unwraps to.
type schemaNotServedError struct {
	toolkit string
	cause   *APIError
}

func (e *schemaNotServedError) Error() string {
	return fmt.Sprintf("get webhook endpoint schema of %s: the API did not serve the setup fields of toolkit %q "+
		"(GET /api/v3.1/webhook_endpoints/schema is documented by Composio but not in its generated v3.1 client, so it may not exist, "+
		"or the toolkit uses no webhook endpoint): pass the setup fields explicitly instead, as credentials for "+
		"SetupWebhookEndpoint(ctx, clientID, creds) or UpdateWebhookEndpoint(ctx, id, creds): the generated package's "+
		"NewWebhookCredentials when the lock has the toolkit's webhook_endpoint_schema, or your own trigger.EndpointCredentials "+
		"naming each field: %v", e.toolkit, e.toolkit, e.cause)
}

func (e *schemaNotServedError) Unwrap() error { return e.cause }

func errorf(op, format string, args ...any) error {
	return fmt.Errorf("%s: "+format, append([]any{op}, args...)...)
}
