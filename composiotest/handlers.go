package composiotest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// apiError is an answer in the Error envelope.
type apiError struct {
	status int
	slug   string
	msg    string
	fix    string
	errs   []string
}

func (e *apiError) Error() string { return e.msg }

func errorBody(e *apiError) []byte {
	d := map[string]any{
		"message":    e.msg,
		"code":       e.status,
		"status":     e.status,
		"slug":       e.slug,
		"request_id": newID("req_"),
	}
	if e.fix != "" {
		d["suggested_fix"] = e.fix
	}
	if len(e.errs) > 0 {
		d["errors"] = e.errs
	}
	b, _ := marshal(map[string]any{"error": d})
	return b
}

func writeError(w http.ResponseWriter, e *apiError) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.status)
	_, _ = w.Write(errorBody(e))
}

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := marshal(v)
	if err != nil {
		writeError(w, &apiError{status: 500, slug: "INTERNAL_ERROR", msg: err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func badRequest(slug, format string, args ...any) *apiError {
	return &apiError{status: 400, slug: slug, msg: fmt.Sprintf(format, args...)}
}

func notFound(slug, format string, args ...any) *apiError {
	return &apiError{status: 404, slug: slug, msg: fmt.Sprintf(format, args...)}
}

// handler answers one operation; it runs with f.mu held.
type handler func(f *Fake, r *http.Request, body []byte, params map[string]string) (int, any, *apiError)

var handlers = map[string]handler{
	"listTriggerTypes":                (*Fake).listTriggerTypes,
	"getTriggerType":                  (*Fake).getTriggerType,
	"listTriggerTypeEnum":             (*Fake).listTriggerTypeEnum,
	"upsertTriggerInstance":           (*Fake).upsertTriggerInstance,
	"listActiveTriggers":              (*Fake).listActiveTriggers,
	"manageTriggerInstance":           (*Fake).manageTriggerInstance,
	"deleteTriggerInstance":           (*Fake).deleteTriggerInstance,
	"listConnectedAccounts":           (*Fake).listConnectedAccounts,
	"getConnectedAccount":             (*Fake).getConnectedAccount,
	"getWebhookEndpointSchema":        (*Fake).getWebhookEndpointSchema,
	"createWebhookEndpoint":           (*Fake).createWebhookEndpoint,
	"listWebhookEndpoints":            (*Fake).listWebhookEndpoints,
	"getWebhookEndpoint":              (*Fake).getWebhookEndpoint,
	"updateWebhookEndpoint":           (*Fake).updateWebhookEndpoint,
	"replaceWebhookEndpoint":          (*Fake).replaceWebhookEndpoint,
	"createWebhookSubscription":       (*Fake).createWebhookSubscription,
	"listWebhookSubscriptions":        (*Fake).listWebhookSubscriptions,
	"listWebhookEventTypes":           (*Fake).listWebhookEventTypes,
	"getWebhookSubscription":          (*Fake).getWebhookSubscription,
	"updateWebhookSubscription":       (*Fake).updateWebhookSubscription,
	"deleteWebhookSubscription":       (*Fake).deleteWebhookSubscription,
	"rotateWebhookSubscriptionSecret": (*Fake).rotateWebhookSubscriptionSecret,
	"getRealtimeCredentials":          (*Fake).getRealtimeCredentials,
	"authorizeRealtimeChannel":        (*Fake).authorizeRealtimeChannel,
}

func (f *Fake) dispatch(op string, w http.ResponseWriter, r *http.Request, body []byte, params map[string]string) {
	h, ok := handlers[op]
	if !ok {
		writeError(w, &apiError{status: 501, slug: "NOT_IMPLEMENTED", msg: "composiotest does not implement " + op})
		return
	}
	f.mu.Lock()
	status, v, aerr := h(f, r, body, params)
	f.mu.Unlock()
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	writeJSON(w, status, v)
}

// ---------------------------------------------------------------- helpers

// csv returns the comma-separated values of a query parameter.
func csv(q url.Values, name string) []string {
	var out []string
	for _, v := range q[name] {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

type cursor struct {
	Page  int `json:"page"`
	Limit int `json:"limit"`
}

// Page size bounds: Composio's v3.1 client documents "max allowed is 50"
// for trigger types, active trigger instances and webhook subscriptions
// (openapi/composio.yaml declares it, so a larger limit is a request the
// validation answers 400 before page sees it); connected accounts document
// no maximum, and the fake caps their pages at the v3 document's 1000. A
// default page size or a cursor's limit is capped the same way.
const (
	maxPageSize        = 50
	maxAccountPageSize = 1000
)

// page cuts n items into the page the query asks for, of at most max items.
func (f *Fake) page(q url.Values, n, max int) (start, end int, info map[string]any, aerr *apiError) {
	limit, page := 0, 1
	if c := q.Get("cursor"); c != "" {
		raw, err := base64.RawURLEncoding.DecodeString(c)
		var cur cursor
		if err != nil || json.Unmarshal(raw, &cur) != nil || cur.Page < 1 || cur.Limit < 1 {
			return 0, 0, nil, badRequest("INVALID_CURSOR", "Invalid cursor %q", c)
		}
		page, limit = cur.Page, cur.Limit
	}
	if l := q.Get("limit"); l != "" {
		v, err := strconv.Atoi(l)
		if err != nil || v < 1 {
			return 0, 0, nil, badRequest("INVALID_LIMIT", "limit must be a positive integer, got %q", l)
		}
		limit = v
	}
	if limit == 0 {
		limit = f.opts.defaultPageSize
	}
	limit = min(limit, max)
	start = min((page-1)*limit, n)
	end = min(start+limit, n)
	var next any
	if end < n {
		b, _ := json.Marshal(cursor{Page: page + 1, Limit: limit})
		next = base64.RawURLEncoding.EncodeToString(b)
	}
	info = map[string]any{
		"next_cursor":  next,
		"total_pages":  (n + limit - 1) / limit,
		"current_page": page,
		"total_items":  n,
	}
	return start, end, info, nil
}

func pageOf[T any](info map[string]any, items []T) map[string]any {
	if items == nil {
		items = []T{}
	}
	info["items"] = items
	return info
}

// ---------------------------------------------------------------- trigger types

// versionPins are the toolkit versions a request asks for.
type versionPins struct {
	// all is the plain form, toolkit_versions=V: a version for every
	// toolkit ("" or "latest" for the latest).
	all string
	// each is the bracket form, toolkit_versions[slug]=V, by lower-case slug.
	each map[string]string
}

// pin returns the version asked for toolkit ("" for the latest).
func (p versionPins) pin(toolkit string) string {
	if v, ok := p.each[toolkit]; ok {
		return v
	}
	return p.all
}

// queryVersions parses toolkit_versions from a query, in either form. An
// empty value is null, which Composio documents as "uses latest".
func queryVersions(q url.Values) versionPins {
	p := versionPins{all: q.Get("toolkit_versions"), each: map[string]string{}}
	for k, vs := range q {
		if strings.HasPrefix(k, "toolkit_versions[") && strings.HasSuffix(k, "]") && len(vs) > 0 {
			p.each[strings.ToLower(k[len("toolkit_versions["):len(k)-1])] = vs[0]
		}
	}
	return p
}

// resolveVersion picks the version of toolkit ts a request asks for: pinned
// (a version, or "latest") or the latest.
func resolveVersion(ts *toolkitState, pinned string) (*toolkitVersion, *apiError) {
	if pinned == "" || strings.EqualFold(pinned, "latest") {
		tv := ts.versions[ts.latest]
		if tv == nil {
			return &toolkitVersion{triggers: map[string]*triggerType{}}, nil
		}
		return tv, nil
	}
	tv := ts.versions[pinned]
	if tv == nil {
		known := make([]string, 0, len(ts.versions))
		for v := range ts.versions {
			known = append(known, v)
		}
		sort.Strings(known)
		return nil, &apiError{status: 400, slug: "TOOLKIT_VERSION_NOT_FOUND",
			msg: fmt.Sprintf("Toolkit version %q not found for toolkit %s", pinned, ts.slug),
			fix: fmt.Sprintf("Use \"latest\" or one of: %s", strings.Join(known, ", "))}
	}
	return tv, nil
}

func (f *Fake) sortedToolkits() []*toolkitState {
	out := make([]*toolkitState, 0, len(f.toolkits))
	for _, ts := range f.toolkits {
		out = append(out, ts)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].slug < out[j].slug })
	return out
}

func (f *Fake) listTriggerTypes(r *http.Request, _ []byte, _ map[string]string) (int, any, *apiError) {
	q := r.URL.Query()
	slugs := csv(q, "toolkit_slugs")
	pins := queryVersions(q)
	var items []any
	for _, ts := range f.sortedToolkits() {
		if len(slugs) > 0 && !containsFold(slugs, ts.slug) {
			continue
		}
		tv, aerr := resolveVersion(ts, pins.pin(ts.slug))
		if aerr != nil {
			return 0, nil, aerr
		}
		for _, s := range tv.order {
			items = append(items, tv.triggers[s].wire())
		}
	}
	start, end, info, aerr := f.page(q, len(items), maxPageSize)
	if aerr != nil {
		return 0, nil, aerr
	}
	return 200, pageOf(info, items[start:end]), nil
}

// findTrigger finds a trigger type by slug (case-insensitive) at the
// version of its toolkit that pins asks for.
func (f *Fake) findTrigger(slug string, pin func(toolkit string) string) (*triggerType, *apiError) {
	up := strings.ToUpper(slug)
	for _, ts := range f.sortedToolkits() {
		owns := false
		for _, tv := range ts.versions {
			if tv.triggers[up] != nil {
				owns = true
			}
		}
		if !owns {
			continue
		}
		tv, aerr := resolveVersion(ts, pin(ts.slug))
		if aerr != nil {
			return nil, aerr
		}
		if tt := tv.triggers[up]; tt != nil {
			return tt, nil
		}
		return nil, badRequest("TRIGGER_TYPE_NOT_FOUND", "Trigger type %s not found in version %s of toolkit %s", up, tv.version, ts.slug)
	}
	return nil, &apiError{status: 400, slug: "TRIGGER_TYPE_NOT_FOUND", msg: fmt.Sprintf("Trigger type %s not found", up),
		fix: "List the trigger types with GET /api/v3.1/triggers_types"}
}

func (f *Fake) getTriggerType(r *http.Request, _ []byte, p map[string]string) (int, any, *apiError) {
	pins := queryVersions(r.URL.Query())
	tt, aerr := f.findTrigger(p["slug"], pins.pin)
	if aerr != nil {
		return 0, nil, aerr
	}
	return 200, tt.wire(), nil
}

func (f *Fake) listTriggerTypeEnum(*http.Request, []byte, map[string]string) (int, any, *apiError) {
	out := []string{}
	for _, ts := range f.sortedToolkits() {
		if tv := ts.versions[ts.latest]; tv != nil {
			out = append(out, tv.order...)
		}
	}
	sort.Strings(out)
	return 200, out, nil
}

// wire is the trigger type as the API returns it: the lock's object with the
// required fields normalised.
func (tt *triggerType) wire() map[string]any {
	m := map[string]any{}
	_ = json.Unmarshal(tt.tt.Raw, &m)
	m["slug"] = strings.ToUpper(tt.tt.Slug)
	m["name"] = tt.tt.Name
	m["description"] = tt.tt.Description
	m["instructions"] = tt.tt.Instructions
	kind := tt.tt.Type
	if kind == "" {
		kind = "webhook"
	}
	m["type"] = kind
	tk := map[string]any{"slug": tt.toolkit, "name": toolkitName(tt.toolkit), "logo": "https://logos.composio.dev/api/" + tt.toolkit}
	if old, ok := m["toolkit"].(map[string]any); ok {
		for k, v := range old {
			if k != "slug" {
				tk[k] = v
			}
		}
		if _, ok := tk["name"].(string); !ok {
			tk["name"] = toolkitName(tt.toolkit)
		}
		if _, ok := tk["logo"].(string); !ok {
			tk["logo"] = "https://logos.composio.dev/api/" + tt.toolkit
		}
	}
	m["toolkit"] = tk
	m["config"] = schemaObject(tt.tt.Config)
	m["payload"] = schemaObject(tt.tt.Payload)
	m["version"] = tt.version
	m["requires_webhook_endpoint_setup"] = tt.requires
	return m
}

func toolkitName(slug string) string {
	if slug == "" {
		return ""
	}
	return strings.ToUpper(slug[:1]) + slug[1:]
}

func schemaObject(raw json.RawMessage) map[string]any {
	m := map[string]any{}
	_ = json.Unmarshal(raw, &m)
	return m
}

// ---------------------------------------------------------------- connected accounts

func (f *Fake) accountByID(id string) *account {
	for _, a := range f.accounts {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// accountType is experimental.account_type.
func (a *account) accountType() string {
	if a.Shared {
		return "SHARED"
	}
	return "PRIVATE"
}

// wire is the account as the v3.1 API answers it (Composio's v3.1 client
// types every field; word_id is always null here).
func (a *account) wire() map[string]any {
	var alias any
	if a.Alias != "" {
		alias = a.Alias
	}
	experimental := map[string]any{"account_type": a.accountType()}
	if a.Shared {
		experimental["acl_config_for_shared"] = map[string]any{"allow_all_users": true, "allowed_user_ids": []string{}, "not_allowed_user_ids": []string{}}
	}
	return map[string]any{
		"id":            a.ID,
		"word_id":       nil,
		"alias":         alias,
		"user_id":       a.UserID,
		"status":        a.Status,
		"status_reason": nil,
		"is_disabled":   false,
		"created_at":    wireTime(a.CreatedAt),
		"updated_at":    wireTime(a.UpdatedAt),
		"toolkit":       map[string]any{"slug": a.Toolkit},
		"auth_config": map[string]any{"id": a.AuthConfigID, "auth_scheme": a.AuthScheme,
			"is_composio_managed": true, "is_disabled": false},
		"state":        a.authState(),
		"experimental": experimental,
		"data":         map[string]any{},
	}
}

func (f *Fake) listConnectedAccounts(r *http.Request, _ []byte, _ map[string]string) (int, any, *apiError) {
	q := r.URL.Query()
	toolkits, statuses, users := csv(q, "toolkit_slugs"), csv(q, "statuses"), csv(q, "user_ids")
	acs, ids := csv(q, "auth_config_ids"), csv(q, "connected_account_ids")
	kind := q.Get("account_type")
	if kind == "" {
		kind = "PRIVATE"
	}
	var sel []*account
	for _, a := range f.accounts {
		switch {
		case kind != "ALL" && a.accountType() != kind,
			len(toolkits) > 0 && !containsFold(toolkits, a.Toolkit),
			len(statuses) > 0 && !containsFold(statuses, a.Status),
			len(users) > 0 && !slices.Contains(users, a.UserID),
			len(acs) > 0 && !slices.Contains(acs, a.AuthConfigID),
			len(ids) > 0 && !slices.Contains(ids, a.ID):
			continue
		}
		sel = append(sel, a)
	}
	orderBy, dir := q.Get("order_by"), q.Get("order_direction")
	if orderBy == "" {
		orderBy = "created_at"
	}
	if dir == "" {
		dir = "desc"
	}
	if orderBy != "created_at" && orderBy != "updated_at" {
		return 0, nil, badRequest("VALIDATION_ERROR", "order_by must be created_at or updated_at")
	}
	if dir != "asc" && dir != "desc" {
		return 0, nil, badRequest("VALIDATION_ERROR", "order_direction must be asc or desc")
	}
	sortAccounts(sel, orderBy, dir == "desc")
	start, end, info, aerr := f.page(q, len(sel), maxAccountPageSize)
	if aerr != nil {
		return 0, nil, aerr
	}
	items := make([]any, 0, end-start)
	for _, a := range sel[start:end] {
		items = append(items, a.wire())
	}
	return 200, pageOf(info, items), nil
}

// sortAccounts orders by created_at or updated_at; ties are broken by
// insertion order (later inserted counts as newer).
func sortAccounts(as []*account, by string, desc bool) {
	key := func(a *account) time.Time {
		if by == "updated_at" {
			return a.UpdatedAt
		}
		return a.CreatedAt
	}
	sort.SliceStable(as, func(i, j int) bool {
		ki, kj := key(as[i]), key(as[j])
		if !ki.Equal(kj) {
			return ki.After(kj) == desc
		}
		return (as[i].seq > as[j].seq) == desc
	})
}

func (f *Fake) getConnectedAccount(_ *http.Request, _ []byte, p map[string]string) (int, any, *apiError) {
	a := f.accountByID(p["nanoid"])
	if a == nil {
		return 0, nil, notFound("CONNECTED_ACCOUNT_NOT_FOUND", "Connected account %s not found", p["nanoid"])
	}
	m := a.wire()
	m["params"] = map[string]any{} // only the single-account answer has it
	return 200, m, nil
}
