package live

import (
	"context"
	"net/http"
	"strings"
)

// Unwind wraps the handler every request goes through (the router, with
// its middleware), so that a stream waits for its changes at the top of
// the handler goroutine's stack rather than at the bottom of the router,
// the middleware and the page's handler: Serve subscribes the stream and
// returns, and Unwind streams it once they have all returned. A goroutine's
// stack shrinks only to four times what it uses while it waits, so a
// stream waiting at the top holds an 8 KB stack instead of 16 KB, a
// thousand streams 8 MB less (BenchmarkStreamMemory in package app). A
// request that is no stream (a browser's EventSource asks for one with
// Accept: text/event-stream), or a Serve outside Unwind, is served as
// before.
func (b *Broker) Unwind(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept"), "text/event-stream") {
			next.ServeHTTP(w, r)
			return
		}
		h := &held{}
		defer func() {
			if h.s != nil {
				b.unsubscribe(h.s)
			}
		}()
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), heldKey{}, h)))
		if h.s != nil {
			b.stream(w, r.Context().Done(), h.s)
		}
	})
}

// held is the stream Serve subscribed for Unwind to write.
type held struct{ s *stream }

type heldKey struct{}
