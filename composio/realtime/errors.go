package realtime

import (
	"errors"
	"fmt"
)

// CloseError is a connection the server closed with a Pusher close code.
// Subscribe returns it for codes 4000-4099, which tell a client not to
// reconnect (e.g. 4001 unknown app key, 4003 app disabled, 4009
// unauthorized); other codes are reconnected.
type CloseError struct {
	Code   int
	Reason string
}

func (e *CloseError) Error() string {
	msg := fmt.Sprintf("realtime: the server closed the connection with code %d", e.Code)
	if e.Reason != "" {
		msg += " (" + e.Reason + ")"
	}
	if e.Code >= 4000 && e.Code < 4100 {
		msg += "; Pusher codes 4000-4099 mean: do not reconnect"
	}
	return msg
}

// SubscriptionError is a refused subscription to the project's channel
// (pusher:subscription_error, or pusher:error while subscribing), usually a
// channel authorization the server did not accept. Subscribe returns it.
type SubscriptionError struct {
	Channel string
	// Status is the HTTP-like status the server gave, 0 when none.
	Status  int
	Message string
}

func (e *SubscriptionError) Error() string {
	msg := fmt.Sprintf("realtime: subscription to channel %s refused", e.Channel)
	if e.Status != 0 {
		msg += fmt.Sprintf(" (status %d)", e.Status)
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg + "; the channel authorization (POST /api/v3/internal/sdk/realtime/auth) was not accepted"
}

// errDead is a connection that did not answer a ping in time.
var errDead = errors.New("realtime: no answer to pusher:ping within the pong timeout: connection dead")

// errConfig is a setting or credential Subscribe cannot work with; it is
// not retried.
var errConfig = errors.New("realtime: invalid configuration")
