package inbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/triggergen/triggergen/webhook"
)

// TaskType is the asynq task type under which a delivery is stored. The
// asynq CLI and web UI show it beside each task.
const TaskType = "composio:delivery"

// keptHeaders are the request headers a Delivery keeps: what the worker
// decodes with (id, version), what identifies the attempt, and the
// signature with its timestamp, so a stored delivery can be checked against
// the secret later. Nothing else of the request is stored.
var keptHeaders = []string{
	webhook.HeaderID,
	webhook.HeaderTimestamp,
	webhook.HeaderSignature,
	webhook.HeaderVersion,
	webhook.HeaderDeliveryAttempt,
}

// Delivery is a delivery as the inbox stores it in an asynq task's payload:
// the raw body, byte for byte, the headers that matter (webhook-id,
// webhook-timestamp, webhook-signature, x-composio-webhook-version,
// x-composio-delivery-attempt) and when the Handler received it.
//
// The payload is one line of JSON in printable ASCII, such as
//
//	{"format":1,"received_at":"…","header":{"Webhook-Id":["msg_…"],…},"body":"{\"id\":\"msg_…\",…}"}
//
// with the body as a JSON string (or, when it is not valid UTF-8, as
// base64 under "body_base64"), because the asynq CLI and web UI show a
// payload only when every character is printable: a newline hides it.
// ParseDelivery reads it back.
type Delivery struct {
	Header     http.Header
	Body       []byte
	ReceivedAt time.Time
}

// deliveryFormat is the payload format MarshalBinary writes. A worker meeting
// a higher number was deployed before the handler that wrote it: it fails the
// task with ErrUnknownFormat, which is retried, rather than archive it.
const deliveryFormat = 1

// storedDelivery is the payload's JSON.
type storedDelivery struct {
	Format     int         `json:"format"`
	ReceivedAt time.Time   `json:"received_at"`
	Header     http.Header `json:"header"`
	Body       *string     `json:"body,omitempty"`
	Body64     []byte      `json:"body_base64,omitempty"`
}

// Errors of ParseDelivery.
var (
	// ErrMalformedDelivery: the payload is not a stored delivery.
	ErrMalformedDelivery = errors.New("inbox: malformed stored delivery")
	// ErrUnknownFormat: the payload was written by a newer version of
	// this package.
	ErrUnknownFormat = errors.New("inbox: stored delivery of an unknown format")
)

// newDelivery keeps the headers of h that matter.
func newDelivery(h http.Header, body []byte, received time.Time) *Delivery {
	d := &Delivery{Header: http.Header{}, Body: body, ReceivedAt: received}
	for _, k := range keptHeaders {
		if vs := h.Values(k); len(vs) > 0 {
			d.Header[http.CanonicalHeaderKey(k)] = vs
		}
	}
	return d
}

// MarshalBinary encodes d as a task payload. Header values are stored as
// JSON strings: bytes that are not UTF-8 become U+FFFD.
func (d *Delivery) MarshalBinary() ([]byte, error) {
	s := storedDelivery{Format: deliveryFormat, ReceivedAt: d.ReceivedAt, Header: d.Header}
	if utf8.Valid(d.Body) {
		body := string(d.Body)
		s.Body = &body
	} else {
		s.Body64 = d.Body
	}
	out, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("inbox: encode delivery: %w", err)
	}
	return asciiJSON(out), nil
}

// asciiJSON rewrites every non-ASCII character and DEL of the JSON text b
// (all of them inside strings, where encoding/json has already escaped the
// other control characters) as a \u escape, so the text is printable ASCII.
// It decodes to the same values.
func asciiJSON(b []byte) []byte {
	i := 0
	for i < len(b) && b[i] < 0x7f {
		i++
	}
	if i == len(b) {
		return b
	}
	out := make([]byte, 0, len(b)+len(b)/4)
	out = append(out, b[:i]...)
	for _, r := range string(b[i:]) {
		switch {
		case r < 0x7f:
			out = append(out, byte(r))
		case r > 0xFFFF:
			r1, r2 := utf16.EncodeRune(r)
			out = appendU(appendU(out, r1), r2)
		default:
			out = appendU(out, r)
		}
	}
	return out
}

func appendU(out []byte, r rune) []byte {
	out = append(out, `\u`...)
	h := strconv.FormatInt(int64(r), 16)
	for range 4 - len(h) {
		out = append(out, '0')
	}
	return append(out, h...)
}

// ParseDelivery decodes a task payload written by MarshalBinary. An error
// matches ErrMalformedDelivery or ErrUnknownFormat.
func ParseDelivery(payload []byte) (*Delivery, error) {
	var s storedDelivery
	if err := json.Unmarshal(payload, &s); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformedDelivery, err)
	}
	switch {
	case s.Format > deliveryFormat:
		return nil, fmt.Errorf("%w %d (this worker reads %d): deploy the newer worker", ErrUnknownFormat, s.Format, deliveryFormat)
	case s.Format != deliveryFormat:
		return nil, fmt.Errorf("%w: format %d", ErrMalformedDelivery, s.Format)
	case s.Body == nil && s.Body64 == nil:
		return nil, fmt.Errorf("%w: no body", ErrMalformedDelivery)
	}
	d := &Delivery{Header: make(http.Header, len(s.Header)), Body: s.Body64, ReceivedAt: s.ReceivedAt}
	if s.Body != nil {
		d.Body = []byte(*s.Body)
	}
	for k, vs := range s.Header { // canonical keys, as Header.Get expects, whoever wrote them
		ck := http.CanonicalHeaderKey(k)
		d.Header[ck] = append(d.Header[ck], vs...)
	}
	return d, nil
}
