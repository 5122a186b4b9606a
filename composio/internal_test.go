package composio

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestRetryPolicyDefaults: the public policy keeps its documented defaults,
// and zero fields take them. Retry-After parsing, backoff and the rest of
// the mechanics are tested in internal/retry.
func TestRetryPolicyDefaults(t *testing.T) {
	want := RetryPolicy{MaxAttempts: 3, MinBackoff: 500 * time.Millisecond, MaxBackoff: 8 * time.Second, MaxRetryAfter: time.Minute}
	if got := DefaultRetryPolicy(); got != want {
		t.Errorf("DefaultRetryPolicy() = %+v, want %+v", got, want)
	}
	if got := RetryPolicy(RetryPolicy{MaxAttempts: 1}.withDefaults()); got != (RetryPolicy{1, 500 * time.Millisecond, 8 * time.Second, time.Minute}) {
		t.Errorf("withDefaults = %+v", got)
	}
}

func TestAPIErrorMatching(t *testing.T) {
	cases := []struct {
		e    *APIError
		is   []error
		isnt []error
	}{
		{&APIError{Status: 400, Slug: "WEBHOOK_ENDPOINT_REQUIRED"}, []error{ErrWebhookEndpointRequired}, []error{ErrNotFound, ErrNoConnectedAccount}},
		{&APIError{Status: 400, Message: "Trigger SLACK_X requires a webhook endpoint for toolkit slack"}, []error{ErrWebhookEndpointRequired}, []error{ErrNotFound}},
		{&APIError{Status: 400, Slug: "WEBHOOK_ENDPOINT_MISSING_REQUIRED_FIELD", Message: "Missing required setup field(s) for toolkit slack"}, nil, []error{ErrWebhookEndpointRequired, ErrNotFound}},
		{&APIError{Status: 400, Slug: "TRIGGER_TYPE_NOT_FOUND"}, []error{ErrNotFound}, []error{ErrWebhookEndpointRequired}},
		{&APIError{Status: 400, Message: "Trigger type FOO not found"}, []error{ErrNotFound}, nil},
		{&APIError{Status: 400, Slug: "CONNECTED_ACCOUNT_NOT_FOUND"}, []error{ErrNoConnectedAccount}, []error{ErrNotFound}},
		{&APIError{Status: 400, Message: "No connected account found for this user and toolkit"}, []error{ErrNoConnectedAccount}, []error{ErrNotFound}},
		{&APIError{Status: 400, Slug: "VALIDATION_ERROR", Message: "bad"}, nil, []error{ErrNotFound, ErrWebhookEndpointRequired, ErrNoConnectedAccount}},
		{&APIError{Status: 401}, []error{ErrUnauthorized}, nil},
		{&APIError{Status: 404}, []error{ErrNotFound}, nil},
		{&APIError{Status: 409}, []error{ErrConflict}, nil},
		{&APIError{Status: 410}, []error{ErrGone}, nil},
		{&APIError{Status: 422}, []error{ErrInvalidConfig}, nil},
		{&APIError{Status: 429}, []error{ErrRateLimited}, []error{ErrServer}},
		{&APIError{Status: 503}, []error{ErrServer}, nil},
	}
	for _, tc := range cases {
		for _, s := range tc.is {
			if !errors.Is(tc.e, s) {
				t.Errorf("%v should match %v", tc.e, s)
			}
		}
		for _, s := range tc.isnt {
			if errors.Is(tc.e, s) {
				t.Errorf("%v should not match %v", tc.e, s)
			}
		}
	}
}

func TestParseAPIErrorLenient(t *testing.T) {
	e := parseAPIError(429, http.Header{"Retry-After": {"3"}}, []byte(`{"message":"Rate limit exceeded"}`), nil)
	if e.Message != "Rate limit exceeded" || e.RetryAfter != "3" {
		t.Errorf("429 body: %+v", e)
	}
	e = parseAPIError(502, http.Header{"X-Request-Id": {"r1"}}, []byte("<html>bad gateway</html>"), nil)
	if e.Message != "" || e.RequestID != "r1" || e.Error() != "composio: 502 Bad Gateway (request id r1)" {
		t.Errorf("html body: %q", e.Error())
	}
	e = parseAPIError(400, nil, []byte(`{"error":{"message":"value sekrit-123 rejected","code":1234,"status":400,"slug":"X"}}`),
		func(s string) string { return strings.ReplaceAll(s, "sekrit-123", "[REDACTED]") })
	if e.Message != "value [REDACTED] rejected" || e.Code != "1234" {
		t.Errorf("scrub: %+v", e)
	}
}
