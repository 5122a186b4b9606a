package composio

import (
	"context"
	"fmt"
	"net/http"

	"github.com/triggergen/triggergen/gen"
)

// RealtimeCredentials say where the project's trigger events are published
// for realtime subscribers (Pusher Channels), as the SDKs' internal route
// GET /api/v3/internal/sdk/realtime/credentials answers. Package
// composio/realtime subscribes with them.
type RealtimeCredentials struct {
	// PusherKey is the Pusher app key.
	PusherKey string
	// ProjectID names the project's channel, private-{ProjectID}_triggers.
	ProjectID string
	// PusherCluster is the Pusher cluster, e.g. "mt1".
	PusherCluster string
}

// RealtimeCredentials fetches the project's realtime credentials. The route
// is internal to Composio's SDKs (their triggers.subscribe uses it), not part
// of the public API.
func (c *Client) RealtimeCredentials(ctx context.Context, opts ...Option) (*RealtimeCredentials, error) {
	const op = "get realtime credentials"
	s, err := c.callSettings(opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	v, _, err := call[gen.RealtimeCredentials](ctx, c, s, request{op: op, retry: true, send: func(ctx context.Context, edit gen.RequestEditorFn) (*http.Response, error) {
		return c.api.GetRealtimeCredentials(ctx, edit)
	}})
	if err != nil {
		return nil, err
	}
	if v.PusherKey == "" || v.ProjectID == "" {
		return nil, errorf(op, "answer lacks pusher_key or project_id")
	}
	return &RealtimeCredentials{PusherKey: v.PusherKey, ProjectID: v.ProjectID, PusherCluster: v.PusherCluster}, nil
}

// AuthorizeRealtimeChannel asks Composio to authorize the Pusher connection
// socketID to subscribe to the private channel, as pusher-js does
// (POST /api/v3/internal/sdk/realtime/auth). It returns the "key:signature"
// value pusher:subscribe carries. The signature is bound to that socket and
// channel, so it is not a secret worth hiding; it is retried like a read.
func (c *Client) AuthorizeRealtimeChannel(ctx context.Context, socketID, channel string, opts ...Option) (string, error) {
	const op = "authorize realtime channel"
	if socketID == "" || channel == "" {
		return "", errorf(op, "empty socket id or channel name")
	}
	s, err := c.callSettings(opts)
	if err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	body := gen.RealtimeAuthRequest{SocketID: socketID, ChannelName: channel}
	v, _, err := call[gen.RealtimeAuth](ctx, c, s, request{op: op, retry: true, send: func(ctx context.Context, edit gen.RequestEditorFn) (*http.Response, error) {
		return c.api.AuthorizeRealtimeChannelWithFormdataBody(ctx, body, edit)
	}})
	if err != nil {
		return "", err
	}
	if v.Auth == "" {
		return "", errorf(op, "answer has an empty auth")
	}
	return v.Auth, nil
}
