package composiotest

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
)

// Realtime defaults of a fake (see the package documentation, "Realtime").
const (
	// RealtimeKey is the Pusher app key the fake's credentials route answers
	// and its websocket accepts at /app/{key}.
	RealtimeKey = "composiotest-pusher-key"
	// RealtimeCluster is the Pusher cluster the credentials name. The
	// websocket is the fake's own; no Pusher host is involved.
	RealtimeCluster = "composiotest"
	// DefaultRealtimeChunkSize is the size above which an event's data is
	// sent as chunked-trigger_to_client events of at most this many bytes
	// each, below Pusher's 10 KB message limit, as Composio does.
	DefaultRealtimeChunkSize = 8 << 10
	// RealtimeActivityTimeout is the activity_timeout the fake announces in
	// pusher:connection_established (Pusher's default, 120 s).
	RealtimeActivityTimeout = 120 * time.Second
)

// Pusher event names the fake speaks.
const (
	pusherConnectionEstablished = "pusher:connection_established"
	pusherError                 = "pusher:error"
	pusherPing                  = "pusher:ping"
	pusherPong                  = "pusher:pong"
	pusherSubscribe             = "pusher:subscribe"
	pusherUnsubscribe           = "pusher:unsubscribe"
	pusherSubscriptionSucceeded = "pusher_internal:subscription_succeeded"
	pusherSubscriptionError     = "pusher:subscription_error"
	realtimeEventName           = "trigger_to_client"
	realtimeChunkedEventName    = "chunked-trigger_to_client"
)

// realtimeReadLimit bounds a message a realtime client may send the fake.
const realtimeReadLimit = 64 << 10

// realtimeWriteTimeout bounds one write to a realtime connection; a
// connection that does not take a message within it is closed.
const realtimeWriteTimeout = 10 * time.Second

// WithRealtimeChunkSize sets the size above which the data of a realtime
// event is split into chunked-trigger_to_client events (default
// DefaultRealtimeChunkSize).
func WithRealtimeChunkSize(n int) Option { return func(o *options) { o.realtimeChunkSize = n } }

// realtimeHub is the fake's Pusher server: its app secret and its
// connections.
type realtimeHub struct {
	secret    []byte
	chunkSize int

	mu     sync.Mutex
	conns  map[*realtimeConn]struct{}
	closed bool
}

type realtimeConn struct {
	ws       *websocket.Conn
	socketID string
	// guarded by the hub's mu
	channels map[string]bool
	silent   bool // SilenceRealtime: no pongs, no events
}

func newRealtimeHub(chunkSize int) *realtimeHub {
	if chunkSize < 1 {
		chunkSize = DefaultRealtimeChunkSize
	}
	chunkSize = max(chunkSize, utf8.UTFMax)
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	return &realtimeHub{secret: secret, chunkSize: chunkSize, conns: map[*realtimeConn]struct{}{}}
}

// RealtimeChannel is the project's private channel,
// private-{project id}_triggers, on which the fake publishes trigger events.
func (f *Fake) RealtimeChannel() string { return "private-" + f.opts.projectID + "_triggers" }

// realtimeSignature is Pusher's channel authorization: the app key and the
// hex HMAC-SHA256 of "socket_id:channel_name" under the app secret.
func (h *realtimeHub) signature(socketID, channel string) string {
	m := hmac.New(sha256.New, h.secret)
	m.Write([]byte(socketID + ":" + channel))
	return RealtimeKey + ":" + hex.EncodeToString(m.Sum(nil))
}

// ---------------------------------------------------------------- HTTP routes

func (f *Fake) getRealtimeCredentials(*http.Request, []byte, map[string]string) (int, any, *apiError) {
	return 200, map[string]any{"pusher_key": RealtimeKey, "project_id": f.opts.projectID, "pusher_cluster": RealtimeCluster}, nil
}

func (f *Fake) authorizeRealtimeChannel(_ *http.Request, body []byte, _ map[string]string) (int, any, *apiError) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return 0, nil, badRequest("VALIDATION_ERROR", "body is not a form: %v", err)
	}
	socketID, channel := form.Get("socket_id"), form.Get("channel_name")
	if socketID == "" || channel == "" {
		return 0, nil, badRequest("VALIDATION_ERROR", "socket_id and channel_name are required")
	}
	if channel != f.RealtimeChannel() {
		return 0, nil, &apiError{status: 403, slug: "FORBIDDEN",
			msg: fmt.Sprintf("Channel %q is not this project's channel %q", channel, f.RealtimeChannel())}
	}
	return 200, map[string]any{"auth": f.rt.signature(socketID, channel)}, nil
}

// ---------------------------------------------------------------- websocket

// isRealtimePath reports whether path is the fake's Pusher websocket.
func isRealtimePath(path string) bool { return strings.HasPrefix(path, "/app/") }

// pusherMessage is one Pusher protocol message as the fake sends it.
type pusherMessage struct {
	Event   string `json:"event"`
	Channel string `json:"channel,omitempty"`
	Data    any    `json:"data"`
}

// serveRealtime runs one Pusher connection: connection_established,
// subscriptions checked against the channel signature, ping and pong.
// Published events are written by publish, from other goroutines.
func (f *Fake) serveRealtime(w http.ResponseWriter, r *http.Request) {
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true}) // a local fake: any browser origin
	if err != nil {
		return
	}
	defer func() { _ = ws.CloseNow() }()
	ws.SetReadLimit(realtimeReadLimit)
	ctx := context.Background() // the connection ends by being closed, not by a context
	h := f.rt
	c := &realtimeConn{ws: ws, socketID: newSocketID(), channels: map[string]bool{}}

	refuse := func(code int, msg string) {
		_ = writePusher(ctx, ws, pusherMessage{Event: pusherError, Data: map[string]any{"code": code, "message": msg}})
		_ = ws.Close(websocket.StatusCode(code), msg)
	}
	switch q := r.URL.Query().Get("protocol"); {
	case q == "":
		refuse(4008, "No protocol version supplied")
		return
	case q != "7":
		refuse(4007, "Unsupported protocol version "+q)
		return
	}
	if key := strings.TrimPrefix(r.URL.Path, "/app/"); key != RealtimeKey {
		refuse(4001, fmt.Sprintf("App key %s not in this cluster. Did you forget to specify the cluster?", key))
		return
	}
	if !h.add(c) {
		_ = ws.Close(websocket.StatusGoingAway, "server shutting down")
		return
	}
	defer h.remove(c)

	established, _ := json.Marshal(map[string]any{"socket_id": c.socketID, "activity_timeout": int(RealtimeActivityTimeout / time.Second)})
	if writePusher(ctx, ws, pusherMessage{Event: pusherConnectionEstablished, Data: string(established)}) != nil {
		return
	}
	f.opts.log.Info("composiotest: realtime connection", "socket_id", c.socketID)
	for {
		_, b, err := ws.Read(ctx)
		if err != nil {
			return
		}
		var m struct {
			Event string          `json:"event"`
			Data  json.RawMessage `json:"data"`
		}
		if json.Unmarshal(b, &m) != nil {
			_ = writePusher(ctx, ws, pusherMessage{Event: pusherError, Data: map[string]any{"code": nil, "message": "Unable to parse message"}})
			continue
		}
		switch m.Event {
		case pusherPing:
			if !h.isSilent(c) {
				_ = writePusher(ctx, ws, pusherMessage{Event: pusherPong, Data: map[string]any{}})
			}
		case pusherSubscribe:
			f.subscribe(ctx, c, pusherData(m.Data))
		case pusherUnsubscribe:
			var d struct {
				Channel string `json:"channel"`
			}
			_ = json.Unmarshal(pusherData(m.Data), &d)
			h.mu.Lock()
			delete(c.channels, d.Channel)
			h.mu.Unlock()
		}
	}
}

// subscribe checks a pusher:subscribe as Pusher does: a private channel
// needs auth = key:HMAC-SHA256(secret, socket_id:channel).
func (f *Fake) subscribe(ctx context.Context, c *realtimeConn, data []byte) {
	var d struct {
		Channel string `json:"channel"`
		Auth    string `json:"auth"`
	}
	_ = json.Unmarshal(data, &d)
	h := f.rt
	fail := func(status int, msg string) {
		_ = writePusher(ctx, c.ws, pusherMessage{Event: pusherSubscriptionError, Channel: d.Channel,
			Data: map[string]any{"type": "AuthError", "error": msg, "status": status}})
	}
	switch {
	case d.Channel == "":
		fail(400, "No channel given")
		return
	case strings.HasPrefix(d.Channel, "private-") || strings.HasPrefix(d.Channel, "presence-"):
		if !hmac.Equal([]byte(d.Auth), []byte(h.signature(c.socketID, d.Channel))) {
			fail(401, fmt.Sprintf("Invalid signature: Expected HMAC SHA256 hex digest of %s:%s, but got %s", c.socketID, d.Channel, d.Auth))
			return
		}
	}
	// Subscribed before the answer, so that an event published once the
	// client has seen the answer reaches it.
	h.mu.Lock()
	c.channels[d.Channel] = true
	h.mu.Unlock()
	_ = writePusher(ctx, c.ws, pusherMessage{Event: pusherSubscriptionSucceeded, Channel: d.Channel, Data: "{}"})
}

// pusherData returns a message's data as JSON: Pusher clients send it as an
// object, or as a string holding one.
func pusherData(raw json.RawMessage) []byte {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []byte(s)
	}
	return raw
}

func writePusher(ctx context.Context, ws *websocket.Conn, m pusherMessage) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, realtimeWriteTimeout)
	defer cancel()
	return ws.Write(ctx, websocket.MessageText, b)
}

func newSocketID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	n := func(p []byte) string {
		var v uint64
		for _, x := range p {
			v = v<<8 | uint64(x)
		}
		return strconv.FormatUint(v%1_000_000_000, 10)
	}
	return n(b[:4]) + "." + n(b[4:])
}

func (h *realtimeHub) add(c *realtimeConn) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.conns[c] = struct{}{}
	return true
}

func (h *realtimeHub) remove(c *realtimeConn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.conns, c)
}

func (h *realtimeHub) isSilent(c *realtimeConn) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return c.silent
}

// subscribers returns the connections subscribed to channel.
func (h *realtimeHub) subscribers(channel string) []*realtimeConn {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []*realtimeConn
	for c := range h.conns {
		if c.channels[channel] && !c.silent {
			out = append(out, c)
		}
	}
	return out
}

// closeAll closes every connection with code and reason, concurrently, and
// returns how many there were. With shutdown, new connections are refused
// from then on.
func (h *realtimeHub) closeAll(code websocket.StatusCode, reason string, shutdown bool) int {
	h.mu.Lock()
	if shutdown {
		h.closed = true
	}
	conns := make([]*realtimeConn, 0, len(h.conns))
	for c := range h.conns {
		conns = append(conns, c)
	}
	h.mu.Unlock()
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Go(func() {
			if shutdown {
				_ = c.ws.CloseNow()
				return
			}
			_ = c.ws.Close(code, reason)
		})
	}
	wg.Wait()
	return len(conns)
}

// CloseRealtime closes every open realtime connection with a Pusher close
// code and reason, as Pusher does: 4000-4099 tell the client not to
// reconnect, 4100-4199 to reconnect after backing off, 4200-4299 to
// reconnect at once. A pusher:error carrying the code precedes the close.
// It returns the number of connections closed, once their close handshakes
// are done (concurrently, each bounded by the websocket library's 5 s).
func (f *Fake) CloseRealtime(code int, reason string) int {
	for _, c := range f.rt.all() {
		_ = writePusher(context.Background(), c.ws, pusherMessage{Event: pusherError, Data: map[string]any{"code": code, "message": reason}})
	}
	return f.rt.closeAll(websocket.StatusCode(code), reason, false)
}

func (h *realtimeHub) all() []*realtimeConn {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]*realtimeConn, 0, len(h.conns))
	for c := range h.conns {
		out = append(out, c)
	}
	return out
}

// SilenceRealtime makes the realtime connections open now go silent, as a
// connection whose network path died does: they no longer answer
// pusher:ping nor receive events, but stay open. Connections opened later
// are not affected. It returns how many it silenced; a client should notice
// and reconnect.
func (f *Fake) SilenceRealtime() int {
	f.rt.mu.Lock()
	defer f.rt.mu.Unlock()
	for c := range f.rt.conns {
		c.silent = true
	}
	return len(f.rt.conns)
}

// shutdownRealtime closes every realtime connection and refuses new ones,
// so that no websocket outlives the server (an http.Server does not track
// hijacked connections).
func (f *Fake) shutdownRealtime() {
	f.rt.closeAll(websocket.StatusGoingAway, "server shutting down", true)
}

// ---------------------------------------------------------------- publishing

// PublishRealtime publishes a trigger event for a trigger instance on the
// project's realtime channel, as Composio does for the SDKs'
// triggers.subscribe, and returns the number of connections it was written
// to. Deliver publishes too; PublishRealtime does it without a webhook
// subscription being involved. The data is sent as one trigger_to_client
// event, or, when longer than the chunk size (WithRealtimeChunkSize), as
// chunked-trigger_to_client events. It fails, publishing nothing, when the
// trigger instance is unknown, disabled or deleted, or Data is not JSON.
func (f *Fake) PublishRealtime(ctx context.Context, d Delivery) (int, error) {
	data, err := f.realtimeData(d)
	if err != nil {
		return 0, err
	}
	return f.publish(ctx, data), nil
}

// realtimeData is the data of the trigger_to_client event for d: the
// SDKs' trigger data (appName, payload, originalPayload, metadata with the
// trigger and its connection), as in testdata/realtime.
func (f *Fake) realtimeData(d Delivery) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.triggerByID(d.TriggerID)
	if t == nil {
		return nil, fmt.Errorf("%w %q", ErrUnknownTrigger, d.TriggerID)
	}
	if t.Disabled || t.Deleted {
		return nil, fmt.Errorf("%w: %s", ErrTriggerNotActive, t.ID)
	}
	payload := json.RawMessage(strings.TrimSpace(string(d.Data)))
	if len(payload) == 0 {
		payload = json.RawMessage("{}")
	}
	if !json.Valid(payload) {
		return nil, errors.New("composiotest: Delivery.Data is not valid JSON")
	}
	toolkit, _, _ := strings.Cut(strings.ToLower(t.Slug), "_")
	conn := map[string]any{"id": "", "connectedAccountNanoId": t.ConnectedAccountID, "clientUniqueUserId": t.UserID, "status": "ACTIVE"}
	if a := f.accountByID(t.ConnectedAccountID); a != nil {
		toolkit = a.Toolkit
		conn["id"], conn["authConfigNanoId"], conn["status"] = a.uuid, a.AuthConfigID, a.Status
	}
	config := t.Config
	if len(config) == 0 {
		config = json.RawMessage("{}")
	}
	return marshal(map[string]any{
		"appName":         toolkit,
		"payload":         payload,
		"originalPayload": payload,
		"metadata": map[string]any{
			"id":               t.uuid,
			"nanoId":           t.ID,
			"connectionId":     conn["id"],
			"connectionNanoId": t.ConnectedAccountID,
			"triggerName":      strings.ToUpper(t.Slug),
			"triggerData":      "",
			"triggerConfig":    config,
			"connection":       conn,
		},
	})
}

// publish writes data to every subscriber of the project's channel, split
// into chunks when it is longer than the chunk size.
func (f *Fake) publish(ctx context.Context, data []byte) int {
	channel := f.RealtimeChannel()
	msgs := []pusherMessage{{Event: realtimeEventName, Channel: channel, Data: string(data)}}
	if len(data) > f.rt.chunkSize {
		msgs = msgs[:0]
		id := newID("chunk_")
		chunks := splitUTF8(string(data), f.rt.chunkSize)
		for i, chunk := range chunks {
			b, _ := json.Marshal(map[string]any{"id": id, "index": i, "chunk": chunk, "final": i == len(chunks)-1})
			msgs = append(msgs, pusherMessage{Event: realtimeChunkedEventName, Channel: channel, Data: string(b)})
		}
	}
	n := 0
	for _, c := range f.rt.subscribers(channel) {
		ok := true
		for _, m := range msgs {
			if err := writePusher(ctx, c.ws, m); err != nil {
				ok = false
				break
			}
		}
		if ok {
			n++
		}
	}
	f.opts.log.Info("composiotest: published realtime event", "channel", channel, "bytes", len(data), "messages", len(msgs), "connections", n)
	return n
}

// splitUTF8 cuts s into pieces of at most n (>= utf8.UTFMax) bytes, never
// inside a UTF-8 sequence (a chunk is a JSON string, which cannot hold half
// a rune).
func splitUTF8(s string, n int) []string {
	var out []string
	for len(s) > n {
		cut := n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		out = append(out, s[:cut])
		s = s[cut:]
	}
	return append(out, s)
}
