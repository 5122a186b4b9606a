package composiotest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"github.com/triggergen/triggergen/internal/jsonpointer"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

type upsertBody struct {
	ConnectedAccountID *string         `json:"connected_account_id"`
	UserID             *string         `json:"user_id"`
	TriggerConfig      json.RawMessage `json:"trigger_config"`
	ToolkitVersions    json.RawMessage `json:"toolkit_versions"`
}

// bodyVersion returns the version a toolkit_versions body value pins for toolkit.
func bodyVersion(raw json.RawMessage, toolkit string) (string, *apiError) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, nil
	}
	var m map[string]string
	if err := json.Unmarshal(raw, &m); err != nil {
		return "", badRequest("VALIDATION_ERROR", "toolkit_versions must be \"latest\" or an object of toolkit slug to version")
	}
	for k, v := range m {
		if strings.EqualFold(k, toolkit) {
			return v, nil
		}
	}
	return "", nil
}

func (f *Fake) upsertTriggerInstance(r *http.Request, body []byte, p map[string]string) (int, any, *apiError) {
	var req upsertBody
	if err := json.Unmarshal(body, &req); err != nil {
		return 0, nil, badRequest("VALIDATION_ERROR", "Invalid JSON body: %v", err)
	}
	var pinErr *apiError
	tt, aerr := f.findTrigger(p["slug"], func(tk string) string {
		v, e := bodyVersion(req.ToolkitVersions, tk)
		if e != nil {
			pinErr = e
		}
		return v
	})
	if pinErr != nil {
		return 0, nil, pinErr
	}
	if aerr != nil {
		return 0, nil, aerr
	}
	slug := strings.ToUpper(tt.tt.Slug)

	// The connected account: pinned, or the user's newest ACTIVE one.
	var acct *account
	switch {
	case req.ConnectedAccountID != nil && *req.ConnectedAccountID != "":
		acct = f.accountByID(*req.ConnectedAccountID)
		if acct == nil {
			return 0, nil, notFound("CONNECTED_ACCOUNT_NOT_FOUND", "Connected account %s not found", *req.ConnectedAccountID)
		}
		if !strings.EqualFold(acct.Toolkit, tt.toolkit) {
			return 0, nil, badRequest("CONNECTED_ACCOUNT_TOOLKIT_MISMATCH",
				"Connected account %s belongs to toolkit %s, but trigger %s needs toolkit %s", acct.ID, acct.Toolkit, slug, tt.toolkit)
		}
	case req.UserID != nil && *req.UserID != "":
		var cands []*account
		for _, a := range f.accounts {
			if a.UserID == *req.UserID && strings.EqualFold(a.Toolkit, tt.toolkit) && a.Status == "ACTIVE" {
				cands = append(cands, a)
			}
		}
		if len(cands) == 0 {
			return 0, nil, &apiError{status: 400, slug: "CONNECTED_ACCOUNT_NOT_FOUND",
				msg: fmt.Sprintf("No connected account found for this user and toolkit: no ACTIVE connected account of toolkit %s for user %s", tt.toolkit, *req.UserID),
				fix: fmt.Sprintf("Connect a %s account for user %s first, or pass connected_account_id", tt.toolkit, *req.UserID)}
		}
		sortAccounts(cands, "created_at", true)
		acct = cands[0]
	default:
		return 0, nil, badRequest("VALIDATION_ERROR", "connected_account_id or user_id is required")
	}

	if tt.requires && !f.hasEndpoint(tt.toolkit) {
		return 0, nil, &apiError{status: 400, slug: "WEBHOOK_ENDPOINT_REQUIRED",
			msg: fmt.Sprintf("Trigger %s requires a webhook endpoint: a webhook endpoint must be set up for toolkit %s before creating this trigger", slug, tt.toolkit),
			fix: fmt.Sprintf("Create one with POST /api/v3.1/webhook_endpoints {\"toolkit_slug\":%q,\"client_id\":…}, store its setup fields and register its webhook_url with the provider", tt.toolkit)}
	}

	cfg := []byte("{}")
	if t := bytes.TrimSpace(req.TriggerConfig); len(t) > 0 && string(t) != "null" {
		cfg = t
	}
	canon, verr := f.validateConfig(tt, cfg)
	if verr != nil {
		return 0, nil, verr
	}

	now := f.now()
	for _, t := range f.triggers {
		if t.Deleted || t.Slug != slug || t.ConnectedAccountID != acct.ID || !bytes.Equal(t.Config, canon) {
			continue
		}
		t.Disabled = false
		t.disabledAt = timeZero
		t.ToolkitVersion = tt.version
		t.UserID = acct.UserID
		t.updatedAt = now
		return 200, map[string]any{"trigger_id": t.ID}, nil
	}
	t := &trigger{
		TriggerInstance: TriggerInstance{ID: newID("ti_"), Slug: slug, UserID: acct.UserID, ConnectedAccountID: acct.ID,
			ToolkitVersion: tt.version, Config: canon},
		uuid: newUUID(), createdAt: now, updatedAt: now,
	}
	f.triggers = append(f.triggers, t)
	return 201, map[string]any{"trigger_id": t.ID}, nil
}

// validateConfig checks cfg against the trigger type's config schema and
// returns its canonical form (keys sorted), or a 422.
func (f *Fake) validateConfig(tt *triggerType, cfg []byte) (json.RawMessage, *apiError) {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(cfg))
	if err != nil {
		return nil, badRequest("VALIDATION_ERROR", "trigger_config is not valid JSON: %v", err)
	}
	if _, ok := inst.(map[string]any); !ok {
		return nil, &apiError{status: 422, slug: "INVALID_TRIGGER_CONFIG", msg: "trigger_config must be an object", errs: []string{"/trigger_config: must be an object"}}
	}
	canon, _ := marshal(inst)
	if !tt.didComp {
		tt.didComp = true
		if len(bytes.TrimSpace(tt.tt.Config)) > 0 {
			c := jsonschema.NewCompiler()
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(tt.tt.Config))
			if err == nil {
				err = c.AddResource("mem:///config.json", doc)
			}
			if err == nil {
				tt.compiled, err = c.Compile("mem:///config.json")
			}
			if err != nil {
				tt.compErr = err
				f.opts.log.Warn("composiotest: config schema does not compile; trigger_config not validated", "trigger", tt.tt.Slug, "err", err)
			}
		}
	}
	if tt.compiled == nil {
		return canon, nil
	}
	err = tt.compiled.Validate(inst)
	if err == nil {
		return canon, nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return nil, &apiError{status: 422, slug: "INVALID_TRIGGER_CONFIG", msg: err.Error()}
	}
	problems := schemaProblems(ve)
	return nil, &apiError{status: 422, slug: "INVALID_TRIGGER_CONFIG",
		msg:  fmt.Sprintf("trigger_config does not match the config schema of %s: %s", strings.ToUpper(tt.tt.Slug), strings.Join(problems, "; ")),
		fix:  "See the config JSON Schema of GET /api/v3.1/triggers_types/" + strings.ToUpper(tt.tt.Slug),
		errs: problems}
}

var printer = message.NewPrinter(language.English)

// schemaProblems flattens a validation error into "JSON-pointer: problem"
// lines, pointers rooted at /trigger_config.
func schemaProblems(ve *jsonschema.ValidationError) []string {
	var out []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		loc := "/trigger_config" + jsonpointer.FromTokens(e.InstanceLocation)
		if req, ok := e.ErrorKind.(*kind.Required); ok {
			for _, m := range req.Missing {
				out = append(out, fmt.Sprintf("%s/%s: missing required property %q", loc, m, m))
			}
			return
		}
		out = append(out, loc+": "+e.ErrorKind.LocalizedString(printer))
	}
	walk(ve)
	slices.Sort(out)
	return slices.Compact(out)
}

func (f *Fake) hasEndpoint(toolkit string) bool {
	for _, e := range f.endpoints {
		if strings.EqualFold(e.toolkit, toolkit) {
			return true
		}
	}
	return false
}

func (f *Fake) triggerByID(id string) *trigger {
	for _, t := range f.triggers {
		if t.ID == id {
			return t
		}
	}
	return nil
}

func (t *trigger) wire() map[string]any {
	cfg := map[string]any{}
	_ = json.Unmarshal(t.Config, &cfg)
	var disabledAt any
	if t.Disabled {
		disabledAt = wireTime(t.disabledAt)
	}
	upd := wireTime(t.updatedAt)
	return map[string]any{
		"id":                     t.ID,
		"uuid":                   t.uuid,
		"connected_account_id":   t.ConnectedAccountID,
		"connected_account_uuid": "",
		"trigger_name":           t.Slug,
		"user_id":                t.UserID,
		"trigger_config":         cfg,
		"state":                  map[string]any{},
		"updated_at":             upd,
		"disabled_at":            disabledAt,
		"version":                t.ToolkitVersion,
		// Deprecated twins the server still sends.
		"connectedAccountId": t.ConnectedAccountID,
		"triggerName":        t.Slug,
		"triggerConfig":      cfg,
		"updatedAt":          upd,
		"disabledAt":         disabledAt,
		"deprecated":         map[string]any{"createdAt": wireTime(t.createdAt)},
	}
}

func (f *Fake) listActiveTriggers(r *http.Request, _ []byte, _ map[string]string) (int, any, *apiError) {
	q := r.URL.Query()
	cas, acs, ids := csv(q, "connected_account_ids"), csv(q, "auth_config_ids"), csv(q, "trigger_ids")
	names, users := csv(q, "trigger_names"), csv(q, "user_ids")
	showDisabled := q.Get("show_disabled") == "true"
	var sel []*trigger
	for _, t := range f.triggers {
		acfg := ""
		if a := f.accountByID(t.ConnectedAccountID); a != nil {
			acfg = a.AuthConfigID
		}
		switch {
		case t.Deleted,
			t.Disabled && !showDisabled,
			len(cas) > 0 && !slices.Contains(cas, t.ConnectedAccountID),
			len(acs) > 0 && !slices.Contains(acs, acfg),
			len(ids) > 0 && !slices.Contains(ids, t.ID),
			len(names) > 0 && !containsFold(names, t.Slug),
			len(users) > 0 && !slices.Contains(users, t.UserID):
			continue
		}
		sel = append(sel, t)
	}
	start, end, info, aerr := f.page(q, len(sel), maxPageSize)
	if aerr != nil {
		return 0, nil, aerr
	}
	items := make([]any, 0, end-start)
	for _, t := range sel[start:end] {
		m := t.wire()
		if a := f.accountByID(t.ConnectedAccountID); a != nil {
			m["connected_account_uuid"] = a.uuid
		}
		items = append(items, m)
	}
	return 200, pageOf(info, items), nil
}

// gone answers a request for a deleted trigger instance.
func gone(t *trigger) *apiError {
	return &apiError{status: 410, slug: "TRIGGER_INSTANCE_GONE", msg: fmt.Sprintf("Trigger instance %s is gone (deleted)", t.ID)}
}

func (f *Fake) manageTriggerInstance(_ *http.Request, body []byte, p map[string]string) (int, any, *apiError) {
	var req struct {
		Status string `json:"status"`
	}
	if err := json.Unmarshal(body, &req); err != nil || req.Status != "enable" && req.Status != "disable" {
		// The body is optional in Composio's description and the official
		// clients send {} without one; what the API then does is not
		// documented, so this is a documented 400.
		return 0, nil, &apiError{status: http.StatusBadRequest, slug: "VALIDATION_ERROR",
			msg: "status is required and must be \"enable\" or \"disable\"",
			fix: `Send {"status":"enable"} or {"status":"disable"}`}
	}
	t := f.triggerByID(p["triggerId"])
	if t == nil {
		return 0, nil, notFound("TRIGGER_INSTANCE_NOT_FOUND", "Trigger instance %s not found", p["triggerId"])
	}
	if t.Deleted {
		return 0, nil, gone(t)
	}
	disable := req.Status == "disable"
	if t.Disabled == disable {
		slug, state := "TRIGGER_INSTANCE_ALREADY_ENABLED", "enabled"
		if disable {
			slug, state = "TRIGGER_INSTANCE_ALREADY_DISABLED", "disabled"
		}
		return 0, nil, &apiError{status: 409, slug: slug, msg: fmt.Sprintf("Trigger instance %s is already %s", t.ID, state)}
	}
	now := f.now()
	t.Disabled = disable
	t.updatedAt = now
	if disable {
		t.disabledAt = now
	} else {
		t.disabledAt = timeZero
	}
	return 200, map[string]any{"status": "success"}, nil
}

func (f *Fake) deleteTriggerInstance(_ *http.Request, _ []byte, p map[string]string) (int, any, *apiError) {
	t := f.triggerByID(p["triggerId"])
	if t == nil {
		return 0, nil, notFound("TRIGGER_INSTANCE_NOT_FOUND", "Trigger instance %s not found", p["triggerId"])
	}
	now := f.now()
	if t.Deleted {
		if now.Sub(t.deletedAt) < f.opts.retention {
			return 0, nil, &apiError{status: 409, slug: "TRIGGER_INSTANCE_ALREADY_DELETED", msg: fmt.Sprintf("Trigger instance %s already deleted", t.ID)}
		}
		return 0, nil, gone(t)
	}
	t.Deleted = true
	t.deletedAt = now
	t.updatedAt = now
	return 200, map[string]any{"trigger_id": t.ID}, nil
}
