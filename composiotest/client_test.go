package composiotest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/gen"
	"github.com/triggergen/triggergen/internal/syncbuf"
	triggerpkg "github.com/triggergen/triggergen/trigger"
)

// commitConfig stands in for the generated github.CommitEventConfig.
type commitConfig struct {
	Owner string `json:"owner"`
	Repo  string `json:"repo"`
}

func (commitConfig) TriggerType() triggerpkg.Type {
	return triggerpkg.Type{Slug: "GITHUB_COMMIT_EVENT", Toolkit: "github", ToolkitVersion: "20250729_00", Kind: triggerpkg.Webhook}
}
func (commitConfig) Validate() error { return nil }

// TestServerNewClient: the client NewClient returns talks to the server
// with its key, reads no environment variable, and takes the caller's
// options after its own.
func TestServerNewClient(t *testing.T) {
	t.Setenv(composio.EnvAPIKey, "a-key-the-fake-rejects")
	t.Setenv(composio.EnvBaseURL, "https://composio.invalid")
	t.Setenv(composio.EnvToolkitVersionPrefix+"GITHUB", "20990101_00")
	srv := NewServer(t)
	srv.AddConnectedAccount(ConnectedAccount{UserID: "alice", Toolkit: "github"})
	c, err := srv.NewClient(composio.WithUserAgent("my-tests/1.0"))
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != srv.URL {
		t.Errorf("BaseURL %q, want %q", c.BaseURL(), srv.URL)
	}
	tr, err := c.CreateTrigger(context.Background(), composio.CreateTriggerParams{UserID: "alice", Config: commitConfig{Owner: "o", Repo: "r"}})
	if err != nil {
		t.Fatal(err)
	}
	if tr.ToolkitVersion != "20250729_00" {
		t.Errorf("toolkit version %q: the environment's pin was read", tr.ToolkitVersion)
	}
	if ua := srv.Requests()[0].Header.Get("User-Agent"); ua != "my-tests/1.0" {
		t.Errorf("User-Agent %q: the caller's option did not apply", ua)
	}
}

// TestValidationProblemsMaskCredentials (issue 12.8): a request that fails
// validation while carrying credentials gets a problem, in the answer, the
// log and the contract violation, that names where it is wrong but not the
// values it sent.
func TestValidationProblemsMaskCredentials(t *testing.T) {
	t.Parallel()
	const (
		token  = "xapp-1-A0B1C2-9988776655-deadbeefcafe"
		nested = "sigsec-5f1c0e9b7a2d4c6e"
		number = "123456789012345"
	)
	var logs syncbuf.Buffer
	tb := &captureTB{TB: t}
	srv := NewServer(tb, WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	c := client(t, srv)
	ctx := context.Background()
	ep, err := c.CreateWebhookEndpointWithResponse(ctx, gen.CreateWebhookEndpointRequest{ToolkitSlug: "slack", ClientID: "c1"})
	if err != nil || ep.JSON201 == nil {
		t.Fatalf("create: %v", err)
	}
	var answers []string
	for _, body := range []string{
		`{"data":{"app_token":"` + token + `","webhook_signing_secret":{"nested":"` + nested + `"}}}`,
		`{"data":{"app_token":` + number + `}}`,
		`{"data":"` + token + `"}`,
	} {
		for _, send := range []func(context.Context, string, string, io.Reader, ...gen.RequestEditorFn) (*http.Response, error){
			c.UpdateWebhookEndpointWithBody, c.ReplaceWebhookEndpointWithBody,
		} {
			resp, err := send(ctx, ep.JSON201.ID, "application/json", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			var e struct {
				Error struct {
					Message string   `json:"message"`
					Errors  []string `json:"errors"`
				} `json:"error"`
			}
			_ = json.NewDecoder(resp.Body).Decode(&e)
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(e.Error.Message, "Invalid request") {
				t.Fatalf("%s: %d %q, want a 400 validation problem", body, resp.StatusCode, e.Error.Message)
			}
			answers = append(answers, e.Error.Message+strings.Join(e.Error.Errors, " "))
		}
	}
	all := strings.Join(answers, "\n") + logs.String() + strings.Join(srv.ContractViolations(), "\n") + strings.Join(tb.errors(), "\n")
	for _, s := range []string{token, nested, number} {
		if strings.Contains(all, s[:8]) {
			t.Errorf("%q shows in the answers, logs or violations:\n%s", s[:8], all)
		}
	}
	if !strings.Contains(all, `"/data/app_token"`) || !strings.Contains(all, SecretMask) {
		t.Errorf("the problem no longer says where it is:\n%s", all)
	}
	if len(tb.errors()) != 6 {
		t.Errorf("%d violations reported, want one per invalid request", len(tb.errors()))
	}
}
