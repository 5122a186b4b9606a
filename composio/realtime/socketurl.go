package realtime

import (
	"fmt"
	"net/url"
	"runtime/debug"
	"strings"

	"github.com/triggergen/triggergen/composio"
)

// clientName is the client query parameter of the websocket URL.
const clientName = "triggergen-go"

// socketURL is the websocket URL for creds (see WithSocketURL).
func (s *subscriber) socketURL(creds *composio.RealtimeCredentials) (string, error) {
	base := s.socketBase
	if base == "" {
		b, err := url.Parse(s.client.BaseURL())
		if err != nil {
			return "", fmt.Errorf("%w: base URL: %v", errConfig, err)
		}
		if composioHost(b.Hostname()) {
			cluster := creds.PusherCluster
			if cluster == "" {
				cluster = "mt1" // pusher-js's default
			}
			if !validCluster(cluster) {
				return "", fmt.Errorf("%w: the realtime credentials name the Pusher cluster %q, which is not a host label", errConfig, cluster)
			}
			base = "wss://ws-" + cluster + ".pusher.com"
		} else {
			base = s.client.BaseURL()
		}
	}
	bu, err := socketBase(base)
	if err != nil {
		return "", err
	}
	escaped := strings.TrimSuffix(bu.EscapedPath(), "/") + "/app/" + url.PathEscape(creds.PusherKey)
	bu.Path = strings.TrimSuffix(bu.Path, "/") + "/app/" + creds.PusherKey
	bu.RawPath = escaped
	bu.RawQuery = url.Values{"protocol": {"7"}, "client": {clientName}, "version": {clientVersion()}, "flash": {"false"}}.Encode()
	return bu.String(), nil
}

// socketBase parses a websocket base URL; http(s) become ws(s).
func socketBase(base string) (*url.URL, error) {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("%w: websocket base URL %q: want ws(s):// or http(s)://host", errConfig, base)
	}
	switch u.Scheme {
	case "http", "ws":
		u.Scheme = "ws"
	case "https", "wss":
		u.Scheme = "wss"
	default:
		return nil, fmt.Errorf("%w: websocket base URL %q: want ws(s):// or http(s)://host", errConfig, base)
	}
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return u, nil
}

// composioHost reports whether host is Composio's (composio.dev or a
// subdomain), whose realtime events are on Pusher's hosts.
func composioHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	return host == "composio.dev" || strings.HasSuffix(host, ".composio.dev")
}

// validCluster reports whether c can stand in ws-{c}.pusher.com: a DNS
// label, so that credentials cannot point the socket at another host.
func validCluster(c string) bool {
	if c == "" || len(c) > 63 || c[0] == '-' || c[len(c)-1] == '-' {
		return false
	}
	for _, r := range c {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// clientVersion is triggergen's module version, for the version query
// parameter ("devel" when unknown).
func clientVersion() string {
	const module = "github.com/triggergen/triggergen"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Path == module && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			return bi.Main.Version
		}
		for _, d := range bi.Deps {
			if d.Path == module && d.Version != "" {
				return d.Version
			}
		}
	}
	return "devel"
}
