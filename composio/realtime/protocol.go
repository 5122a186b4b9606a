package realtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// Pusher protocol 7 event names (pusher.com, "Pusher Channels Protocol"),
// and the two Composio publishes trigger events as.
const (
	evConnectionEstablished = "pusher:connection_established"
	evError                 = "pusher:error"
	evPing                  = "pusher:ping"
	evPong                  = "pusher:pong"
	evSubscribe             = "pusher:subscribe"
	evSubscriptionSucceeded = "pusher_internal:subscription_succeeded"
	evSubscriptionError     = "pusher:subscription_error"
	evTrigger               = "trigger_to_client"
	evTriggerChunked        = "chunked-trigger_to_client"
)

// pusherMessage is one decoded Pusher message.
type pusherMessage struct {
	Event   string
	Channel string
	// Data is the message's data as JSON text: Pusher servers send it as a
	// JSON string holding JSON, which is unwrapped; an object is kept as
	// it is. Nil when absent or null.
	Data []byte
}

// errMalformed is wrapped by every decodePusher error.
var errMalformed = errors.New("malformed Pusher message")

// decodePusher decodes one websocket text message of the Pusher protocol.
func decodePusher(b []byte) (pusherMessage, error) {
	var raw struct {
		Event   *string         `json:"event"`
		Channel string          `json:"channel"`
		Data    json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return pusherMessage{}, fmt.Errorf("%w: %v", errMalformed, err)
	}
	if raw.Event == nil || *raw.Event == "" {
		return pusherMessage{}, fmt.Errorf("%w: no event name", errMalformed)
	}
	m := pusherMessage{Event: *raw.Event, Channel: raw.Channel}
	data := bytes.TrimSpace(raw.Data)
	switch {
	case len(data) == 0 || string(data) == "null":
	case data[0] == '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return pusherMessage{}, fmt.Errorf("%w: data: %v", errMalformed, err)
		}
		m.Data = []byte(s)
	default:
		m.Data = data
	}
	return m, nil
}

// encodePusher encodes a message the client sends; data is sent as a JSON
// object, as pusher-js sends pusher:subscribe and pusher:ping.
func encodePusher(event string, data any) []byte {
	b, _ := json.Marshal(struct {
		Event string `json:"event"`
		Data  any    `json:"data"`
	}{event, data})
	return b
}

// connectionEstablished is the data of pusher:connection_established.
type connectionEstablished struct {
	SocketID string `json:"socket_id"`
	// ActivityTimeout is in seconds.
	ActivityTimeout int `json:"activity_timeout"`
}

func decodeEstablished(data []byte) (connectionEstablished, error) {
	var c connectionEstablished
	if err := json.Unmarshal(data, &c); err != nil {
		return c, fmt.Errorf("%w: %s: %v", errMalformed, evConnectionEstablished, err)
	}
	if c.SocketID == "" {
		return c, fmt.Errorf("%w: %s without socket_id", errMalformed, evConnectionEstablished)
	}
	return c, nil
}

// pusherErrorData is the data of pusher:error; code is null or a close
// code.
type pusherErrorData struct {
	Code    *int   `json:"code"`
	Message string `json:"message"`
}

func decodeError(data []byte) pusherErrorData {
	var e pusherErrorData
	if json.Unmarshal(data, &e) != nil {
		e.Message = string(data)
	}
	return e
}

func (e pusherErrorData) String() string {
	if e.Code == nil {
		return e.Message
	}
	return strconv.Itoa(*e.Code) + ": " + e.Message
}

// subscriptionErrorData is the data of pusher:subscription_error, as
// pusher-js reports a refused channel authorization.
type subscriptionErrorData struct {
	Type   string `json:"type"`
	Error  string `json:"error"`
	Status int    `json:"status"`
}

// chunk is the data of chunked-trigger_to_client.
type chunk struct {
	ID    string `json:"id"`
	Index int    `json:"index"`
	Chunk string `json:"chunk"`
	Final bool   `json:"final"`
}

func decodeChunk(data []byte) (chunk, error) {
	var c chunk
	if err := json.Unmarshal(data, &c); err != nil {
		return c, fmt.Errorf("%w: %s: %v", errMalformed, evTriggerChunked, err)
	}
	if c.ID == "" {
		return c, fmt.Errorf("%w: %s without id", errMalformed, evTriggerChunked)
	}
	return c, nil
}
