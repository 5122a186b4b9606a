package inbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

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
// The payload is one line of JSON holding the format version, the received
// time and the headers, a newline, then the body as received, so the asynq
// CLI and web UI show a readable event. ParseDelivery reads it back.
type Delivery struct {
	Header     http.Header
	Body       []byte
	ReceivedAt time.Time
}

// deliveryFormat is the payload format MarshalBinary writes. A worker meeting
// a higher number was deployed before the handler that wrote it: it fails the
// task with ErrUnknownFormat, which is retried, rather than archive it.
const deliveryFormat = 1

// deliveryHead is the payload's first line.
type deliveryHead struct {
	Format     int         `json:"format"`
	ReceivedAt time.Time   `json:"received_at"`
	Header     http.Header `json:"header"`
}

// Errors of ParseDelivery.
var (
	// ErrMalformedDelivery: the payload is not a stored delivery.
	ErrMalformedDelivery = errors.New("inbox: malformed stored delivery")
	// ErrUnknownFormat: the payload was written by a newer version of
	// this package.
	ErrUnknownFormat = errors.New("inbox: stored delivery of an unknown format")
)

// newDelivery keeps the headers of r that matter.
func newDelivery(h http.Header, body []byte, received time.Time) *Delivery {
	d := &Delivery{Header: http.Header{}, Body: body, ReceivedAt: received}
	for _, k := range keptHeaders {
		if vs := h.Values(k); len(vs) > 0 {
			d.Header[http.CanonicalHeaderKey(k)] = vs
		}
	}
	return d
}

// MarshalBinary encodes d as a task payload.
func (d *Delivery) MarshalBinary() ([]byte, error) {
	head, err := json.Marshal(deliveryHead{Format: deliveryFormat, ReceivedAt: d.ReceivedAt, Header: d.Header})
	if err != nil {
		return nil, fmt.Errorf("inbox: encode delivery: %w", err)
	}
	out := make([]byte, 0, len(head)+1+len(d.Body))
	out = append(out, head...)
	out = append(out, '\n')
	return append(out, d.Body...), nil
}

// ParseDelivery decodes a task payload written by MarshalBinary. An error
// matches ErrMalformedDelivery or ErrUnknownFormat. The Delivery's Body
// aliases payload.
func ParseDelivery(payload []byte) (*Delivery, error) {
	head, body, ok := bytes.Cut(payload, []byte{'\n'})
	if !ok {
		return nil, fmt.Errorf("%w: no header line", ErrMalformedDelivery)
	}
	var h deliveryHead
	if err := json.Unmarshal(head, &h); err != nil {
		return nil, fmt.Errorf("%w: header line: %v", ErrMalformedDelivery, err)
	}
	switch {
	case h.Format > deliveryFormat:
		return nil, fmt.Errorf("%w %d (this worker reads %d): deploy the newer worker", ErrUnknownFormat, h.Format, deliveryFormat)
	case h.Format != deliveryFormat:
		return nil, fmt.Errorf("%w: format %d", ErrMalformedDelivery, h.Format)
	}
	d := &Delivery{Header: make(http.Header, len(h.Header)), Body: body, ReceivedAt: h.ReceivedAt}
	for k, vs := range h.Header { // canonical keys, as Header.Get expects, whoever wrote them
		ck := http.CanonicalHeaderKey(k)
		d.Header[ck] = append(d.Header[ck], vs...)
	}
	return d, nil
}
