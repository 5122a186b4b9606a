package composio

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/triggergen/triggergen/gen"
	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/trigger"
)

// WebhookEndpoint is an ingress for one toolkit and one of your OAuth apps:
// the provider delivers to URL, and Composio checks the deliveries with the
// credentials stored in the endpoint.
type WebhookEndpoint struct {
	// ID is the endpoint id (we_…).
	ID string
	// Toolkit is the toolkit slug.
	Toolkit string
	// ClientID is your OAuth app's client id.
	ClientID string
	// URL is the ingress URL to register with the provider; it never
	// changes.
	URL string
	// Data are the stored setup fields as the server answered them (the
	// real API masks secret values). Every value is a secret.Value: the
	// answer does not say which fields are secret, and a server that did not
	// mask would otherwise print credentials with %+v. nil until credentials
	// are stored.
	Data map[string]secret.Value
	// CreatedAt is when the endpoint was created.
	CreatedAt time.Time
	// VerifiedAt is when the provider's verification handshake completed;
	// zero before.
	VerifiedAt time.Time
}

// Verified reports whether the provider's handshake has completed.
func (e *WebhookEndpoint) Verified() bool { return !e.VerifiedAt.IsZero() }

func endpointFromGen(e gen.WebhookEndpoint) *WebhookEndpoint {
	out := &WebhookEndpoint{
		ID:        e.ID,
		Toolkit:   e.ToolkitSlug,
		ClientID:  deref(e.ClientID),
		URL:       e.WebhookURL,
		CreatedAt: parseTime(e.CreatedAt),
	}
	if e.Data != nil {
		out.Data = make(map[string]secret.Value, len(*e.Data))
		for k, v := range *e.Data {
			out.Data[k] = secret.New(v)
		}
	}
	if e.VerifiedAt != nil && *e.VerifiedAt != "" {
		out.VerifiedAt = parseTime(*e.VerifiedAt)
		if out.VerifiedAt.IsZero() { // set, but in a format we do not know
			out.VerifiedAt = time.Unix(0, 0).UTC()
		}
	}
	return out
}

// WebhookEndpointSummary is an item of WebhookEndpoints.
type WebhookEndpointSummary struct {
	ID       string
	Toolkit  string
	ClientID string
}

// EndpointSchema is the set of fields a toolkit's webhook endpoint takes.
type EndpointSchema struct {
	Toolkit string
	// Fields are in the order the server sent them.
	Fields []EndpointSetupField
	// Raw is the answer exactly as the API sent it (triggergen pull stores
	// it in the lock).
	Raw json.RawMessage
}

// EndpointSetupField describes one setup field.
type EndpointSetupField struct {
	Name        string
	DisplayName string
	Description string
	Required    bool
	Secret      bool
}

// Required returns the names of the required fields.
func (s *EndpointSchema) Required() []string {
	var out []string
	for _, f := range s.Fields {
		if f.Required {
			out = append(out, f.Name)
		}
	}
	return out
}

// WebhookEndpointSchema returns the setup fields of toolkit's webhook
// endpoint.
//
// Composio documents GET /api/v3.1/webhook_endpoints/schema, but its own
// generated v3.1 client does not have the operation, so the API may not
// serve it. A 404 is answered with an error that says so and how to pass
// the setup fields explicitly; it matches ErrNotFound and unwraps to the
// *APIError.
func (c *Client) WebhookEndpointSchema(ctx context.Context, toolkit string, opts ...Option) (*EndpointSchema, error) {
	op := "get webhook endpoint schema of " + toolkit
	if strings.TrimSpace(toolkit) == "" {
		return nil, errorf(op, "empty toolkit")
	}
	cs, err := c.callSettings(opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	params := &gen.GetWebhookEndpointSchemaParams{ToolkitSlug: toolkit}
	s, r, err := call[gen.WebhookEndpointSchema](ctx, c, cs, request{op: op, retry: true, send: func(ctx context.Context, edit gen.RequestEditorFn) (*http.Response, error) {
		return c.api.GetWebhookEndpointSchema(ctx, params, edit)
	}})
	if err != nil {
		if apiErr := (*APIError)(nil); errors.As(err, &apiErr) && apiErr.Status == http.StatusNotFound {
			return nil, &schemaNotServedError{toolkit: toolkit, cause: apiErr}
		}
		return nil, err
	}
	out := &EndpointSchema{Toolkit: s.ToolkitSlug, Raw: r.body}
	if out.Toolkit == "" {
		out.Toolkit = toolkit
	}
	for _, name := range objectKeys(r.body, "setup_fields") {
		f, ok := s.SetupFields[name]
		if !ok {
			continue
		}
		out.Fields = append(out.Fields, EndpointSetupField{Name: name, DisplayName: f.DisplayName, Description: f.Description, Required: f.IsRequired, Secret: f.IsSecret})
	}
	return out, nil
}

// objectKeys returns the keys of the object at top-level key, in document
// order (a Go map forgets it).
func objectKeys(body []byte, key string) []string {
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(top[key]))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return keys
		}
		k, _ := t.(string)
		keys = append(keys, k)
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return keys
		}
	}
	return keys
}

// CreateWebhookEndpoint creates toolkit's webhook endpoint for the OAuth app
// clientID, or returns the existing one (created is false then): the call is
// idempotent, and never changes the URL or wipes stored credentials.
//
// Store the credentials (UpdateWebhookEndpoint) before registering the URL
// with the provider, or its deliveries fail until you do; SetupWebhookEndpoint
// does both in one call.
func (c *Client) CreateWebhookEndpoint(ctx context.Context, toolkit, clientID string, opts ...Option) (*WebhookEndpoint, bool, error) {
	op := fmt.Sprintf("create %s webhook endpoint", toolkit)
	if strings.TrimSpace(toolkit) == "" || strings.TrimSpace(clientID) == "" {
		return nil, false, errorf(op, "toolkit and client id are required")
	}
	s, err := c.callSettings(opts)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", op, err)
	}
	body := gen.CreateWebhookEndpointRequest{ToolkitSlug: toolkit, ClientID: clientID}
	e, r, err := call[gen.WebhookEndpoint](ctx, c, s, request{op: op, retry: true, send: func(ctx context.Context, edit gen.RequestEditorFn) (*http.Response, error) {
		return c.api.CreateWebhookEndpoint(ctx, body, edit)
	}})
	if err != nil {
		return nil, false, err
	}
	return endpointFromGen(*e), r.status == http.StatusCreated, nil
}

// WebhookEndpoints lists the project's webhook endpoints, of one toolkit
// when toolkit is not "".
func (c *Client) WebhookEndpoints(ctx context.Context, toolkit string, opts ...Option) ([]WebhookEndpointSummary, error) {
	const op = "list webhook endpoints"
	s, err := c.callSettings(opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	params := &gen.ListWebhookEndpointsParams{}
	if toolkit != "" {
		params.ToolkitSlug = &toolkit
	}
	l, _, err := call[gen.WebhookEndpointList](ctx, c, s, request{op: op, retry: true, send: func(ctx context.Context, edit gen.RequestEditorFn) (*http.Response, error) {
		return c.api.ListWebhookEndpoints(ctx, params, edit)
	}})
	if err != nil {
		return nil, err
	}
	out := make([]WebhookEndpointSummary, 0, len(l.Items))
	for _, it := range l.Items {
		out = append(out, WebhookEndpointSummary{ID: it.ID, Toolkit: it.ToolkitSlug, ClientID: deref(it.ClientID)})
	}
	return out, nil
}

// WebhookEndpoint returns one webhook endpoint.
func (c *Client) WebhookEndpoint(ctx context.Context, id string, opts ...Option) (*WebhookEndpoint, error) {
	op := "get webhook endpoint " + id
	if strings.TrimSpace(id) == "" {
		return nil, errorf(op, "empty endpoint id")
	}
	s, err := c.callSettings(opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	e, _, err := call[gen.WebhookEndpoint](ctx, c, s, request{op: op, retry: true, send: func(ctx context.Context, edit gen.RequestEditorFn) (*http.Response, error) {
		return c.api.GetWebhookEndpoint(ctx, id, edit)
	}})
	if err != nil {
		return nil, err
	}
	return endpointFromGen(*e), nil
}

// wireData builds the request body's data from fields: the only place a
// credential's value is revealed.
func wireData(fields []trigger.EndpointField) (map[string]string, []string, error) {
	data := make(map[string]string, len(fields))
	secrets := make([]string, 0, len(fields))
	for _, f := range fields {
		if f.Name == "" {
			return nil, nil, errors.New("setup field with an empty name")
		}
		if _, dup := data[f.Name]; dup {
			return nil, nil, fmt.Errorf("setup field %q set twice", f.Name)
		}
		v := f.Value.Reveal()
		data[f.Name] = v
		secrets = append(secrets, v)
	}
	return data, secrets, nil
}

// UpdateWebhookEndpoint stores the fields set in u (PATCH, a merge): fields
// u does not set keep their stored value. Use it to store or rotate a
// signing secret. It is refused without a request when u.Validate fails (u
// would clear a required field) or u sets no field.
func (c *Client) UpdateWebhookEndpoint(ctx context.Context, id string, u trigger.EndpointUpdate, opts ...Option) (*WebhookEndpoint, error) {
	op := "update webhook endpoint " + id
	if strings.TrimSpace(id) == "" {
		return nil, errorf(op, "empty endpoint id")
	}
	if u == nil {
		return nil, errorf(op, "nil update")
	}
	if err := u.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	fields := u.EndpointFields()
	if len(fields) == 0 {
		return nil, errorf(op, "the update sets no field")
	}
	return c.writeEndpointData(ctx, op, fields, opts, func(ctx context.Context, body gen.WebhookEndpointDataRequest, edit gen.RequestEditorFn) (*http.Response, error) {
		return c.api.UpdateWebhookEndpoint(ctx, id, body, edit)
	})
}

// ReplaceWebhookEndpoint replaces every stored field with those of creds
// (POST): fields creds does not set are cleared. It is refused without a
// request when creds.Validate fails (a required field is missing).
func (c *Client) ReplaceWebhookEndpoint(ctx context.Context, id string, creds trigger.EndpointCredentials, opts ...Option) (*WebhookEndpoint, error) {
	op := "replace webhook endpoint " + id
	if strings.TrimSpace(id) == "" {
		return nil, errorf(op, "empty endpoint id")
	}
	if creds == nil {
		return nil, errorf(op, "nil credentials")
	}
	if err := creds.Validate(); err != nil {
		return nil, fmt.Errorf("%s: incomplete %s credentials (to change some fields, use UpdateWebhookEndpoint): %w", op, creds.EndpointToolkit(), err)
	}
	return c.writeEndpointData(ctx, op, creds.EndpointFields(), opts, func(ctx context.Context, body gen.WebhookEndpointDataRequest, edit gen.RequestEditorFn) (*http.Response, error) {
		return c.api.ReplaceWebhookEndpoint(ctx, id, body, edit)
	})
}

// writeEndpointData sends fields as an endpoint's data with send (PATCH or
// POST), telling the retry loop which values are secrets so that no error
// can echo one, and decodes the endpoint the server answers with.
func (c *Client) writeEndpointData(ctx context.Context, op string, fields []trigger.EndpointField, opts []Option,
	send func(context.Context, gen.WebhookEndpointDataRequest, gen.RequestEditorFn) (*http.Response, error)) (*WebhookEndpoint, error) {
	s, err := c.callSettings(opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	data, secrets, err := wireData(fields)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	body := gen.WebhookEndpointDataRequest{Data: data}
	e, _, err := call[gen.WebhookEndpoint](ctx, c, s, request{op: op, retry: true, secrets: secrets, send: func(ctx context.Context, edit gen.RequestEditorFn) (*http.Response, error) {
		return send(ctx, body, edit)
	}})
	if err != nil {
		return nil, err
	}
	return endpointFromGen(*e), nil
}

// SetupWebhookEndpoint is the one call to get an ingress URL: it creates the
// endpoint of creds' toolkit for the OAuth app clientID (or finds the
// existing one), stores creds in it (a merge, so other stored fields stay),
// and only then returns it. Register the returned URL with the provider,
// then WaitVerified.
func (c *Client) SetupWebhookEndpoint(ctx context.Context, clientID string, creds trigger.EndpointCredentials, opts ...Option) (*WebhookEndpoint, error) {
	op := "set up webhook endpoint"
	if creds == nil {
		return nil, errorf(op, "nil credentials")
	}
	toolkit := creds.EndpointToolkit()
	op = fmt.Sprintf("set up %s webhook endpoint", toolkit)
	if err := creds.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if len(creds.EndpointFields()) == 0 {
		return nil, errorf(op, "credentials set no field")
	}
	e, _, err := c.CreateWebhookEndpoint(ctx, toolkit, clientID, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	stored, err := c.UpdateWebhookEndpoint(ctx, e.ID, creds, opts...)
	if err != nil {
		// The URL is deliberately not returned: nothing is stored to verify
		// its deliveries with.
		return nil, fmt.Errorf("%s: store credentials: %w", op, err)
	}
	if stored.URL == "" {
		stored.URL = e.URL
	}
	return stored, nil
}

// IngressURL returns the ingress URL of toolkit's endpoint for the OAuth app
// clientID, to show to whoever registers it with the provider. It never
// creates anything: when the endpoint does not exist or lacks a required
// credential, the error matches ErrEndpointNotConfigured and names
// SetupWebhookEndpoint, so a URL is never handed out before its secret is
// stored.
func (c *Client) IngressURL(ctx context.Context, toolkit, clientID string, opts ...Option) (string, error) {
	op := fmt.Sprintf("get %s ingress URL for client %q", toolkit, clientID)
	list, err := c.WebhookEndpoints(ctx, toolkit, opts...)
	if err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	id := ""
	for _, e := range list {
		if e.ClientID == clientID && strings.EqualFold(e.Toolkit, toolkit) {
			id = e.ID
			break
		}
	}
	if id == "" {
		return "", fmt.Errorf("%s: %w: no endpoint yet (see SetupWebhookEndpoint)", op, ErrEndpointNotConfigured)
	}
	e, err := c.WebhookEndpoint(ctx, id, opts...)
	if err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	schema, err := c.WebhookEndpointSchema(ctx, toolkit, opts...)
	if err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	var missing []string
	for _, name := range schema.Required() {
		if e.Data[name].IsZero() {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 || (len(schema.Fields) > 0 && len(e.Data) == 0) {
		return "", fmt.Errorf("%s: %w: endpoint %s has no stored %s (see SetupWebhookEndpoint)",
			op, ErrEndpointNotConfigured, id, strings.Join(missing, ", "))
	}
	return e.URL, nil
}

// WaitVerified polls the endpoint until the provider's verification
// handshake has completed (VerifiedAt set) and returns it; or returns the
// context's error when ctx ends first. Give ctx a deadline. WithPollInterval
// sets how often it polls.
func (c *Client) WaitVerified(ctx context.Context, id string, opts ...Option) (*WebhookEndpoint, error) {
	op := "wait for webhook endpoint " + id + " to be verified"
	s, err := c.callSettings(opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	maxWait := max(s.pollMax, s.pollFirst)
	wait := s.pollFirst
	for {
		e, err := c.WebhookEndpoint(ctx, id, opts...)
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("%s: %w", op, ctx.Err())
			}
			// Permanent answers end the wait; the rest were already retried.
			if errors.Is(err, ErrNotFound) || errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrGone) {
				return nil, fmt.Errorf("%s: %w", op, err)
			}
			s.logger.LogAttrs(ctx, slog.LevelWarn, "composio: polling webhook endpoint failed; still waiting", slog.String("endpoint_id", id), slog.String("error", err.Error()))
		} else if e.Verified() {
			return e, nil
		}
		if err := s.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		wait = min(wait+wait/2, maxWait)
	}
}
