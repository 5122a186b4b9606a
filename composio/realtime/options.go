package realtime

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/triggergen/triggergen/internal/retry"
)

// Defaults of Subscribe's options.
const (
	// DefaultActivityTimeout is the longest silence before the client pings
	// the server (Pusher's own default; a smaller activity_timeout from the
	// server wins).
	DefaultActivityTimeout = 120 * time.Second
	// DefaultPongTimeout is how long the client waits for an answer to a
	// ping, for the connection handshake and for the channel subscription
	// (pusher-js's default).
	DefaultPongTimeout = 30 * time.Second
	// DefaultMinBackoff and DefaultMaxBackoff bound the wait before a
	// reconnection: it starts at the minimum, doubles per failed attempt up
	// to the maximum, less a random jitter of up to half.
	DefaultMinBackoff = time.Second
	DefaultMaxBackoff = 30 * time.Second
)

// Option configures Subscribe.
type Option func(*settings)

type settings struct {
	filter       Filter
	logger       *slog.Logger
	backoff      retry.Policy
	limits       ChunkLimits
	socketBase   string
	httpClient   *http.Client
	onSubscribed func(channel string)
	activity     time.Duration
	pong         time.Duration
	now          func() time.Time
	sleep        func(context.Context, time.Duration) error
}

// WithFilter dispatches only the events f matches; the others are dropped
// (and logged at debug level).
func WithFilter(f Filter) Option { return func(s *settings) { s.filter = f } }

// WithLogger sets where connections, reconnections, dropped events and
// handler failures are logged. The default discards everything.
func WithLogger(l *slog.Logger) Option { return func(s *settings) { s.logger = l } }

// WithBackoff sets the first and the longest wait before reconnecting (see
// DefaultMinBackoff). Zero keeps the default.
func WithBackoff(minWait, maxWait time.Duration) Option {
	return func(s *settings) { s.backoff.MinBackoff, s.backoff.MaxBackoff = minWait, maxWait }
}

// WithChunkLimits bounds the reassembly of chunked events (see ChunkLimits).
func WithChunkLimits(l ChunkLimits) Option { return func(s *settings) { s.limits = l } }

// WithSocketURL replaces the websocket's base URL (scheme, host, optional
// path), to which /app/{pusher_key}?protocol=7&… is appended. Without it the
// URL comes from the credentials (wss://ws-{cluster}.pusher.com) when the
// client's base URL is Composio's (a composio.dev host), and from the base
// URL itself (http→ws, https→wss) otherwise, which is where a fake such as
// `triggergen fake-server` serves it.
func WithSocketURL(u string) Option { return func(s *settings) { s.socketBase = u } }

// WithHTTPClient sets the HTTP client of the websocket handshake (default
// http.DefaultClient). The API calls go through the composio.Client.
func WithHTTPClient(c *http.Client) Option { return func(s *settings) { s.httpClient = c } }

// OnSubscribed registers f to be called each time the channel subscription
// succeeds: once connected, and again after every reconnection. Events
// published after it is called are delivered. It runs on the connection's
// goroutine, so it should return quickly.
func OnSubscribed(f func(channel string)) Option { return func(s *settings) { s.onSubscribed = f } }

// WithActivityTimeout sets the longest silence after which the client
// pings the server (default DefaultActivityTimeout; the server's
// activity_timeout wins when smaller).
func WithActivityTimeout(d time.Duration) Option { return func(s *settings) { s.activity = d } }

// WithPongTimeout sets how long the client waits for an answer before it
// takes the connection for dead (default DefaultPongTimeout).
func WithPongTimeout(d time.Duration) Option { return func(s *settings) { s.pong = d } }
