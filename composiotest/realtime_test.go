package composiotest

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"

	"github.com/triggergen/triggergen/gen"
)

// rtClient is a bare Pusher client of the fake's websocket, for checking
// the server side message by message.
type rtClient struct {
	t  *testing.T
	ws *websocket.Conn
}

func dialRealtime(t *testing.T, srv *Server, pathAndQuery string) *rtClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+pathAndQuery, nil)
	if err != nil {
		t.Fatal(err)
	}
	ws.SetReadLimit(1 << 20)
	t.Cleanup(func() { _ = ws.CloseNow() })
	return &rtClient{t: t, ws: ws}
}

type rtMessage struct {
	Event   string          `json:"event"`
	Channel string          `json:"channel"`
	Data    json.RawMessage `json:"data"`
}

// data is the message's data, unwrapped from its JSON string.
func (m rtMessage) data() []byte {
	var s string
	if json.Unmarshal(m.Data, &s) == nil {
		return []byte(s)
	}
	return m.Data
}

func (c *rtClient) read() rtMessage {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, b, err := c.ws.Read(ctx)
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	var m rtMessage
	if err := json.Unmarshal(b, &m); err != nil {
		c.t.Fatalf("message %s: %v", b, err)
	}
	return m
}

func (c *rtClient) send(event string, data any) {
	c.t.Helper()
	b, _ := json.Marshal(map[string]any{"event": event, "data": data})
	if err := c.ws.Write(context.Background(), websocket.MessageText, b); err != nil {
		c.t.Fatal(err)
	}
}

// readClose reads until the server closes, and returns the close.
func (c *rtClient) readClose() websocket.CloseError {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		_, _, err := c.ws.Read(ctx)
		if err == nil {
			continue
		}
		ce, ok := errors.AsType[websocket.CloseError](err)
		if !ok {
			c.t.Fatalf("read ended without a close frame: %v", err)
		}
		return ce
	}
}

// connectAndSubscribe runs the handshake: credentials, connection,
// channel authorization through the API, subscription.
func connectAndSubscribe(t *testing.T, srv *Server) (*rtClient, string) {
	t.Helper()
	c := client(t, srv)
	ctx := context.Background()
	creds, err := c.GetRealtimeCredentialsWithResponse(ctx)
	if err != nil || creds.JSON200 == nil {
		t.Fatalf("credentials: %v %s", err, creds.Body)
	}
	if creds.JSON200.PusherKey != RealtimeKey || creds.JSON200.ProjectID != "pr_test" || creds.JSON200.PusherCluster != RealtimeCluster {
		t.Errorf("credentials %+v", *creds.JSON200)
	}
	rc := dialRealtime(t, srv, "/app/"+creds.JSON200.PusherKey+"?protocol=7&client=test&version=1")
	est := rc.read()
	var e struct {
		SocketID        string `json:"socket_id"`
		ActivityTimeout int    `json:"activity_timeout"`
	}
	if est.Event != "pusher:connection_established" || json.Unmarshal(est.data(), &e) != nil || e.SocketID == "" || e.ActivityTimeout != 120 {
		t.Fatalf("first message %+v", est)
	}
	channel := srv.RealtimeChannel()
	auth, err := c.AuthorizeRealtimeChannelWithFormdataBodyWithResponse(ctx, gen.RealtimeAuthRequest{SocketID: e.SocketID, ChannelName: channel})
	if err != nil || auth.JSON200 == nil {
		t.Fatalf("auth: %v %s", err, auth.Body)
	}
	rc.send("pusher:subscribe", map[string]string{"channel": channel, "auth": auth.JSON200.Auth})
	if m := rc.read(); m.Event != "pusher_internal:subscription_succeeded" || m.Channel != channel {
		t.Fatalf("subscribe answered %+v", m)
	}
	return rc, e.SocketID
}

func TestRealtimeHandshakeAndPing(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	rc, _ := connectAndSubscribe(t, srv)
	rc.send("pusher:ping", map[string]any{})
	if m := rc.read(); m.Event != "pusher:pong" {
		t.Fatalf("ping answered %+v", m)
	}
	closed := make(chan int, 1)
	go func() { closed <- srv.CloseRealtime(4200, "reconnect now") }()
	if m := rc.read(); m.Event != "pusher:error" || !strings.Contains(string(m.Data), "4200") {
		t.Fatalf("before the close: %+v", m)
	}
	if ce := rc.readClose(); ce.Code != 4200 || ce.Reason != "reconnect now" {
		t.Fatalf("close %v", ce)
	}
	if n := <-closed; n != 1 {
		t.Errorf("CloseRealtime closed %d connections, want 1", n)
	}
}

// TestRealtimeSignatureChecked: the signature is Pusher's, HMAC-SHA256 of
// socket_id:channel under the app secret; anything else is refused.
func TestRealtimeSignatureChecked(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	c := client(t, srv)
	rc := dialRealtime(t, srv, "/app/"+RealtimeKey+"?protocol=7")
	var e struct {
		SocketID string `json:"socket_id"`
	}
	_ = json.Unmarshal(rc.read().data(), &e)
	channel := srv.RealtimeChannel()
	// A signature for another socket is refused.
	other, err := c.AuthorizeRealtimeChannelWithFormdataBodyWithResponse(context.Background(), gen.RealtimeAuthRequest{SocketID: "1.2", ChannelName: channel})
	if err != nil || other.JSON200 == nil {
		t.Fatal(err)
	}
	for _, auth := range []string{other.JSON200.Auth, "", RealtimeKey + ":" + strings.Repeat("0", 64)} {
		rc.send("pusher:subscribe", map[string]string{"channel": channel, "auth": auth})
		m := rc.read()
		var d struct {
			Type   string `json:"type"`
			Error  string `json:"error"`
			Status int    `json:"status"`
		}
		if m.Event != "pusher:subscription_error" || m.Channel != channel || json.Unmarshal(m.Data, &d) != nil || d.Status != 401 || !strings.Contains(d.Error, "Invalid signature") {
			t.Errorf("auth %q answered %+v", auth, m)
		}
	}
	// The signature the API gives for this socket is the HMAC Pusher
	// specifies: auth = key:hex(HMAC-SHA256(secret, socket_id:channel)).
	mine, err := c.AuthorizeRealtimeChannelWithFormdataBodyWithResponse(context.Background(), gen.RealtimeAuthRequest{SocketID: e.SocketID, ChannelName: channel})
	if err != nil || mine.JSON200 == nil {
		t.Fatal(err)
	}
	m := hmac.New(sha256.New, srv.rt.secret)
	m.Write([]byte(e.SocketID + ":" + channel))
	if want := RealtimeKey + ":" + hex.EncodeToString(m.Sum(nil)); mine.JSON200.Auth != want {
		t.Errorf("auth %q, want %q", mine.JSON200.Auth, want)
	}
	rc.send("pusher:subscribe", map[string]string{"channel": channel, "auth": mine.JSON200.Auth})
	if m := rc.read(); m.Event != "pusher_internal:subscription_succeeded" {
		t.Errorf("valid auth answered %+v", m)
	}
	// Only the project's channel is authorized.
	r, err := c.AuthorizeRealtimeChannelWithFormdataBodyWithResponse(context.Background(), gen.RealtimeAuthRequest{SocketID: e.SocketID, ChannelName: "private-other_triggers"})
	if err != nil || r.StatusCode() != 403 || r.JSON403 == nil {
		t.Errorf("other channel: %v %d %s", err, r.StatusCode(), r.Body)
	}
}

func TestRealtimeRefusesBadConnections(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	for _, tt := range []struct {
		path string
		code websocket.StatusCode
	}{
		{"/app/" + RealtimeKey, 4008},
		{"/app/" + RealtimeKey + "?protocol=6", 4007},
		{"/app/wrong-key?protocol=7", 4001},
	} {
		rc := dialRealtime(t, srv, tt.path)
		if m := rc.read(); m.Event != "pusher:error" {
			t.Errorf("%s: first message %+v", tt.path, m)
		}
		if ce := rc.readClose(); ce.Code != tt.code {
			t.Errorf("%s: close %v, want %d", tt.path, ce, tt.code)
		}
	}
}

// TestRealtimePublishAndChunks: a small event is one trigger_to_client; a
// large one arrives as chunked-trigger_to_client messages within the
// chunk size, cut on rune boundaries, that join to the same data. Deliver
// with a webhook subscription both posts and publishes; a refused Deliver
// publishes nothing.
func TestRealtimePublishAndChunks(t *testing.T) {
	t.Parallel()
	srv, _, tid, got, _ := deliverySetup(t, []string{"composio.trigger.message"}, gen.WebhookVersionV3)
	rc, _ := connectAndSubscribe(t, srv)
	ctx := context.Background()

	resp, err := srv.Deliver(ctx, Delivery{TriggerID: tid, Data: json.RawMessage(`{"id":"small"}`)})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if n := len(got()); n != 1 {
		t.Errorf("%d webhook deliveries, want 1", n)
	}
	m := rc.read()
	if m.Event != "trigger_to_client" || m.Channel != srv.RealtimeChannel() {
		t.Fatalf("published %+v", m)
	}
	var data struct {
		AppName  string          `json:"appName"`
		Payload  json.RawMessage `json:"payload"`
		Metadata struct {
			NanoID        string          `json:"nanoId"`
			TriggerName   string          `json:"triggerName"`
			TriggerConfig json.RawMessage `json:"triggerConfig"`
			Connection    struct {
				ConnectedAccountNanoID string `json:"connectedAccountNanoId"`
				AuthConfigNanoID       string `json:"authConfigNanoId"`
				ClientUniqueUserID     string `json:"clientUniqueUserId"`
				Status                 string `json:"status"`
			} `json:"connection"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(m.data(), &data); err != nil {
		t.Fatal(err)
	}
	md := data.Metadata
	if data.AppName != "github" || string(data.Payload) != `{"id":"small"}` || md.NanoID != tid || md.TriggerName != "GITHUB_COMMIT_EVENT" ||
		md.Connection.ConnectedAccountNanoID != "ca_1" || md.Connection.AuthConfigNanoID != "ac_1" ||
		md.Connection.ClientUniqueUserID != "u1" || md.Connection.Status != "ACTIVE" || !strings.Contains(string(md.TriggerConfig), `"repo"`) {
		t.Errorf("trigger data %s", m.data())
	}

	big, _ := json.Marshal(map[string]string{"id": "big", "text": strings.Repeat("aé€𝄞", 30<<10)})
	n, err := srv.PublishRealtime(ctx, Delivery{TriggerID: tid, Data: big})
	if err != nil || n != 1 {
		t.Fatalf("publish: %d, %v", n, err)
	}
	var joined []byte
	var id string
	for i := 0; ; i++ {
		m := rc.read()
		if m.Event != "chunked-trigger_to_client" {
			t.Fatalf("chunk %d: %+v", i, m.Event)
		}
		var c struct {
			ID    string `json:"id"`
			Index int    `json:"index"`
			Chunk string `json:"chunk"`
			Final bool   `json:"final"`
		}
		if err := json.Unmarshal(m.data(), &c); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			id = c.ID
		}
		if c.ID != id || c.Index != i || len(c.Chunk) > DefaultRealtimeChunkSize || !utf8.ValidString(c.Chunk) {
			t.Fatalf("chunk %d: id %q index %d, %d bytes, valid UTF-8 %v", i, c.ID, c.Index, len(c.Chunk), utf8.ValidString(c.Chunk))
		}
		joined = append(joined, c.Chunk...)
		if c.Final {
			if i < 10 {
				t.Errorf("only %d chunks", i+1)
			}
			break
		}
	}
	if err := json.Unmarshal(joined, &data); err != nil || string(data.Payload) != string(big) {
		t.Errorf("joined chunks do not give the data back (%v)", err)
	}

	// Refused deliveries publish nothing: the next message is the marker.
	if _, err := srv.Deliver(ctx, Delivery{TriggerID: "ti_nope"}); !errors.Is(err, ErrUnknownTrigger) {
		t.Fatal(err)
	}
	if _, err := srv.PublishRealtime(ctx, Delivery{TriggerID: tid, Data: json.RawMessage(`{`)}); err == nil {
		t.Fatal("invalid JSON published")
	}
	if _, err := srv.PublishRealtime(ctx, Delivery{TriggerID: tid, Data: json.RawMessage(`{"id":"marker"}`)}); err != nil {
		t.Fatal(err)
	}
	if m := rc.read(); !strings.Contains(string(m.data()), `"marker"`) {
		t.Errorf("after refusals: %s", m.data())
	}
}

func TestSplitUTF8(t *testing.T) {
	s := strings.Repeat("a€𝄞é", 100)
	for n := utf8.UTFMax; n < 20; n++ {
		parts := splitUTF8(s, n)
		if strings.Join(parts, "") != s {
			t.Fatalf("n=%d: parts do not join back", n)
		}
		for _, p := range parts {
			if len(p) > n || len(p) == 0 || !utf8.ValidString(p) {
				t.Fatalf("n=%d: part %q", n, p)
			}
		}
	}
}

// TestRealtimeSilence: a silenced connection answers no ping and gets no
// event (the next message is the answer to what follows the ping, since
// messages are handled in order); a connection opened later is unaffected.
func TestRealtimeSilence(t *testing.T) {
	t.Parallel()
	srv, _, tid, _, _ := deliverySetup(t, []string{"composio.trigger.message"}, gen.WebhookVersionV3)
	old, _ := connectAndSubscribe(t, srv)
	if n := srv.SilenceRealtime(); n != 1 {
		t.Fatalf("silenced %d connections", n)
	}
	fresh, _ := connectAndSubscribe(t, srv)
	if n, err := srv.PublishRealtime(context.Background(), Delivery{TriggerID: tid}); err != nil || n != 1 {
		t.Fatalf("published to %d connections (%v), want the fresh one", n, err)
	}
	if m := fresh.read(); m.Event != "trigger_to_client" {
		t.Errorf("fresh connection got %+v", m)
	}
	old.send("pusher:ping", map[string]any{})
	old.send("pusher:subscribe", map[string]string{"channel": "private-x", "auth": "bad"})
	if m := old.read(); m.Event != "pusher:subscription_error" {
		t.Errorf("silent connection: next message %+v", m)
	}
	fresh.send("pusher:ping", map[string]any{})
	if m := fresh.read(); m.Event != "pusher:pong" {
		t.Errorf("fresh connection: ping answered %+v", m)
	}
}
