package composio

import (
	"maps"
	"strings"

	"github.com/triggergen/triggergen/gen"
)

// versionPins decides which toolkit version a call uses. Precedence, highest
// first: a per-call option, WithToolkitVersion, WithLatestVersions,
// COMPOSIO_TOOLKIT_VERSION_<TOOLKIT>, then the version a generated config was
// made from (for CreateTrigger) or the server's latest (for reads).
type versionPins struct {
	explicit map[string]string // WithToolkitVersion, lower-case keys
	latest   bool              // WithLatestVersions
	env      map[string]string // enumerated COMPOSIO_TOOLKIT_VERSION_* (default environment only)
	getenv   func(string) string
}

func newVersionPins(explicit map[string]string, latest bool, getenv func(string) string, environ func() []string) versionPins {
	v := versionPins{explicit: maps.Clone(explicit), latest: latest, getenv: getenv, env: map[string]string{}}
	if environ != nil {
		for _, kv := range environ() {
			k, val, ok := strings.Cut(kv, "=")
			if !ok || !strings.HasPrefix(k, EnvToolkitVersionPrefix) || strings.TrimSpace(val) == "" {
				continue
			}
			v.env[strings.ToLower(strings.TrimPrefix(k, EnvToolkitVersionPrefix))] = strings.TrimSpace(val)
		}
	}
	return v
}

// client returns the client-level version of toolkit ("" when the client
// says nothing about it).
func (v versionPins) client(toolkit string) string {
	tk := strings.ToLower(toolkit)
	if ver := v.explicit[tk]; ver != "" {
		return ver
	}
	if v.latest {
		return Latest
	}
	if ver := v.env[tk]; ver != "" {
		return ver
	}
	if v.getenv != nil && tk != "" {
		return strings.TrimSpace(v.getenv(EnvToolkitVersionPrefix + strings.ToUpper(tk)))
	}
	return ""
}

// queryMap is the toolkit_versions query parameter for reads: the pins of the
// given toolkits (or every known pin when none are given), nil for "latest".
func (v versionPins) queryMap(toolkits []string) *gen.ToolkitVersionMap {
	m := gen.ToolkitVersionMap{}
	if len(toolkits) == 0 {
		if !v.latest {
			for tk, ver := range v.env {
				m[tk] = ver
			}
		}
		for tk, ver := range v.explicit {
			m[tk] = ver
		}
	} else {
		for _, tk := range toolkits {
			if ver := v.client(tk); ver != "" {
				m[strings.ToLower(tk)] = ver
			}
		}
	}
	for tk, ver := range m {
		if ver == Latest {
			delete(m, tk) // absent means latest; "latest" in a map is not portable
		}
	}
	if len(m) == 0 {
		return nil // an empty map makes the generated client emit "?&"
	}
	return &m
}
