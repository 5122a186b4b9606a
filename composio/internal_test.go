package composio

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		h    http.Header
		want time.Duration
		ok   bool
	}{
		{http.Header{"Retry-After": {"2"}}, 2 * time.Second, true},
		{http.Header{"Retry-After": {"0.5"}}, 500 * time.Millisecond, true},
		{http.Header{"Retry-After": {now.Add(3 * time.Second).Format(http.TimeFormat)}}, 3 * time.Second, true},
		{http.Header{"Retry-After": {now.Add(-time.Minute).Format(http.TimeFormat)}}, 0, true},
		{http.Header{"Retry-After-Ms": {"250"}}, 250 * time.Millisecond, true},
		{http.Header{"Retry-After": {"soon"}}, 0, false},
		{http.Header{}, 0, false},
	}
	for _, tc := range cases {
		got, ok := retryAfter(tc.h, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%v: got %v %v, want %v %v", tc.h, got, ok, tc.want, tc.ok)
		}
	}
}

func TestBackoffBounds(t *testing.T) {
	p := RetryPolicy{MaxAttempts: 5, MinBackoff: 100 * time.Millisecond, MaxBackoff: 400 * time.Millisecond}.withDefaults()
	for n := 1; n <= 6; n++ {
		for range 50 {
			d := p.backoff(n)
			ceil := min(100*time.Millisecond<<(n-1), 400*time.Millisecond)
			if d < ceil/2 || d > ceil {
				t.Fatalf("backoff(%d) = %v, want in [%v, %v]", n, d, ceil/2, ceil)
			}
		}
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
