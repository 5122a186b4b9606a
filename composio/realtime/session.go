package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/triggergen/triggergen/composio"
	"github.com/triggergen/triggergen/webhook"
)

// maxMessage bounds one websocket message (Pusher's own limit is 10 KB;
// larger events arrive chunked).
const maxMessage = 1 << 20

// frame is one websocket read.
type frame struct {
	b   []byte
	err error
}

// session runs one connection: credentials, dial, subscription, events. It
// reports whether the channel subscription succeeded, and why it ended.
func (s *subscriber) session(ctx context.Context, queue chan<- *Message) (subscribed bool, _ error) {
	creds, err := s.client.RealtimeCredentials(ctx)
	if err != nil {
		return false, fmt.Errorf("realtime: %w", err)
	}
	u, err := s.socketURL(creds)
	if err != nil {
		return false, err
	}
	channel := "private-" + creds.ProjectID + "_triggers"
	dialCtx, cancel := context.WithTimeout(ctx, s.pong)
	ws, _, err := websocket.Dial(dialCtx, u, &websocket.DialOptions{
		HTTPClient: s.httpClient,
		HTTPHeader: http.Header{"User-Agent": {composio.DefaultUserAgent}},
	})
	cancel()
	if err != nil {
		return false, fmt.Errorf("realtime: connect to %s: %w", u, err)
	}
	ws.SetReadLimit(maxMessage)

	frames := make(chan frame)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			_, b, err := ws.Read(context.Background()) // ended by CloseNow
			select {
			case frames <- frame{b, err}:
			case <-stop:
				return
			}
			if err != nil {
				return
			}
		}
	})
	defer func() {
		close(stop)
		_ = ws.CloseNow()
		wg.Wait()
	}()
	write := func(event string, data any) error {
		wctx, cancel := context.WithTimeout(ctx, s.pong)
		defer cancel()
		return ws.Write(wctx, websocket.MessageText, encodePusher(event, data))
	}

	log := s.logger.With("channel", channel)
	activity := s.activity
	timer := time.NewTimer(s.pong) // until subscribed: the handshake's deadline
	defer timer.Stop()
	pinged := false
	var lastError string // of pusher:error, explaining the close that follows
	for {
		select {
		case <-ctx.Done():
			return subscribed, ctx.Err()
		case <-timer.C:
			switch {
			case !subscribed:
				return false, fmt.Errorf("realtime: no subscription to %s within %v", channel, s.pong)
			case pinged:
				return true, errDead
			}
			if err := write(evPing, struct{}{}); err != nil {
				return true, fmt.Errorf("realtime: send ping: %w", err)
			}
			pinged = true
			timer.Reset(s.pong)
			continue
		case f := <-frames:
			if f.err != nil {
				return subscribed, closeError(f.err, lastError)
			}
			pinged = false
			if subscribed {
				timer.Reset(activity)
			}
			m, err := decodePusher(f.b)
			if err != nil {
				log.Warn("realtime: ignored a message", "error", err)
				continue
			}
			switch m.Event {
			case evConnectionEstablished:
				est, err := decodeEstablished(m.Data)
				if err != nil {
					return false, err
				}
				if t := time.Duration(est.ActivityTimeout) * time.Second; t > 0 && t < activity {
					activity = t
				}
				auth, err := s.client.AuthorizeRealtimeChannel(ctx, est.SocketID, channel)
				if err != nil {
					return false, fmt.Errorf("realtime: %w", err)
				}
				if err := write(evSubscribe, map[string]string{"channel": channel, "auth": auth}); err != nil {
					return false, fmt.Errorf("realtime: subscribe: %w", err)
				}
				log = log.With("socket_id", est.SocketID)
			case evSubscriptionSucceeded:
				if m.Channel != channel {
					continue
				}
				subscribed = true
				timer.Reset(activity)
				log.Info("realtime: subscribed")
				if s.onSubscribed != nil {
					s.onSubscribed(channel)
				}
			case evSubscriptionError:
				var d subscriptionErrorData
				_ = json.Unmarshal(m.Data, &d)
				return false, &SubscriptionError{Channel: channel, Status: d.Status, Message: d.Error}
			case evError:
				e := decodeError(m.Data)
				lastError = e.Message
				log.Warn("realtime: pusher:error", "error", e.String())
				if !subscribed && e.Code == nil {
					return false, &SubscriptionError{Channel: channel, Message: e.Message}
				}
			case evPing:
				if err := write(evPong, struct{}{}); err != nil {
					return subscribed, fmt.Errorf("realtime: send pong: %w", err)
				}
			case evTrigger:
				if err := s.enqueue(ctx, log, m.Data, queue); err != nil {
					return subscribed, err
				}
			case evTriggerChunked:
				c, err := decodeChunk(m.Data)
				if err != nil {
					log.Warn("realtime: ignored a chunk", "error", err)
					continue
				}
				data, err := s.chunks.add(c)
				if err != nil {
					log.Warn("realtime: chunked event dropped", "error", err)
				}
				if data != nil {
					if err := s.enqueue(ctx, log, data, queue); err != nil {
						return subscribed, err
					}
				}
			}
			if errs := s.chunks.expire(); len(errs) > 0 {
				log.Warn("realtime: chunked event dropped", "error", errors.Join(errs...))
			}
		}
	}
}

// closeError turns a failed read into the error session returns: a
// *CloseError when the server closed with a code.
func closeError(err error, lastError string) error {
	if ce, ok := errors.AsType[websocket.CloseError](err); ok {
		reason := ce.Reason
		if reason == "" {
			reason = lastError
		}
		return &CloseError{Code: int(ce.Code), Reason: reason}
	}
	return fmt.Errorf("realtime: read: %w", err)
}

// enqueue parses one event's data and queues it for the handlers when the
// filter takes it. It fails only when ctx is done.
func (s *subscriber) enqueue(ctx context.Context, log *slog.Logger, data []byte, queue chan<- *Message) error {
	m, err := ParseMessage(data)
	if err != nil {
		log.Warn("realtime: ignored an event", "error", err)
		return nil
	}
	if !s.filter.Match(m) {
		log.Debug("realtime: event filtered out", "trigger_slug", m.TriggerSlug, "trigger_id", m.TriggerID)
		return nil
	}
	select {
	case queue <- m:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// dispatchLoop runs the handlers, one event at a time, until queue is
// closed; once ctx is done the rest is dropped.
func (s *subscriber) dispatchLoop(ctx context.Context, queue <-chan *Message) {
	dropped := 0
	for m := range queue {
		if ctx.Err() != nil {
			dropped++
			continue
		}
		s.dispatch(ctx, m)
	}
	if dropped > 0 {
		s.logger.Info("realtime: events dropped at shutdown", "count", dropped)
	}
}

// dispatch runs the handler of one event; its error or panic is logged.
func (s *subscriber) dispatch(ctx context.Context, m *Message) {
	log := s.logger.With("trigger_slug", m.TriggerSlug, "trigger_id", m.TriggerID)
	defer func() {
		if p := recover(); p != nil {
			log.Error("realtime: handler panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	err := s.d.Dispatch(context.WithValue(ctx, messageKey{}, m), m.Event())
	switch {
	case errors.Is(err, webhook.ErrUnhandled):
		log.Info("realtime: no handler for the event")
	case err != nil:
		log.Error("realtime: handler failed", "error", err)
	default:
		log.Debug("realtime: event handled")
	}
}
