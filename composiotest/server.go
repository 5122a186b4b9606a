package composiotest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/secret"
)

// Server is a fake running behind an httptest server.
type Server struct {
	*Fake
	// URL is the base URL, without a trailing slash (what NewClient passes
	// to composio.WithBaseURL).
	URL string

	srv *httptest.Server
}

// NewServer starts an httptest server running a fake and closes it with
// t.Cleanup. Every request and response is validated against openapi/ with
// openapi3filter; a mismatch calls t.Errorf naming the operation and the
// problem (see AllowInvalidRequests for tests that send invalid requests on
// purpose).
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	f, err := New(opts...)
	if err != nil {
		t.Fatalf("composiotest: %v", err)
	}
	var mu sync.Mutex
	done := false
	f.onViolate = func(msg string) {
		mu.Lock()
		defer mu.Unlock()
		if !done {
			t.Errorf("composiotest: contract violation: %s", msg)
		}
	}
	srv := httptest.NewServer(f.Handler())
	t.Cleanup(func() {
		f.shutdownRealtime() // srv.Close does not close hijacked connections
		srv.Close()
		mu.Lock()
		done = true
		mu.Unlock()
	})
	return &Server{Fake: f, URL: strings.TrimSuffix(srv.URL, "/"), srv: srv}
}

// NewClient returns a composio.Client for the server: its base URL, HTTP
// client and API key, and no environment variable (so a COMPOSIO_API_KEY or
// COMPOSIO_TOOLKIT_VERSION_* of the machine running the tests cannot change
// them). opts come after those and may replace them.
func (s *Server) NewClient(opts ...composio.Option) (*composio.Client, error) {
	base := []composio.Option{
		composio.WithGetenv(func(string) string { return "" }),
		composio.WithBaseURL(s.URL),
		composio.WithHTTPClient(s.Client()),
		composio.WithAPIKey(secret.New(s.APIKey())),
	}
	return composio.NewClient(append(base, opts...)...)
}

// Client returns a plain HTTP client for the server (it adds no API key).
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close shuts the server down early (it is also closed at the test's end),
// realtime connections included.
func (s *Server) Close() {
	s.shutdownRealtime()
	s.srv.Close()
}
