package composio_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/composiotest"
)

// TestWebhookEndpointSchemaNotServed: GET /webhook_endpoints/schema is
// documented by Composio but absent from its generated v3.1 client (issue
// 20, item 6). A 404 says that the API did not serve the schema and how to
// pass the setup fields explicitly, and still matches ErrNotFound and
// unwraps to the *APIError.
func TestWebhookEndpointSchemaNotServed(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	c := newClient(t, srv)
	for _, toolkit := range []string{"github", "no_such_toolkit"} { // no schema; unknown toolkit
		_, err := c.WebhookEndpointSchema(ctxT(t), toolkit)
		if err == nil {
			t.Fatalf("%s: no error", toolkit)
		}
		msg := err.Error()
		for _, want := range []string{
			"get webhook endpoint schema of " + toolkit + ": the API did not serve the setup fields of toolkit",
			"not in its generated v3.1 client",
			"pass the setup fields explicitly",
			"SetupWebhookEndpoint(ctx, clientID, creds)", "UpdateWebhookEndpoint(ctx, id, creds)",
			"NewWebhookCredentials", "trigger.EndpointCredentials",
			"composio: 404 Not Found",
		} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: error %q lacks %q", toolkit, msg, want)
			}
		}
		if !errors.Is(err, composio.ErrNotFound) {
			t.Errorf("%s: does not match ErrNotFound: %v", toolkit, err)
		}
		var apiErr *composio.APIError
		if !errors.As(err, &apiErr) || apiErr.Status != http.StatusNotFound {
			t.Errorf("%s: no 404 *APIError inside: %v", toolkit, err)
		}
	}
	// Another failure is not dressed up as a missing schema.
	srv.FailNext(3, composiotest.Fault{Status: http.StatusInternalServerError, Path: "/webhook_endpoints/schema"})
	_, err := c.WebhookEndpointSchema(ctxT(t), "slack")
	if err == nil || strings.Contains(err.Error(), "did not serve") || !errors.Is(err, composio.ErrServer) {
		t.Errorf("500: %v", err)
	}
}
