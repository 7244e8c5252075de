package live

import (
	"errors"
	"net/http"
	"strconv"
	"time"
)

// Serve streams a session's changes to one listener until the client goes
// away (the request's context ends), the session ends, the client falls too
// far behind, or the Broker is closed. Past a fair share (see Config) it
// answers 429, past MaxStreams 503, both with Retry-After; once closed, an
// empty stream that asks the browser to come back. An http.Server's Shutdown waits for every
// stream like any other request, so have it close the Broker as it starts
// (RegisterOnShutdown).
//
// Behind Unwind, Serve only subscribes the stream (or refuses it) and
// returns; Unwind writes it once the handlers around Serve have returned.
//
// A page passes the version it was rendered at as the query parameter v; a
// reconnecting browser sends the last event id. Either way, if the session
// has moved on since, the stream starts with the current state.
func (b *Broker) Serve(w http.ResponseWriter, r *http.Request, l Listener) {
	s, err := b.subscribe(l, knownVersion(r))
	if errors.Is(err, ErrClosed) {
		// The server is stopping (a restart or a deploy). Any answer but 200
		// fails an EventSource for good (readyState CLOSED): htmx's SSE
		// extension then makes a new one only after a wait that doubles with
		// each such failure, up to 64 s, and that only an open stream resets.
		// An empty stream that ends has the browser itself try again after
		// the retry delay, as for a stream the stop ended.
		streamHeaders(w.Header())
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(b.retryLine())
		return
	}
	if err != nil {
		refuse(w, err)
		return
	}
	if held, ok := r.Context().Value(heldKey{}).(*held); ok && held.s == nil {
		// Unwind streams it once the handlers this request passed through
		// have returned.
		held.s = s
		return
	}
	defer b.unsubscribe(s)
	b.stream(w, r.Context().Done(), s)
}

// stream writes s to w until it ends or the client goes (done).
func (b *Broker) stream(w http.ResponseWriter, done <-chan struct{}, s *stream) {
	streamHeaders(w.Header())
	rc := http.NewResponseController(w)
	// The server's ReadTimeout must not end a stream that stays open for a
	// whole night.
	_ = rc.SetReadDeadline(time.Time{})
	write := func(parts ...[]byte) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(b.cfg.WriteTimeout))
		for _, p := range parts {
			if _, err := w.Write(p); err != nil {
				return false
			}
		}
		return rc.Flush() == nil
	}
	// Writing the response's head takes more stack than the 4 KB a waiting
	// stream keeps (see Unwind), so the first write runs aside, on a
	// goroutine that gives its stack back when it ends; the events after
	// it fit. Every write aside would cost each one about 3 µs more.
	var started bool
	aside(func() {
		w.WriteHeader(http.StatusOK)
		started = write(b.retryLine())
	})
	if started {
		b.pump(s, done, write)
	}
}

func streamHeaders(h http.Header) {
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // tell buffering proxies to pass events on at once
}

// retryLine tells the browser how long to wait before it reconnects.
func (b *Broker) retryLine() []byte {
	return []byte("retry: " + strconv.FormatInt(b.cfg.Retry.Milliseconds(), 10) + "\n\n")
}

// pump writes a stream's messages, heartbeats among them (see beat), and
// the latest of what was published for it, until the stream ends, the
// client goes (done, or a failed write), or a final message is sent.
func (b *Broker) pump(s *stream, done <-chan struct{}, write func(parts ...[]byte) bool) {
	for {
		select {
		case <-done:
			return
		case <-s.end:
			return
		case m := <-s.out:
			if !write(m.parts...) || m.final {
				return
			}
		case <-s.published.ready:
			if parts := s.published.take(); len(parts) > 0 && !write(parts...) {
				return
			}
		}
	}
}

// refuse answers a stream that subscribe refused, with a plain message;
// the page's script (htmx's SSE extension) reconnects by itself.
func refuse(w http.ResponseWriter, err error) {
	status, retry, msg := http.StatusServiceUnavailable, "5", "Too many live pages are open right now. This page will try again by itself."
	switch {
	case errors.Is(err, ErrShare):
		// Not the server's trouble but this client's: a plain 429, and a
		// longer wait, since only closing its other pages frees a place.
		status, retry, msg = http.StatusTooManyRequests, "30", "Too many live pages are open from your network. Close some; this page will try again by itself."
	}
	w.Header().Set("Retry-After", retry)
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, msg, status)
}

// heartbeat is the message beat sends a stream: a comment, which the
// browser ignores.
var heartbeat = message{parts: [][]byte{[]byte(": keep-alive\n\n")}}

// knownVersion is the version the client already shows: the last event id
// of a reconnecting stream, else the page's v parameter, else 0 (unknown).
func knownVersion(r *http.Request) int64 {
	for _, s := range []string{r.Header.Get("Last-Event-ID"), r.URL.Query().Get("v")} {
		if v, err := strconv.ParseInt(s, 10, 64); err == nil && v > 0 {
			return v
		}
	}
	return 0
}
