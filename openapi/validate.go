package openapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// Validator checks HTTP traffic against the description with kin-openapi's
// openapi3filter. The fake server, the transport's traffic test and the live
// test all check their exchanges through it, so the three agree on what
// "conforms" means.
type Validator struct {
	router routers.Router
	opts   *openapi3filter.Options
}

// NewValidator loads the description and builds a validator. auth decides
// the security requirement (x-api-key); nil accepts every request, for a
// caller that checks the key itself.
func NewValidator(auth openapi3filter.AuthenticationFunc) (*Validator, error) {
	doc, err := Load()
	if err != nil {
		return nil, err
	}
	// Route on paths alone: a server-side request has no scheme or host to
	// match against the production server URL. The legacy router prefers
	// literal segments (/webhook_endpoints/schema) over /{nano_id}.
	doc.Servers = nil
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("route composio.yaml: %w", err)
	}
	if auth == nil {
		auth = func(context.Context, *openapi3filter.AuthenticationInput) error { return nil }
	}
	return &Validator{router: router, opts: &openapi3filter.Options{
		IncludeResponseStatus: true,
		MultiError:            true,
		AuthenticationFunc:    auth,
	}}, nil
}

// Exchange is a request matched to its operation.
type Exchange struct {
	// Operation is the operationId, e.g. "listTriggerTypes".
	Operation string
	// PathParams are the path parameters by name.
	PathParams map[string]string
	in         *openapi3filter.RequestValidationInput
}

// Match finds the operation of req by method and path (req.URL.Path must be
// the API path, e.g. /api/v3.1/triggers_types).
func (v *Validator) Match(req *http.Request) (*Exchange, error) {
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		return nil, err
	}
	return &Exchange{
		Operation:  route.Operation.OperationID,
		PathParams: params,
		in:         &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: v.opts},
	}, nil
}

// EmptyValueParams returns the names of the operation's query parameters
// declared with allowEmptyValue: those an official client may send empty,
// which is how it sends null.
func (x *Exchange) EmptyValueParams() []string {
	var out []string
	for _, list := range []openapi3.Parameters{x.in.Route.PathItem.Parameters, x.in.Route.Operation.Parameters} {
		for _, p := range list {
			if p != nil && p.Value != nil && p.Value.In == openapi3.ParameterInQuery && p.Value.AllowEmptyValue {
				out = append(out, p.Value.Name)
			}
		}
	}
	return out
}

// ValidateRequest checks the request. It reads the request body: a caller
// that needs the body afterwards must give the request a fresh one.
func (x *Exchange) ValidateRequest(ctx context.Context) error {
	return flatten(openapi3filter.ValidateRequest(ctx, x.in))
}

// ValidateResponse checks a response to the request.
func (x *Exchange) ValidateResponse(ctx context.Context, status int, header http.Header, body []byte) error {
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: x.in, Status: status, Header: header, Options: x.in.Options}
	out.SetBodyBytes(body)
	return flatten(openapi3filter.ValidateResponse(ctx, out))
}

// maxMessage bounds a flattened error's message: a whole response body can
// appear in kin-openapi's.
const maxMessage = 2000

// flattenedError is a kin-openapi error whose multi-line message is folded
// onto one bounded line, for test failures and error bodies; Unwrap gives
// the original.
type flattenedError struct {
	msg string
	err error
}

func (e *flattenedError) Error() string { return e.msg }
func (e *flattenedError) Unwrap() error { return e.err }

func flatten(err error) error {
	if err == nil {
		return nil
	}
	s := strings.Join(strings.Fields(err.Error()), " ")
	if len(s) > maxMessage {
		s = s[:maxMessage] + "…"
	}
	return &flattenedError{msg: s, err: err}
}
