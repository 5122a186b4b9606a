package composio

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"strings"
	"time"

	"github.com/triggergen/triggergen/internal/retry"
	"github.com/triggergen/triggergen/secret"
)

// Option configures the client or one call, as openai-go's
// option.RequestOption does: NewClient takes options, and so does every
// method, as its last arguments. A call's options apply on top of the
// client's, for that call only. A nil Option is ignored.
//
// WithBaseURL, WithHTTPClient and WithGetenv shape the whole client; given to
// a call, they make it fail before any request. Options that concern one
// kind of call (WithToolkitVersion, WithPollInterval, WithErrorIfUnchanged,
// WithMaxPages) are ignored by the others, so they can be set once on the
// client.
type Option func(*settings) error

// settings is what the options set. The client keeps one; each call works on
// a copy with the call's options applied.
type settings struct {
	call bool // the options are a call's

	// Client only.
	baseURL    string
	httpClient *http.Client
	getenv     func(string) string
	environ    func() []string

	// Client or call.
	apiKey    *secret.Value
	userAgent string
	header    http.Header
	logger    *slog.Logger
	retry     retry.Policy
	timeout   time.Duration
	maxPages  int
	pins      map[string]string // WithToolkitVersion, lower-case keys
	pollFirst time.Duration
	pollMax   time.Duration
	strict    bool
	sleep     func(context.Context, time.Duration) error
}

// DefaultMaxPages is how many pages a list reads before it fails with
// ErrPagination, unless WithMaxPages says otherwise: 10,000 pages of at most
// MaxPageSize items.
const DefaultMaxPages = 10_000

func defaultSettings() settings {
	return settings{
		getenv:    nil, // os.Getenv, set by NewClient
		userAgent: DefaultUserAgent,
		logger:    slog.New(slog.DiscardHandler),
		retry:     retry.DefaultPolicy(),
		maxPages:  DefaultMaxPages,
		pollFirst: time.Second,
		pollMax:   30 * time.Second,
		sleep:     retry.Sleep,
	}
}

// apply runs opts on s, skipping nil ones.
func (s *settings) apply(opts []Option) error {
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(s); err != nil {
			return err
		}
	}
	return nil
}

// callSettings returns the client's settings with a call's options applied.
func (c *Client) callSettings(opts []Option) (*settings, error) {
	s := *c.cfg
	if len(opts) == 0 {
		return &s, nil
	}
	s.call = true
	s.header = s.header.Clone()
	s.pins = maps.Clone(s.pins)
	if err := s.apply(opts); err != nil {
		return nil, err
	}
	return &s, nil
}

func clientOnly(name string) error {
	return fmt.Errorf("composio: %s applies to NewClient, not to a call", name)
}

// WithAPIKey sets the project API key, sent as the x-api-key header and
// never printed. Without it NewClient reads COMPOSIO_API_KEY.
func WithAPIKey(key secret.Value) Option {
	return func(s *settings) error {
		if key.IsZero() {
			return errors.New("composio: WithAPIKey: empty key")
		}
		s.apiKey = &key
		return nil
	}
}

// WithBaseURL sets the API's base URL. Without it NewClient reads
// COMPOSIO_BASE_URL, and falls back to DefaultBaseURL. Client only.
func WithBaseURL(u string) Option {
	return func(s *settings) error {
		if s.call {
			return clientOnly("WithBaseURL")
		}
		s.baseURL = u
		return nil
	}
}

// WithHTTPClient sets the HTTP client requests go through (proxies, test
// servers). The default has a 60 second timeout. The client follows a
// redirect only to the base URL's host (see NewClient), on top of hc's own
// CheckRedirect. Client only.
func WithHTTPClient(hc *http.Client) Option {
	return func(s *settings) error {
		if s.call {
			return clientOnly("WithHTTPClient")
		}
		s.httpClient = hc
		return nil
	}
}

// WithGetenv replaces os.Getenv for the variables the client reads
// (COMPOSIO_API_KEY, COMPOSIO_BASE_URL, COMPOSIO_TOOLKIT_VERSION_<TOOLKIT>).
// With it, the process environment is not read at all. Client only.
func WithGetenv(getenv func(string) string) Option {
	return func(s *settings) error {
		if s.call {
			return clientOnly("WithGetenv")
		}
		s.getenv = getenv
		s.environ = nil
		return nil
	}
}

// WithUserAgent replaces the User-Agent header (default DefaultUserAgent).
func WithUserAgent(ua string) Option {
	return func(s *settings) error { s.userAgent = ua; return nil }
}

// WithHeader sets a request header, replacing any value the client would
// send. It cannot set x-api-key: use WithAPIKey, which keeps the key from
// printing.
func WithHeader(name, value string) Option {
	return func(s *settings) error {
		if strings.EqualFold(name, "x-api-key") {
			return errors.New("composio: WithHeader cannot set x-api-key: use WithAPIKey")
		}
		if s.header == nil {
			s.header = http.Header{}
		}
		s.header.Set(name, value)
		return nil
	}
}

// WithLogger sets where the client logs retries (level Info) and warnings
// (such as a user having several connected accounts). The default discards
// everything. Every log line is free of the API key and credentials.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error {
		if l == nil {
			l = slog.New(slog.DiscardHandler)
		}
		s.logger = l
		return nil
	}
}

// WithRetry replaces the retry policy (see RetryPolicy and
// DefaultRetryPolicy). Zero fields take the default's value; MaxAttempts 1
// disables retries.
func WithRetry(p RetryPolicy) Option {
	return func(s *settings) error { s.retry = p.withDefaults(); return nil }
}

// WithRequestTimeout bounds each attempt of a call (each page of a list),
// retries included separately; d <= 0 removes the bound. The context bounds
// the call as a whole.
func WithRequestTimeout(d time.Duration) Option {
	return func(s *settings) error { s.timeout = max(d, 0); return nil }
}

// WithMaxPages sets how many pages a list (TriggerTypes, ActiveTriggers,
// ResolveConnectedAccount) reads before it fails with ErrPagination, so that
// a server that never stops paginating cannot keep a call busy forever
// (default DefaultMaxPages).
func WithMaxPages(n int) Option {
	return func(s *settings) error {
		if n < 1 {
			return fmt.Errorf("composio: WithMaxPages(%d): want at least 1", n)
		}
		s.maxPages = n
		return nil
	}
}

// AllToolkits, as WithToolkitVersion's toolkit, sets the version of every
// toolkit that has no pin of its own.
const AllToolkits = "*"

// WithToolkitVersion pins toolkit to version ("YYYYMMDD_NN" or Latest);
// toolkit AllToolkits pins every toolkit without a pin of its own. It is the
// one way to choose a version in code: on NewClient for every call, on a
// call for that call. See the package documentation for the order in which
// pins, COMPOSIO_TOOLKIT_VERSION_<TOOLKIT> and a config's own version apply.
func WithToolkitVersion(toolkit, version string) Option {
	return func(s *settings) error {
		tk := strings.ToLower(strings.TrimSpace(toolkit))
		version = strings.TrimSpace(version)
		if tk == "" || version == "" {
			return fmt.Errorf("composio: WithToolkitVersion(%q, %q): toolkit and version are required", toolkit, version)
		}
		if s.pins == nil {
			s.pins = map[string]string{}
		}
		s.pins[tk] = version
		return nil
	}
}

// WithPollInterval sets how WaitVerified polls: first is the first wait
// (default 1s); each wait is half again as long as the last, up to max
// (default 30s). Zero keeps a default.
func WithPollInterval(first, max time.Duration) Option {
	return func(s *settings) error {
		if first > 0 {
			s.pollFirst = first
		}
		if max > 0 {
			s.pollMax = max
		}
		return nil
	}
}

// WithErrorIfUnchanged makes EnableTrigger, DisableTrigger and DeleteTrigger
// fail when the trigger is already in the requested state (ErrAlreadyInState,
// ErrAlreadyDeleted). By default that case succeeds, so that a call retried
// after a lost response, or repeated by a careful caller, does not fail.
func WithErrorIfUnchanged() Option {
	return func(s *settings) error { s.strict = true; return nil }
}

// withSleep replaces the wait between retries and polls (tests).
func withSleep(sleep func(context.Context, time.Duration) error) Option {
	return func(s *settings) error { s.sleep = sleep; return nil }
}

// edit sets the headers of every request: the only place the API key leaves
// its secret.Value.
func (s *settings) edit(_ context.Context, req *http.Request) error {
	req.Header.Set("x-api-key", s.apiKey.Reveal())
	req.Header.Set("User-Agent", s.userAgent)
	req.Header.Set("Accept", "application/json")
	for k, v := range s.header {
		req.Header[k] = v
	}
	return nil
}
