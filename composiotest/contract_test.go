package composiotest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/triggergen/triggergen/gen"
)

func TestAPIKeyRequired(t *testing.T) {
	t.Parallel()
	srv := NewServer(t, WithAPIKey("k-123"))
	ctx := context.Background()
	for _, key := range []string{"", "wrong"} {
		c := clientWithKey(t, srv, key)
		want := "UNAUTHORIZED"
		if key != "" {
			want = "INVALID_API_KEY"
		}
		r1, err := c.ListTriggerTypesWithResponse(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		wantError(t, 401, r1.Body, r1.JSON401, r1.StatusCode(), want)
		r2, err := c.GetWebhookSubscriptionWithResponse(ctx, "whs_x")
		if err != nil {
			t.Fatal(err)
		}
		wantError(t, 401, r2.Body, r2.JSON401, r2.StatusCode(), want)
		r3, err := c.UpsertTriggerInstanceWithResponse(ctx, "GITHUB_COMMIT_EVENT", gen.UpsertTriggerInstanceRequest{UserID: ptr("u")})
		if err != nil {
			t.Fatal(err)
		}
		wantError(t, 401, r3.Body, r3.JSON401, r3.StatusCode(), want)
	}
	c := clientWithKey(t, srv, "k-123")
	if r, err := c.ListTriggerTypeEnumWithResponse(ctx); err != nil || r.StatusCode() != 200 {
		t.Fatalf("right key: %v", err)
	}
	reqs := srv.Requests()
	if len(reqs) != 7 {
		t.Fatalf("%d requests recorded", len(reqs))
	}
	last := reqs[len(reqs)-1]
	if last.Header.Get("x-api-key") != "[REDACTED]" || last.Status != 200 || last.Operation != "listTriggerTypeEnum" ||
		last.Method != "GET" || last.Path != "/api/v3.1/triggers_types/list/enum" {
		t.Errorf("recorded %+v", last)
	}
	if reqs[4].Header.Get("x-api-key") != "[REDACTED]" || reqs[0].Header.Get("x-api-key") != "" || reqs[0].Status != 401 {
		t.Errorf("recorded %+v / %+v", reqs[0], reqs[4])
	}
	if !bytes.Contains(reqs[2].Body, []byte(`"user_id":"u"`)) {
		t.Errorf("body not recorded: %s", reqs[2].Body)
	}
}

// TestContractCheckBites: a handler answering with a wrong field type makes
// the validating layer report it, through t.Errorf and ContractViolations.
func TestContractCheckBites(t *testing.T) {
	t.Parallel()
	tb := &captureTB{TB: t}
	srv := NewServer(tb, withResponseMutator(func(op string, status int, body []byte) []byte {
		if op != "listTriggerTypes" {
			return body
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatal(err)
		}
		m["total_items"] = "eighty-two" // integer in the description
		b, _ := json.Marshal(m)
		return b
	}))
	c := client(t, srv)
	if _, err := c.ListTriggerTypeEnumWithResponse(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v := srv.ContractViolations(); len(v) != 0 {
		t.Fatalf("violations before the corrupted response: %v", v)
	}
	if _, err := c.ListTriggerTypesWithResponse(context.Background(), nil); err == nil {
		t.Log("client decoded the corrupted body") // it may or may not; the check is the server's
	}
	v := srv.ContractViolations()
	if len(v) != 1 || !strings.Contains(v[0], "listTriggerTypes") || !strings.Contains(v[0], "total_items") {
		t.Fatalf("violations %v", v)
	}
	t.Logf("reported: %s", v[0])
	errs := tb.errors()
	if len(errs) != 1 || !strings.Contains(errs[0], "listTriggerTypes") || !strings.Contains(errs[0], "contract violation") {
		t.Fatalf("Errorf calls %v", errs)
	}
}

// TestInvalidRequests: a request that does not conform is answered 400 and
// reported, unless AllowInvalidRequests.
func TestInvalidRequests(t *testing.T) {
	t.Parallel()
	for _, allow := range []bool{false, true} {
		tb := &captureTB{TB: t}
		var opts []Option
		if allow {
			opts = append(opts, AllowInvalidRequests())
		}
		srv := NewServer(tb, opts...)
		do := func(method, path, body string) (int, gen.Error) {
			req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
			req.Header.Set("x-api-key", srv.APIKey())
			req.Header.Set("Content-Type", "application/json")
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var e gen.Error
			b, _ := io.ReadAll(resp.Body)
			_ = json.Unmarshal(b, &e)
			return resp.StatusCode, e
		}
		st, e := do("GET", "/api/v3.1/trigger_instances/active?show_disabled=maybe", "")
		if st != 400 || errSlug(&e) != "VALIDATION_ERROR" || !strings.Contains(e.Error.Message, "show_disabled") {
			t.Errorf("allow=%v: %d %+v", allow, st, e)
		}
		st, e = do("POST", "/api/v3.1/webhook_subscriptions", `{"webhook_url":"https://x.test/h"}`)
		if st != 400 || errSlug(&e) != "VALIDATION_ERROR" || !strings.Contains(e.Error.Message, "enabled_events") {
			t.Errorf("allow=%v: %d %+v", allow, st, e)
		}
		st, _ = do("GET", "/api/v3.1/not_an_operation", "")
		if st != 404 {
			t.Errorf("unknown path: %d", st)
		}
		v := srv.ContractViolations()
		wantN := 3
		if allow {
			wantN = 1 // the unknown path is always a violation
		}
		if len(v) != wantN || len(tb.errors()) != wantN {
			t.Errorf("allow=%v: violations %q, Errorf %q", allow, v, tb.errors())
		}
		if !allow && !strings.Contains(v[0], "listActiveTriggers") {
			t.Errorf("violation does not name the operation: %s", v[0])
		}
	}
}

// TestNewStandalone: New logs and keeps violations without a test.
func TestNewStandalone(t *testing.T) {
	t.Parallel()
	f, err := New(withResponseMutator(func(op string, status int, body []byte) []byte {
		return bytes.Replace(body, []byte(`"slug":"GITHUB_COMMIT_EVENT"`), []byte(`"slug":7`), 1)
	}))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", "/api/v3.1/triggers_types/GITHUB_COMMIT_EVENT", nil)
	req.Header.Set("x-api-key", f.APIKey())
	rec := newBufferedResponse()
	f.Handler().ServeHTTP(rec, req)
	if rec.status != 200 {
		t.Fatalf("status %d", rec.status)
	}
	if v := f.ContractViolations(); len(v) != 1 || !strings.Contains(v[0], "getTriggerType") {
		t.Errorf("violations %v", v)
	}
	if f.APIKey() != DefaultAPIKey {
		t.Errorf("APIKey %q", f.APIKey())
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	c := client(t, srv)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := "u" + string(rune('a'+i%4))
			srv.AddConnectedAccount(ConnectedAccount{UserID: user, Toolkit: "github"})
			cfg := repoConfig("o", "r")
			r, err := c.UpsertTriggerInstanceWithResponse(ctx, "GITHUB_COMMIT_EVENT", gen.UpsertTriggerInstanceRequest{UserID: &user, TriggerConfig: cfg})
			if err != nil || r.JSON201 == nil && r.JSON200 == nil {
				t.Errorf("upsert: %v", err)
				return
			}
			if _, err := c.ListActiveTriggersWithResponse(ctx, nil); err != nil {
				t.Error(err)
			}
			_ = srv.TriggerInstances()
			_ = srv.Requests()
		}()
	}
	wg.Wait()
	if n := len(srv.Requests()); n != 32 {
		t.Errorf("%d requests", n)
	}
}
