// Package redistest runs a real redis-server on a free loopback port for the
// tests and benchmarks of this module (the Redis deduper, the asynq inbox).
// It imports package testing, so only tests use it.
package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/triggergen/triggergen/internal/syncbuf"
)

// Server is a redis-server process owned by one test.
type Server struct {
	// Addr is host:port of the server, on 127.0.0.1.
	Addr string

	tb   testing.TB
	args []string

	mu  sync.Mutex
	cmd *exec.Cmd
	out *syncbuf.Buffer
}

// Start runs redis-server on a free port of 127.0.0.1 in a directory of its
// own, without persistence unless args say otherwise (they are appended to
// the command line, where a later option overrides an earlier one, e.g.
// "--appendonly", "yes", "--appendfsync", "always"). The server is killed
// when the test ends. Start skips the test when redis-server is not on PATH,
// unless the environment variable CI is set: there that is a failure.
func Start(tb testing.TB, args ...string) *Server {
	tb.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		msg := "redis-server not found on PATH; install it (Debian: apt-get install redis-server) to run the Redis tests"
		if os.Getenv("CI") != "" {
			tb.Fatal(msg + " (CI is set, so this is a failure)")
		}
		tb.Skip(msg)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s := &Server{
		Addr: fmt.Sprintf("127.0.0.1:%d", port),
		tb:   tb,
		args: append([]string{"--port", fmt.Sprint(port), "--bind", "127.0.0.1",
			"--save", "", "--appendonly", "no", "--dir", tb.TempDir()}, args...),
	}
	s.launch(bin)
	tb.Cleanup(s.Kill)
	return s
}

// Client returns a client of the server, closed when the test ends.
func (s *Server) Client() *redis.Client {
	rdb := redis.NewClient(&redis.Options{Addr: s.Addr})
	s.tb.Cleanup(func() { rdb.Close() })
	return rdb
}

// Kill ends the server with SIGKILL, as a crash would: no shutdown save, no
// last flush. Killing a stopped server does nothing.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

// Restart kills the server if it runs and starts it again on the same port
// and directory with the same options, so that it reloads whatever it
// persisted; it returns once the server answers.
func (s *Server) Restart() {
	s.tb.Helper()
	s.Kill()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		s.tb.Fatal(err)
	}
	s.launch(bin)
}

// Log returns what the server has printed so far.
func (s *Server) Log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.String()
}

// launch starts the process and waits (at most 10 s) until it answers PING,
// which it does only once it has loaded its data.
func (s *Server) launch(bin string) {
	s.tb.Helper()
	cmd := exec.Command(bin, s.args...)
	dieWithParent(cmd)
	out := &syncbuf.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		s.tb.Fatal(err)
	}
	s.mu.Lock()
	s.cmd, s.out = cmd, out
	s.mu.Unlock()
	rdb := redis.NewClient(&redis.Options{Addr: s.Addr, MaxRetries: -1})
	defer rdb.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := rdb.Ping(ctx).Err()
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			s.tb.Fatalf("redis-server on %s did not answer: %v\n%s", s.Addr, err, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
