package composiotest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
)

// SecretMask replaces every secret setup value in webhook endpoint responses.
const SecretMask = "****"

type setupField struct {
	DisplayName string `json:"display_name"`
	Description string `json:"description"`
	IsRequired  bool   `json:"is_required"`
	IsSecret    bool   `json:"is_secret"`
}

// setupFields returns a toolkit's setup fields; ok is false when the toolkit
// has no webhook endpoint schema.
func (f *Fake) setupFields(toolkit string) (map[string]setupField, bool) {
	ts := f.toolkits[strings.ToLower(toolkit)]
	if ts == nil || len(ts.schema) == 0 {
		return nil, false
	}
	var s struct {
		SetupFields map[string]setupField `json:"setup_fields"`
	}
	if json.Unmarshal(ts.schema, &s) != nil {
		return nil, false
	}
	if s.SetupFields == nil {
		s.SetupFields = map[string]setupField{}
	}
	return s.SetupFields, true
}

func (f *Fake) getWebhookEndpointSchema(r *http.Request, _ []byte, _ map[string]string) (int, any, *apiError) {
	tk := strings.ToLower(r.URL.Query().Get("toolkit_slug"))
	if tk == "" {
		return 0, nil, badRequest("VALIDATION_ERROR", "toolkit_slug is required")
	}
	_, ok := f.setupFields(tk)
	if !ok {
		if f.toolkits[tk] == nil {
			return 0, nil, notFound("TOOLKIT_NOT_FOUND", "Toolkit %s not found", tk)
		}
		return 0, nil, notFound("WEBHOOK_ENDPOINT_SCHEMA_NOT_FOUND", "Toolkit %s has no webhook endpoint schema: it does not use webhook endpoints", tk)
	}
	// The fields as stored, so that their order is the schema's, as the
	// real API sends them.
	var raw struct {
		SetupFields json.RawMessage `json:"setup_fields"`
	}
	_ = json.Unmarshal(f.toolkits[tk].schema, &raw)
	if len(raw.SetupFields) == 0 || string(raw.SetupFields) == "null" {
		raw.SetupFields = json.RawMessage("{}")
	}
	return 200, map[string]any{"toolkit_slug": tk, "setup_fields": raw.SetupFields}, nil
}

func (f *Fake) endpointByID(id string) *endpoint {
	for _, e := range f.endpoints {
		if e.id == id {
			return e
		}
	}
	return nil
}

func (e *endpoint) webhookURL() string {
	return IngressBaseURL + "/" + e.toolkit + "/" + e.id + "/trigger_event"
}

func (f *Fake) endpointWire(e *endpoint) map[string]any {
	var data any
	if e.data != nil {
		fields, hasSchema := f.setupFields(e.toolkit)
		masked := map[string]string{}
		for k, v := range e.data {
			fd, known := fields[k]
			if v != "" && (!hasSchema || !known || fd.IsSecret) {
				v = SecretMask
			}
			masked[k] = v
		}
		data = masked
	}
	var verified any
	if !e.verifiedAt.IsZero() {
		verified = wireTime(e.verifiedAt)
	}
	return map[string]any{
		"id":           e.id,
		"toolkit_slug": e.toolkit,
		"client_id":    e.clientID,
		"webhook_url":  e.webhookURL(),
		"data":         data,
		"created_at":   wireTime(e.createdAt),
		"verified_at":  verified,
	}
}

func (f *Fake) createWebhookEndpoint(_ *http.Request, body []byte, _ map[string]string) (int, any, *apiError) {
	var req struct {
		ToolkitSlug string `json:"toolkit_slug"`
		ClientID    string `json:"client_id"`
	}
	if err := json.Unmarshal(body, &req); err != nil || req.ToolkitSlug == "" || req.ClientID == "" {
		return 0, nil, badRequest("VALIDATION_ERROR", "toolkit_slug and client_id are required")
	}
	tk := strings.ToLower(req.ToolkitSlug)
	if f.toolkits[tk] == nil {
		return 0, nil, badRequest("TOOLKIT_NOT_FOUND", "Toolkit %s not found", tk)
	}
	for _, e := range f.endpoints {
		if e.toolkit == tk && e.clientID == req.ClientID {
			return 200, f.endpointWire(e), nil
		}
	}
	e := &endpoint{id: newID("we_"), toolkit: tk, clientID: req.ClientID, createdAt: f.now()}
	f.endpoints = append(f.endpoints, e)
	return 201, f.endpointWire(e), nil
}

func (f *Fake) listWebhookEndpoints(r *http.Request, _ []byte, _ map[string]string) (int, any, *apiError) {
	tk := r.URL.Query().Get("toolkit_slug")
	items := []any{}
	for _, e := range f.endpoints {
		if tk != "" && !strings.EqualFold(tk, e.toolkit) {
			continue
		}
		items = append(items, map[string]any{"id": e.id, "toolkit_slug": e.toolkit, "client_id": e.clientID})
	}
	return 200, map[string]any{"items": items}, nil
}

func (f *Fake) getWebhookEndpoint(_ *http.Request, _ []byte, p map[string]string) (int, any, *apiError) {
	e := f.endpointByID(p["nano_id"])
	if e == nil {
		return 0, nil, notFound("WEBHOOK_ENDPOINT_NOT_FOUND", "Webhook endpoint %s not found", p["nano_id"])
	}
	return 200, f.endpointWire(e), nil
}

// endpointData decodes and checks a {"data": {…}} body against the toolkit's
// setup fields: unknown fields are rejected when the toolkit has a schema.
func (f *Fake) endpointData(e *endpoint, body []byte) (map[string]string, *apiError) {
	var req struct {
		Data map[string]string `json:"data"`
	}
	if err := json.Unmarshal(body, &req); err != nil || req.Data == nil {
		return nil, badRequest("VALIDATION_ERROR", "data must be an object of setup field name to string value")
	}
	if fields, ok := f.setupFields(e.toolkit); ok {
		var unknown []string
		for k := range req.Data {
			if _, known := fields[k]; !known {
				unknown = append(unknown, k)
			}
		}
		if len(unknown) > 0 {
			sort.Strings(unknown)
			known := make([]string, 0, len(fields))
			for k := range fields {
				known = append(known, k)
			}
			sort.Strings(known)
			return nil, &apiError{status: 400, slug: "WEBHOOK_ENDPOINT_UNKNOWN_FIELD",
				msg:  fmt.Sprintf("Unknown setup field(s) for toolkit %s: %s", e.toolkit, strings.Join(unknown, ", ")),
				fix:  "Setup fields of " + e.toolkit + ": " + strings.Join(known, ", "),
				errs: unknown}
		}
	}
	return req.Data, nil
}

// endpointAndData finds the endpoint a PATCH or POST names and decodes the
// data it sends.
func (f *Fake) endpointAndData(id string, body []byte) (*endpoint, map[string]string, *apiError) {
	e := f.endpointByID(id)
	if e == nil {
		return nil, nil, notFound("WEBHOOK_ENDPOINT_NOT_FOUND", "Webhook endpoint %s not found", id)
	}
	data, aerr := f.endpointData(e, body)
	if aerr != nil {
		return nil, nil, aerr
	}
	return e, data, nil
}

func (f *Fake) updateWebhookEndpoint(_ *http.Request, body []byte, p map[string]string) (int, any, *apiError) {
	e, data, aerr := f.endpointAndData(p["nano_id"], body)
	if aerr != nil {
		return 0, nil, aerr
	}
	if e.data == nil {
		e.data = map[string]string{}
	}
	for k, v := range data {
		e.data[k] = v
	}
	return 200, f.endpointWire(e), nil
}

func (f *Fake) replaceWebhookEndpoint(_ *http.Request, body []byte, p map[string]string) (int, any, *apiError) {
	e, data, aerr := f.endpointAndData(p["nano_id"], body)
	if aerr != nil {
		return 0, nil, aerr
	}
	fields, _ := f.setupFields(e.toolkit)
	var missing []string
	for k, fd := range fields {
		if fd.IsRequired && data[k] == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return 0, nil, &apiError{status: 400, slug: "WEBHOOK_ENDPOINT_MISSING_REQUIRED_FIELD",
			msg:  fmt.Sprintf("Missing required setup field(s) for toolkit %s: %s (POST replaces all data; use PATCH to merge)", e.toolkit, strings.Join(missing, ", ")),
			errs: missing}
	}
	e.data = maps.Clone(data)
	return 200, f.endpointWire(e), nil
}

// ---------------------------------------------------------------- subscriptions

// eventType is a subscribable event type and its payload versions.
type eventType struct {
	name, desc string
	versions   []string
}

var eventTypes = []eventType{
	{"composio.trigger.message", "A trigger instance fired", []string{"V1", "V2", "V3"}},
	{"composio.connected_account.expired", "A connected account expired", []string{"V3"}},
	{"composio.trigger.disabled", "Composio disabled a trigger instance", []string{"V3"}},
}

func newSecret() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return "whsec_" + base64.RawURLEncoding.EncodeToString(b[:])
}

func (s *subscription) wire() map[string]any {
	return map[string]any{
		"id":             s.id,
		"webhook_url":    s.url,
		"version":        s.version,
		"enabled_events": slices.Clone(s.events),
		"secret":         s.secret,
		"created_at":     wireTime(s.createdAt),
		"updated_at":     wireTime(s.updatedAt),
	}
}

// checkSubscription validates a webhook_url, enabled_events and version.
func checkSubscription(webhookURL string, events []string, version string) *apiError {
	u, err := url.Parse(webhookURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return badRequest("INVALID_WEBHOOK_URL", "webhook_url must be an absolute http(s) URL, got %q", webhookURL)
	}
	if len(events) == 0 {
		return badRequest("VALIDATION_ERROR", "enabled_events must not be empty")
	}
	for _, ev := range events {
		i := slices.IndexFunc(eventTypes, func(et eventType) bool { return et.name == ev })
		if i < 0 {
			return badRequest("UNKNOWN_EVENT_TYPE", "Unknown event type %q (see GET /api/v3.1/webhook_subscriptions/event_types)", ev)
		}
		if !slices.Contains(eventTypes[i].versions, version) {
			return badRequest("UNSUPPORTED_EVENT_VERSION", "Event type %s is not available in payload version %s", ev, version)
		}
	}
	return nil
}

func (f *Fake) createWebhookSubscription(_ *http.Request, body []byte, _ map[string]string) (int, any, *apiError) {
	var req struct {
		WebhookURL    string   `json:"webhook_url"`
		EnabledEvents []string `json:"enabled_events"`
		Version       string   `json:"version"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return 0, nil, badRequest("VALIDATION_ERROR", "Invalid JSON body: %v", err)
	}
	if req.Version == "" {
		req.Version = "V3"
	}
	if f.subscription != nil {
		return 0, nil, &apiError{status: 409, slug: "WEBHOOK_SUBSCRIPTION_ALREADY_EXISTS",
			msg: fmt.Sprintf("The project already has a webhook subscription (%s)", f.subscription.id),
			fix: "Update it with PATCH /api/v3.1/webhook_subscriptions/" + f.subscription.id}
	}
	if aerr := checkSubscription(req.WebhookURL, req.EnabledEvents, req.Version); aerr != nil {
		return 0, nil, aerr
	}
	now := f.now()
	f.subscription = &subscription{id: newID("whs_"), url: req.WebhookURL, version: req.Version,
		events: slices.Clone(req.EnabledEvents), secret: newSecret(), createdAt: now, updatedAt: now}
	return 201, f.subscription.wire(), nil
}

func (f *Fake) listWebhookSubscriptions(r *http.Request, _ []byte, _ map[string]string) (int, any, *apiError) {
	var all []any
	if f.subscription != nil {
		all = append(all, f.subscription.wire())
	}
	start, end, info, aerr := f.page(r.URL.Query(), len(all), maxPageSize)
	if aerr != nil {
		return 0, nil, aerr
	}
	return 200, pageOf(info, all[start:end]), nil
}

func (f *Fake) listWebhookEventTypes(*http.Request, []byte, map[string]string) (int, any, *apiError) {
	items := []any{}
	for _, et := range eventTypes {
		items = append(items, map[string]any{"event_type": et.name, "description": et.desc, "supported_versions": et.versions})
	}
	return 200, map[string]any{"items": items}, nil
}

func (f *Fake) subscriptionByID(id string) (*subscription, *apiError) {
	if f.subscription == nil || f.subscription.id != id {
		return nil, notFound("WEBHOOK_SUBSCRIPTION_NOT_FOUND", "Webhook subscription %s not found", id)
	}
	return f.subscription, nil
}

func (f *Fake) getWebhookSubscription(_ *http.Request, _ []byte, p map[string]string) (int, any, *apiError) {
	s, aerr := f.subscriptionByID(p["id"])
	if aerr != nil {
		return 0, nil, aerr
	}
	return 200, s.wire(), nil
}

func (f *Fake) updateWebhookSubscription(_ *http.Request, body []byte, p map[string]string) (int, any, *apiError) {
	s, aerr := f.subscriptionByID(p["id"])
	if aerr != nil {
		return 0, nil, aerr
	}
	var req struct {
		WebhookURL    *string   `json:"webhook_url"`
		EnabledEvents *[]string `json:"enabled_events"`
		Version       *string   `json:"version"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return 0, nil, badRequest("VALIDATION_ERROR", "Invalid JSON body: %v", err)
	}
	if req.WebhookURL == nil && req.EnabledEvents == nil && req.Version == nil {
		return 0, nil, badRequest("VALIDATION_ERROR", "At least one of webhook_url, enabled_events, version must be provided")
	}
	u, events, version := s.url, s.events, s.version
	if req.WebhookURL != nil {
		u = *req.WebhookURL
	}
	if req.EnabledEvents != nil {
		events = *req.EnabledEvents
	}
	if req.Version != nil {
		version = *req.Version
	}
	if aerr := checkSubscription(u, events, version); aerr != nil {
		return 0, nil, aerr
	}
	s.url, s.events, s.version = u, slices.Clone(events), version
	s.updatedAt = f.now()
	return 200, s.wire(), nil
}

func (f *Fake) deleteWebhookSubscription(_ *http.Request, _ []byte, p map[string]string) (int, any, *apiError) {
	if _, aerr := f.subscriptionByID(p["id"]); aerr != nil {
		return 0, nil, aerr
	}
	f.subscription = nil
	return 200, map[string]any{"success": true}, nil
}

func (f *Fake) rotateWebhookSubscriptionSecret(_ *http.Request, _ []byte, p map[string]string) (int, any, *apiError) {
	s, aerr := f.subscriptionByID(p["id"])
	if aerr != nil {
		return 0, nil, aerr
	}
	s.secret = newSecret()
	s.updatedAt = f.now()
	return 200, map[string]any{"id": s.id, "secret": s.secret}, nil
}
