package composio

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/triggergen/triggergen/gen"
	"github.com/triggergen/triggergen/trigger"
)

// Trigger is a trigger instance: a trigger type set up for one connected
// account with one config.
type Trigger struct {
	// ID is the trigger instance id (ti_…).
	ID string
	// Slug is the trigger type's slug.
	Slug string
	// UserID is the user the connected account belongs to.
	UserID string
	// ConnectedAccountID is the connected account the trigger listens on.
	// CreateTrigger leaves it empty when the server chose the account.
	ConnectedAccountID string
	// ToolkitVersion is the toolkit version the instance runs; "" when the
	// server did not say (or, from CreateTrigger, when it runs the latest).
	ToolkitVersion string
	// Config is the trigger's config as JSON.
	Config json.RawMessage
	// Disabled reports whether the instance is disabled, since DisabledAt.
	Disabled   bool
	DisabledAt time.Time
	// UpdatedAt is the instance's last change (zero from CreateTrigger).
	UpdatedAt time.Time
}

func triggerFromGen(t gen.TriggerInstance) Trigger {
	return Trigger{
		ID:                 t.ID,
		Slug:               t.TriggerName,
		UserID:             t.UserID,
		ConnectedAccountID: t.ConnectedAccountID,
		ToolkitVersion:     deref(t.Version),
		Config:             rawJSON(t.TriggerConfig),
		Disabled:           t.DisabledAt != nil,
		DisabledAt:         parseTimePtr(t.DisabledAt),
		UpdatedAt:          parseTime(t.UpdatedAt),
	}
}

// CreateTriggerParams are the inputs of CreateTrigger.
type CreateTriggerParams struct {
	// UserID is the user the trigger is for. Without ConnectedAccountID the
	// server uses the user's most recently created ACTIVE connected account
	// for the config's toolkit (see ResolveConnectedAccount to choose
	// first).
	UserID string
	// ConnectedAccountID, when set, is the connected account (ca_…) the
	// trigger listens on; UserID may then be empty.
	ConnectedAccountID string
	// Config is a generated config (a value such as
	// github.CommitEventConfig{…}); required.
	Config trigger.Config
}

// CreateTrigger creates (or, if an identical one exists, re-enables) a
// trigger of p.Config's type.
//
// The config is validated first: an invalid config sends no request and
// returns an error matching trigger.ErrInvalid (errors.As finds each
// *trigger.ValidationError). The toolkit version is the one the config was
// generated from, unless WithToolkitVersion or
// COMPOSIO_TOOLKIT_VERSION_<TOOLKIT> says otherwise (see the package
// documentation).
//
// When the trigger type needs a webhook endpoint the toolkit does not have,
// the error matches ErrWebhookEndpointRequired.
//
// The upsert is idempotent, so it is retried like a read.
func (c *Client) CreateTrigger(ctx context.Context, p CreateTriggerParams, opts ...Option) (*Trigger, error) {
	cfg := p.Config
	if cfg == nil {
		return nil, errors.New("create trigger: nil config")
	}
	tt := cfg.TriggerType()
	op := "create trigger " + tt.Slug
	if tt.Slug == "" {
		return nil, errorf("create trigger", "config %T has no trigger type slug", cfg)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	s, err := c.callSettings(opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	userID := strings.TrimSpace(p.UserID)
	account := strings.TrimSpace(p.ConnectedAccountID)
	if userID == "" && account == "" {
		return nil, errorf(op, "empty user id: set UserID (or ConnectedAccountID)")
	}
	raw, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("%s: encode config: %w", op, err)
	}
	var config map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // keep integers exact
	if err := dec.Decode(&config); err != nil {
		return nil, errorf(op, "config %T does not encode as a JSON object: %v", cfg, err)
	}
	if config == nil {
		config = map[string]any{}
	}

	version := s.toolkitVersion(tt.Toolkit, c.env)
	if version == "" {
		version = tt.ToolkitVersion
	}
	var versions *gen.ToolkitVersions
	if version != "" {
		versions = new(gen.ToolkitVersions)
		if version == Latest || tt.Toolkit == "" {
			err = versions.FromToolkitVersionString(version)
		} else {
			err = versions.FromToolkitVersionMap(gen.ToolkitVersionMap{strings.ToLower(tt.Toolkit): version})
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
	}
	body := gen.UpsertTriggerInstanceRequest{
		TriggerConfig:   &config,
		ToolkitVersions: versions,
	}
	if userID != "" {
		body.UserID = &userID
	}
	if account != "" {
		body.ConnectedAccountID = &account
	}
	res, _, err := call[gen.UpsertTriggerInstanceResult](ctx, c, s, request{op: op, retry: true, send: func(ctx context.Context, edit gen.RequestEditorFn) (*http.Response, error) {
		return c.api.UpsertTriggerInstance(ctx, tt.Slug, body, edit)
	}})
	if err != nil {
		if errors.Is(err, ErrWebhookEndpointRequired) {
			var apiErr *APIError
			if errors.As(err, &apiErr) {
				err = apiErr
			}
			return nil, &endpointRequiredError{slug: tt.Slug, toolkit: tt.Toolkit, cause: err}
		}
		return nil, err
	}
	if res.TriggerID == "" {
		return nil, errorf(op, "response has no trigger_id")
	}
	t := &Trigger{ID: res.TriggerID, Slug: tt.Slug, UserID: userID, ConnectedAccountID: account, Config: raw}
	if version != Latest {
		t.ToolkitVersion = version
	}
	return t, nil
}

// ConnectedAccount is a user's connection to a toolkit.
type ConnectedAccount struct {
	// ID is the connected account id (ca_…).
	ID string
	// Toolkit is the toolkit slug.
	Toolkit string
	// AuthConfigID is the auth config (ac_…) the account was made with.
	AuthConfigID string
	// Status is e.g. "ACTIVE", "EXPIRED".
	Status string
	// Disabled reports whether the account is disabled.
	Disabled  bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ResolveConnectedAccount returns the account CreateTrigger would use for
// userID and toolkit when given none, as the official SDKs document it: the
// most recently created ACTIVE account. With several it logs a warning (and
// still picks the newest); with none it returns a *NoConnectedAccountError
// (matching ErrNoConnectedAccount).
func (c *Client) ResolveConnectedAccount(ctx context.Context, userID, toolkit string, opts ...Option) (*ConnectedAccount, error) {
	op := fmt.Sprintf("resolve connected account for user %q and toolkit %q", userID, toolkit)
	if strings.TrimSpace(userID) == "" || strings.TrimSpace(toolkit) == "" {
		return nil, errorf(op, "user id and toolkit are required")
	}
	s, err := c.callSettings(opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	params := &gen.ListConnectedAccountsParams{
		UserIDs:        &[]string{userID},
		ToolkitSlugs:   &[]string{strings.ToLower(toolkit)},
		Statuses:       &[]gen.ConnectedAccountStatus{gen.ConnectedAccountStatusACTIVE},
		OrderBy:        ptr(gen.ConnectedAccountOrderByCreatedAt),
		OrderDirection: ptr(gen.SortDirectionDesc),
	}
	var accounts []ConnectedAccount
	for a, err := range iterSeq(func(yield func(ConnectedAccount, error) bool) {
		paginate(ctx, c, s, op, yield,
			func(ctx context.Context, cursor *string, edit gen.RequestEditorFn) (*http.Response, error) {
				params.Cursor = cursor
				return c.api.ListConnectedAccounts(ctx, params, edit)
			},
			func(p *gen.ConnectedAccountPage) ([]gen.ConnectedAccount, *string) { return p.Items, p.NextCursor },
			accountFromGen)
	}) {
		if err != nil {
			return nil, err
		}
		// The server filters; check again so an older server that ignores
		// a filter cannot hand out someone else's or an inactive account.
		if strings.EqualFold(a.Status, string(gen.ConnectedAccountStatusACTIVE)) && !a.Disabled &&
			(a.Toolkit == "" || strings.EqualFold(a.Toolkit, toolkit)) {
			accounts = append(accounts, a)
		}
	}
	if len(accounts) == 0 {
		return nil, &NoConnectedAccountError{UserID: userID, Toolkit: toolkit}
	}
	slices.SortStableFunc(accounts, func(a, b ConnectedAccount) int { return b.CreatedAt.Compare(a.CreatedAt) })
	if len(accounts) > 1 {
		ids := make([]string, len(accounts))
		for i, a := range accounts {
			ids[i] = a.ID
		}
		s.logger.LogAttrs(ctx, slog.LevelWarn, "composio: several ACTIVE connected accounts; using the most recently created",
			slog.String("user_id", userID), slog.String("toolkit", toolkit),
			slog.String("chosen", accounts[0].ID), slog.Any("accounts", ids))
	}
	return &accounts[0], nil
}

func iterSeq[T any](f func(func(T, error) bool)) iter.Seq2[T, error] { return f }

func accountFromGen(a gen.ConnectedAccount) ConnectedAccount {
	return ConnectedAccount{
		ID:           a.ID,
		Toolkit:      a.Toolkit.Slug,
		AuthConfigID: a.AuthConfig.ID,
		Status:       string(a.Status),
		Disabled:     a.IsDisabled,
		CreatedAt:    parseTime(a.CreatedAt),
		UpdatedAt:    parseTime(a.UpdatedAt),
	}
}

// MaxPageSize is the largest page the API serves (its limit parameter's
// maximum for trigger types, active triggers and webhook subscriptions). A
// larger PageSize fails before any request.
const MaxPageSize = 50

// ActiveTriggersParams narrow ActiveTriggers; empty fields do not filter.
type ActiveTriggersParams struct {
	ConnectedAccountIDs []string
	AuthConfigIDs       []string
	TriggerIDs          []string
	// TriggerNames are trigger type slugs (case-insensitive).
	TriggerNames []string
	UserIDs      []string
	// ShowDisabled includes disabled triggers.
	ShowDisabled bool
	// PageSize is the number of items per request, at most MaxPageSize (the
	// server's default when 0).
	PageSize int
}

// ActiveTriggers iterates over the project's trigger instances matching p,
// across all pages (at most WithMaxPages of them). It stops at the first
// error, which it yields once.
func (c *Client) ActiveTriggers(ctx context.Context, p ActiveTriggersParams, opts ...Option) iter.Seq2[Trigger, error] {
	const op = "list active triggers"
	nonEmpty := func(s []string) *[]string {
		if len(s) == 0 {
			return nil
		}
		return &s
	}
	return func(yield func(Trigger, error) bool) {
		s, err := c.listSettings(opts, p.PageSize)
		if err != nil {
			yield(Trigger{}, fmt.Errorf("%s: %w", op, err))
			return
		}
		params := &gen.ListActiveTriggersParams{
			ConnectedAccountIDs: nonEmpty(p.ConnectedAccountIDs),
			AuthConfigIDs:       nonEmpty(p.AuthConfigIDs),
			TriggerIDs:          nonEmpty(p.TriggerIDs),
			TriggerNames:        nonEmpty(p.TriggerNames),
			UserIDs:             nonEmpty(p.UserIDs),
		}
		if p.ShowDisabled {
			params.ShowDisabled = ptr(true)
		}
		if p.PageSize > 0 {
			params.Limit = ptr(p.PageSize)
		}
		paginate(ctx, c, s, op, yield,
			func(ctx context.Context, cursor *string, edit gen.RequestEditorFn) (*http.Response, error) {
				params.Cursor = cursor
				return c.api.ListActiveTriggers(ctx, params, edit)
			},
			func(p *gen.TriggerInstancePage) ([]gen.TriggerInstance, *string) { return p.Items, p.NextCursor },
			triggerFromGen)
	}
}

// listSettings is callSettings for a list, refusing a page size the API
// does not serve.
func (c *Client) listSettings(opts []Option, pageSize int) (*settings, error) {
	if pageSize < 0 || pageSize > MaxPageSize {
		return nil, fmt.Errorf("PageSize %d: want 0 (the server's default) to %d", pageSize, MaxPageSize)
	}
	return c.callSettings(opts)
}

// EnableTrigger enables a trigger instance. Enabling an enabled trigger
// succeeds unless WithErrorIfUnchanged is given.
func (c *Client) EnableTrigger(ctx context.Context, id string, opts ...Option) error {
	return c.manage(ctx, id, gen.TriggerInstanceActionEnable, opts)
}

// DisableTrigger disables a trigger instance. Disabling a disabled trigger
// succeeds unless WithErrorIfUnchanged is given.
func (c *Client) DisableTrigger(ctx context.Context, id string, opts ...Option) error {
	return c.manage(ctx, id, gen.TriggerInstanceActionDisable, opts)
}

func (c *Client) manage(ctx context.Context, id string, action gen.TriggerInstanceAction, opts []Option) error {
	op := fmt.Sprintf("%s trigger %s", action, id)
	if strings.TrimSpace(id) == "" {
		return errorf(op, "empty trigger id")
	}
	s, err := c.callSettings(opts)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	_, err = c.do(ctx, s, request{op: op, retry: true, send: func(ctx context.Context, edit gen.RequestEditorFn) (*http.Response, error) {
		return c.api.ManageTriggerInstance(ctx, id, gen.ManageTriggerInstanceRequest{Status: action}, edit)
	}})
	return unchanged(ctx, s, err, ErrAlreadyInState, id, string(action))
}

// DeleteTrigger deletes a trigger instance for good. Deleting a trigger that
// is already deleted (a 409, as when the call is retried after a lost
// response) succeeds unless WithErrorIfUnchanged is given; a trigger deleted
// long ago is ErrGone.
func (c *Client) DeleteTrigger(ctx context.Context, id string, opts ...Option) error {
	op := "delete trigger " + id
	if strings.TrimSpace(id) == "" {
		return errorf(op, "empty trigger id")
	}
	s, err := c.callSettings(opts)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	_, err = c.do(ctx, s, request{op: op, retry: true, send: func(ctx context.Context, edit gen.RequestEditorFn) (*http.Response, error) {
		return c.api.DeleteTriggerInstance(ctx, id, edit)
	}})
	return unchanged(ctx, s, err, ErrAlreadyDeleted, id, "delete")
}

// unchanged turns the 409 of a trigger already in the requested state into
// success, or, with WithErrorIfUnchanged, into sentinel.
func unchanged(ctx context.Context, s *settings, err, sentinel error, id, action string) error {
	if !errors.Is(err, ErrConflict) {
		return err
	}
	if s.strict {
		return fmt.Errorf("%w: %w", sentinel, err)
	}
	s.logger.LogAttrs(ctx, slog.LevelDebug, "composio: trigger already in requested state", slog.String("trigger_id", id), slog.String("action", action))
	return nil
}
