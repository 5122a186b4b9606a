package composiotest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/triggergen/triggergen/internal/redact"
	"github.com/triggergen/triggergen/openapi"
)

var (
	sharedOnce      sync.Once
	sharedValidator *openapi.Validator
	sharedErr       error
)

// newValidator returns the process-wide validator: the description is
// parsed once, and only read afterwards. The fake checks the API key itself
// and answers 401, so the security requirement is not checked here.
func newValidator() (*openapi.Validator, error) {
	sharedOnce.Do(func() {
		sharedValidator, sharedErr = openapi.NewValidator(nil)
		if sharedErr != nil {
			sharedErr = fmt.Errorf("composiotest: %w", sharedErr)
		}
	})
	return sharedValidator, sharedErr
}

// bufferedResponse collects a handler's answer so it can be validated (and,
// in tests, mutated) before it is sent.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newBufferedResponse() *bufferedResponse { return &bufferedResponse{header: http.Header{}} }

func (b *bufferedResponse) Header() http.Header { return b.header }
func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}
func (b *bufferedResponse) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

// Handler returns the fake's HTTP handler: request recording, fault
// injection, the API key check, validation of every request and response
// against openapi/, and the API itself; and, at /app/{key}, the realtime
// websocket (see realtime.go), which is not an API operation.
func (f *Fake) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isRealtimePath(r.URL.Path) {
			f.serveRealtime(w, r)
			return
		}
		if isControlPath(r.URL.Path) {
			f.serveControl(w, r)
			return
		}
		f.serve(w, r)
	})
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		_ = r.Body.Close()
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	idx := f.record(r, body)
	uri := r.URL.RequestURI() // as sent: validation may add query defaults

	ex, routeErr := f.validator.Match(r)
	op := ""
	var pathParams map[string]string
	var reqErr error
	if routeErr == nil {
		op, pathParams = ex.Operation, ex.PathParams
		f.setOperation(idx, op)
		reqErr = ex.ValidateRequest(r.Context())
		r.Body = io.NopCloser(bytes.NewReader(body))
	}

	if ft, ok := f.takeFault(r.URL.Path); ok {
		if !sleep(r.Context(), ft.Latency) {
			return
		}
		if ft.Drop {
			f.setStatus(idx, 0)
			dropConnection(w)
			return
		}
		if ft.Status != 0 {
			f.writeFault(w, idx, ft)
			return
		}
	}
	f.mu.Lock()
	lat := f.latency
	f.mu.Unlock()
	if !sleep(r.Context(), lat) {
		return
	}

	rw := newBufferedResponse()
	switch {
	case r.Header.Get("x-api-key") == "":
		writeError(rw, &apiError{status: 401, slug: "UNAUTHORIZED", msg: "Missing x-api-key header",
			fix: "Send your project API key in the x-api-key header"})
	case r.Header.Get("x-api-key") != f.opts.apiKey:
		writeError(rw, &apiError{status: 401, slug: "INVALID_API_KEY", msg: "Invalid API key",
			fix: "Check the x-api-key header"})
	case routeErr != nil:
		f.violate(fmt.Sprintf("%s %s: no operation in openapi/composio.yaml: %v", r.Method, r.URL.Path, routeErr))
		writeError(rw, &apiError{status: 404, slug: "NOT_FOUND", msg: fmt.Sprintf("Cannot %s %s", r.Method, r.URL.Path)})
	case reqErr != nil:
		problem := maskCredentials(op, body, reqErr.Error())
		if !f.opts.allowInvalid {
			f.violate(fmt.Sprintf("%s: request %s %s does not conform to openapi/composio.yaml: %v", op, r.Method, r.URL.RequestURI(), problem))
		}
		writeError(rw, &apiError{status: 400, slug: "VALIDATION_ERROR", msg: "Invalid request: " + problem,
			errs: []string{problem}})
	default:
		if aerr := nullParams(uri, ex.EmptyValueParams()); aerr != nil {
			writeError(rw, aerr)
			break
		}
		f.dispatch(op, rw, r, body, pathParams)
	}
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	out := rw.body.Bytes()
	if f.opts.respMutator != nil {
		out = f.opts.respMutator(op, rw.status, out)
	}
	if ex != nil {
		if err := ex.ValidateResponse(r.Context(), rw.status, rw.header, out); err != nil {
			f.violate(fmt.Sprintf("%s: response %d to %s %s does not conform to openapi/composio.yaml: %v", op, rw.status, r.Method, r.URL.RequestURI(), err))
		}
	}
	f.setStatus(idx, rw.status)
	if f.opts.observe != nil {
		f.opts.observe(Response{Operation: op, Method: r.Method, URI: uri, Status: rw.status, Body: out})
	}
	for k, v := range rw.header {
		w.Header()[k] = v
	}
	w.WriteHeader(rw.status)
	_, _ = w.Write(out)
}

// nullParams answers a request that sends empty one of the query
// parameters the description lets be empty (nullable: Composio's v3.1
// client sends a null as "limit="): what the API does with such a null is
// not documented, so the fake gives a documented 400 rather than a guess.
// toolkit_versions is the exception: Composio documents a null one as
// "uses latest".
func nullParams(requestURI string, nullable []string) *apiError {
	u, err := url.ParseRequestURI(requestURI)
	if err != nil {
		return nil
	}
	var null []string
	for name, values := range u.Query() {
		if name != "toolkit_versions" && slices.Contains(nullable, name) && !slices.ContainsFunc(values, func(v string) bool { return v != "" }) {
			null = append(null, name)
		}
	}
	if len(null) == 0 {
		return nil
	}
	sort.Strings(null)
	return &apiError{status: http.StatusBadRequest, slug: "VALIDATION_ERROR",
		msg: fmt.Sprintf("Query parameter %s is empty, which is how Composio's clients send null; "+
			"what the API does with a null %s is not documented, so composiotest rejects it", strings.Join(null, ", "), null[0]),
		fix:  "Omit the parameter instead of sending null",
		errs: null}
}

func (f *Fake) record(r *http.Request, body []byte) int {
	h := r.Header.Clone()
	if h.Get("x-api-key") != "" {
		h.Set("x-api-key", "[REDACTED]")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: h, Body: body})
	return len(f.requests) - 1
}

func (f *Fake) setStatus(idx, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests[idx].Status = status
}

func (f *Fake) setOperation(idx int, op string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests[idx].Operation = op
}

// credentialOps are the operations whose request bodies carry credentials
// (a webhook endpoint's setup data).
var credentialOps = map[string]bool{"updateWebhookEndpoint": true, "replaceWebhookEndpoint": true}

// maskCredentials replaces, in a validation problem about a request of op,
// every value the request body carries when op sends credentials:
// kin-openapi quotes the offending value, and the fake both logs and answers
// the problem. Values are masked as sent and as JSON would escape them.
func maskCredentials(op string, body []byte, problem string) string {
	if !credentialOps[op] {
		return problem
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return problem
	}
	var values []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, e := range v {
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		case string:
			values = append(values, v)
			if b, err := json.Marshal(v); err == nil {
				values = append(values, string(b[1:len(b)-1]))
			}
		case json.Number:
			values = append(values, v.String())
		}
	}
	walk(v)
	return redact.New(SecretMask, values...).String(problem)
}
