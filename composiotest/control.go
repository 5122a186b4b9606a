package composiotest

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/triggergen/triggergen/webhook"
)

// ControlPrefix starts the paths of the fake's control routes: what Go tests
// do with methods, done over HTTP, so that `triggergen fake-server` can be
// driven by hand (curl) or from another language. They take the same
// x-api-key as the API and are not part of Composio's API (nor of the
// OpenAPI description the fake validates against):
//
//	POST /_fake/connected_accounts                  {"user_id", "toolkit", "status"?, "auth_scheme"?}
//	     adds a connected account (AddConnectedAccount); 201 with the account
//	POST /_fake/webhook_endpoints/{id}/verify       the provider's handshake (VerifyWebhookEndpoint); 200
//	POST /_fake/trigger_instances/{id}/events       {"data": {...}, "version"?: "V3"|"V2"|"V1"}
//	     delivers a trigger event as Deliver does: signed to the webhook
//	     subscription's URL (when there is one) and published on the realtime
//	     channel; 200 with {"webhook": {"url", "status"} or null, "realtime": true}
//
// Errors are the API's error body: 400 for a malformed request, 401 for a
// missing or wrong key, 404 for an unknown id, 409 for a disabled or deleted
// trigger, 502 when the receiver could not be reached.
const ControlPrefix = "/_fake/"

func isControlPath(path string) bool { return strings.HasPrefix(path, ControlPrefix) }

// controlMux routes the control requests.
func (f *Fake) controlMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /_fake/connected_accounts", f.controlAddAccount)
	mux.HandleFunc("POST /_fake/webhook_endpoints/{id}/verify", f.controlVerifyEndpoint)
	mux.HandleFunc("POST /_fake/trigger_instances/{id}/events", f.controlDeliver)
	mux.HandleFunc("/_fake/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, notFound("NOT_FOUND", "no control route %s %s; see composiotest.ControlPrefix", r.Method, r.URL.Path))
	})
	return mux
}

func (f *Fake) serveControl(w http.ResponseWriter, r *http.Request) {
	switch key := r.Header.Get("x-api-key"); {
	case key == "":
		writeError(w, &apiError{status: 401, slug: "UNAUTHORIZED", msg: "Missing x-api-key header", fix: "Send your project API key in the x-api-key header"})
	case key != f.opts.apiKey:
		writeError(w, &apiError{status: 401, slug: "INVALID_API_KEY", msg: "Invalid API key", fix: "Check the x-api-key header"})
	default:
		f.control.ServeHTTP(w, r)
	}
}

// readControlBody decodes the JSON object of a control request into v,
// unknown keys refused.
func readControlBody(r *http.Request, v any) *apiError {
	dec := json.NewDecoder(io.LimitReader(r.Body, 16<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("VALIDATION_ERROR", "request body: %v", err)
	}
	return nil
}

func (f *Fake) controlAddAccount(w http.ResponseWriter, r *http.Request) {
	var req struct {
		UserID     string `json:"user_id"`
		Toolkit    string `json:"toolkit"`
		Status     string `json:"status"`
		AuthScheme string `json:"auth_scheme"`
	}
	if e := readControlBody(r, &req); e != nil {
		writeError(w, e)
		return
	}
	if req.UserID == "" || req.Toolkit == "" {
		writeError(w, badRequest("VALIDATION_ERROR", "user_id and toolkit are required"))
		return
	}
	if err := checkAuthState(schemeOr(req.AuthScheme), statusOr(req.Status)); err != nil {
		writeError(w, badRequest("VALIDATION_ERROR", "%v", err))
		return
	}
	ca := f.AddConnectedAccount(ConnectedAccount{UserID: req.UserID, Toolkit: req.Toolkit,
		Status: strings.ToUpper(req.Status), AuthScheme: strings.ToUpper(req.AuthScheme)})
	f.mu.Lock()
	wire := f.accountByID(ca.ID).wire()
	f.mu.Unlock()
	writeJSON(w, http.StatusCreated, wire)
}

func schemeOr(s string) string {
	if s == "" {
		return DefaultAuthScheme
	}
	return strings.ToUpper(s)
}

func statusOr(s string) string {
	if s == "" {
		return "ACTIVE"
	}
	return strings.ToUpper(s)
}

func (f *Fake) controlVerifyEndpoint(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := f.VerifyWebhookEndpoint(id); err != nil {
		writeError(w, notFound("WEBHOOK_ENDPOINT_NOT_FOUND", "no webhook endpoint %q", id))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "verified": true})
}

func (f *Fake) controlDeliver(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Data    json.RawMessage `json:"data"`
		Version webhook.Version `json:"version"`
	}
	if e := readControlBody(r, &req); e != nil {
		writeError(w, e)
		return
	}
	if req.Version != "" {
		if _, err := webhook.ParseVersion(string(req.Version)); err != nil {
			writeError(w, badRequest("VALIDATION_ERROR", "version: want V3, V2 or V1"))
			return
		}
	}
	resp, err := f.Deliver(r.Context(), Delivery{TriggerID: r.PathValue("id"), Data: req.Data, Version: req.Version})
	switch {
	case err == nil:
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		target, _, _ := f.Subscription()
		writeJSON(w, http.StatusOK, map[string]any{"webhook": map[string]any{"url": target, "status": resp.StatusCode}, "realtime": true})
	case errors.Is(err, ErrNoSubscription), errors.Is(err, ErrEventNotEnabled):
		// Published on the realtime channel only.
		writeJSON(w, http.StatusOK, map[string]any{"webhook": nil, "webhook_skipped": err.Error(), "realtime": true})
	case errors.Is(err, ErrUnknownTrigger):
		writeError(w, notFound("TRIGGER_NOT_FOUND", "%v", err))
	case errors.Is(err, ErrTriggerNotActive):
		writeError(w, &apiError{status: http.StatusConflict, slug: "TRIGGER_NOT_ACTIVE", msg: err.Error()})
	case errors.As(err, new(*url.Error)):
		// Built and signed, but the receiver could not be reached.
		writeError(w, &apiError{status: http.StatusBadGateway, slug: "DELIVERY_FAILED", msg: err.Error()})
	default:
		writeError(w, badRequest("VALIDATION_ERROR", "%v", err))
	}
}
