package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/triggergen/triggergen/internal/syncbuf"
	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/webhook"
	"github.com/triggergen/triggergen/webhook/webhooktest"
)

const handlerKey = "handler-test-Secret-7f3a"

var handlerSecret = secret.New(handlerKey)

// commitBody is a V3 commit event whose payload carries a marker that must
// never show up in logs.
var commitBody = []byte(`{"id":"msg_h","type":"composio.trigger.message","timestamp":"2026-01-15T10:30:00Z",` +
	`"metadata":{"log_id":"log_h","trigger_slug":"GITHUB_COMMIT_EVENT","trigger_id":"ti_h","connected_account_id":"ca_h","auth_config_id":"ac_h","user_id":null},` +
	`"data":{"commit_sha":"a1b2c3d","message":"BODY-MARKER-do-not-log","author":"jane"}}`)

type handlerRig struct {
	h    http.Handler
	logs *syncbuf.Buffer
	runs atomic.Int32
	fail atomic.Pointer[string] // "error" or "panic"; nil: succeed
	seen chan *commitPayload
}

func newRig(t *testing.T, opts ...webhook.HandlerOption) *handlerRig {
	t.Helper()
	rig := &handlerRig{logs: &syncbuf.Buffer{}, seen: make(chan *commitPayload, 16)}
	v, err := webhook.NewVerifier(handlerSecret)
	if err != nil {
		t.Fatal(err)
	}
	d := webhook.NewDispatcher(webhook.Strict())
	onCommitEvent(d, func(_ context.Context, _ *webhook.Event, p *commitPayload) error {
		rig.runs.Add(1)
		switch mode := rig.fail.Load(); {
		case mode == nil:
		case *mode == "panic":
			panic("boom")
		default:
			return errors.New("database down")
		}
		rig.seen <- p
		return nil
	})
	logger := slog.New(slog.NewJSONHandler(rig.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	rig.h = webhook.NewHandler(v, d, append([]webhook.HandlerOption{webhook.WithLogger(logger)}, opts...)...)
	t.Cleanup(func() {
		if strings.Contains(rig.logs.String(), handlerKey) || strings.Contains(rig.logs.String(), "BODY-MARKER") {
			t.Errorf("logs show the secret or the body:\n%s", rig.logs)
		}
	})
	return rig
}

func (rig *handlerRig) serve(r *http.Request) int {
	rec := httptest.NewRecorder()
	rig.h.ServeHTTP(rec, r)
	return rec.Code
}

func TestWebhookHandlerStatus(t *testing.T) {
	stale := time.Now().Add(-time.Hour)
	cases := []struct {
		name   string
		req    func() *http.Request
		status int
		runs   int32
		log    string
	}{
		{"ok", func() *http.Request { return webhooktest.NewRequest(handlerSecret, commitBody) }, 200, 1, `"msg":"webhook: handled"`},
		{"ok with version header", func() *http.Request {
			return webhooktest.NewRequest(handlerSecret, commitBody, webhooktest.WithVersion(webhook.V3), webhooktest.WithAttempt(2))
		}, 200, 1, `"attempt":"2"`},
		{"wrong secret", func() *http.Request { return webhooktest.NewRequest(secret.New("other"), commitBody) }, 401, 0, "no matching signature"},
		{"stale", func() *http.Request {
			return webhooktest.NewRequest(handlerSecret, commitBody, webhooktest.WithTimestamp(stale))
		}, 401, 0, "timestamp outside tolerance"},
		{"missing headers", func() *http.Request {
			return httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(commitBody))
		}, 401, 0, "missing header"},
		{"not json", func() *http.Request { return webhooktest.NewRequest(handlerSecret, []byte("not-json")) }, 400, 0, "malformed event"},
		{"unknown shape", func() *http.Request { return webhooktest.NewRequest(handlerSecret, []byte(`{"unknown":"format"}`)) }, 400, 0, "no known envelope"},
		{"version conflict", func() *http.Request {
			return webhooktest.NewRequest(handlerSecret, commitBody, webhooktest.WithVersion(webhook.V2))
		}, 400, 0, "conflicts with header"},
		{"unhandled trigger", func() *http.Request {
			return webhooktest.NewRequest(handlerSecret, bytes.Replace(commitBody, []byte("GITHUB_COMMIT_EVENT"), []byte("GMAIL_NEW_GMAIL_MESSAGE"), 1))
		}, 200, 0, "no handler for event"},
		{"strict unknown field", func() *http.Request {
			return webhooktest.NewRequest(handlerSecret, bytes.Replace(commitBody, []byte(`"author"`), []byte(`"verified":true,"author"`), 1))
		}, 422, 0, `unknown field \"/verified\"`},
		{"GET", func() *http.Request { return httptest.NewRequest(http.MethodGet, "/", nil) }, 405, 0, "method not allowed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rig := newRig(t)
			if got := rig.serve(c.req()); got != c.status {
				t.Errorf("status %d; want %d\n%s", got, c.status, rig.logs)
			}
			if got := rig.runs.Load(); got != c.runs {
				t.Errorf("handler ran %d times; want %d", got, c.runs)
			}
			if !strings.Contains(rig.logs.String(), c.log) {
				t.Errorf("logs lack %q:\n%s", c.log, rig.logs)
			}
		})
	}
}

func TestWebhookHandlerTypedPayload(t *testing.T) {
	rig := newRig(t)
	if code := rig.serve(webhooktest.NewRequest(handlerSecret, commitBody)); code != 200 {
		t.Fatal(code)
	}
	p := <-rig.seen
	if p.CommitSHA != "a1b2c3d" || p.Author != "jane" {
		t.Errorf("payload %+v", p)
	}
}

func TestWebhookHandlerBodyLimit(t *testing.T) {
	rig := newRig(t, webhook.WithMaxBodyBytes(int64(len(commitBody))))
	if code := rig.serve(webhooktest.NewRequest(handlerSecret, commitBody)); code != 200 {
		t.Errorf("body of exactly the limit: %d", code)
	}
	big := append(bytes.Clone(commitBody[:len(commitBody)-1]), " }"...)
	if code := rig.serve(webhooktest.NewRequest(handlerSecret, big)); code != http.StatusRequestEntityTooLarge {
		t.Errorf("body one byte over: %d; want 413", code)
	}
	rig = newRig(t)
	huge := append([]byte(`{"type":"x","data":{"pad":"`), bytes.Repeat([]byte("a"), int(webhook.DefaultMaxBodyBytes))...)
	if code := rig.serve(webhooktest.NewRequest(handlerSecret, append(huge, `"}}`...))); code != 413 {
		t.Errorf("default limit: %d; want 413", code)
	}
}

func TestWebhookHandlerDedup(t *testing.T) {
	rig := newRig(t)
	send := func() int {
		return rig.serve(webhooktest.NewRequest(handlerSecret, commitBody, webhooktest.WithID("msg_dup")))
	}

	// The handler fails: 500, and the retry runs it again.
	mode := func(s string) *string { return &s }
	rig.fail.Store(mode("error"))
	if code := send(); code != 500 {
		t.Fatalf("failing handler: %d; want 500", code)
	}
	rig.fail.Store(mode("panic"))
	if code := send(); code != 500 {
		t.Fatalf("panicking handler: %d; want 500", code)
	}
	rig.fail.Store(nil)
	if code := send(); code != 200 {
		t.Fatalf("retry: %d; want 200", code)
	}
	if code := send(); code != 200 {
		t.Fatalf("duplicate: %d; want 200", code)
	}
	if got := rig.runs.Load(); got != 3 {
		t.Errorf("handler ran %d times; want 3 (fail, panic, success; duplicate skipped)", got)
	}
	if !strings.Contains(rig.logs.String(), "duplicate delivery skipped") || !strings.Contains(rig.logs.String(), "handler panicked: boom") {
		t.Errorf("logs:\n%s", rig.logs)
	}
	// Another id runs.
	if code := rig.serve(webhooktest.NewRequest(handlerSecret, commitBody)); code != 200 || rig.runs.Load() != 4 {
		t.Errorf("new id: %d, runs %d", code, rig.runs.Load())
	}
	// A payload error is also forgotten, so a fixed receiver can take the retry.
	rig2 := newRig(t)
	bad := bytes.Replace(commitBody, []byte(`"author"`), []byte(`"x":1,"author"`), 1)
	if code := rig2.serve(webhooktest.NewRequest(handlerSecret, bad, webhooktest.WithID("msg_p"))); code != 422 {
		t.Fatal(code)
	}
	if code := rig2.serve(webhooktest.NewRequest(handlerSecret, commitBody, webhooktest.WithID("msg_p"))); code != 200 || rig2.runs.Load() != 1 {
		t.Errorf("retry after payload error: %d, runs %d", code, rig2.runs.Load())
	}
}

func TestWebhookHandlerDedupConcurrent(t *testing.T) {
	rig := newRig(t)
	var wg sync.WaitGroup
	var bad atomic.Int32
	for range 32 {
		wg.Go(func() {
			// 409 while the first runs, 200 once it is done.
			if code := rig.serve(webhooktest.NewRequest(handlerSecret, commitBody, webhooktest.WithID("msg_race"))); code != 200 && code != 409 {
				bad.Add(1)
			}
		})
	}
	wg.Wait()
	if got := rig.runs.Load(); got != 1 || bad.Load() != 0 {
		t.Errorf("32 concurrent deliveries of one id ran the handler %d times; %d answers neither 200 nor 409", got, bad.Load())
	}
}

func TestWebhookHandlerNoDedup(t *testing.T) {
	rig := newRig(t, webhook.WithDeduper(nil))
	for range 2 {
		rig.serve(webhooktest.NewRequest(handlerSecret, commitBody, webhooktest.WithID("msg_same")))
	}
	if got := rig.runs.Load(); got != 2 {
		t.Errorf("WithDeduper(nil): handler ran %d times; want 2", got)
	}
}

// fakeDeduper answers Begin with status and err (and, for DedupNew, the
// token fakeToken), and records the rest.
type fakeDeduper struct {
	status             webhook.DedupStatus
	err, completeErr   error
	completes, forgets atomic.Int32
	settleCtxErr       atomic.Pointer[error]
	settleToken        atomic.Pointer[string]
}

const fakeToken = "fake-lease-token"

func (f *fakeDeduper) Begin(context.Context, string) (webhook.Lease, error) {
	l := webhook.Lease{Status: f.status}
	if f.status == webhook.DedupNew {
		l.Token = fakeToken
	}
	return l, f.err
}

func (f *fakeDeduper) Complete(ctx context.Context, _, token string) error {
	f.completes.Add(1)
	f.settled(ctx, token)
	return f.completeErr
}

func (f *fakeDeduper) Forget(ctx context.Context, _, token string) error {
	f.forgets.Add(1)
	f.settled(ctx, token)
	return nil
}

func (f *fakeDeduper) settled(ctx context.Context, token string) {
	err := ctx.Err()
	f.settleCtxErr.Store(&err)
	f.settleToken.Store(&token)
}

func TestWebhookHandlerDeduperFailure(t *testing.T) {
	for _, d := range []*fakeDeduper{{err: errors.New("store unreachable")}, {status: 0}, {status: 42}} {
		rig := newRig(t, webhook.WithDeduper(d))
		if code := rig.serve(webhooktest.NewRequest(handlerSecret, commitBody)); code != 503 {
			t.Errorf("Begin = %v, %v: %d; want 503", d.status, d.err, code)
		}
		if rig.runs.Load() != 0 || d.completes.Load()+d.forgets.Load() != 0 {
			t.Error("handler ran although the deduper failed")
		}
		if !strings.Contains(rig.logs.String(), "duplicate filter failed") {
			t.Errorf("logs:\n%s", rig.logs)
		}
	}
}

func TestWebhookHandlerDeduperSettle(t *testing.T) {
	// Complete fails: the handler did run, so the answer is still 200 (a
	// 5xx would make Composio run it again), and the failure is logged.
	d := &fakeDeduper{status: webhook.DedupNew, completeErr: errors.New("store unreachable")}
	rig := newRig(t, webhook.WithDeduper(d))
	if code := rig.serve(webhooktest.NewRequest(handlerSecret, commitBody)); code != 200 || d.completes.Load() != 1 {
		t.Errorf("Complete failing: %d, completes %d; want 200, 1", code, d.completes.Load())
	}
	if !strings.Contains(rig.logs.String(), "duplicate filter complete failed") {
		t.Errorf("logs:\n%s", rig.logs)
	}

	// The request's context is cancelled (Composio stopped waiting) while
	// the handler runs: the outcome is still recorded.
	for _, fail := range []bool{false, true} {
		d := &fakeDeduper{status: webhook.DedupNew}
		rig := newRig(t, webhook.WithDeduper(d))
		if fail {
			mode := "error"
			rig.fail.Store(&mode)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		rig.serve(webhooktest.NewRequest(handlerSecret, commitBody).WithContext(ctx))
		if got := d.settleCtxErr.Load(); got == nil || *got != nil || d.completes.Load()+d.forgets.Load() != 1 {
			t.Errorf("fail=%v: settled %d+%d times, context error %v", fail, d.completes.Load(), d.forgets.Load(), got)
		}
		if tok := d.settleToken.Load(); tok == nil || *tok != fakeToken {
			t.Errorf("fail=%v: settled with token %v; want the lease's %q", fail, tok, fakeToken)
		}
	}

	// http.ErrAbortHandler passes through and the id is released.
	d = &fakeDeduper{status: webhook.DedupNew}
	v, _ := webhook.NewVerifier(handlerSecret)
	disp := webhook.NewDispatcher()
	disp.Fallback(func(context.Context, *webhook.Event) error { panic(http.ErrAbortHandler) })
	h := webhook.NewHandler(v, disp, webhook.WithDeduper(d), webhook.WithLogger(slog.New(slog.DiscardHandler)))
	func() {
		defer func() {
			if p := recover(); p != http.ErrAbortHandler {
				t.Errorf("recovered %v; want http.ErrAbortHandler", p)
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), webhooktest.NewRequest(handlerSecret, commitBody))
	}()
	if d.forgets.Load() != 1 || d.completes.Load() != 0 {
		t.Errorf("after ErrAbortHandler: forgets %d, completes %d; want 1, 0", d.forgets.Load(), d.completes.Load())
	}
	if tok := d.settleToken.Load(); tok == nil || *tok != fakeToken {
		t.Errorf("after ErrAbortHandler: forgot with token %v; want the lease's %q", tok, fakeToken)
	}
}

// TestWebhookHandlerEndToEnd delivers over HTTP to an httptest server.
func TestWebhookHandlerEndToEnd(t *testing.T) {
	rig := newRig(t)
	srv := httptest.NewServer(rig.h)
	defer srv.Close()
	for i, want := range []int32{1, 1} { // second delivery: same id, not handled
		req, err := webhooktest.NewClientRequest(context.Background(), srv.URL+"/hooks/composio", handlerSecret, commitBody,
			webhooktest.WithID("msg_e2e"), webhooktest.WithAttempt(i+1))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || rig.runs.Load() != want {
			t.Errorf("delivery %d: %s, runs %d", i+1, resp.Status, rig.runs.Load())
		}
	}
}

// TestWebhookHandlerRealEvents: every real example, signed, gets 200.
func TestWebhookHandlerRealEvents(t *testing.T) {
	v, _ := webhook.NewVerifier(handlerSecret)
	d := webhook.NewDispatcher()
	var n atomic.Int32
	d.Fallback(func(context.Context, *webhook.Event) error { n.Add(1); return nil })
	h := webhook.NewHandler(v, d, webhook.WithLogger(slog.New(slog.DiscardHandler)))
	for name, body := range loadEvents(t) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, webhooktest.NewRequest(handlerSecret, body, webhooktest.WithVersion(realEvents[name].version)))
		if rec.Code != 200 {
			t.Errorf("%s: %d %s", name, rec.Code, rec.Body)
		}
	}
	if int(n.Load()) != len(realEvents) {
		t.Errorf("fallback ran %d times; want %d", n.Load(), len(realEvents))
	}
}

// TestWebhookMessageBodies: webhooktest's V1/V2/V3 bodies decode back to the
// same event, and reach the typed handler strictly.
func TestWebhookMessageBodies(t *testing.T) {
	user := "user-1"
	m := webhooktest.Message{TriggerSlug: "GITHUB_COMMIT_EVENT", UserID: &user,
		Data: commitPayload{CommitSHA: "abc", Message: "m", Author: "a"}}
	for _, v := range []webhook.Version{webhook.V1, webhook.V2, webhook.V3} {
		body, err := m.Body(v)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := webhook.DecodeParts("msg_test", v, body)
		if err != nil {
			t.Fatalf("%s: %v\n%s", v, err, body)
		}
		if ev.TriggerSlug != "GITHUB_COMMIT_EVENT" || ev.TriggerID != "ti_test" || ev.ConnectedAccountID != "ca_test" || ev.ID != "msg_test" {
			t.Errorf("%s: %+v", v, ev)
		}
		if v != webhook.V1 && deref(ev.UserID) != user {
			t.Errorf("%s: user %s", v, deref(ev.UserID))
		}
		d := webhook.NewDispatcher(webhook.Strict())
		onCommitEvent(d, func(_ context.Context, _ *webhook.Event, p *commitPayload) error {
			if p.CommitSHA != "abc" {
				return fmt.Errorf("payload %+v", p)
			}
			return nil
		})
		if err := d.Dispatch(context.Background(), ev); err != nil {
			t.Errorf("%s: %v", v, err)
		}
	}
	if _, err := (webhooktest.Message{TriggerSlug: "X", Data: []int{1}}).Body(webhook.V3); err == nil {
		t.Error("array data accepted")
	}
	if b, err := (webhooktest.Message{TriggerSlug: "X"}).Body(webhook.V2); err != nil || !strings.Contains(string(b), `"data":{"connection_id"`) {
		t.Errorf("empty data V2: %s %v", b, err)
	}
}

// TestWebhookHandlerPanicStack: a recovered panic is logged with the stack
// of the panicking goroutine, so the line that panicked can be found.
func TestWebhookHandlerPanicStack(t *testing.T) {
	rig := newRig(t)
	mode := "panic"
	rig.fail.Store(&mode)
	if code := rig.serve(webhooktest.NewRequest(handlerSecret, commitBody)); code != 500 {
		t.Fatalf("panicking handler: %d; want 500", code)
	}
	var rec struct {
		Msg   string `json:"msg"`
		Error string `json:"error"`
		Stack string `json:"stack"`
	}
	for line := range strings.Lines(rig.logs.String()) {
		if strings.Contains(line, `"status":500`) {
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The stack names the function that panicked (the closure in newRig)
	// and the file and line it panicked on.
	if !strings.Contains(rec.Error, "boom") || !strings.Contains(rec.Stack, "webhook_test.newRig.func") ||
		!strings.Contains(rec.Stack, "handler_test.go:") {
		t.Errorf("logged %+v; want the panic value and a stack naming newRig's handler", rec)
	}
}

// TestWebhookHandlerPayloadErrorStatus: a payload that does not fit its type
// is answered 422 by default, so Composio retries it (the event is kept
// until the type is fixed); WithPayloadErrorStatus picks another code, and
// a 2xx code acknowledges the event and marks it done.
func TestWebhookHandlerPayloadErrorStatus(t *testing.T) {
	bad := bytes.Replace(commitBody, []byte(`"author"`), []byte(`"verified":true,"author"`), 1)
	typeErr := bytes.Replace(commitBody, []byte(`"author":"jane"`), []byte(`"author":7`), 1)
	for _, c := range []struct {
		opts  []webhook.HandlerOption
		want  int
		retry int // the answer to a retry of the same id with a good payload
	}{
		{nil, 422, 200},
		{[]webhook.HandlerOption{webhook.WithPayloadErrorStatus(http.StatusBadRequest)}, 400, 200},
		{[]webhook.HandlerOption{webhook.WithPayloadErrorStatus(http.StatusInternalServerError)}, 500, 200},
		{[]webhook.HandlerOption{webhook.WithPayloadErrorStatus(http.StatusOK)}, 200, 200},
		{[]webhook.HandlerOption{webhook.WithPayloadErrorStatus(http.StatusNoContent)}, 204, 200},
	} {
		for _, body := range [][]byte{bad, typeErr} {
			rig := newRig(t, c.opts...)
			if code := rig.serve(webhooktest.NewRequest(handlerSecret, body, webhooktest.WithID("msg_pe"))); code != c.want {
				t.Errorf("payload error, want %d: got %d\n%s", c.want, code, rig.logs)
			}
			if !strings.Contains(rig.logs.String(), "payload does not match its type") {
				t.Errorf("payload error not logged:\n%s", rig.logs)
			}
			// A retry runs the handler unless the event was acknowledged.
			code := rig.serve(webhooktest.NewRequest(handlerSecret, commitBody, webhooktest.WithID("msg_pe")))
			wantRuns := int32(1)
			if c.want < 300 {
				wantRuns = 0 // done: the retry is skipped
			}
			if code != c.retry || rig.runs.Load() != wantRuns {
				t.Errorf("status %d: retry got %d with %d runs; want %d with %d", c.want, code, rig.runs.Load(), c.retry, wantRuns)
			}
		}
	}
	for _, code := range []int{0, 99, 199, 600, -1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("WithPayloadErrorStatus(%d) accepted", code)
				}
			}()
			newRig(t, webhook.WithPayloadErrorStatus(code))
		}()
	}
}
