package composiotest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// dropConnection closes the client's connection without an answer.
func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// writeFault answers an injected fault. Its response is not validated: a
// 502 from a gateway, for one, is outside the description on purpose.
func (f *Fake) writeFault(w http.ResponseWriter, idx int, ft Fault) {
	if ft.RetryAfter > 0 {
		secs := int64((ft.RetryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
	}
	w.Header().Set("Content-Type", "application/json")
	var body []byte
	if ft.Status == http.StatusTooManyRequests {
		body, _ = json.Marshal(map[string]string{"message": "Rate limit exceeded. Limit: 2000 requests per 60s"})
		w.Header().Set("X-RateLimit", "2000")
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Window-Size", "60s")
	} else {
		body = errorBody(&apiError{status: ft.Status, slug: "INJECTED_FAULT",
			msg: fmt.Sprintf("%d %s (injected by composiotest)", ft.Status, http.StatusText(ft.Status))})
	}
	f.setStatus(idx, ft.Status)
	w.WriteHeader(ft.Status)
	_, _ = w.Write(body)
}
