package composiotest_test

import (
	"context"
	"fmt"
	"log"
	"testing"

	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/composiotest"
)

// subscribe is the code under test: it points the project's deliveries at
// your receiver.
func subscribe(ctx context.Context, client *composio.Client, receiver string) error {
	_, err := client.SetSubscription(ctx, composio.SubscriptionParams{URL: receiver})
	return err
}

// testSubscribe is the test you write, as func TestSubscribe(t *testing.T):
// the fake stands in for Composio, and afterwards says what your code did.
func testSubscribe(t testing.TB) {
	srv := composiotest.NewServer(t) // closed when the test ends
	client, err := srv.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	if err := subscribe(context.Background(), client, "https://example.com/webhooks/composio"); err != nil {
		t.Fatal(err)
	}
	url, signingSecret, ok := srv.Subscription()
	if !ok || url != "https://example.com/webhooks/composio" {
		t.Errorf("subscription %q, %v", url, ok)
	}
	fmt.Println("subscribed", url, "with secret", signingSecret)
}

func ExampleServer_NewClient() {
	// go test calls TestSubscribe with a *testing.T; here a stand-in.
	t := &exampleT{}
	defer t.done()
	testSubscribe(t)
	// Output: subscribed https://example.com/webhooks/composio with secret [REDACTED]
}

// exampleT stands in for the *testing.T go test gives a test, outside go
// test: failures end the example, cleanups run when it ends.
type exampleT struct {
	testing.TB
	cleanups []func()
}

func (*exampleT) Helper()                        {}
func (t *exampleT) Cleanup(f func())             { t.cleanups = append(t.cleanups, f) }
func (*exampleT) Errorf(format string, a ...any) { log.Fatalf(format, a...) }
func (*exampleT) Fatalf(format string, a ...any) { log.Fatalf(format, a...) }
func (*exampleT) Fatal(a ...any)                 { log.Fatal(a...) }
func (t *exampleT) done() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}
