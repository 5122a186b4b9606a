package composio_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/composiotest"
	"github.com/triggergen/triggergen/secret"
)

func TestNewClientNeedsAPIKey(t *testing.T) {
	t.Parallel()
	_, err := composio.NewClient(composio.WithGetenv(noEnv))
	if !errors.Is(err, composio.ErrMissingAPIKey) {
		t.Fatalf("err = %v, want ErrMissingAPIKey", err)
	}
}

func TestNewClientFromEnvironment(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	env := map[string]string{"COMPOSIO_API_KEY": srv.APIKey(), "COMPOSIO_BASE_URL": srv.URL + "/"}
	c, err := composio.NewClient(composio.WithGetenv(func(k string) string { return env[k] }), composio.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != srv.URL {
		t.Errorf("BaseURL = %q, want %q", c.BaseURL(), srv.URL)
	}
	if _, err := c.TriggerType(ctxT(t), "GITHUB_COMMIT_EVENT"); err != nil {
		t.Fatal(err)
	}
	r := srv.Requests()[0]
	if got := r.Header.Get("User-Agent"); got != composio.DefaultUserAgent {
		t.Errorf("User-Agent = %q", got)
	}
}

func TestDefaultBaseURL(t *testing.T) {
	t.Parallel()
	c, err := composio.NewClient(composio.WithGetenv(noEnv), composio.WithAPIKey(secret.New("k")))
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != composio.DefaultBaseURL {
		t.Errorf("BaseURL = %q", c.BaseURL())
	}
	if _, err := composio.NewClient(composio.WithGetenv(noEnv), composio.WithAPIKey(secret.New("k")), composio.WithBaseURL("not a url")); err == nil {
		t.Error("a relative base URL was accepted")
	}
}

func TestUserAgentAndWrongKey(t *testing.T) {
	t.Parallel()
	srv := composiotest.NewServer(t)
	c := newClient(t, srv, composio.WithUserAgent("my-app/1.0"), composio.WithAPIKey(secret.New("wrong-key-1234567")))
	_, err := c.TriggerType(ctxT(t), "GITHUB_COMMIT_EVENT")
	if !errors.Is(err, composio.ErrUnauthorized) {
		t.Fatalf("err = %v, want ErrUnauthorized", err)
	}
	var apiErr *composio.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 401 || apiErr.Slug == "" || apiErr.RequestID == "" {
		t.Fatalf("APIError = %+v", apiErr)
	}
	if strings.Contains(err.Error(), "wrong-key") {
		t.Errorf("error shows the API key: %v", err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("401 was retried: %d requests", n)
	}
	if got := srv.Requests()[0].Header.Get("User-Agent"); got != "my-app/1.0" {
		t.Errorf("User-Agent = %q", got)
	}
}

// TestClientMarshalJSON: the client encodes as its base URL and the
// redaction in place of its key.
func TestClientMarshalJSON(t *testing.T) {
	t.Parallel()
	c, err := composio.NewClient(composio.WithGetenv(noEnv), composio.WithAPIKey(secret.New("k-0123456789")), composio.WithBaseURL("https://api.example.com/"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"base_url":"https://api.example.com","api_key":"[REDACTED]"}`; string(b) != want {
		t.Errorf("json %s, want %s", b, want)
	}
}
