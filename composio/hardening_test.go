package composio_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/composiotest"
	"github.com/triggergen/triggergen/secret"
)

// leaks reports the first 8-byte piece of secret found in s.
func leaks(s, secret string) (string, bool) {
	for i := 0; i+8 <= len(secret); i++ {
		if strings.Contains(s, secret[i:i+8]) {
			return secret[i : i+8], true
		}
	}
	return "", false
}

// TestAPIErrorScrubsEveryField (issue 12.6): a server that echoes the key in
// every field of its error, whole or truncated, and in its headers, yields
// an error that holds no piece of it; the status still decides the
// sentinel when the body's code is a string (issue 12.11).
func TestAPIErrorScrubsEveryField(t *testing.T) {
	t.Parallel()
	const key = "ak_live_7Hq2Zr9XbW4mN1pL"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k := r.Header.Get("x-api-key")
		w.Header().Set("X-Request-Id", "req-"+k)
		w.Header().Set("Retry-After", k)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
			"message":       "Invalid API key " + k,
			"code":          "BAD_KEY_" + k, // a string, where the spec has a number
			"slug":          "KEY_" + k[:10],
			"request_id":    k[:12] + "…",
			"suggested_fix": "Replace " + k,
			"errors":        []any{"key " + k, map[string]any{"key": k}},
			"status":        "401", // a string too
		}})
	}))
	defer srv.Close()
	c, err := composio.NewClient(composio.WithGetenv(noEnv), composio.WithBaseURL(srv.URL), composio.WithAPIKey(secret.New(key)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.TriggerType(ctxT(t), "GITHUB_COMMIT_EVENT")
	if !errors.Is(err, composio.ErrUnauthorized) {
		t.Fatalf("err = %v, want ErrUnauthorized", err)
	}
	var apiErr *composio.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 401 || apiErr.Message == "" || apiErr.Code == "" || len(apiErr.Details) != 2 {
		t.Fatalf("APIError = %+v", apiErr)
	}
	text := fmt.Sprintf("%v %+v %#v", err, *apiErr, *apiErr)
	if piece, ok := leaks(text, key); ok {
		t.Errorf("the error holds %q, a piece of the key:\n%s", piece, text)
	}
	if !strings.Contains(apiErr.Message, "Invalid API key "+secret.Redacted) {
		t.Errorf("message %q, want the key redacted in place", apiErr.Message)
	}
}

// TestShortKeyDoesNotGarble (issue 12.6): a one-letter key is redacted where
// it stands alone, not inside words.
func TestShortKeyDoesNotGarble(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t, composiotest.WithAPIKey("k"))
	c := newClient(t, srv, composio.WithAPIKey(secret.New("e"))) // the wrong key
	_, err := c.TriggerType(ctxT(t), "GITHUB_COMMIT_EVENT")
	var apiErr *composio.APIError
	if !errors.As(err, &apiErr) || apiErr.Message != "Invalid API key" || !strings.Contains(apiErr.SuggestedFix, "header") {
		t.Errorf("APIError = %+v, want the message untouched", apiErr)
	}
}

// keyEchoingTransport fails every request with an error that quotes the
// x-api-key it was given, as a careless proxy might.
type keyEchoingTransport struct{}

func (keyEchoingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return nil, fmt.Errorf("proxy refused key %s", r.Header.Get("x-api-key"))
}

// TestScrubbedTransportErrorKeepsChain (issue 18.11): a transport error whose
// text held the key is scrubbed and still is a *url.Error.
func TestScrubbedTransportErrorKeepsChain(t *testing.T) {
	t.Parallel()
	const key = "ak_live_7Hq2Zr9XbW4mN1pL"
	c, err := composio.NewClient(composio.WithGetenv(noEnv), composio.WithBaseURL("https://composio.invalid"),
		composio.WithAPIKey(secret.New(key)), composio.WithHTTPClient(&http.Client{Transport: keyEchoingTransport{}}),
		composio.WithRetry(composio.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.TriggerType(ctxT(t), "GITHUB_COMMIT_EVENT")
	var ue *url.Error
	if !errors.As(err, &ue) {
		t.Fatalf("errors.As(*url.Error) fails on %v", err)
	}
	for _, s := range []string{err.Error(), ue.Error()} {
		if piece, ok := leaks(s, key); ok {
			t.Errorf("%q holds %q", s, piece)
		}
	}
	if !strings.Contains(err.Error(), "proxy refused key "+secret.Redacted) {
		t.Errorf("err = %v", err)
	}
}

// hostRecorder is a server that records whether anything reached it.
type hostRecorder struct {
	srv  *httptest.Server
	hits atomic.Int32
	mu   sync.Mutex
	got  []string // headers and bodies received
}

func newHostRecorder(t *testing.T) *hostRecorder {
	h := &hostRecorder{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.hits.Add(1)
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.got = append(h.got, fmt.Sprint(r.Header), string(body))
		h.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// TestRedirectToAnotherHostRefused (issue 12.7): a 307 from the API to
// another host sends neither the key nor a body there, and is not retried.
func TestRedirectToAnotherHostRefused(t *testing.T) {
	t.Parallel()
	other := newHostRecorder(t)
	fake := composiotest.NewServer(t)
	var apiHits atomic.Int32
	// The API answers a first endpoint write and every trigger-type read
	// with a redirect to the other host (on another port of 127.0.0.1, and
	// as "localhost").
	otherAsLocalhost := strings.Replace(other.srv.URL, "127.0.0.1", "localhost", 1)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		apiHits.Add(1)
		switch {
		case strings.HasPrefix(r.URL.Path, "/api/v3.1/triggers_types/"):
			http.Redirect(w, r, other.srv.URL+r.URL.Path, http.StatusTemporaryRedirect)
		case r.Method == http.MethodPatch:
			http.Redirect(w, r, otherAsLocalhost+r.URL.Path, http.StatusPermanentRedirect)
		default:
			fake.Handler().ServeHTTP(w, r)
		}
	}))
	defer api.Close()
	c, err := composio.NewClient(composio.WithGetenv(noEnv), composio.WithBaseURL(api.URL),
		composio.WithAPIKey(secret.New(fake.APIKey())), composio.WithRetry(fastRetry))
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	if _, err := c.TriggerType(ctx, "GITHUB_COMMIT_EVENT"); !errors.Is(err, composio.ErrRedirect) {
		t.Errorf("read: err = %v, want ErrRedirect", err)
	}
	if n := apiHits.Load(); n != 1 {
		t.Errorf("the refused redirect was retried: %d requests", n)
	}
	ep, _, err := c.CreateWebhookEndpoint(ctx, "slack", "client-1")
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateWebhookEndpoint(ctx, ep.ID, slackUpdate{SigningSecret: sv(signingSecret), AppToken: sv(appToken)})
	if !errors.Is(err, composio.ErrRedirect) {
		t.Errorf("write: err = %v, want ErrRedirect", err)
	}
	if n := other.hits.Load(); n != 0 {
		t.Errorf("the other host received %d requests: %q", n, other.got)
	}
}

// TestRedirectOnTheSameHostFollowed: a redirect that stays on the base URL's
// host is followed, with the key.
func TestRedirectOnTheSameHostFollowed(t *testing.T) {
	t.Parallel()
	fake := composiotest.NewServer(t)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, ok := strings.CutPrefix(r.URL.Path, "/moved"); ok {
			r.URL.Path = p
			fake.Handler().ServeHTTP(w, r)
			return
		}
		http.Redirect(w, r, "/moved"+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	}))
	defer api.Close()
	c, err := composio.NewClient(composio.WithGetenv(noEnv), composio.WithBaseURL(api.URL), composio.WithAPIKey(secret.New(fake.APIKey())))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.TriggerType(ctxT(t), "GITHUB_COMMIT_EVENT"); err != nil {
		t.Fatal(err)
	}
	if n := len(fake.Requests()); n != 1 {
		t.Errorf("%d requests reached the API after the redirect", n)
	}
}

// TestResponseBodyCapped (issue 12.9): a body longer than the client reads
// fails with ErrResponseTooLarge, at once.
func TestResponseBodyCapped(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"slug":"` + strings.Repeat("x", 4096) + `"}`))
	}))
	defer srv.Close()
	c, err := composio.NewClient(composio.WithGetenv(noEnv), composio.WithBaseURL(srv.URL), composio.WithAPIKey(secret.New("k")))
	if err != nil {
		t.Fatal(err)
	}
	composio.SetMaxBody(c, 1024)
	_, err = c.TriggerType(ctxT(t), "GITHUB_COMMIT_EVENT")
	if !errors.Is(err, composio.ErrResponseTooLarge) || !strings.Contains(err.Error(), "more than 1024 bytes") {
		t.Errorf("err = %v, want ErrResponseTooLarge", err)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// pager serves trigger-type pages of one item each, with the cursor next
// returns.
func pager(t *testing.T, next func(page int) string) (*httptest.Server, *atomic.Int32) {
	var pages atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(pages.Add(1))
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"items": []any{map[string]any{"slug": fmt.Sprintf("T_%d", n), "name": "t", "description": "d", "instructions": "",
				"type": "webhook", "toolkit": map[string]any{"slug": "tk", "name": "tk", "logo": ""}, "version": "v", "config": map[string]any{}, "payload": map[string]any{}}},
			"next_cursor": next(n), "total_pages": 0, "current_page": n, "total_items": 0,
		})
	}))
	t.Cleanup(srv.Close)
	return srv, &pages
}

// TestPaginationEnds (issue 12.10): a server that never stops paginating
// ends at WithMaxPages with ErrPagination; a repeated cursor is an error,
// not a silent stop.
func TestPaginationEnds(t *testing.T) {
	t.Parallel()
	collect := func(srv *httptest.Server, opts ...composio.Option) (int, error) {
		c, err := composio.NewClient(append([]composio.Option{composio.WithGetenv(noEnv), composio.WithBaseURL(srv.URL), composio.WithAPIKey(secret.New("k"))}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, err := range c.TriggerTypes(ctxT(t), composio.TriggerTypesParams{}) {
			if err != nil {
				return n, err
			}
			n++
		}
		return n, nil
	}

	endless, pages := pager(t, func(n int) string { return fmt.Sprintf("c%d", n) })
	n, err := collect(endless, composio.WithMaxPages(5))
	if !errors.Is(err, composio.ErrPagination) || !strings.Contains(err.Error(), "more than 5 pages") {
		t.Errorf("endless: err = %v, want ErrPagination", err)
	}
	if n != 5 || pages.Load() != 5 {
		t.Errorf("endless: %d items from %d pages, want 5 from 5", n, pages.Load())
	}

	loop, pages := pager(t, func(n int) string { return fmt.Sprintf("c%d", min(n, 3)) })
	n, err = collect(loop)
	if !errors.Is(err, composio.ErrPagination) || !strings.Contains(err.Error(), `repeats cursor "c3"`) {
		t.Errorf("loop: err = %v, want ErrPagination", err)
	}
	if n != 4 || pages.Load() != 4 {
		t.Errorf("loop: %d items from %d pages, want 4 from 4", n, pages.Load())
	}
}

// TestPageSizeAboveMaximumRefused (issue 20.3): the API serves at most 50
// items a page; a larger PageSize fails before any request.
func TestPageSizeAboveMaximumRefused(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	c := newClient(t, srv)
	for _, err := range c.TriggerTypes(ctxT(t), composio.TriggerTypesParams{PageSize: composio.MaxPageSize + 1}) {
		if err == nil || !strings.Contains(err.Error(), "PageSize 51") {
			t.Errorf("trigger types: err = %v", err)
		}
	}
	for _, err := range c.ActiveTriggers(ctxT(t), composio.ActiveTriggersParams{PageSize: 1000}) {
		if err == nil || !strings.Contains(err.Error(), "PageSize 1000") {
			t.Errorf("active triggers: err = %v", err)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
	n := 0
	for _, err := range c.TriggerTypes(ctxT(t), composio.TriggerTypesParams{PageSize: composio.MaxPageSize}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 82 || len(srv.Requests()) != 2 {
		t.Errorf("PageSize 50: %d items in %d requests, want 82 in 2", n, len(srv.Requests()))
	}
}

// unmaskingServer answers every endpoint read with its data in the clear,
// as a server that does not mask secrets would.
func unmaskingServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": "we_1", "toolkit_slug": "slack", "client_id": "c1", "webhook_url": "https://x.invalid/we_1",
			"data":       map[string]any{"webhook_signing_secret": signingSecret, "app_token": appToken},
			"created_at": "2026-07-01T12:00:00.000Z", "verified_at": nil,
		})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestEndpointDataNeverPrints (issue 12.8): endpoint data the server returns
// unmasked is held as secret.Value, so printing the endpoint shows none of
// it.
func TestEndpointDataNeverPrints(t *testing.T) {
	t.Parallel()
	srv := unmaskingServer(t)
	c, err := composio.NewClient(composio.WithGetenv(noEnv), composio.WithBaseURL(srv.URL), composio.WithAPIKey(secret.New("k")))
	if err != nil {
		t.Fatal(err)
	}
	ep, err := c.WebhookEndpoint(ctxT(t), "we_1")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		fmt.Fprintf(&out, verb+"\n", ep)
		fmt.Fprintf(&out, verb+"\n", *ep)
	}
	b, _ := json.Marshal(ep)
	out.Write(b)
	for _, s := range []string{signingSecret, appToken} {
		if piece, ok := leaks(out.String(), s); ok {
			t.Errorf("printed endpoint holds %q:\n%s", piece, out.String())
		}
	}
	if ep.Data["app_token"].Reveal() != appToken {
		t.Error("the value is not kept")
	}
}

// lossyTransport forwards requests, but loses the response of the first
// DELETE after the server has handled it.
type lossyTransport struct {
	base http.RoundTripper
	lost atomic.Bool
}

func (l *lossyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := l.base.RoundTrip(r)
	if err == nil && r.Method == http.MethodDelete && l.lost.CompareAndSwap(false, true) {
		resp.Body.Close()
		return nil, errors.New("connection reset by peer")
	}
	return resp, err
}

// TestDeleteAfterLostResponseSucceeds (issue 18.10): the retry of a delete
// whose response was lost meets a 409 and succeeds.
func TestDeleteAfterLostResponseSucceeds(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	addAccount(srv, "ca_a", "alice", "github", "ACTIVE", t0)
	c := newClient(t, srv, composio.WithHTTPClient(&http.Client{Transport: &lossyTransport{base: srv.Client().Transport}}))
	ctx := ctxT(t)
	tr, err := c.CreateTrigger(ctx, composio.CreateTriggerParams{UserID: "alice", Config: CommitEventConfig{Owner: "o", Repo: "r"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteTrigger(ctx, tr.ID); err != nil {
		t.Fatalf("delete: %v", err)
	}
	dels := requests(srv, "DELETE", tr.ID)
	if len(dels) != 2 || dels[0].Status != 200 || dels[1].Status != 409 {
		t.Errorf("deletes = %d, want the lost 200 then a 409", len(dels))
	}
	if !srv.TriggerInstances()[0].Deleted {
		t.Error("not deleted")
	}
}

// An upsert answered 204 "No content" (declared by Composio's v3.1 client,
// never sent by the fake) is a clear error, not a JSON syntax error.
func TestCreateTriggerNoContent(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	c, err := composio.NewClient(composio.WithGetenv(noEnv), composio.WithBaseURL(srv.URL), composio.WithAPIKey(secret.New("k")))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateTrigger(ctxT(t), composio.CreateTriggerParams{UserID: "alice", Config: CommitEventConfig{Owner: "o", Repo: "r"}})
	if err == nil || !strings.Contains(err.Error(), "create trigger GITHUB_COMMIT_EVENT: the API answered 204 No Content with no body") {
		t.Errorf("err = %v", err)
	}
}
