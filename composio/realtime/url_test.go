package realtime

import (
	"errors"
	"strings"
	"testing"

	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/secret"
)

func TestSocketURL(t *testing.T) {
	creds := &composio.RealtimeCredentials{PusherKey: "ff8f0d6c", ProjectID: "pr_1", PusherCluster: "mt1"}
	q := "?client=triggergen-go&flash=false&protocol=7&version=" + clientVersion()
	tests := []struct {
		base, override string
		creds          *composio.RealtimeCredentials
		want           string
	}{
		{base: composio.DefaultBaseURL, want: "wss://ws-mt1.pusher.com/app/ff8f0d6c" + q},
		{base: "https://staging.composio.dev/", want: "wss://ws-mt1.pusher.com/app/ff8f0d6c" + q},
		{base: composio.DefaultBaseURL, creds: &composio.RealtimeCredentials{PusherKey: "k", ProjectID: "p"}, want: "wss://ws-mt1.pusher.com/app/k" + q},
		{base: composio.DefaultBaseURL, creds: &composio.RealtimeCredentials{PusherKey: "k", ProjectID: "p", PusherCluster: "ap2"}, want: "wss://ws-ap2.pusher.com/app/k" + q},
		// Not Composio's: the base URL's own host (a fake such as fake-server).
		{base: "http://127.0.0.1:9900", want: "ws://127.0.0.1:9900/app/ff8f0d6c" + q},
		{base: "https://dev.example.com/composio/", want: "wss://dev.example.com/composio/app/ff8f0d6c" + q},
		{base: "http://composio.dev.example.com", want: "ws://composio.dev.example.com/app/ff8f0d6c" + q},
		// An explicit override wins.
		{base: composio.DefaultBaseURL, override: "ws://127.0.0.1:1/x?drop=me", want: "ws://127.0.0.1:1/x/app/ff8f0d6c" + q},
		// The key is a path segment, escaped.
		{base: "http://h", creds: &composio.RealtimeCredentials{PusherKey: "a/b?c", ProjectID: "p"}, want: "ws://h/app/a%2Fb%3Fc" + q},
	}
	for _, tt := range tests {
		c, err := composio.NewClient(composio.WithAPIKey(secret.New("k")), composio.WithBaseURL(tt.base), composio.WithGetenv(func(string) string { return "" }))
		if err != nil {
			t.Fatal(err)
		}
		s := &subscriber{settings: settings{socketBase: tt.override}, client: c}
		cr := creds
		if tt.creds != nil {
			cr = tt.creds
		}
		got, err := s.socketURL(cr)
		if err != nil || got != tt.want {
			t.Errorf("base %s, override %q: %q, %v; want %q", tt.base, tt.override, got, err, tt.want)
		}
	}
}

// TestSocketURLRefusesForeignHosts: a cluster from the credentials answer
// cannot steer the socket away from pusher.com.
func TestSocketURLRefusesForeignHosts(t *testing.T) {
	c, err := composio.NewClient(composio.WithAPIKey(secret.New("k")), composio.WithGetenv(func(string) string { return "" }))
	if err != nil {
		t.Fatal(err)
	}
	s := &subscriber{client: c}
	for _, cluster := range []string{"evil.com/x", "a.b", "x@evil.com", "-x", "MT1", "a:1", strings.Repeat("a", 64)} {
		u, err := s.socketURL(&composio.RealtimeCredentials{PusherKey: "k", ProjectID: "p", PusherCluster: cluster})
		if err == nil || !errors.Is(err, errConfig) {
			t.Errorf("cluster %q: %q, %v; want errConfig", cluster, u, err)
		}
	}
	for _, bad := range []string{"ftp://h", "h:1", "//h", ""} {
		if _, err := socketBase(bad); !errors.Is(err, errConfig) {
			t.Errorf("socketBase(%q): %v", bad, err)
		}
	}
}
