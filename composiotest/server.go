package composiotest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Server is a fake running behind an httptest server.
type Server struct {
	*Fake
	// URL is the base URL, without a trailing slash; pass it to
	// gen.NewClientWithResponses.
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

// Client returns a plain HTTP client for the server (it adds no API key).
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close shuts the server down early (it is also closed at the test's end),
// realtime connections included.
func (s *Server) Close() {
	s.shutdownRealtime()
	s.srv.Close()
}
