package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/internal/retry"
	"github.com/triggergen/triggergen/webhook"
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

// maxMessage bounds one websocket message (Pusher's own limit is 10 KB;
// larger events arrive chunked).
const maxMessage = 1 << 20

// queueSize is how many events may wait for the handlers before the reader
// waits too.
const queueSize = 64

// clientName is the client query parameter of the websocket URL.
const clientName = "triggergen-go"

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
// published after it returns are delivered.
func OnSubscribed(f func(channel string)) Option { return func(s *settings) { s.onSubscribed = f } }

// WithActivityTimeout sets the longest silence after which the client
// pings the server (default DefaultActivityTimeout; the server's
// activity_timeout wins when smaller).
func WithActivityTimeout(d time.Duration) Option { return func(s *settings) { s.activity = d } }

// WithPongTimeout sets how long the client waits for an answer before it
// takes the connection for dead (default DefaultPongTimeout).
func WithPongTimeout(d time.Duration) Option { return func(s *settings) { s.pong = d } }

// CloseError is a connection the server closed with a Pusher close code.
// Subscribe returns it for codes 4000-4099, which tell a client not to
// reconnect (e.g. 4001 unknown app key, 4003 app disabled, 4009
// unauthorized); other codes are reconnected.
type CloseError struct {
	Code   int
	Reason string
}

func (e *CloseError) Error() string {
	msg := fmt.Sprintf("realtime: the server closed the connection with code %d", e.Code)
	if e.Reason != "" {
		msg += " (" + e.Reason + ")"
	}
	if e.Code >= 4000 && e.Code < 4100 {
		msg += "; Pusher codes 4000-4099 mean: do not reconnect"
	}
	return msg
}

// SubscriptionError is a refused subscription to the project's channel
// (pusher:subscription_error, or pusher:error while subscribing), usually a
// channel authorization the server did not accept. Subscribe returns it.
type SubscriptionError struct {
	Channel string
	// Status is the HTTP-like status the server gave, 0 when none.
	Status  int
	Message string
}

func (e *SubscriptionError) Error() string {
	msg := fmt.Sprintf("realtime: subscription to channel %s refused", e.Channel)
	if e.Status != 0 {
		msg += fmt.Sprintf(" (status %d)", e.Status)
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg + "; the channel authorization (POST /api/v3/internal/sdk/realtime/auth) was not accepted"
}

// errDead is a connection that did not answer a ping in time.
var errDead = errors.New("realtime: no answer to pusher:ping within the pong timeout: connection dead")

// errConfig is a setting or credential Subscribe cannot work with; it is
// not retried.
var errConfig = errors.New("realtime: invalid configuration")

// Subscribe receives the project's trigger events over Composio's realtime
// channel, as the SDKs' triggers.subscribe does, and dispatches each
// (filtered by WithFilter) to d as a webhook.Event with Version
// webhook.Realtime, so generated OnXxx handlers run unchanged; FromContext
// gives a handler the full Message. No public URL is needed: it is meant for
// local development and tests, where production uses webhooks.
//
// It blocks until ctx is done, returning ctx.Err(), or a fatal error: a
// 4xx answer of the API (a wrong API key is composio.ErrUnauthorized), a
// *SubscriptionError, or a *CloseError with a code in 4000-4099. It
// reconnects on everything else: at once after a close code in 4200-4299 on
// a subscribed connection, after a backoff otherwise (WithBackoff). It
// answers pusher:ping, and pings after the activity timeout of silence,
// taking the connection for dead without an answer within the pong timeout.
// Events of one connection that arrive in chunks are reassembled within
// ChunkLimits.
//
// Handlers run one at a time, in arrival order, in a goroutine of their own,
// with ctx; a handler's error or panic is logged and never ends the
// subscription. When ctx is done, Subscribe waits for the running handler to
// return, drops the events still queued, and leaves no goroutine behind.
func Subscribe(ctx context.Context, client *composio.Client, d *webhook.Dispatcher, opts ...Option) error {
	if client == nil || d == nil {
		return fmt.Errorf("%w: Subscribe needs a client and a dispatcher", errConfig)
	}
	s := settings{now: time.Now, sleep: retry.Sleep}
	for _, o := range opts {
		o(&s)
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.httpClient == nil {
		s.httpClient = http.DefaultClient
	}
	if s.activity <= 0 {
		s.activity = DefaultActivityTimeout
	}
	if s.pong <= 0 {
		s.pong = DefaultPongTimeout
	}
	s.backoff = s.backoff.Fill(retry.Policy{MinBackoff: DefaultMinBackoff, MaxBackoff: DefaultMaxBackoff, MaxAttempts: 1, MaxRetryAfter: 1})
	if s.socketBase != "" {
		if _, err := socketBase(s.socketBase); err != nil {
			return err
		}
	}
	sub := &subscriber{settings: s, client: client, d: d, chunks: newReassembler(s.limits, s.now)}
	return sub.run(ctx)
}

type subscriber struct {
	settings
	client *composio.Client
	d      *webhook.Dispatcher
	chunks *reassembler
}

func (s *subscriber) run(ctx context.Context) error {
	queue := make(chan *Message, queueSize)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.dispatchLoop(ctx, queue)
	}()
	err := s.connectLoop(ctx, queue)
	close(queue)
	<-done
	return err
}

// connectLoop runs one connection after the other until ctx is done or an
// error is fatal.
func (s *subscriber) connectLoop(ctx context.Context, queue chan<- *Message) error {
	failures := 0
	for {
		subscribed, err := s.session(ctx, queue)
		if n := s.chunks.reset(); n > 0 {
			s.logger.Warn("realtime: dropped incomplete chunked events of the lost connection", "count", n)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if subscribed {
			failures = 0
		}
		switch reconnection(err) {
		case fatal:
			s.logger.Error("realtime: giving up", "error", err)
			return err
		case immediately:
			if subscribed {
				s.logger.Info("realtime: reconnecting at once", "reason", err)
				continue
			}
		}
		failures++
		wait := s.backoff.Backoff(failures)
		s.logger.Warn("realtime: connection lost, reconnecting", "error", err, "attempt", failures, "wait", wait)
		if err := s.sleep(ctx, wait); err != nil {
			return ctx.Err()
		}
	}
}

type action int

const (
	backoff action = iota
	immediately
	fatal
)

// reconnection says what a session's error calls for, by Pusher's close
// code ranges and the API's status.
func reconnection(err error) action {
	if ce, ok := errors.AsType[*CloseError](err); ok {
		switch {
		case ce.Code >= 4000 && ce.Code < 4100:
			return fatal
		case ce.Code >= 4200 && ce.Code < 4300:
			return immediately
		}
		return backoff
	}
	if _, ok := errors.AsType[*SubscriptionError](err); ok {
		return fatal
	}
	if ae, ok := errors.AsType[*composio.APIError](err); ok {
		if ae.Status >= 400 && ae.Status < 500 && ae.Status != http.StatusRequestTimeout && ae.Status != http.StatusTooManyRequests {
			return fatal
		}
	}
	if errors.Is(err, errConfig) {
		return fatal
	}
	return backoff
}

// frame is one websocket read.
type frame struct {
	b   []byte
	err error
}

// session runs one connection: credentials, dial, subscription, events. It
// reports whether the channel subscription succeeded, and why it ended.
func (s *subscriber) session(ctx context.Context, queue chan<- *Message) (subscribed bool, _ error) {
	creds, err := s.client.RealtimeCredentials(ctx)
	if err != nil {
		return false, fmt.Errorf("realtime: %w", err)
	}
	u, err := s.socketURL(creds)
	if err != nil {
		return false, err
	}
	channel := "private-" + creds.ProjectID + "_triggers"
	dialCtx, cancel := context.WithTimeout(ctx, s.pong)
	ws, _, err := websocket.Dial(dialCtx, u, &websocket.DialOptions{
		HTTPClient: s.httpClient,
		HTTPHeader: http.Header{"User-Agent": {composio.DefaultUserAgent}},
	})
	cancel()
	if err != nil {
		return false, fmt.Errorf("realtime: connect to %s: %w", u, err)
	}
	ws.SetReadLimit(maxMessage)

	frames := make(chan frame)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			_, b, err := ws.Read(context.Background()) // ended by CloseNow
			select {
			case frames <- frame{b, err}:
			case <-stop:
				return
			}
			if err != nil {
				return
			}
		}
	})
	defer func() {
		close(stop)
		_ = ws.CloseNow()
		wg.Wait()
	}()
	write := func(event string, data any) error {
		wctx, cancel := context.WithTimeout(ctx, s.pong)
		defer cancel()
		return ws.Write(wctx, websocket.MessageText, encodePusher(event, data))
	}

	log := s.logger.With("channel", channel)
	activity := s.activity
	timer := time.NewTimer(s.pong) // until subscribed: the handshake's deadline
	defer timer.Stop()
	pinged := false
	var lastError string // of pusher:error, explaining the close that follows
	for {
		select {
		case <-ctx.Done():
			return subscribed, ctx.Err()
		case <-timer.C:
			switch {
			case !subscribed:
				return false, fmt.Errorf("realtime: no subscription to %s within %v", channel, s.pong)
			case pinged:
				return true, errDead
			}
			if err := write(evPing, struct{}{}); err != nil {
				return true, fmt.Errorf("realtime: send ping: %w", err)
			}
			pinged = true
			timer.Reset(s.pong)
			continue
		case f := <-frames:
			if f.err != nil {
				return subscribed, closeError(f.err, lastError)
			}
			pinged = false
			if subscribed {
				timer.Reset(activity)
			}
			m, err := decodePusher(f.b)
			if err != nil {
				log.Warn("realtime: ignored a message", "error", err)
				continue
			}
			switch m.Event {
			case evConnectionEstablished:
				est, err := decodeEstablished(m.Data)
				if err != nil {
					return false, err
				}
				if t := time.Duration(est.ActivityTimeout) * time.Second; t > 0 && t < activity {
					activity = t
				}
				auth, err := s.client.AuthorizeRealtimeChannel(ctx, est.SocketID, channel)
				if err != nil {
					return false, fmt.Errorf("realtime: %w", err)
				}
				if err := write(evSubscribe, map[string]string{"channel": channel, "auth": auth}); err != nil {
					return false, fmt.Errorf("realtime: subscribe: %w", err)
				}
				log = log.With("socket_id", est.SocketID)
			case evSubscriptionSucceeded:
				if m.Channel != channel {
					continue
				}
				subscribed = true
				timer.Reset(activity)
				log.Info("realtime: subscribed")
				if s.onSubscribed != nil {
					s.onSubscribed(channel)
				}
			case evSubscriptionError:
				var d subscriptionErrorData
				_ = json.Unmarshal(m.Data, &d)
				return false, &SubscriptionError{Channel: channel, Status: d.Status, Message: d.Error}
			case evError:
				e := decodeError(m.Data)
				lastError = e.Message
				log.Warn("realtime: pusher:error", "error", e.String())
				if !subscribed && e.Code == nil {
					return false, &SubscriptionError{Channel: channel, Message: e.Message}
				}
			case evPing:
				if err := write(evPong, struct{}{}); err != nil {
					return subscribed, fmt.Errorf("realtime: send pong: %w", err)
				}
			case evTrigger:
				if err := s.enqueue(ctx, log, m.Data, queue); err != nil {
					return subscribed, err
				}
			case evTriggerChunked:
				c, err := decodeChunk(m.Data)
				if err != nil {
					log.Warn("realtime: ignored a chunk", "error", err)
					continue
				}
				data, err := s.chunks.add(c)
				if err != nil {
					log.Warn("realtime: chunked event dropped", "error", err)
				}
				if data != nil {
					if err := s.enqueue(ctx, log, data, queue); err != nil {
						return subscribed, err
					}
				}
			}
			if errs := s.chunks.expire(); len(errs) > 0 {
				log.Warn("realtime: chunked event dropped", "error", errors.Join(errs...))
			}
		}
	}
}

// closeError turns a failed read into the error session returns: a
// *CloseError when the server closed with a code.
func closeError(err error, lastError string) error {
	if ce, ok := errors.AsType[websocket.CloseError](err); ok {
		reason := ce.Reason
		if reason == "" {
			reason = lastError
		}
		return &CloseError{Code: int(ce.Code), Reason: reason}
	}
	return fmt.Errorf("realtime: read: %w", err)
}

// enqueue parses one event's data and queues it for the handlers when the
// filter takes it. It fails only when ctx is done.
func (s *subscriber) enqueue(ctx context.Context, log *slog.Logger, data []byte, queue chan<- *Message) error {
	m, err := ParseMessage(data)
	if err != nil {
		log.Warn("realtime: ignored an event", "error", err)
		return nil
	}
	if !s.filter.Match(m) {
		log.Debug("realtime: event filtered out", "trigger_slug", m.TriggerSlug, "trigger_id", m.TriggerID)
		return nil
	}
	select {
	case queue <- m:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// dispatchLoop runs the handlers, one event at a time, until queue is
// closed; once ctx is done the rest is dropped.
func (s *subscriber) dispatchLoop(ctx context.Context, queue <-chan *Message) {
	dropped := 0
	for m := range queue {
		if ctx.Err() != nil {
			dropped++
			continue
		}
		s.dispatch(ctx, m)
	}
	if dropped > 0 {
		s.logger.Info("realtime: events dropped at shutdown", "count", dropped)
	}
}

// dispatch runs the handler of one event; its error or panic is logged.
func (s *subscriber) dispatch(ctx context.Context, m *Message) {
	log := s.logger.With("trigger_slug", m.TriggerSlug, "trigger_id", m.TriggerID)
	defer func() {
		if p := recover(); p != nil {
			log.Error("realtime: handler panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	err := s.d.Dispatch(context.WithValue(ctx, messageKey{}, m), m.Event())
	switch {
	case errors.Is(err, webhook.ErrUnhandled):
		log.Info("realtime: no handler for the event")
	case err != nil:
		log.Error("realtime: handler failed", "error", err)
	default:
		log.Debug("realtime: event handled")
	}
}

// socketURL is the websocket URL for creds (see WithSocketURL).
func (s *subscriber) socketURL(creds *composio.RealtimeCredentials) (string, error) {
	base := s.socketBase
	if base == "" {
		b, err := url.Parse(s.client.BaseURL())
		if err != nil {
			return "", fmt.Errorf("%w: base URL: %v", errConfig, err)
		}
		if composioHost(b.Hostname()) {
			cluster := creds.PusherCluster
			if cluster == "" {
				cluster = "mt1" // pusher-js's default
			}
			if !validCluster(cluster) {
				return "", fmt.Errorf("%w: the realtime credentials name the Pusher cluster %q, which is not a host label", errConfig, cluster)
			}
			base = "wss://ws-" + cluster + ".pusher.com"
		} else {
			base = s.client.BaseURL()
		}
	}
	bu, err := socketBase(base)
	if err != nil {
		return "", err
	}
	escaped := strings.TrimSuffix(bu.EscapedPath(), "/") + "/app/" + url.PathEscape(creds.PusherKey)
	bu.Path = strings.TrimSuffix(bu.Path, "/") + "/app/" + creds.PusherKey
	bu.RawPath = escaped
	bu.RawQuery = url.Values{"protocol": {"7"}, "client": {clientName}, "version": {clientVersion()}, "flash": {"false"}}.Encode()
	return bu.String(), nil
}

// socketBase parses a websocket base URL; http(s) become ws(s).
func socketBase(base string) (*url.URL, error) {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("%w: websocket base URL %q: want ws(s):// or http(s)://host", errConfig, base)
	}
	switch u.Scheme {
	case "http", "ws":
		u.Scheme = "ws"
	case "https", "wss":
		u.Scheme = "wss"
	default:
		return nil, fmt.Errorf("%w: websocket base URL %q: want ws(s):// or http(s)://host", errConfig, base)
	}
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return u, nil
}

// composioHost reports whether host is Composio's (composio.dev or a
// subdomain), whose realtime events are on Pusher's hosts.
func composioHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	return host == "composio.dev" || strings.HasSuffix(host, ".composio.dev")
}

// validCluster reports whether c can stand in ws-{c}.pusher.com: a DNS
// label, so that credentials cannot point the socket at another host.
func validCluster(c string) bool {
	if c == "" || len(c) > 63 || c[0] == '-' || c[len(c)-1] == '-' {
		return false
	}
	for _, r := range c {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// clientVersion is triggergen's module version, for the version query
// parameter ("devel" when unknown).
func clientVersion() string {
	const module = "github.com/triggergen/triggergen"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Path == module && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			return bi.Main.Version
		}
		for _, d := range bi.Deps {
			if d.Path == module && d.Version != "" {
				return d.Version
			}
		}
	}
	return "devel"
}
