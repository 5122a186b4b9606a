package composio

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// decode decodes a 2xx answer's body. An answer without a body (the
// upsert's 204 "No content", which Composio's v3.1 client declares) is an
// error that says so, not a JSON syntax error.
func decode[T any](op string, r *response) (*T, error) {
	var v T
	if len(bytes.TrimSpace(r.body)) == 0 {
		return nil, fmt.Errorf("%s: the API answered %d %s with no body, where a result was expected", op, r.status, http.StatusText(r.status))
	}
	if err := json.Unmarshal(r.body, &v); err != nil {
		return nil, fmt.Errorf("%s: decode %d response: %w", op, r.status, err)
	}
	return &v, nil
}

// parseTime parses the API's timestamps (RFC 3339, with or without
// fraction); the zero time when absent or unparsable.
func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

func parseTimePtr(s *string) time.Time {
	if s == nil {
		return time.Time{}
	}
	return parseTime(*s)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func ptr[T any](v T) *T { return &v }

func rawJSON(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}

// call sends rq (with the call's settings s) and decodes the 2xx answer into
// a T. The response is returned too, for callers that need its status or raw
// body.
func call[T any](ctx context.Context, c *Client, s *settings, rq request) (*T, *response, error) {
	r, err := c.do(ctx, s, rq)
	if err != nil {
		return nil, nil, err
	}
	v, err := decode[T](rq.op, r)
	if err != nil {
		return nil, nil, err
	}
	return v, r, nil
}
