package composio

import (
	"strings"

	"github.com/triggergen/triggergen/gen"
)

// envPins are the COMPOSIO_TOOLKIT_VERSION_<TOOLKIT> variables: enumerated
// from the process environment when the client reads it, else looked up one
// toolkit at a time through WithGetenv's function.
type envPins struct {
	listed map[string]string // lower-case toolkit -> version
	getenv func(string) string
}

func newEnvPins(getenv func(string) string, environ func() []string) envPins {
	e := envPins{listed: map[string]string{}, getenv: getenv}
	if environ != nil {
		for _, kv := range environ() {
			k, val, ok := strings.Cut(kv, "=")
			if !ok || !strings.HasPrefix(k, EnvToolkitVersionPrefix) || strings.TrimSpace(val) == "" {
				continue
			}
			e.listed[strings.ToLower(strings.TrimPrefix(k, EnvToolkitVersionPrefix))] = strings.TrimSpace(val)
		}
	}
	return e
}

func (e envPins) version(tk string) string {
	if v := e.listed[tk]; v != "" {
		return v
	}
	if e.getenv != nil && tk != "" {
		return strings.TrimSpace(e.getenv(EnvToolkitVersionPrefix + strings.ToUpper(tk)))
	}
	return ""
}

// toolkitVersion is the version the options and the environment choose for
// toolkit ("" when they say nothing about it), by precedence: the toolkit's
// own WithToolkitVersion, WithToolkitVersion(AllToolkits, …), then
// COMPOSIO_TOOLKIT_VERSION_<TOOLKIT>. A call's options have already
// replaced the client's of the same toolkit.
func (s *settings) toolkitVersion(toolkit string, env envPins) string {
	tk := strings.ToLower(toolkit)
	if v := s.pins[tk]; v != "" && tk != "" {
		return v
	}
	if v := s.pins[AllToolkits]; v != "" {
		return v
	}
	return env.version(tk)
}

// queryMap is the toolkit_versions query parameter for reads: the versions
// of the given toolkits, or, when none are given, every toolkit pin the
// options and the environment hold; nil for "latest".
func (s *settings) queryMap(toolkits []string, env envPins) *gen.ToolkitVersionMap {
	m := gen.ToolkitVersionMap{}
	if len(toolkits) == 0 {
		if s.pins[AllToolkits] == "" {
			for tk, ver := range env.listed {
				m[tk] = ver
			}
		}
		for tk, ver := range s.pins {
			if tk != AllToolkits {
				m[tk] = ver
			}
		}
	} else {
		for _, tk := range toolkits {
			if ver := s.toolkitVersion(tk, env); ver != "" {
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
