package composio

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"slices"
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
	// Raw is the object exactly as the API sent it, fields this type does
	// not hold included (triggergen pull stores it in the lock).
	Raw json.RawMessage
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

// TriggerType returns one trigger type. The toolkit versions pinned by
// WithToolkitVersion and COMPOSIO_TOOLKIT_VERSION_<TOOLKIT> are sent;
// otherwise the latest version is described. An unknown slug matches
// ErrNotFound.
func (c *Client) TriggerType(ctx context.Context, slug string, opts ...Option) (*TriggerType, error) {
	op := "get trigger type " + slug
	if strings.TrimSpace(slug) == "" {
		return nil, errorf(op, "empty slug")
	}
	s, err := c.callSettings(opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	params := &gen.GetTriggerTypeParams{ToolkitVersions: s.queryMap(nil, c.env)}
	t, r, err := call[gen.TriggerType](ctx, c, s, request{op: op, retry: true, send: func(ctx context.Context, edit gen.RequestEditorFn) (*http.Response, error) {
		return c.api.GetTriggerType(ctx, slug, params, edit)
	}})
	if err != nil {
		return nil, err
	}
	tt := triggerTypeFromGen(*t)
	tt.Raw = r.body
	return &tt, nil
}

// TriggerTypesParams narrow TriggerTypes; empty fields do not filter.
type TriggerTypesParams struct {
	// Toolkits lists only the trigger types of these toolkits (slugs). Their
	// versions follow WithToolkitVersion and
	// COMPOSIO_TOOLKIT_VERSION_<TOOLKIT>; otherwise the latest is listed.
	Toolkits []string
	// PageSize is the number of items per request, at most MaxPageSize (the
	// server's default when 0).
	PageSize int
}

// TriggerTypes iterates over every trigger type matching p, across all pages
// (at most WithMaxPages of them). It stops at the first error, which it
// yields once.
func (c *Client) TriggerTypes(ctx context.Context, p TriggerTypesParams, opts ...Option) iter.Seq2[TriggerType, error] {
	op := "list trigger types"
	if len(p.Toolkits) > 0 {
		op += " of " + strings.Join(p.Toolkits, ", ")
	}
	return func(yield func(TriggerType, error) bool) {
		s, err := c.listSettings(opts, p.PageSize)
		if err != nil {
			yield(TriggerType{}, fmt.Errorf("%s: %w", op, err))
			return
		}
		params := &gen.ListTriggerTypesParams{ToolkitVersions: s.queryMap(p.Toolkits, c.env)}
		if len(p.Toolkits) > 0 {
			params.ToolkitSlugs = ptr(slices.Clone(p.Toolkits))
		}
		if p.PageSize > 0 {
			params.Limit = ptr(p.PageSize)
		}
		paginateRaw(ctx, c, s, op, yield,
			func(ctx context.Context, cursor *string, edit gen.RequestEditorFn) (*http.Response, error) {
				params.Cursor = cursor
				return c.api.ListTriggerTypes(ctx, params, edit)
			},
			func(p *gen.TriggerTypePage) ([]gen.TriggerType, *string) { return p.Items, p.NextCursor },
			func(t gen.TriggerType, raw json.RawMessage) TriggerType {
				tt := triggerTypeFromGen(t)
				tt.Raw = raw
				return tt
			})
	}
}

// paginate drives a cursor-paginated list, converting each item with conv.
func paginate[P, G, T any](ctx context.Context, c *Client, s *settings, op string, yield func(T, error) bool,
	send func(context.Context, *string, gen.RequestEditorFn) (*http.Response, error),
	page func(*P) ([]G, *string), conv func(G) T) {
	pages(ctx, c, s, op, yield, send, page, false, func(g G, _ json.RawMessage) T { return conv(g) })
}

// paginateRaw is paginate whose conv also gets each item's JSON as sent.
func paginateRaw[P, G, T any](ctx context.Context, c *Client, s *settings, op string, yield func(T, error) bool,
	send func(context.Context, *string, gen.RequestEditorFn) (*http.Response, error),
	page func(*P) ([]G, *string), conv func(G, json.RawMessage) T) {
	pages(ctx, c, s, op, yield, send, page, true, conv)
}

// pages drives a list for paginate and paginateRaw (raw: find each item's
// JSON). It reads at most s.maxPages pages, and a cursor the API sent before
// is an error: either would otherwise loop for ever, or stop silently short.
func pages[P, G, T any](ctx context.Context, c *Client, s *settings, op string, yield func(T, error) bool,
	send func(context.Context, *string, gen.RequestEditorFn) (*http.Response, error),
	page func(*P) ([]G, *string), raw bool, conv func(G, json.RawMessage) T) {
	var cursor *string
	seen := map[string]bool{}
	for n := 1; ; n++ {
		cur := cursor
		p, r, err := call[P](ctx, c, s, request{op: op, retry: true, send: func(ctx context.Context, edit gen.RequestEditorFn) (*http.Response, error) {
			return send(ctx, cur, edit)
		}})
		if err != nil {
			var zero T
			yield(zero, err)
			return
		}
		items, next := page(p)
		var raws []json.RawMessage
		if raw {
			raws = rawItems(r.body)
		}
		for i, it := range items {
			var itemRaw json.RawMessage
			if len(raws) == len(items) {
				itemRaw = raws[i]
			}
			if !yield(conv(it, itemRaw), nil) {
				return
			}
		}
		if next == nil || *next == "" || len(items) == 0 {
			return
		}
		var perr error
		switch {
		case seen[*next]:
			perr = fmt.Errorf("%s: %w: page %d repeats cursor %q", op, ErrPagination, n, *next)
		case n >= s.maxPages:
			perr = fmt.Errorf("%s: %w: more than %d pages (WithMaxPages)", op, ErrPagination, s.maxPages)
		}
		if perr != nil {
			var zero T
			yield(zero, perr)
			return
		}
		seen[*next] = true
		cursor = next
	}
}

// rawItems returns the elements of a page's "items" array as sent.
func rawItems(body []byte) []json.RawMessage {
	var p struct {
		Items []json.RawMessage `json:"items"`
	}
	if json.Unmarshal(body, &p) != nil {
		return nil
	}
	return p.Items
}
