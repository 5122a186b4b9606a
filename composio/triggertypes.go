package composio

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"strings"

	"github.com/triggergen/triggergen/gen"
	"github.com/triggergen/triggergen/trigger"
)

// TriggerType is a trigger type as the API describes it now (the generated
// packages hold the same facts as of generation time, in trigger.Type).
type TriggerType struct {
	// Slug is e.g. "GITHUB_COMMIT_EVENT".
	Slug string
	// Name and Description are for people.
	Name         string
	Description  string
	Instructions string
	// Toolkit is the toolkit slug, e.g. "github".
	Toolkit string
	// Version is the toolkit version the description is from.
	Version string
	// Kind is webhook or poll.
	Kind trigger.Kind
	// Config is the JSON Schema of the trigger's config.
	Config json.RawMessage
	// Payload is the JSON Schema of the events' data.
	Payload json.RawMessage
	// RequiresWebhookEndpointSetup reports whether, with your own OAuth app,
	// a webhook endpoint must be set up first (see SetupWebhookEndpoint).
	RequiresWebhookEndpointSetup bool
}

func triggerTypeFromGen(t gen.TriggerType) TriggerType {
	return TriggerType{
		Slug:                         t.Slug,
		Name:                         t.Name,
		Description:                  t.Description,
		Instructions:                 t.Instructions,
		Toolkit:                      t.Toolkit.Slug,
		Version:                      t.Version,
		Kind:                         trigger.Kind(t.Type),
		Config:                       rawJSON(t.Config),
		Payload:                      rawJSON(t.Payload),
		RequiresWebhookEndpointSetup: deref(t.RequiresWebhookEndpointSetup),
	}
}

// TriggerType returns one trigger type. The toolkit versions pinned on the
// client (WithToolkitVersion, COMPOSIO_TOOLKIT_VERSION_<TOOLKIT>) are sent;
// otherwise the latest version is described. An unknown slug matches
// ErrNotFound.
func (c *Client) TriggerType(ctx context.Context, slug string) (*TriggerType, error) {
	op := "get trigger type " + slug
	if strings.TrimSpace(slug) == "" {
		return nil, errorf(op, "empty slug")
	}
	params := &gen.GetTriggerTypeParams{ToolkitVersions: c.versions.queryMap(nil)}
	t, _, err := call[gen.TriggerType](ctx, c, request{op: op, retry: true, send: func(ctx context.Context) (*http.Response, error) {
		return c.api.GetTriggerType(ctx, slug, params)
	}})
	if err != nil {
		return nil, err
	}
	tt := triggerTypeFromGen(*t)
	return &tt, nil
}

// ListOption narrows TriggerTypes.
type ListOption func(*listSettings)

type listSettings struct {
	toolkits []string
	pageSize int
}

// InToolkits lists only the trigger types of these toolkits.
func InToolkits(toolkits ...string) ListOption {
	return func(s *listSettings) { s.toolkits = append(s.toolkits, toolkits...) }
}

// PageSize sets how many items each request asks for (the server's default
// otherwise).
func PageSize(n int) ListOption { return func(s *listSettings) { s.pageSize = n } }

// TriggerTypes iterates over every trigger type, across all pages. It stops
// at the first error, which it yields once.
func (c *Client) TriggerTypes(ctx context.Context, opts ...ListOption) iter.Seq2[TriggerType, error] {
	var s listSettings
	for _, o := range opts {
		o(&s)
	}
	return func(yield func(TriggerType, error) bool) {
		params := &gen.ListTriggerTypesParams{ToolkitVersions: c.versions.queryMap(s.toolkits)}
		if len(s.toolkits) > 0 {
			params.ToolkitSlugs = ptr(s.toolkits)
		}
		if s.pageSize > 0 {
			params.Limit = ptr(s.pageSize)
		}
		paginate(ctx, c, "list trigger types", yield,
			func(ctx context.Context, cursor *string) (*http.Response, error) {
				params.Cursor = cursor
				return c.api.ListTriggerTypes(ctx, params)
			},
			func(p *gen.TriggerTypePage) ([]gen.TriggerType, *string) { return p.Items, p.NextCursor },
			triggerTypeFromGen)
	}
}

// paginate drives a cursor-paginated list, converting each item with conv.
func paginate[P, G, T any](ctx context.Context, c *Client, op string, yield func(T, error) bool,
	send func(context.Context, *string) (*http.Response, error),
	page func(*P) ([]G, *string), conv func(G) T) {
	var cursor *string
	seen := map[string]bool{}
	for {
		cur := cursor
		r, err := c.do(ctx, request{op: op, retry: true, send: func(ctx context.Context) (*http.Response, error) {
			return send(ctx, cur)
		}})
		if err != nil {
			var zero T
			yield(zero, err)
			return
		}
		p, err := decode[P](op, r)
		if err != nil {
			var zero T
			yield(zero, err)
			return
		}
		items, next := page(p)
		for _, it := range items {
			if !yield(conv(it), nil) {
				return
			}
		}
		if next == nil || *next == "" || seen[*next] || len(items) == 0 {
			return
		}
		seen[*next] = true
		cursor = next
	}
}
