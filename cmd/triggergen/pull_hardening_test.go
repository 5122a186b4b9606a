package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/composiotest"
)

// pullAgainst runs a pull of github against base with key, bounded in time,
// and returns its stderr and error.
func pullAgainst(t *testing.T, base, key string, o pullOptions) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb, getenv: getenvOf(map[string]string{composio.EnvAPIKey: key, composio.EnvBaseURL: base})}
	o.lockPath = filepath.Join(t.TempDir(), "l.json")
	if o.toolkits == nil {
		o.toolkits = toolkitsOf("github")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	err := pull(ctx, e, o)
	return errb.String(), err
}

// TestPullNeverPrintsTheKey (issue 12.6): a server that echoes the key in
// every field of its error and in its headers, whole or truncated, does not
// get it printed; its error still reads as the 401 it is, although its code
// is a string (issue 12.11).
func TestPullNeverPrintsTheKey(t *testing.T) {
	const key = "ak_live_7Hq2Zr9XbW4mN1pL"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k := r.Header.Get("x-api-key")
		w.Header().Set("X-Request-Id", k)
		w.Header().Set("Retry-After", k[:9])
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
			"message": "Invalid API key " + k, "code": "UNAUTHORIZED_" + k, "slug": "K_" + k[:8],
			"request_id": k[:11], "suggested_fix": "Use another key than " + k, "errors": []string{k},
		}})
	}))
	defer srv.Close()
	stderr, err := pullAgainst(t, srv.URL, key, pullOptions{})
	if err == nil {
		t.Fatal("pull succeeded")
	}
	msg := err.Error() + "\n" + stderr
	for i := 0; i+8 <= len(key); i++ {
		if strings.Contains(msg, key[i:i+8]) {
			t.Fatalf("output holds %q, a piece of the key:\n%s", key[i:i+8], msg)
		}
	}
	if !strings.Contains(msg, "401 Unauthorized") || !strings.Contains(msg, "(check COMPOSIO_API_KEY)") {
		t.Errorf("error does not read as a rejected key:\n%s", msg)
	}
}

// TestPullRefusesRedirectToAnotherHost (issue 12.7): the key never reaches a
// host the API redirects to.
func TestPullRefusesRedirectToAnotherHost(t *testing.T) {
	var otherHits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherHits.Add(1)
		t.Errorf("the other host received %s %s with x-api-key %q", r.Method, r.URL, r.Header.Get("x-api-key"))
	}))
	defer other.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	}))
	defer api.Close()
	_, err := pullAgainst(t, api.URL, "the-api-key-0123456789", pullOptions{})
	if err == nil || !strings.Contains(err.Error(), "refused a redirect to another host") {
		t.Errorf("err = %v, want the redirect refused", err)
	}
	if otherHits.Load() != 0 {
		t.Error("the other host was called")
	}
}

// TestPullBoundsTheBody (issue 12.9): a server streaming a body without end
// gets a clear error once the client has read its 32 MiB, not all of memory.
func TestPullBoundsTheBody(t *testing.T) {
	var written atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		chunk := bytes.Repeat([]byte(" "), 1<<20)
		_, _ = w.Write([]byte(`{"items":[`))
		for i := 0; i < 1024; i++ { // up to 1 GiB, unless the client stops reading
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	_, err := pullAgainst(t, srv.URL, "the-api-key-0123456789", pullOptions{})
	if err == nil || !strings.Contains(err.Error(), "response body too large") || !strings.Contains(err.Error(), "more than 33554432 bytes") {
		t.Errorf("err = %v, want the body limit", err)
	}
	if w := written.Load(); w > 64<<20 {
		t.Errorf("the client read on: %d MiB written", w>>20)
	}
}

// TestPullEndsEndlessPagination (issue 12.10): a server that hands out a new
// cursor with every page fails the pull at the page limit, with an error
// that says so.
func TestPullEndsEndlessPagination(t *testing.T) {
	fake := composiotest.NewServer(t)
	var pages atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/triggers_types") {
			fake.Handler().ServeHTTP(w, r)
			return
		}
		n := pages.Add(1)
		// Always the first page of github, with a cursor never seen before.
		q := r.URL.Query()
		q.Del("cursor")
		r.URL.RawQuery = q.Encode()
		rec := httptest.NewRecorder()
		fake.Handler().ServeHTTP(rec, r)
		var page map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
			t.Error(err)
		}
		page["next_cursor"] = fmt.Sprintf("cursor-%d", n)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(page)
	}))
	defer api.Close()
	_, err := pullAgainst(t, api.URL, fake.APIKey(), pullOptions{maxPages: 7, pageSize: 1})
	if err == nil || !strings.Contains(err.Error(), "pagination did not end: more than 7 pages") {
		t.Errorf("err = %v, want the page limit", err)
	}
	if n := pages.Load(); n != 7 {
		t.Errorf("%d pages requested, want 7", n)
	}
}

// TestPullRetryAfterCapped (issue 12.11): a Retry-After longer than pull's
// 30 s cap fails the pull at once and says why; a shorter one is waited out
// and said on stderr.
func TestPullRetryAfterCapped(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Retry-After", "120")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"message":"Rate limit exceeded"}`))
	}))
	defer srv.Close()
	start := time.Now()
	_, err := pullAgainst(t, srv.URL, "the-api-key-0123456789", pullOptions{})
	if err == nil || !strings.Contains(err.Error(), "429 Too Many Requests") ||
		!strings.Contains(err.Error(), "not retried: Retry-After 2m0s is more than RetryPolicy.MaxRetryAfter 30s") {
		t.Errorf("err = %v, want the 429 and why it was not retried", err)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	if el := time.Since(start); el > 15*time.Second {
		t.Errorf("the pull took %v", el)
	}

	// A short wait (Retry-After-Ms, so the test does not wait seconds) is
	// taken and said.
	fake := composiotest.NewServer(t)
	var limited atomic.Bool
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if limited.CompareAndSwap(false, true) {
			w.Header().Set("Retry-After-Ms", "5")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		fake.Handler().ServeHTTP(w, r)
	}))
	defer api.Close()
	stderr, err := pullAgainst(t, api.URL, fake.APIKey(), pullOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, "retrying list trigger types of github in 5ms (as Retry-After asks) after attempt 1: composio: 429 Too Many Requests") {
		t.Errorf("stderr does not say it waits:\n%s", stderr)
	}
}

// TestPullAttempts: pull makes 5 attempts in all, as its -h says.
func TestPullAttempts(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	stderr, err := pullAgainst(t, srv.URL, "the-api-key-0123456789", pullOptions{
		retry: composio.RetryPolicy{MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}, // MaxAttempts: pull's
	})
	if err == nil || !strings.Contains(err.Error(), "503 Service Unavailable") {
		t.Errorf("err = %v", err)
	}
	if n := hits.Load(); n != 5 || strings.Count(stderr, "retrying ") != 4 || !strings.Contains(pullSynopsis, "up to 5 attempts") {
		t.Errorf("%d attempts, %d retry lines; want 5 and 4:\n%s", n, strings.Count(stderr, "retrying "), stderr)
	}
}
