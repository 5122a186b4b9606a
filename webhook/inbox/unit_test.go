package inbox_test

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/triggergen/triggergen/webhook/inbox"
)

func TestBackoff(t *testing.T) {
	b := inbox.Backoff{Base: time.Second, Max: time.Minute}
	for n, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second, time.Minute, time.Minute} {
		for range 50 {
			if d := b.Delay(n, nil, nil); d < want/2 || d > want {
				t.Fatalf("Delay(%d) = %v; want within [%v, %v]", n, d, want/2, want)
			}
		}
	}
	for _, n := range []int{62, 63, 64, 1000, -1} { // no overflow, no negative shift
		if d := b.Delay(n, nil, nil); d < b.Max/2 || d > b.Max {
			t.Fatalf("Delay(%d) = %v; want within [%v, %v]", n, d, b.Max/2, b.Max)
		}
	}
	// Jitter spreads deliveries that failed together.
	seen := map[time.Duration]bool{}
	for range 20 {
		seen[b.Delay(3, nil, nil)] = true
	}
	if len(seen) < 10 {
		t.Fatalf("20 delays of retry 3 took %d values; want them spread", len(seen))
	}
	// The zero value is the default schedule.
	var zero inbox.Backoff
	if d := zero.Delay(0, nil, nil); d < inbox.DefaultBackoffBase/2 || d > inbox.DefaultBackoffBase {
		t.Fatalf("zero Backoff: Delay(0) = %v; want the default base", d)
	}
	if d := zero.Delay(100, nil, nil); d < inbox.DefaultBackoffMax/2 || d > inbox.DefaultBackoffMax {
		t.Fatalf("zero Backoff: Delay(100) = %v; want the default cap", d)
	}
}

// TestDefaultRetrySpan checks the DefaultMaxRetry doc: with the default
// Backoff the retries span between about 6 and 12 hours.
func TestDefaultRetrySpan(t *testing.T) {
	for range 100 {
		var total time.Duration
		for n := range inbox.DefaultMaxRetry {
			total += inbox.Backoff{}.Delay(n, nil, nil)
		}
		if total < 6*time.Hour || total > 12*time.Hour+30*time.Minute {
			t.Fatalf("default retries span %v", total)
		}
	}
}

func TestDeliveryRoundTrip(t *testing.T) {
	header := http.Header{"Webhook-Id": {"msg_1"}, "Webhook-Signature": {"v1,a v1,b"}}
	received := time.Date(2026, 11, 27, 9, 30, 0, 1, time.UTC)
	for name, body := range map[string]string{
		"compact":  `{"id":"msg_1","data":{"message":"fix <b> & \"quotes\""}}`,
		"indented": "{\n\t\"id\": \"msg_1\",\r\n  \"x\": 1\n}\n",
		"unicode":  "{\"author\":\"Zoë 🚀 東京\",\"sep\":\"\u2028 nbsp:\u00a0 zwj:\u200d\"}",
		"controls": "{\"c\":\"\x7f\x00\x1b\\t\"}",
		"empty":    "",
		"notUTF8":  "{\"a\":\"\xff\xfe\"}\n",
	} {
		t.Run(name, func(t *testing.T) {
			d := &inbox.Delivery{Header: header, Body: []byte(body), ReceivedAt: received}
			p, err := d.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if !printable(p) {
				t.Fatalf("payload not printable by the asynq tools' rule: %q", p)
			}
			got, err := inbox.ParseDelivery(p)
			if err != nil {
				t.Fatal(err)
			}
			if string(got.Body) != body || !got.ReceivedAt.Equal(received) || got.Header.Get("webhook-id") != "msg_1" || got.Header.Get("Webhook-Signature") != "v1,a v1,b" {
				t.Fatalf("round trip: %+v (body %q)", got, got.Body)
			}
		})
	}
	// Headers written with other spellings are found as Header.Get finds them.
	got, err := inbox.ParseDelivery([]byte(`{"format":1,"header":{"webhook-id":["msg_2"]},"body":"{}"}`))
	if err != nil || got.Header.Get("Webhook-Id") != "msg_2" {
		t.Fatalf("lower-case header: %+v, %v", got, err)
	}
	for _, bad := range []string{"", "{}", `{"format":1}`, "not json", `{"format":1,"body":"{}"}` + "\n{}", `{"format":0,"body":""}`, `{"format":"1","body":""}`} {
		if _, err := inbox.ParseDelivery([]byte(bad)); !errors.Is(err, inbox.ErrMalformedDelivery) {
			t.Errorf("ParseDelivery(%q) = %v; want ErrMalformedDelivery", bad, err)
		}
	}
	if _, err := inbox.ParseDelivery([]byte(`{"format":2}`)); !errors.Is(err, inbox.ErrUnknownFormat) {
		t.Errorf("format 2: %v; want ErrUnknownFormat", err)
	}
}

// printable is the test the asynq CLI and asynqmon apply before they show a
// payload (isPrintable in asynq's tools/asynq/cmd/root.go and asynqmon's
// conversion_helpers.go): valid UTF-8, every rune unicode.IsPrint, not all
// spaces.
func printable(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return len(bytes.TrimSpace(b)) > 0
}

func FuzzDelivery(f *testing.F) {
	f.Add([]byte(`{"id":"msg_1"}`), "msg_1", int64(0))
	f.Add([]byte("\n\n\x00\xff"), "a\nb", int64(-1))
	f.Add([]byte("{\"a\":\"\U0001F680\u2028\"}"), "\u00e9", int64(1))
	f.Fuzz(func(t *testing.T, body []byte, id string, nanos int64) {
		d := &inbox.Delivery{Header: http.Header{"Webhook-Id": {id}}, Body: body, ReceivedAt: time.Unix(0, nanos).UTC()}
		p, err := d.MarshalBinary()
		if err != nil {
			return // a time json cannot encode
		}
		if !printable(p) {
			t.Fatalf("payload not printable: %q", p)
		}
		got, err := inbox.ParseDelivery(p)
		if err != nil {
			t.Fatalf("ParseDelivery(MarshalBinary()) = %v", err)
		}
		if !bytes.Equal(got.Body, body) || !got.ReceivedAt.Equal(d.ReceivedAt) || len(got.Header["Webhook-Id"]) != 1 {
			t.Fatalf("round trip changed the delivery: %+v", got)
		}
		if utf8.ValidString(id) && got.Header.Get("Webhook-Id") != id {
			t.Fatalf("webhook-id %q came back as %q", id, got.Header.Get("Webhook-Id"))
		}
		// Any payload parses or fails with a typed error, never panics.
		if _, err := inbox.ParseDelivery(body); err != nil && !errors.Is(err, inbox.ErrMalformedDelivery) && !errors.Is(err, inbox.ErrUnknownFormat) {
			t.Fatalf("untyped error %v", err)
		}
	})
}

// TestAsynqLogger: asynq's messages go to slog at their level, formatted
// only when the handler takes that level; Fatal logs and exits with status 1.
func TestAsynqLogger(t *testing.T) {
	var buf bytes.Buffer
	l := inbox.AsynqLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})))
	formatted := 0
	l.Debug(stringer(func() string { formatted++; return "debug" }))
	l.Info("info ", 1)
	l.Warn("warn")
	l.Error("error")
	if formatted != 0 {
		t.Fatal("a disabled level was formatted")
	}
	for _, want := range []string{"level=INFO msg=\"info 1\"", "level=WARN msg=warn", "level=ERROR msg=error"} {
		if !strings.Contains(buf.String(), want) {
			t.Fatalf("log lacks %q:\n%s", want, buf.String())
		}
	}
	if strings.Contains(buf.String(), "debug") {
		t.Fatalf("debug logged at level info:\n%s", buf.String())
	}

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fatalEnv+"=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(out), `level=ERROR+4 msg="fatal 42"`) {
		t.Fatalf("Fatal: %v, output %q; want exit status 1 after a level ERROR+4 line", err, out)
	}
}

// fatalEnv makes TestMain call the adapter's Fatal.
const fatalEnv = "TRIGGERGEN_INBOX_HELPER_FATAL"

func helperFatal() {
	inbox.AsynqLogger(slog.New(slog.NewTextHandler(os.Stdout, nil))).Fatal("fatal ", 42)
}

type stringer func() string

func (s stringer) String() string { return s() }
