package openapi

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// upstreamPath is Composio's published OpenAPI document; see
// testdata/upstream/README.md for where it comes from.
const upstreamPath = "testdata/upstream/composio-v3.json"

// v31Additions lists what composio.yaml declares, for operations that exist
// upstream, that the published (Jan 2026) document lacks. Each entry is a
// documented v3.1 addition, with its source (README.md, "Where it comes
// from", lists them by section). Anything else missing upstream is a
// finding, so a misspelled name fails TestConformance, and so does an entry
// here that no longer matches anything.
var v31Additions = append([]allowance{
	{
		Op: "listActiveTriggers", Where: "query user_ids",
		Why: "v3.1 filter by user id; composio-base-py trigger_instance_list_active_params.py",
	},
	{
		Op: "upsertTriggerInstance", Where: "request .user_id",
		Why: "v3.1 server-side resolution of the user's connection; composio-base-py trigger_instance_upsert_params.py, composio PR 3714",
	},
	{
		Op: "listTriggerTypes", Where: "response 200 .items[].requires_webhook_endpoint_setup",
		Why: "v3.1 Webhook Triggers V2 flag; composio-base-py triggers_type_list_response.py",
	},
	{
		Op: "getTriggerType", Where: "response 200 .requires_webhook_endpoint_setup",
		Why: "v3.1 Webhook Triggers V2 flag; composio-base-py triggers_type_retrieve_response.py",
	},
	{
		Op: "listActiveTriggers", Where: "response 200 .items[].version",
		Why: "toolkit version of the instance, returned by the newer API; composio-base-py trigger_instance_list_active_response.py",
	},
	{
		Op: "listConnectedAccounts", Where: "query statuses[] enum REVOKED",
		Why: "newer connected-account status; composio-base-py connected_account_list_params.py",
	},
	{
		Op: "listConnectedAccounts", Where: "response 200 .items[].status enum REVOKED",
		Why: "newer connected-account status; composio-base-py connected_account_list_response.py",
	},
	{
		Op: "getConnectedAccount", Where: "response 200 .status enum REVOKED",
		Why: "newer connected-account status; composio-base-py connected_account_retrieve_response.py",
	},
	{
		Op: "*", Where: "response * .error.slug",
		Why: "the v3.1 API reference adds a machine-readable slug to every error body",
	},
}, connectedAccountAdditions()...)

// clientV31 is Composio's generated v3.1 client, the source of the
// connected-account additions below: its types (dist/client-*.d.mts,
// GetApiV31ConnectedAccountsData and …Responses) were read from the npm
// tarball, and internal/sdkcontract type-checks the fake's answers against
// them.
const clientV31 = "@composio/client 2.0.0-rc.6 (generated from the v3.1 spec)"

// connectedAccountAdditions are the connected-account fields of clientV31
// that the published document lacks, in both operations that return one.
func connectedAccountAdditions() []allowance {
	var out []allowance
	for _, op := range []string{"listConnectedAccounts", "getConnectedAccount"} {
		at := "response 200 ."
		if op == "listConnectedAccounts" {
			at = "response 200 .items[]."
		}
		out = append(out,
			allowance{Op: op, Where: at + "word_id", Why: "string | null, required; " + clientV31},
			allowance{Op: op, Where: at + "alias", Why: "string | null, required; " + clientV31},
			allowance{Op: op, Where: at + "experimental", Why: "account_type, acl_config_for_shared; " + clientV31},
			allowance{Op: op, Where: at + "auth_config.auth_scheme", Why: "deprecated upstream but required in " + clientV31},
			allowance{Op: op, Where: at + "auth_config.auth_scheme enum S2S_OAUTH2", Why: "a 14th auth scheme; " + clientV31},
			allowance{Op: op, Where: at + "state.authScheme enum S2S_OAUTH2", Why: "a 14th auth scheme; " + clientV31},
			allowance{Op: op, Where: at + "state.val.status enum REVOKED", Why: "newer connected-account status, also in the state variants; " + clientV31},
		)
	}
	return append(out, allowance{
		Op: "listConnectedAccounts", Where: "query account_type",
		Why: "PRIVATE | SHARED | ALL filter, PRIVATE when omitted; " + clientV31,
	})
}

// notUpstream lists the operations of composio.yaml that the published
// document does not have at all (v3.1 webhook endpoints and subscriptions,
// and the SDKs' internal realtime routes).
// Any other operation without an upstream counterpart is a finding, so a
// typo in a path cannot silently skip the comparison.
var notUpstream = []string{
	"createWebhookEndpoint",
	"createWebhookSubscription",
	"deleteWebhookSubscription",
	"getWebhookEndpoint",
	"getWebhookEndpointSchema",
	"getWebhookSubscription",
	"listWebhookEndpoints",
	"listWebhookEventTypes",
	"listWebhookSubscriptions",
	"replaceWebhookEndpoint",
	"rotateWebhookSubscriptionSecret",
	"updateWebhookEndpoint",
	"updateWebhookSubscription",
	"getRealtimeCredentials",
	"authorizeRealtimeChannel",
}

// allowance excuses one finding location. Op "*" matches any operation; in
// Where, "response * " matches any status.
type allowance struct {
	Op, Where, Why string
}

func (a allowance) matches(f finding) bool {
	if a.Op != "*" && a.Op != f.Op {
		return false
	}
	if rest, ok := strings.CutPrefix(a.Where, "response * "); ok {
		status, fRest, ok := strings.Cut(strings.TrimPrefix(f.Where, "response "), " ")
		return ok && strings.HasPrefix(f.Where, "response ") && status != "" && fRest == rest
	}
	return a.Where == f.Where
}

// finding is one place where composio.yaml disagrees with upstream.
type finding struct {
	Op    string // our operationId
	Where string // "query user_ids", "request .user_id", "response 200 .items[].slug"
	Msg   string
}

func (f finding) String() string { return f.Op + ": " + f.Where + ": " + f.Msg }

// conformance is the result of comparing our description with upstream.
type conformance struct {
	Findings []finding   // disagreements not excused by an allowance
	Unused   []allowance // allowances that excused nothing
	Absent   []string    // our operations without an upstream counterpart
	Excused  []finding   // disagreements excused by an allowance
}

// checkConformance compares every operation of ours whose path suffix exists
// upstream (/api/v3.1/x is looked up as /api/v3.1/x, then /api/v3/x): every
// parameter and every request and response body property ours declares,
// recursively through named schemas, must exist upstream under the same
// name with a compatible type, nullability and enum values.
func checkConformance(ours, upstream *openapi3.T, allow []allowance, absentOK []string) conformance {
	var c conformance
	var raw []finding
	for _, path := range ours.Paths.InMatchingOrder() {
		item := ours.Paths.Value(path)
		for _, method := range sortedMethods(item) {
			op := item.GetOperation(method)
			upItem, upOp := findUpstream(upstream, path, method)
			if upOp == nil {
				c.Absent = append(c.Absent, op.OperationID)
				if !slices.Contains(absentOK, op.OperationID) {
					raw = append(raw, finding{op.OperationID, method + " " + path, "no such operation upstream (under /api/v3.1 or /api/v3)"})
				}
				continue
			}
			cmp := &comparer{op: op.OperationID}
			cmp.params(mergedParams(item, op), mergedParams(upItem, upOp))
			cmp.requestBody(op, upOp)
			cmp.responses(op, upOp)
			raw = append(raw, cmp.findings...)
		}
	}
	used := make([]bool, len(allow))
	for _, f := range raw {
		excused := false
		for i, a := range allow {
			if a.matches(f) {
				used[i], excused = true, true
			}
		}
		if excused {
			c.Excused = append(c.Excused, f)
		} else {
			c.Findings = append(c.Findings, f)
		}
	}
	for i, a := range allow {
		if !used[i] {
			c.Unused = append(c.Unused, a)
		}
	}
	return c
}

func sortedMethods(item *openapi3.PathItem) []string {
	var methods []string
	for m := range item.Operations() {
		methods = append(methods, m)
	}
	sort.Strings(methods)
	return methods
}

// findUpstream finds the upstream operation for our path and method,
// comparing path templates without their parameter names.
func findUpstream(upstream *openapi3.T, path, method string) (*openapi3.PathItem, *openapi3.Operation) {
	candidates := []string{path}
	if rest, ok := strings.CutPrefix(path, "/api/v3.1/"); ok {
		candidates = append(candidates, "/api/v3/"+rest)
	}
	for _, cand := range candidates {
		want := templateShape(cand)
		for _, up := range upstream.Paths.InMatchingOrder() {
			if templateShape(up) != want {
				continue
			}
			item := upstream.Paths.Value(up)
			if op := item.GetOperation(method); op != nil {
				return item, op
			}
		}
	}
	return nil, nil
}

// templateShape replaces each {param} of a path template by {}.
func templateShape(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			segs[i] = "{}"
		}
	}
	return strings.Join(segs, "/")
}

// mergedParams returns the path item's parameters overridden by the
// operation's, keyed by "in name".
func mergedParams(item *openapi3.PathItem, op *openapi3.Operation) map[string]*openapi3.Parameter {
	m := map[string]*openapi3.Parameter{}
	for _, list := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, p := range list {
			if p == nil || p.Value == nil {
				continue
			}
			m[p.Value.In+" "+p.Value.Name] = p.Value
		}
	}
	return m
}

type comparer struct {
	op       string
	findings []finding
}

func (c *comparer) add(where, format string, args ...any) {
	c.findings = append(c.findings, finding{c.op, where, fmt.Sprintf(format, args...)})
}

func (c *comparer) params(ours, up map[string]*openapi3.Parameter) {
	keys := make([]string, 0, len(ours))
	for k := range ours {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		u, ok := up[k]
		if !ok {
			c.add(k, "parameter not upstream")
			continue
		}
		if u.Deprecated {
			c.add(k, "upstream parameter is deprecated")
		}
		c.schema(k, ours[k].Schema, u.Schema, 0)
	}
}

func jsonSchema(body *openapi3.RequestBodyRef) *openapi3.SchemaRef {
	if body == nil || body.Value == nil {
		return nil
	}
	if mt := body.Value.Content.Get("application/json"); mt != nil {
		return mt.Schema
	}
	return nil
}

func (c *comparer) requestBody(op, up *openapi3.Operation) {
	ours := jsonSchema(op.RequestBody)
	if ours == nil {
		return
	}
	theirs := jsonSchema(up.RequestBody)
	if theirs == nil {
		c.add("request", "no JSON request body upstream")
		return
	}
	c.schema("request ", ours, theirs, 0)
}

func (c *comparer) responses(op, up *openapi3.Operation) {
	if op.Responses == nil || up.Responses == nil {
		return
	}
	statuses := op.Responses.Keys()
	sort.Strings(statuses)
	for _, status := range statuses {
		ours := responseSchema(op.Responses.Value(status))
		theirs := responseSchema(up.Responses.Value(status))
		if ours == nil || theirs == nil {
			// Statuses upstream does not document (429, 201) have
			// nothing to compare against.
			continue
		}
		c.schema("response "+status+" ", ours, theirs, 0)
	}
}

func responseSchema(r *openapi3.ResponseRef) *openapi3.SchemaRef {
	if r == nil || r.Value == nil {
		return nil
	}
	if mt := r.Value.Content.Get("application/json"); mt != nil {
		return mt.Schema
	}
	return nil
}

// schema compares our schema at where with upstream's and recurses into
// properties, array items and additionalProperties.
func (c *comparer) schema(where string, ours, up *openapi3.SchemaRef, depth int) {
	if ours == nil || ours.Value == nil || up == nil || up.Value == nil || depth > 20 {
		return
	}
	o := ours.Value
	ut := typeSet(up.Value)

	// Types: every type ours allows must be allowed upstream. An
	// integer is fine where upstream says number.
	for _, t := range typeSet(o).names() {
		if !ut.allows(t) {
			c.add(where, "type %s, upstream %s", t, ut)
		}
	}
	if o.Nullable && !ut.nullable {
		c.add(where, "nullable here, not upstream")
	}

	// Enum values: each of ours must be an upstream value. A single allOf
	// is how a $ref carries a description or deprecated: look through it.
	ourEnum := o.Enum
	if len(ourEnum) == 0 && len(o.AllOf) == 1 && o.AllOf[0].Value != nil {
		ourEnum = o.AllOf[0].Value.Enum
	}
	if len(ourEnum) > 0 {
		if upEnum := enumValues(up.Value); upEnum != nil {
			for _, v := range ourEnum {
				if !slices.Contains(upEnum, fmt.Sprint(v)) {
					c.add(fmt.Sprintf("%s enum %v", strings.TrimSuffix(where, " "), v), "enum value not upstream")
				}
			}
		}
	}

	// Properties, including those of allOf parts.
	upProps := properties(up.Value)
	for _, name := range propertyNames(o) {
		p := property(o, name)
		at := where + "." + name
		candidates := upProps[name]
		if len(candidates) == 0 {
			c.add(at, "property not upstream")
			continue
		}
		if deprecated(candidates) {
			c.add(at, "upstream property is deprecated")
		}
		c.schema(at, p, union(candidates), depth+1)
	}

	// Array items.
	if o.Items != nil {
		if upItems := items(up.Value); upItems != nil {
			c.schema(where+"[]", o.Items, upItems, depth+1)
		} else if !ut.any {
			c.add(where+"[]", "array items not upstream")
		}
	}

	// Map values.
	if ap := o.AdditionalProperties.Schema; ap != nil {
		if upAP := additional(up.Value); upAP != nil {
			c.schema(where+"{}", ap, upAP, depth+1)
		}
	}
}

// types is the set of JSON types a schema (with its oneOf/anyOf branches)
// accepts.
type types struct {
	set      map[string]bool
	any      bool // no type constraint somewhere
	nullable bool
}

func (t types) names() []string {
	var out []string
	for k := range t.set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (t types) allows(name string) bool {
	return t.any || t.set[name] || (name == "integer" && t.set["number"])
}

func (t types) String() string {
	if t.any {
		return "any"
	}
	return strings.Join(t.names(), "|")
}

func typeSet(s *openapi3.Schema) types {
	t := types{set: map[string]bool{}, nullable: s.Nullable}
	var walk func(s *openapi3.Schema, depth int)
	walk = func(s *openapi3.Schema, depth int) {
		if s == nil || depth > 10 {
			return
		}
		if s.Nullable {
			t.nullable = true
		}
		branches := append(append(openapi3.SchemaRefs{}, s.OneOf...), s.AnyOf...)
		switch {
		case s.Type != nil && !s.Type.IsEmpty():
			for _, name := range s.Type.Slice() {
				if name == "null" {
					t.nullable = true
					continue
				}
				t.set[name] = true
			}
		case len(branches) > 0:
			for _, b := range branches {
				if b != nil {
					walk(b.Value, depth+1)
				}
			}
		case len(s.AllOf) > 0:
			for _, b := range s.AllOf {
				if b != nil {
					walk(b.Value, depth+1)
				}
			}
		default:
			t.any = true
		}
	}
	walk(s, 0)
	return t
}

func enumValues(s *openapi3.Schema) []string {
	var out []string
	found := false
	var walk func(s *openapi3.Schema, depth int)
	walk = func(s *openapi3.Schema, depth int) {
		if s == nil || depth > 10 {
			return
		}
		if len(s.Enum) > 0 {
			found = true
			for _, v := range s.Enum {
				out = append(out, fmt.Sprint(v))
			}
			return
		}
		if s.Type != nil && !s.Type.IsEmpty() && len(s.OneOf)+len(s.AnyOf) == 0 {
			// A branch without enum accepts any value of its type.
			found, out = false, nil
			return
		}
		for _, b := range append(append(openapi3.SchemaRefs{}, s.OneOf...), s.AnyOf...) {
			if b != nil {
				walk(b.Value, depth+1)
			}
		}
	}
	walk(s, 0)
	if !found {
		return nil
	}
	return out
}

// propertyNames lists the properties a schema declares itself and through
// allOf, sorted.
func propertyNames(s *openapi3.Schema) []string {
	seen := map[string]bool{}
	var walk func(s *openapi3.Schema)
	walk = func(s *openapi3.Schema) {
		for name := range s.Properties {
			seen[name] = true
		}
		for _, p := range s.AllOf {
			if p != nil && p.Value != nil {
				walk(p.Value)
			}
		}
	}
	walk(s)
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func property(s *openapi3.Schema, name string) *openapi3.SchemaRef {
	if p, ok := s.Properties[name]; ok {
		return p
	}
	for _, part := range s.AllOf {
		if part != nil && part.Value != nil {
			if p := property(part.Value, name); p != nil {
				return p
			}
		}
	}
	return nil
}

// properties collects upstream's candidate schemas for each property name,
// from the schema itself and every allOf, oneOf and anyOf branch.
func properties(s *openapi3.Schema) map[string][]*openapi3.SchemaRef {
	out := map[string][]*openapi3.SchemaRef{}
	var walk func(s *openapi3.Schema, depth int)
	walk = func(s *openapi3.Schema, depth int) {
		if s == nil || depth > 10 {
			return
		}
		for name, p := range s.Properties {
			out[name] = append(out[name], p)
		}
		for _, list := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
			for _, b := range list {
				if b != nil {
					walk(b.Value, depth+1)
				}
			}
		}
	}
	walk(s, 0)
	return out
}

func deprecated(candidates []*openapi3.SchemaRef) bool {
	for _, c := range candidates {
		if c.Value == nil || !c.Value.Deprecated {
			return false
		}
	}
	return true
}

// union merges upstream's candidates for one property (one per oneOf
// branch, say) into one schema, anyOf them: ours may use the type, enum
// values and properties of any branch. The connected-account state, a oneOf
// of 13 auth schemes each with its own authScheme enum and val variants,
// is compared this way.
func union(candidates []*openapi3.SchemaRef) *openapi3.SchemaRef {
	if len(candidates) == 1 {
		return candidates[0]
	}
	return &openapi3.SchemaRef{Value: &openapi3.Schema{AnyOf: candidates}}
}

// items returns upstream's array item schema, looking through oneOf/anyOf.
func items(s *openapi3.Schema) *openapi3.SchemaRef {
	if s.Items != nil {
		return s.Items
	}
	for _, b := range append(append(openapi3.SchemaRefs{}, s.OneOf...), s.AnyOf...) {
		if b != nil && b.Value != nil {
			if it := items(b.Value); it != nil {
				return it
			}
		}
	}
	return nil
}

// additional returns upstream's additionalProperties schema, looking
// through oneOf/anyOf.
func additional(s *openapi3.Schema) *openapi3.SchemaRef {
	if s.AdditionalProperties.Schema != nil {
		return s.AdditionalProperties.Schema
	}
	for _, b := range append(append(openapi3.SchemaRefs{}, s.OneOf...), s.AnyOf...) {
		if b != nil && b.Value != nil {
			if ap := additional(b.Value); ap != nil {
				return ap
			}
		}
	}
	return nil
}

func loadUpstream(t *testing.T) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(upstreamPath)
	if err != nil {
		t.Fatalf("load %s: %v", upstreamPath, err)
	}
	return doc
}

func loadOurs(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestDescriptionValid(t *testing.T) {
	doc := loadOurs(t)
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	seen := map[string]bool{}
	for _, path := range doc.Paths.InMatchingOrder() {
		// The SDKs' internal routes keep their /api/v3 paths; only they may,
		// and they must say they are internal.
		internalPath := strings.HasPrefix(path, "/api/v3/internal/sdk/")
		if !strings.HasPrefix(path, "/api/v3.1/") && !internalPath {
			t.Errorf("%s: not a v3.1 path", path)
		}
		for method, op := range doc.Paths.Value(path).Operations() {
			if internal, _ := op.Extensions["x-internal"].(bool); internal != internalPath {
				t.Errorf("%s %s: x-internal is %v, want %v (exactly the /api/v3/internal/sdk/ routes are internal)", method, path, internal, internalPath)
			}
			if op.OperationID == "" {
				t.Errorf("%s %s: no operationId", method, path)
			}
			if seen[op.OperationID] {
				t.Errorf("%s: duplicate operationId", op.OperationID)
			}
			seen[op.OperationID] = true
			for _, status := range op.Responses.Keys() {
				if status[0] == '2' {
					continue
				}
				if responseSchema(op.Responses.Value(status)) == nil {
					t.Errorf("%s %s: no JSON error body", op.OperationID, status)
				}
			}
		}
	}
	want := []string{
		"listTriggerTypes", "getTriggerType", "listTriggerTypeEnum",
		"upsertTriggerInstance", "listActiveTriggers", "manageTriggerInstance", "deleteTriggerInstance",
		"listConnectedAccounts", "getConnectedAccount",
		"getWebhookEndpointSchema", "createWebhookEndpoint", "listWebhookEndpoints", "getWebhookEndpoint",
		"updateWebhookEndpoint", "replaceWebhookEndpoint",
		"createWebhookSubscription", "listWebhookSubscriptions", "getWebhookSubscription",
		"updateWebhookSubscription", "deleteWebhookSubscription", "rotateWebhookSubscriptionSecret",
		"listWebhookEventTypes",
		"getRealtimeCredentials", "authorizeRealtimeChannel",
	}
	for _, id := range want {
		if !seen[id] {
			t.Errorf("operation %s missing", id)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("%d operations, want %d", len(seen), len(want))
	}
}

// TestArrayQueryParamsCommaSeparated pins the wire format of every array
// query parameter: comma-separated, as the official clients send.
func TestArrayQueryParamsCommaSeparated(t *testing.T) {
	doc := loadOurs(t)
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for _, op := range item.Operations() {
			for _, p := range mergedParams(item, op) {
				if p.In != "query" || p.Schema == nil || !p.Schema.Value.Type.Is("array") {
					continue
				}
				if p.Style != "form" || p.Explode == nil || *p.Explode {
					t.Errorf("%s %s: style %q explode %v, want form/false", op.OperationID, p.Name, p.Style, p.Explode)
				}
			}
		}
	}
}

func TestConformance(t *testing.T) {
	c := checkConformance(loadOurs(t), loadUpstream(t), v31Additions, notUpstream)
	for _, f := range c.Findings {
		t.Errorf("finding: %s", f)
	}
	for _, a := range c.Unused {
		t.Errorf("allowance matches nothing (stale or misspelled): %s %s", a.Op, a.Where)
	}
	for _, id := range notUpstream {
		if !slices.Contains(c.Absent, id) {
			t.Errorf("%s is listed in notUpstream but exists upstream: compare it", id)
		}
	}
	for _, a := range v31Additions {
		n := 0
		for _, f := range c.Excused {
			if a.matches(f) {
				n++
			}
		}
		t.Logf("v3.1 addition, %d place(s): %s %s", n, a.Op, a.Where)
	}
	if compared := 24 - len(c.Absent); compared != 9 {
		t.Errorf("compared %d operations with upstream, want 9", compared)
	}
}

// TestConformanceCheckerCatchesMistakes shows that the checker fails on the
// mistakes it exists to catch, each made in a loaded copy of composio.yaml.
func TestConformanceCheckerCatchesMistakes(t *testing.T) {
	upstream := loadUpstream(t)
	tests := []struct {
		name   string
		mutate func(t *testing.T, doc *openapi3.T)
		want   finding
	}{
		{
			name: "misspelled request property",
			mutate: func(t *testing.T, doc *openapi3.T) {
				props := doc.Components.Schemas["UpsertTriggerInstanceRequest"].Value.Properties
				props["user_idd"] = props["user_id"]
				delete(props, "user_id")
			},
			want: finding{"upsertTriggerInstance", "request .user_idd", "property not upstream"},
		},
		{
			name: "misspelled nested response property",
			mutate: func(t *testing.T, doc *openapi3.T) {
				props := doc.Components.Schemas["TriggerTypeToolkit"].Value.Properties
				props["logos"] = props["logo"]
				delete(props, "logo")
			},
			want: finding{"listTriggerTypes", "response 200 .items[].toolkit.logos", "property not upstream"},
		},
		{
			name: "misspelled property inside the lenient auth state",
			mutate: func(t *testing.T, doc *openapi3.T) {
				props := doc.Components.Schemas["ConnectedAccountState"].Value.Properties
				props["auth_scheme"] = props["authScheme"]
				delete(props, "authScheme")
			},
			want: finding{"getConnectedAccount", "response 200 .state.auth_scheme", "property not upstream"},
		},
		{
			name: "misspelled query parameter",
			mutate: func(t *testing.T, doc *openapi3.T) {
				doc.Components.Parameters["ToolkitSlugsParam"].Value.Name = "toolkit_slug"
			},
			want: finding{"listConnectedAccounts", "query toolkit_slug", "parameter not upstream"},
		},
		{
			name: "incompatible type",
			mutate: func(t *testing.T, doc *openapi3.T) {
				doc.Components.Schemas["UpsertTriggerInstanceResult"].Value.Properties["trigger_id"].Value.Type = &openapi3.Types{"integer"}
			},
			want: finding{"upsertTriggerInstance", "response 200 .trigger_id", "type integer, upstream string"},
		},
		{
			name: "nullable where upstream is not",
			mutate: func(t *testing.T, doc *openapi3.T) {
				doc.Components.Schemas["TriggerType"].Value.Properties["slug"].Value.Nullable = true
			},
			want: finding{"getTriggerType", "response 200 .slug", "nullable here, not upstream"},
		},
		{
			name: "misspelled enum value",
			mutate: func(t *testing.T, doc *openapi3.T) {
				doc.Components.Schemas["TriggerMechanism"].Value.Enum = []any{"webhook", "polling"}
			},
			want: finding{"getTriggerType", "response 200 .type enum polling", "enum value not upstream"},
		},
		{
			name: "path typo",
			mutate: func(t *testing.T, doc *openapi3.T) {
				item := doc.Paths.Value("/api/v3.1/trigger_instances/active")
				doc.Paths.Delete("/api/v3.1/trigger_instances/active")
				doc.Paths.Set("/api/v3.1/trigger_instance/active", item)
			},
			want: finding{"listActiveTriggers", http.MethodGet + " /api/v3.1/trigger_instance/active", "no such operation upstream (under /api/v3.1 or /api/v3)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := loadOurs(t)
			if got := checkConformance(doc, upstream, v31Additions, notUpstream); len(got.Findings) != 0 {
				t.Fatalf("unmutated description has findings: %v", got.Findings)
			}
			tt.mutate(t, doc)
			got := checkConformance(doc, upstream, v31Additions, notUpstream)
			if !slices.Contains(got.Findings, tt.want) {
				t.Errorf("findings %v\ndo not include %v", got.Findings, tt.want)
			}
		})
	}
}

// TestAllowanceMatching pins the allow-list's wildcards.
func TestAllowanceMatching(t *testing.T) {
	a := allowance{Op: "*", Where: "response * .error.slug"}
	for _, f := range []finding{
		{Op: "getTriggerType", Where: "response 400 .error.slug"},
		{Op: "deleteTriggerInstance", Where: "response 409 .error.slug"},
	} {
		if !a.matches(f) {
			t.Errorf("%v does not match %v", a, f)
		}
	}
	for _, f := range []finding{
		{Op: "getTriggerType", Where: "response 400 .error.slugs"},
		{Op: "getTriggerType", Where: "request .error.slug"},
	} {
		if a.matches(f) {
			t.Errorf("%v matches %v", a, f)
		}
	}
	exact := allowance{Op: "upsertTriggerInstance", Where: "request .user_id"}
	if exact.matches(finding{Op: "upsertTriggerInstance", Where: "request .user_idd"}) {
		t.Error("exact allowance matches a misspelling")
	}
}
