package composio

import (
	"context"
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
	"github.com/triggergen/triggergen/internal/retry"
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
// WithAPIKey and COMPOSIO_API_KEY is empty.
var ErrMissingAPIKey = errors.New("composio: no API key: pass WithAPIKey or set " + EnvAPIKey)

// Client calls the Composio API. It is safe for concurrent use. Printing a
// Client (fmt, slog, encoding/json) never shows its API key.
type Client struct {
	api *gen.Client
	// apiKey is behind a pointer so that even a Client value printed by
	// reflection (fields at depth > 0) shows an address, not the key.
	apiKey    *secret.Value
	baseURL   string
	userAgent string
	logger    *slog.Logger
	retry     retry.Policy
	versions  versionPins
	sleep     func(context.Context, time.Duration) error
}

// Option configures NewClient.
type Option func(*settings)

type settings struct {
	apiKey     *secret.Value
	baseURL    string
	httpClient *http.Client
	userAgent  string
	logger     *slog.Logger
	retry      *RetryPolicy
	pins       map[string]string
	latest     bool
	getenv     func(string) string
	environ    func() []string
}

// WithAPIKey sets the project API key, sent as the x-api-key header. Without
// it NewClient reads COMPOSIO_API_KEY.
func WithAPIKey(key string) Option {
	return func(s *settings) { v := secret.New(key); s.apiKey = &v }
}

// WithBaseURL sets the API's base URL. Without it NewClient reads
// COMPOSIO_BASE_URL, and falls back to DefaultBaseURL.
func WithBaseURL(u string) Option { return func(s *settings) { s.baseURL = u } }

// WithHTTPClient sets the HTTP client requests go through (timeouts, proxies,
// test servers). The default is a client with a 60 second timeout.
func WithHTTPClient(hc *http.Client) Option { return func(s *settings) { s.httpClient = hc } }

// WithUserAgent replaces the User-Agent header.
func WithUserAgent(ua string) Option { return func(s *settings) { s.userAgent = ua } }

// WithLogger sets where the client logs retries and warnings (such as a user
// having several connected accounts). The default discards everything.
func WithLogger(l *slog.Logger) Option { return func(s *settings) { s.logger = l } }

// WithToolkitVersion pins toolkit to version ("YYYYMMDD_NN" or "latest") for
// every call of this client: it overrides COMPOSIO_TOOLKIT_VERSION_<TOOLKIT>,
// WithLatestVersions and the version a generated config was made from.
func WithToolkitVersion(toolkit, version string) Option {
	return func(s *settings) {
		if s.pins == nil {
			s.pins = map[string]string{}
		}
		s.pins[strings.ToLower(toolkit)] = version
	}
}

// WithLatestVersions makes every toolkit without a WithToolkitVersion pin use
// the latest version, instead of the version its generated config was made
// from (and instead of COMPOSIO_TOOLKIT_VERSION_<TOOLKIT>). Configs generated
// from an older version may then no longer match the trigger's schema.
func WithLatestVersions() Option { return func(s *settings) { s.latest = true } }

// WithRetry replaces the retry policy (see DefaultRetryPolicy). Zero fields
// take the default's value; MaxAttempts 1 disables retries.
func WithRetry(p RetryPolicy) Option { return func(s *settings) { s.retry = &p } }

// WithGetenv replaces os.Getenv for the variables NewClient and the client
// read (COMPOSIO_API_KEY, COMPOSIO_BASE_URL,
// COMPOSIO_TOOLKIT_VERSION_<TOOLKIT>). With it, the process environment is
// not read at all.
func WithGetenv(getenv func(string) string) Option {
	return func(s *settings) { s.getenv = getenv; s.environ = nil }
}

// NewClient returns a client configured by opts, the environment, and
// defaults, in that order of precedence.
func NewClient(opts ...Option) (*Client, error) {
	s := settings{getenv: os.Getenv, environ: os.Environ}
	for _, o := range opts {
		o(&s)
	}
	getenv := s.getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	var key secret.Value
	if s.apiKey != nil {
		key = *s.apiKey
	} else {
		key = secret.New(strings.TrimSpace(getenv(EnvAPIKey)))
	}
	if key.IsZero() {
		return nil, ErrMissingAPIKey
	}
	base := s.baseURL
	if base == "" {
		base = strings.TrimSpace(getenv(EnvBaseURL))
	}
	if base == "" {
		base = DefaultBaseURL
	}
	if u, err := url.Parse(base); err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("composio: invalid base URL %q: want an absolute http(s) URL", base)
	}
	hc := s.httpClient
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	logger := s.logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	ua := s.userAgent
	if ua == "" {
		ua = DefaultUserAgent
	}
	var policy RetryPolicy // zero: the default
	if s.retry != nil {
		policy = *s.retry
	}
	c := &Client{
		apiKey:    &key,
		baseURL:   strings.TrimRight(base, "/"),
		userAgent: ua,
		logger:    logger,
		retry:     policy.withDefaults(),
		versions:  newVersionPins(s.pins, s.latest, getenv, s.environ),
		sleep:     retry.Sleep,
	}
	api, err := gen.NewClient(c.baseURL,
		gen.WithHTTPClient(hc),
		gen.WithRequestEditorFn(c.editRequest),
	)
	if err != nil {
		return nil, fmt.Errorf("composio: %w", err)
	}
	c.api = api
	return c, nil
}

// editRequest is the only place the API key leaves its secret.Value.
func (c *Client) editRequest(_ context.Context, req *http.Request) error {
	req.Header.Set("x-api-key", c.apiKey.Reveal())
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	return nil
}

// BaseURL returns the API base URL the client calls.
func (c *Client) BaseURL() string { return c.baseURL }

// String describes the client without its API key.
func (c Client) String() string {
	return fmt.Sprintf("composio.Client{baseURL: %q, apiKey: %s}", c.baseURL, secret.Redacted)
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
	return slog.GroupValue(slog.String("base_url", c.baseURL), slog.String("api_key", secret.Redacted))
}

// MarshalJSON encodes the client's base URL only.
func (c Client) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		BaseURL string `json:"base_url"`
		APIKey  string `json:"api_key"`
	}{c.baseURL, secret.Redacted})
}
