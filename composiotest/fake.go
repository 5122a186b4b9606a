package composiotest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/triggergen/triggergen/catalog"
	"github.com/triggergen/triggergen/lockfile"
	"github.com/triggergen/triggergen/openapi"
	"github.com/triggergen/triggergen/secret"
)

// DefaultAPIKey is the API key a fake accepts unless WithAPIKey says otherwise.
const DefaultAPIKey = "test-api-key"

// DefaultDeletedRetention is how long a deleted trigger instance is
// remembered: a second DELETE within it answers 409, after it 410.
const DefaultDeletedRetention = 24 * time.Hour

// IngressBaseURL is the base of every webhook endpoint's webhook_url:
// IngressBaseURL + "/{toolkit_slug}/{we_id}/trigger_event", as production.
const IngressBaseURL = "https://backend.composio.dev/api/v3.1/webhook_ingress"

// Option configures a Fake.
type Option func(*options)

type options struct {
	locks           []*lockfile.Lock
	apiKey          string
	now             func() time.Time
	log             *slog.Logger
	retention       time.Duration
	allowInvalid    bool
	respMutator     func(op string, status int, body []byte) []byte
	observe         func(Response)
	deliveryClient  *http.Client
	projectID       string
	defaultPageSize int
	// realtimeChunkSize: see WithRealtimeChunkSize (realtime.go).
	realtimeChunkSize int
}

// WithLock seeds the trigger types (and webhook endpoint schemas) from l.
// The default is the embedded catalog (catalog.Lock()). Given more than once,
// the locks are merged: a toolkit present in several locks at different
// versions is served at all of them, the greatest version being "latest".
func WithLock(l *lockfile.Lock) Option {
	return func(o *options) { o.locks = append(o.locks, l) }
}

// WithAPIKey sets the x-api-key value the fake accepts (default DefaultAPIKey).
func WithAPIKey(key string) Option { return func(o *options) { o.apiKey = key } }

// WithClock sets the fake's clock (default time.Now).
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithLogger sets where the fake logs requests and contract violations
// (default: discarded).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// WithDeletedRetention sets how long a deleted trigger instance is kept:
// a DELETE of it within d answers 409, later 410 (default DefaultDeletedRetention).
func WithDeletedRetention(d time.Duration) Option { return func(o *options) { o.retention = d } }

// AllowInvalidRequests stops requests that do not conform to openapi/ from
// being reported as contract violations. They are still answered with 400
// VALIDATION_ERROR. Use it in tests that send malformed requests on purpose.
func AllowInvalidRequests() Option { return func(o *options) { o.allowInvalid = true } }

// WithDeliveryClient sets the HTTP client Deliver and DeliverProjectEvent use
// (default: a client with a 10 s timeout).
func WithDeliveryClient(c *http.Client) Option { return func(o *options) { o.deliveryClient = c } }

// WithProjectID sets the project id put in project-event metadata
// (default "pr_test").
func WithProjectID(id string) Option { return func(o *options) { o.projectID = id } }

// WithDefaultPageSize sets the page size of paginated lists when the request
// has no limit (default 20). It is capped at each list's maximum: 50 for
// trigger types, active trigger instances and subscriptions, 1000 for
// connected accounts.
func WithDefaultPageSize(n int) Option { return func(o *options) { o.defaultPageSize = n } }

// ObserveResponses calls fn with every answer the fake sends, after it was
// validated against the description: e.g. to check the answers against
// another client's types (internal/sdkcontract does, with Composio's
// TypeScript client). Injected faults and dropped connections are not
// reported. fn runs on the request's goroutine, before the answer is
// written; it must not keep Body beyond the call without copying it.
func ObserveResponses(fn func(Response)) Option { return func(o *options) { o.observe = fn } }

// Response is an answer the fake sent, see ObserveResponses.
type Response struct {
	// Operation is the operationId the request was routed to ("" if none).
	Operation string
	// Method and URI are the request's method and request URI (path and
	// query, as sent).
	Method, URI string
	// Status is the HTTP status of the answer.
	Status int
	// Body is the response body as sent.
	Body []byte
}

// withResponseMutator lets a test corrupt a response body before the
// validating layer sees it (the "contract check bites" test).
func withResponseMutator(m func(op string, status int, body []byte) []byte) Option {
	return func(o *options) { o.respMutator = m }
}

// ConnectedAccount is a seeded connected account.
type ConnectedAccount struct {
	ID           string
	UserID       string
	Toolkit      string
	AuthConfigID string
	// AuthScheme is the auth scheme, DefaultAuthScheme (OAUTH2) when empty.
	// With Status it picks the variant of the state the account is
	// answered with; AuthStates lists the combinations Composio's types
	// have, and any other is reported as a contract violation.
	AuthScheme string
	// Status is ACTIVE (the default when empty), EXPIRED, INACTIVE, …
	Status string
	// Alias is the account's alias; null on the wire when empty.
	Alias string
	// Shared makes the account SHARED (experimental.account_type): it is
	// listed only when the request asks for account_type SHARED or ALL.
	Shared    bool
	CreatedAt time.Time
	// UpdatedAt defaults to CreatedAt.
	UpdatedAt time.Time
}

// TriggerInstance is a trigger instance as the fake stores it.
type TriggerInstance struct {
	ID                 string
	Slug               string
	UserID             string
	ConnectedAccountID string
	ToolkitVersion     string
	Config             json.RawMessage
	Disabled           bool
	Deleted            bool
}

// Fake is a stateful, in-memory Composio API. It is safe for concurrent use.
type Fake struct {
	opts    options
	control *http.ServeMux // the control routes (see ControlPrefix)

	mu sync.Mutex
	// catalogue
	toolkits map[string]*toolkitState // by lower-case slug
	// state
	accounts     []*account // insertion order
	triggers     []*trigger // insertion order
	endpoints    []*endpoint
	subscription *subscription
	// observation
	requests   []Request
	violations []string
	faults     []Fault
	latency    time.Duration
	onViolate  func(string)
	validator  *openapi.Validator
	// rt is the realtime (Pusher) side, see realtime.go.
	rt *realtimeHub
}

type toolkitState struct {
	slug     string
	versions map[string]*toolkitVersion
	latest   string
	schema   json.RawMessage // webhook endpoint schema override or from the latest lock
}

type toolkitVersion struct {
	version  string
	schema   json.RawMessage
	triggers map[string]*triggerType // by upper-case slug
	order    []string
}

type triggerType struct {
	tt       *lockfile.TriggerType
	toolkit  string
	version  string
	requires bool
	// config schema, compiled on first use
	compiled *jsonschema.Schema
	compErr  error
	didComp  bool
}

type account struct {
	ConnectedAccount
	uuid string
	seq  int
}

type trigger struct {
	TriggerInstance
	uuid       string
	createdAt  time.Time
	updatedAt  time.Time
	disabledAt time.Time
	deletedAt  time.Time
}

type endpoint struct {
	id         string
	toolkit    string
	clientID   string
	data       map[string]string // nil until set
	createdAt  time.Time
	verifiedAt time.Time
}

type subscription struct {
	id        string
	url       string
	version   string
	events    []string
	secret    string
	createdAt time.Time
	updatedAt time.Time
}

// New builds a fake without a test, e.g. for the standalone command. Contract
// violations are logged (and kept, see ContractViolations) rather than
// failing a test.
func New(opts ...Option) (*Fake, error) {
	o := options{apiKey: DefaultAPIKey, now: time.Now, retention: DefaultDeletedRetention, projectID: "pr_test", defaultPageSize: 20}
	for _, opt := range opts {
		opt(&o)
	}
	if o.log == nil {
		o.log = slog.New(slog.DiscardHandler)
	}
	if o.deliveryClient == nil {
		o.deliveryClient = &http.Client{Timeout: 10 * time.Second}
	}
	if o.defaultPageSize < 1 {
		o.defaultPageSize = 20
	}
	if len(o.locks) == 0 {
		l, err := defaultLock()
		if err != nil {
			return nil, fmt.Errorf("composiotest: %w", err)
		}
		o.locks = []*lockfile.Lock{l}
	}
	f := &Fake{opts: o, toolkits: map[string]*toolkitState{}, rt: newRealtimeHub(o.realtimeChunkSize)}
	for _, l := range o.locks {
		if l == nil {
			return nil, errors.New("composiotest: WithLock(nil)")
		}
		for _, tk := range l.Toolkits {
			f.addToolkit(tk)
		}
	}
	v, err := newValidator()
	if err != nil {
		return nil, err
	}
	f.validator = v
	f.control = f.controlMux()
	return f, nil
}

func (f *Fake) addToolkit(tk *lockfile.Toolkit) {
	key := strings.ToLower(tk.Slug)
	ts := f.toolkits[key]
	if ts == nil {
		ts = &toolkitState{slug: key, versions: map[string]*toolkitVersion{}}
		f.toolkits[key] = ts
	}
	version := tk.Version
	if version == "" {
		version = "00000000_00"
	}
	tv := &toolkitVersion{version: version, schema: tk.WebhookEndpointSchema, triggers: map[string]*triggerType{}}
	for _, tt := range tk.TriggerTypes {
		up := strings.ToUpper(tt.Slug)
		tv.triggers[up] = &triggerType{tt: tt, toolkit: key, version: version, requires: tt.RequiresWebhookEndpointSetup}
		tv.order = append(tv.order, up)
	}
	sort.Strings(tv.order)
	ts.versions[version] = tv
	if ts.latest == "" || version >= ts.latest {
		ts.latest = version
		if len(tk.WebhookEndpointSchema) > 0 {
			ts.schema = tk.WebhookEndpointSchema
		}
	}
}

var (
	catalogOnce sync.Once
	catalogLock *lockfile.Lock
	catalogErr  error
)

// defaultLock parses the embedded catalog once; fakes only read it.
func defaultLock() (*lockfile.Lock, error) {
	catalogOnce.Do(func() { catalogLock, catalogErr = catalog.Lock() })
	return catalogLock, catalogErr
}

// APIKey returns the x-api-key value the fake accepts.
func (f *Fake) APIKey() string { return f.opts.apiKey }

func (f *Fake) now() time.Time { return f.opts.now().UTC() }

// AddConnectedAccount stores a connected account. ID ("ca_…"), CreatedAt (the
// clock), AuthScheme (OAUTH2), Status (ACTIVE) and AuthConfigID
// ("ac_<toolkit>") are filled when empty; the stored value is returned. An
// account with an existing ID replaces it. A combination of AuthScheme and
// Status that Composio's types have no state for (see AuthStates) is
// reported as a contract violation: every answer with the account would
// break the official SDK.
func (f *Fake) AddConnectedAccount(ca ConnectedAccount) ConnectedAccount {
	ca = f.addConnectedAccount(ca)
	if err := checkAuthState(ca.AuthScheme, ca.Status); err != nil {
		f.violate(fmt.Sprintf("AddConnectedAccount %s: %v", ca.ID, err))
	}
	return ca
}

func (f *Fake) addConnectedAccount(ca ConnectedAccount) ConnectedAccount {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ca.ID == "" {
		ca.ID = newID("ca_")
	}
	if ca.CreatedAt.IsZero() {
		ca.CreatedAt = f.now()
	}
	if ca.UpdatedAt.IsZero() {
		ca.UpdatedAt = ca.CreatedAt
	}
	if ca.Status == "" {
		ca.Status = "ACTIVE"
	}
	if ca.AuthScheme == "" {
		ca.AuthScheme = DefaultAuthScheme
	}
	ca.Toolkit = strings.ToLower(ca.Toolkit)
	if ca.AuthConfigID == "" {
		ca.AuthConfigID = "ac_" + ca.Toolkit
	}
	a := &account{ConnectedAccount: ca, uuid: newUUID(), seq: len(f.accounts)}
	for i, old := range f.accounts {
		if old.ID == ca.ID {
			a.seq = old.seq
			a.uuid = old.uuid
			f.accounts[i] = a
			return ca
		}
	}
	f.accounts = append(f.accounts, a)
	return ca
}

// SetConnectedAccountStatus changes an account's status (e.g. to EXPIRED) and
// its updated_at. It reports whether the account exists. A status the
// account's auth scheme has no state for is reported as a contract
// violation, as in AddConnectedAccount.
func (f *Fake) SetConnectedAccountStatus(id, status string) bool {
	f.mu.Lock()
	a := f.accountByID(id)
	if a == nil {
		f.mu.Unlock()
		return false
	}
	a.Status = status
	a.UpdatedAt = f.now()
	err := checkAuthState(a.AuthScheme, status)
	f.mu.Unlock()
	if err != nil {
		f.violate(fmt.Sprintf("SetConnectedAccountStatus %s: %v", id, err))
	}
	return true
}

// ConnectedAccounts returns the stored connected accounts, in insertion order.
func (f *Fake) ConnectedAccounts() []ConnectedAccount {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]ConnectedAccount, len(f.accounts))
	for i, a := range f.accounts {
		out[i] = a.ConnectedAccount
	}
	return out
}

// SetWebhookEndpointSchema overrides the lock's webhook_endpoint_schema of a
// toolkit. schema is either the whole GET /webhook_endpoints/schema response
// ({"toolkit_slug": …, "setup_fields": {…}}) or just the setup_fields object.
// A nil schema removes it.
func (f *Fake) SetWebhookEndpointSchema(toolkit string, schema json.RawMessage) {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := strings.ToLower(toolkit)
	ts := f.toolkits[key]
	if ts == nil {
		ts = &toolkitState{slug: key, versions: map[string]*toolkitVersion{}}
		f.toolkits[key] = ts
	}
	if schema == nil {
		ts.schema = nil
		return
	}
	var probe map[string]json.RawMessage
	if json.Unmarshal(schema, &probe) == nil {
		if _, ok := probe["setup_fields"]; !ok {
			b, _ := json.Marshal(map[string]any{"toolkit_slug": key, "setup_fields": json.RawMessage(schema)})
			schema = b
		}
	}
	ts.schema = slices.Clone(schema)
}

// SetRequiresWebhookEndpointSetup flips requires_webhook_endpoint_setup on a
// seeded trigger type (every version of it). An unknown slug is ignored.
func (f *Fake) SetRequiresWebhookEndpointSetup(triggerSlug string, v bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	up := strings.ToUpper(triggerSlug)
	for _, ts := range f.toolkits {
		for _, tv := range ts.versions {
			if tt := tv.triggers[up]; tt != nil {
				tt.requires = v
			}
		}
	}
}

// VerifyWebhookEndpoint simulates the provider's verification handshake on a
// webhook endpoint: it sets verified_at to the clock.
func (f *Fake) VerifyWebhookEndpoint(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range f.endpoints {
		if e.id == id {
			e.verifiedAt = f.now()
			return nil
		}
	}
	return fmt.Errorf("composiotest: no webhook endpoint %q", id)
}

// WebhookEndpointData returns an endpoint's stored setup data, unmasked, for
// assertions. ok is false for an unknown id; data is nil until set.
func (f *Fake) WebhookEndpointData(id string) (map[string]string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range f.endpoints {
		if e.id == id {
			if e.data == nil {
				return nil, true
			}
			return maps.Clone(e.data), true
		}
	}
	return nil, false
}

// TriggerInstances returns every trigger instance, deleted ones included, in
// creation order.
func (f *Fake) TriggerInstances() []TriggerInstance {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]TriggerInstance, len(f.triggers))
	for i, t := range f.triggers {
		out[i] = t.TriggerInstance
		out[i].Config = slices.Clone(t.Config)
	}
	return out
}

// Subscription returns the project's webhook subscription URL and current
// signing secret.
func (f *Fake) Subscription() (url string, signingSecret secret.Value, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.subscription == nil {
		return "", secret.Value{}, false
	}
	return f.subscription.url, secret.New(f.subscription.secret), true
}

// Request is one request the fake received.
type Request struct {
	Method, Path, RawQuery string
	// Header is the request header, the x-api-key value replaced by "[REDACTED]".
	Header http.Header
	Body   []byte
	// Status is the status the fake answered (0 for a dropped connection).
	Status int
	// Operation is the operationId the request was routed to ("" if none).
	Operation string
}

// Requests returns every request received, in order.
func (f *Fake) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Request, len(f.requests))
	for i, r := range f.requests {
		out[i] = r
		out[i].Header = r.Header.Clone()
		out[i].Body = slices.Clone(r.Body)
	}
	return out
}

// ContractViolations returns every mismatch between the traffic and the
// OpenAPI description seen so far, one line each naming the operation.
func (f *Fake) ContractViolations() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.violations)
}

func (f *Fake) violate(msg string) {
	f.mu.Lock()
	f.violations = append(f.violations, msg)
	cb := f.onViolate
	f.mu.Unlock()
	f.opts.log.Error("composiotest: contract violation", "problem", msg)
	if cb != nil {
		cb(msg)
	}
}

// Fault is an injected failure, see FailNext.
type Fault struct {
	// Status is the HTTP status to answer with (e.g. 429, 500, 502). 429 is
	// answered with the documented {"message": …} body, others with the
	// Error envelope (slug INJECTED_FAULT).
	Status int
	// RetryAfter sets the Retry-After header (whole seconds, rounded up).
	RetryAfter time.Duration
	// Drop hijacks the connection and closes it without answering.
	Drop bool
	// Latency delays the answer; with no Status and no Drop the request is
	// then served normally.
	Latency time.Duration
	// Path, when set, restricts the fault to requests whose path contains it.
	Path string
}

// FailNext makes the next n requests (that match fault.Path) fail with fault.
// Faults queue up in the order given.
func (f *Fake) FailNext(n int, fault Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.faults = append(f.faults, fault)
	}
}

// SetLatency delays every answer by d (0 turns it off).
func (f *Fake) SetLatency(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.latency = d
}

// takeFault removes and returns the first queued fault matching path.
func (f *Fake) takeFault(path string) (Fault, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, ft := range f.faults {
		if ft.Path == "" || strings.Contains(path, ft.Path) {
			f.faults = slices.Delete(f.faults, i, i+1)
			return ft, true
		}
	}
	return Fault{}, false
}

func newID(prefix string) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	var b [12]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return prefix + string(b[:])
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// wireTime formats t as the API does: 2026-01-02T03:04:05.000Z.
func wireTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

var timeZero time.Time
