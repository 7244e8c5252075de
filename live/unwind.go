package live

import (
	"context"
	"net/http"
	"strings"
)

// Unwind wraps the handler every request goes through (the router, with
// its middleware), so that a stream waits for its changes on a goroutine
// that never went through them: for a request that asks for a stream (a
// browser's EventSource asks with Accept: text/event-stream), Unwind runs
// the router on a goroutine of its own, where Serve subscribes the stream
// and returns, and once that goroutine has ended it streams on the
// connection's goroutine (writing the response's head aside too). The
// router's middleware grow a stack to 16 KB, and a goroutine's stack
// shrinks only to four times what it uses while it waits, so a stream that
// had run them held 8 KB at best; the connection's goroutine keeps the
// 4 KB it needs to read a request and write an event, and the stacks grown
// aside are given back at once (BenchmarkStreamMemory in package app). A
// request that is no stream, or a Serve outside Unwind, is served as
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
		inner := r.WithContext(context.WithValue(r.Context(), heldKey{}, h))
		aside(func() { next.ServeHTTP(w, inner) })
		if h.s != nil {
			b.stream(w, r.Context().Done(), h.s)
		}
	})
}

// aside runs fn on a goroutine of its own and waits for it to end. What fn
// panics with is panicked again on the caller's goroutine, where net/http
// recovers it (and http.ErrAbortHandler means what it says).
func aside(fn func()) {
	var panicked any
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() { panicked = recover() }()
		fn()
	}()
	<-done
	if panicked != nil {
		panic(panicked)
	}
}

// held is the stream Serve subscribed for Unwind to write.
type held struct{ s *stream }

type heldKey struct{}
