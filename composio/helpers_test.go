package composio_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/composiotest"
	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/trigger"
)

// CommitEventConfig stands in for the generated github.CommitEventConfig: the
// same shape generated code has (json tags, TriggerType, Validate).
type CommitEventConfig struct {
	// Owner of the repository.
	Owner string `json:"owner"`
	// Repo is the repository name.
	Repo string `json:"repo"`
}

func (CommitEventConfig) TriggerType() trigger.Type {
	return trigger.Type{Slug: "GITHUB_COMMIT_EVENT", Toolkit: "github", ToolkitVersion: "20250729_00", Kind: trigger.Webhook}
}

func (c CommitEventConfig) Validate() error {
	var errs trigger.ValidationErrors
	if c.Owner == "" {
		errs = append(errs, &trigger.ValidationError{Path: "/owner", Keyword: "required", Message: "owner is required"})
	}
	if c.Repo == "" {
		errs = append(errs, &trigger.ValidationError{Path: "/repo", Keyword: "required", Message: "repo is required"})
	}
	return errs.Err()
}

// slackMessageConfig stands in for a generated Slack config (no fields).
type slackMessageConfig struct{}

func (slackMessageConfig) TriggerType() trigger.Type {
	return trigger.Type{Slug: "SLACK_RECEIVE_MESSAGE", Toolkit: "slack", ToolkitVersion: "20250729_00", Kind: trigger.Webhook, RequiresWebhookEndpointSetup: true}
}
func (slackMessageConfig) Validate() error { return nil }

// slackCredentials stands in for generated Slack credentials (POST shape):
// both fields required and secret, plus team_id, an optional non-secret
// field some tests add to the schema.
type slackCredentials struct {
	SigningSecret secret.Value
	AppToken      secret.Value
	TeamID        secret.Value // optional
}

func (slackCredentials) EndpointToolkit() string { return "slack" }

func (c slackCredentials) EndpointFields() []trigger.EndpointField {
	var out []trigger.EndpointField
	if !c.SigningSecret.IsZero() {
		out = append(out, trigger.EndpointField{Name: "webhook_signing_secret", Value: c.SigningSecret, Sensitive: true})
	}
	if !c.AppToken.IsZero() {
		out = append(out, trigger.EndpointField{Name: "app_token", Value: c.AppToken, Sensitive: true})
	}
	if !c.TeamID.IsZero() {
		out = append(out, trigger.EndpointField{Name: "team_id", Value: c.TeamID})
	}
	return out
}

func (c slackCredentials) Validate() error {
	var errs trigger.ValidationErrors
	if c.SigningSecret.IsZero() {
		errs = append(errs, &trigger.ValidationError{Path: "/webhook_signing_secret", Keyword: "required", Message: "webhook_signing_secret is required"})
	}
	if c.AppToken.IsZero() {
		errs = append(errs, &trigger.ValidationError{Path: "/app_token", Keyword: "required", Message: "app_token is required"})
	}
	return errs.Err()
}

// slackUpdate stands in for the generated PATCH shape: only set fields.
type slackUpdate struct {
	SigningSecret *secret.Value
	AppToken      *secret.Value
}

func (slackUpdate) EndpointToolkit() string { return "slack" }

func (u slackUpdate) EndpointFields() []trigger.EndpointField {
	var out []trigger.EndpointField
	if u.SigningSecret != nil {
		out = append(out, trigger.EndpointField{Name: "webhook_signing_secret", Value: *u.SigningSecret, Sensitive: true})
	}
	if u.AppToken != nil {
		out = append(out, trigger.EndpointField{Name: "app_token", Value: *u.AppToken, Sensitive: true})
	}
	return out
}

// Validate refuses to clear a required field, as the generated update does.
func (u slackUpdate) Validate() error {
	if u.SigningSecret != nil && u.SigningSecret.IsZero() || u.AppToken != nil && u.AppToken.IsZero() {
		return errors.New("a required field cannot be cleared")
	}
	return nil
}

func sv(s string) *secret.Value { v := secret.New(s); return &v }

var (
	_ trigger.Config              = CommitEventConfig{}
	_ trigger.EndpointCredentials = slackCredentials{}
	_ trigger.EndpointUpdate      = slackUpdate{}
)

func noEnv(string) string { return "" }

// fastRetry keeps backoff tiny; Retry-After is still honoured.
var fastRetry = composio.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}

// newClient returns a client for srv that ignores the process environment.
func newClient(t *testing.T, srv *composiotest.Server, opts ...composio.Option) *composio.Client {
	t.Helper()
	base := []composio.Option{
		composio.WithGetenv(noEnv),
		composio.WithBaseURL(srv.URL),
		composio.WithHTTPClient(srv.Client()),
		composio.WithAPIKey(secret.New(srv.APIKey())),
		composio.WithRetry(fastRetry),
	}
	c, err := composio.NewClient(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// requests returns the fake's requests matching method and a path fragment.
func requests(srv *composiotest.Server, method, pathContains string) []composiotest.Request {
	var out []composiotest.Request
	for _, r := range srv.Requests() {
		if (method == "" || r.Method == method) && strings.Contains(r.Path, pathContains) {
			out = append(out, r)
		}
	}
	return out
}

func addAccount(srv *composiotest.Server, id, user, toolkit, status string, created time.Time) {
	srv.AddConnectedAccount(composiotest.ConnectedAccount{ID: id, UserID: user, Toolkit: toolkit, Status: status, CreatedAt: created})
}

// sleeper records the waits a client asks for instead of waiting them; then,
// when set, calls then with the number of waits so far (to change the
// fake's state, or cancel a context, at a given point): a non-nil error ends
// the wait as a context's error would.
type sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
	then  func(n int) error
}

func (s *sleeper) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	n := len(s.waits)
	s.mu.Unlock()
	if s.then != nil {
		if err := s.then(n); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func (s *sleeper) option() composio.Option { return composio.WithSleep(s.sleep) }

func (s *sleeper) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.waits)
}
