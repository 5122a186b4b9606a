package composiotest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/triggergen/triggergen/openapi"
)

// validator checks traffic against openapi/composio.yaml.
type validator struct {
	router routers.Router
	opts   *openapi3filter.Options
}

var (
	sharedOnce      sync.Once
	sharedValidator *validator
	sharedErr       error
)

// newValidator returns the process-wide validator: the description is
// parsed once, and the router and options are only read afterwards.
func newValidator() (*validator, error) {
	sharedOnce.Do(func() { sharedValidator, sharedErr = loadValidator() })
	return sharedValidator, sharedErr
}

func loadValidator() (*validator, error) {
	doc, err := openapi.Load()
	if err != nil {
		return nil, fmt.Errorf("composiotest: %w", err)
	}
	// Route on paths alone: a server-side request has no scheme or host to
	// match against the production server URL. The legacy router prefers
	// literal segments (/webhook_endpoints/schema) over /{nano_id}.
	doc.Servers = nil
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("composiotest: router: %w", err)
	}
	return &validator{
		router: router,
		opts: &openapi3filter.Options{
			IncludeResponseStatus: true,
			MultiError:            true,
			// The fake checks the key itself and answers 401; the security
			// requirement is not a request-shape question.
			AuthenticationFunc: func(context.Context, *openapi3filter.AuthenticationInput) error { return nil },
		},
	}, nil
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
// against openapi/, and the API itself.
func (f *Fake) Handler() http.Handler { return http.HandlerFunc(f.serve) }

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		_ = r.Body.Close()
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	idx := f.record(r, body)

	route, pathParams, routeErr := f.validator.router.FindRoute(r)
	op := ""
	var in *openapi3filter.RequestValidationInput
	var reqErr error
	if routeErr == nil {
		op = route.Operation.OperationID
		f.setOperation(idx, op)
		in = &openapi3filter.RequestValidationInput{Request: r, PathParams: pathParams, Route: route, Options: f.validator.opts}
		reqErr = openapi3filter.ValidateRequest(r.Context(), in)
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
		if !f.opts.allowInvalid {
			f.violate(fmt.Sprintf("%s: request %s %s does not conform to openapi/composio.yaml: %v", op, r.Method, r.URL.RequestURI(), oneLine(reqErr)))
		}
		writeError(rw, &apiError{status: 400, slug: "VALIDATION_ERROR", msg: "Invalid request: " + oneLine(reqErr),
			errs: []string{oneLine(reqErr)}})
	default:
		f.dispatch(op, rw, r, body, pathParams)
	}
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	out := rw.body.Bytes()
	if f.opts.respMutator != nil {
		out = f.opts.respMutator(op, rw.status, out)
	}
	if in != nil {
		rvi := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rw.status, Header: rw.header, Options: f.validator.opts}
		rvi.SetBodyBytes(out)
		if err := openapi3filter.ValidateResponse(r.Context(), rvi); err != nil {
			f.violate(fmt.Sprintf("%s: response %d to %s %s does not conform to openapi/composio.yaml: %v", op, rw.status, r.Method, r.URL.RequestURI(), oneLine(err)))
		}
	}
	f.setStatus(idx, rw.status)
	for k, v := range rw.header {
		w.Header()[k] = v
	}
	w.WriteHeader(rw.status)
	_, _ = w.Write(out)
}

func oneLine(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if len(s) > 2000 {
		s = s[:2000] + "…"
	}
	return s
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
