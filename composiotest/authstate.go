package composiotest

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// DefaultAuthScheme is the auth scheme of a connected account seeded
// without one.
const DefaultAuthScheme = "OAUTH2"

// authStates lists, per auth scheme, the statuses a connected account's
// state can have and the fields its val then requires, besides status.
// Composio types state as a union of these variants: a state that fits none
// (OAUTH2 + ACTIVE without access_token, API_KEY + EXPIRED) is dropped by
// the official SDK with a warning. The combinations and fields are read off
// the v3.1 client's types (@composio/client 2.0.0-rc.6,
// ConnectedAccountRetrieveResponse['state']), plus the fields the SDK's own
// parser also requires (@composio/core 0.21.0 ConnectionDataSchema wants a
// password with BASIC); internal/sdkcontract checks an account of every
// entry against both.
var authStates = map[string]map[string][]string{
	"OAUTH1": {
		"INITIALIZING": nil,
		"INITIATED":    {"oauth_token", "authUri", "oauth_token_secret", "redirectUrl"},
		"ACTIVE":       {"oauth_token", "oauth_token_secret"},
		"INACTIVE":     {"oauth_token", "oauth_token_secret"},
		"FAILED":       nil,
		"EXPIRED":      nil,
	},
	"OAUTH2": {
		"INITIALIZING": nil,
		"INITIATED":    {"redirectUrl"},
		"ACTIVE":       {"access_token"},
		"INACTIVE":     {"access_token"},
		"FAILED":       nil,
		"EXPIRED":      nil,
		"REVOKED":      nil,
	},
	"API_KEY": {"INITIALIZING": nil, "INITIATED": nil, "ACTIVE": nil, "INACTIVE": nil},
	"BASIC": {
		"INITIALIZING": nil,
		"INITIATED":    nil,
		"ACTIVE":       {"username", "password"},
		"INACTIVE":     {"username", "password"},
	},
	"BEARER_TOKEN": {
		"INITIALIZING": nil,
		"INITIATED":    nil,
		"ACTIVE":       {"token"},
		"INACTIVE":     {"token"},
	},
	"GOOGLE_SERVICE_ACCOUNT": {
		"INITIALIZING": nil,
		"INITIATED":    {"redirectUrl"},
		"ACTIVE":       {"credentials_json"},
		"INACTIVE":     {"credentials_json"},
	},
	"NO_AUTH":     {"INITIALIZING": nil, "INITIATED": nil, "ACTIVE": nil, "INACTIVE": nil, "FAILED": nil, "EXPIRED": nil},
	"CALCOM_AUTH": {"INITIALIZING": nil, "INITIATED": nil, "ACTIVE": nil, "INACTIVE": nil, "FAILED": nil, "EXPIRED": nil},
	"BILLCOM_AUTH": {
		"INITIALIZING": nil,
		"INITIATED":    {"redirectUrl"},
		"ACTIVE":       {"sessionId", "devKey"},
		"INACTIVE":     {"sessionId", "devKey"},
		"FAILED":       nil,
		"EXPIRED":      nil,
	},
	"BASIC_WITH_JWT": {
		"INITIALIZING": nil,
		"INITIATED":    nil,
		"ACTIVE":       {"username", "password"},
		"INACTIVE":     {"username", "password"},
		"FAILED":       {"username", "password"},
		"EXPIRED":      {"username", "password"},
	},
	"SERVICE_ACCOUNT": {
		"INITIALIZING": nil,
		"INITIATED":    nil,
		"ACTIVE":       {"application_id", "installation_id", "private_key"},
		"INACTIVE":     {"application_id", "installation_id", "private_key"},
	},
	"SAML": {"INITIALIZING": nil, "INITIATED": nil, "ACTIVE": nil, "INACTIVE": nil, "FAILED": nil, "EXPIRED": nil},
	"DCR_OAUTH": {
		"INITIALIZING": nil,
		"INITIATED":    {"client_id", "redirectUrl"},
		"ACTIVE":       {"client_id", "access_token"},
		"INACTIVE":     {"client_id", "access_token"},
		"FAILED":       nil,
		"EXPIRED":      nil,
	},
	"S2S_OAUTH2": {
		"INITIALIZING": nil,
		"INITIATED":    nil,
		"ACTIVE":       {"access_token"},
		"INACTIVE":     {"access_token"},
		"FAILED":       nil,
		"EXPIRED":      nil,
	},
}

// secretStateFields are masked in the state the fake answers, as secret
// setup values are (SecretMask).
var secretStateFields = []string{"access_token", "oauth_token", "oauth_token_secret", "token", "credentials_json", "password", "private_key", "sessionId", "devKey"}

// AuthState is an auth scheme and a status of a connected account.
type AuthState struct{ Scheme, Status string }

// AuthStates returns every combination of auth scheme and status a
// connected account can be seeded with, sorted: Composio's types have a
// state variant for each, and for no other.
func AuthStates() []AuthState {
	var out []AuthState
	for scheme, statuses := range authStates {
		for status := range statuses {
			out = append(out, AuthState{scheme, status})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Scheme != out[j].Scheme {
			return out[i].Scheme < out[j].Scheme
		}
		return out[i].Status < out[j].Status
	})
	return out
}

// checkAuthState reports why an account of scheme and status cannot be
// answered with a state Composio's types allow, or nil.
func checkAuthState(scheme, status string) error {
	statuses, ok := authStates[scheme]
	if !ok {
		schemes := make([]string, 0, len(authStates))
		for s := range authStates {
			schemes = append(schemes, s)
		}
		sort.Strings(schemes)
		return fmt.Errorf("unknown auth scheme %q (want one of %s)", scheme, strings.Join(schemes, ", "))
	}
	if _, ok := statuses[status]; !ok {
		valid := make([]string, 0, len(statuses))
		for s := range statuses {
			valid = append(valid, s)
		}
		sort.Strings(valid)
		return fmt.Errorf("auth scheme %s has no %s state in Composio's v3.1 types (want one of %s)", scheme, status, strings.Join(valid, ", "))
	}
	return nil
}

// authState is an account's state as the API answers it: the scheme, and
// val with the status and the fields that variant requires (secrets
// masked, the rest placeholders naming the fake).
func (a *account) authState() map[string]any {
	val := map[string]any{"status": a.Status}
	for _, field := range authStates[a.AuthScheme][a.Status] {
		switch {
		case slices.Contains(secretStateFields, field):
			val[field] = SecretMask
		case field == "redirectUrl" || field == "authUri":
			val[field] = "https://backend.composio.dev/api/v3/s/" + a.ID
		default:
			val[field] = "composiotest-" + strings.ReplaceAll(field, "_", "-")
		}
	}
	return map[string]any{"authScheme": a.AuthScheme, "val": val}
}
