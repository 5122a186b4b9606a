package composio

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/triggergen/triggergen/gen"
	"github.com/triggergen/triggergen/secret"
)

// DefaultBaseURL is the Composio API used when neither WithBaseURL nor
// COMPOSIO_BASE_URL says otherwise.
const DefaultBaseURL = "https://backend.composio.dev"

// DefaultUserAgent is sent as User-Agent unless WithUserAgent replaces it.
const DefaultUserAgent = "triggergen-go"

// Latest is the toolkit version meaning "the newest one".
const Latest = "latest"

// Environment variables NewClient reads (through WithGetenv's function, or
// os.Getenv by default).
const (
	EnvAPIKey  = "COMPOSIO_API_KEY"
	EnvBaseURL = "COMPOSIO_BASE_URL"
	// EnvToolkitVersionPrefix followed by the upper-cased toolkit slug pins
	// that toolkit, e.g. COMPOSIO_TOOLKIT_VERSION_GITHUB=20250729_00, as the
	// official SDKs read it.
	EnvToolkitVersionPrefix = "COMPOSIO_TOOLKIT_VERSION_"
)

// ErrMissingAPIKey is returned by NewClient when no API key was given with
// WithAPIKey and COMPOSIO_API_KEY is empty. Create a key in the Composio
// dashboard (Settings, API Keys).
var ErrMissingAPIKey = errors.New("composio: no API key: pass WithAPIKey or set " + EnvAPIKey)

// Client calls the Composio API. It is safe for concurrent use. Printing a
// Client (fmt, slog, encoding/json) never shows its API key.
type Client struct {
	api  *gen.Client
	base *url.URL
	// cfg is behind a pointer so that even a Client value printed by
	// reflection (fields at depth > 0) shows an address, not the key or a
	// header.
	cfg     *settings
	env     envPins
	maxBody int64
}

// NewClient returns a client configured by opts, the environment, and
// defaults, in that order of precedence.
//
// The API key and request bodies go only to the base URL's host: a redirect
// is followed when it stays on the same host and port (or moves from http to
// https on the same host name), and any other redirect fails with
// ErrRedirect before anything is sent there.
func NewClient(opts ...Option) (*Client, error) {
	s := defaultSettings()
	s.getenv, s.environ = os.Getenv, os.Environ
	if err := s.apply(opts); err != nil {
		return nil, err
	}
	getenv := s.getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if s.apiKey == nil {
		if k := secret.New(strings.TrimSpace(getenv(EnvAPIKey))); !k.IsZero() {
			s.apiKey = &k
		}
	}
	if s.apiKey == nil {
		return nil, ErrMissingAPIKey
	}
	base := s.baseURL
	if base == "" {
		base = strings.TrimSpace(getenv(EnvBaseURL))
	}
	if base == "" {
		base = DefaultBaseURL
	}
	base = strings.TrimRight(base, "/")
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("composio: invalid base URL %q: want an absolute http(s) URL", base)
	}
	s.baseURL = base
	hc := s.httpClient
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	hc = sameHostRedirects(hc, u)
	c := &Client{base: u, cfg: &s, env: newEnvPins(getenv, s.environ), maxBody: maxBody}
	api, err := gen.NewClient(base, gen.WithHTTPClient(hc))
	if err != nil {
		return nil, fmt.Errorf("composio: %w", err)
	}
	c.api = api
	return c, nil
}

// sameHostRedirects returns a copy of hc (the caller's client is not
// changed) that refuses to follow a redirect away from base's host: Go drops
// only Authorization and Cookie on such a redirect, and would send x-api-key
// and, on a 307 or 308, the request body to the other host.
func sameHostRedirects(hc *http.Client, base *url.URL) *http.Client {
	out := *hc
	next := hc.CheckRedirect
	out.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		to := req.URL
		sameHost := strings.EqualFold(to.Hostname(), base.Hostname())
		ok := sameHost && to.Scheme == base.Scheme && portOf(to) == portOf(base)
		upgrade := sameHost && base.Scheme == "http" && to.Scheme == "https"
		if !ok && !upgrade {
			return fmt.Errorf("%w: from %s to %s://%s", ErrRedirect, base.Host, to.Scheme, to.Host)
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &out
}

// portOf is u's port, or its scheme's default.
func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "https" {
		return "443"
	}
	return "80"
}

// BaseURL returns the API base URL the client calls.
func (c *Client) BaseURL() string { return c.cfg.baseURL }

// String describes the client without its API key.
func (c Client) String() string {
	return fmt.Sprintf("composio.Client{baseURL: %q, apiKey: %s}", c.cfg.baseURL, secret.Redacted)
}

// GoString is String, for %#v.
func (c Client) GoString() string { return c.String() }

// Format prints String for every verb, so no verb or flag reaches the
// client's fields.
func (c Client) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		_, _ = fmt.Fprintf(f, "%q", c.String())
		return
	}
	_, _ = f.Write([]byte(c.String()))
}

// LogValue makes slog print the client without its API key.
func (c Client) LogValue() slog.Value {
	return slog.GroupValue(slog.String("base_url", c.cfg.baseURL), slog.String("api_key", secret.Redacted))
}

// MarshalJSON encodes the client's base URL, and the redaction in place of
// its API key.
func (c Client) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		BaseURL string `json:"base_url"`
		APIKey  string `json:"api_key"`
	}{c.cfg.baseURL, secret.Redacted})
}
