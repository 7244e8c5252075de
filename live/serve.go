package live

import (
	"bytes"
	"errors"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Serve streams a session's changes to one listener until the client goes
// away, the session ends, the client falls too far behind, or the Broker is
// closed. Past MaxStreams (or once closed) it answers 503 with Retry-After.
//
// A page passes the version it was rendered at as the query parameter v; a
// reconnecting browser sends the last event id. Either way, if the session
// has moved on since, the stream starts with the current state.
func (b *Broker) Serve(w http.ResponseWriter, r *http.Request, l Listener) {
	s, err := b.subscribe(l, knownVersion(r))
	if err != nil {
		retry := "5"
		if errors.Is(err, ErrClosed) {
			retry = "2"
		}
		w.Header().Set("Retry-After", retry)
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, "Too many live pages are open right now. This page will try again by itself.", http.StatusServiceUnavailable)
		return
	}
	defer b.unsubscribe(s)

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // tell buffering proxies to pass events on at once
	hello := []byte("retry: " + strconv.FormatInt(b.cfg.Retry.Milliseconds(), 10) + "\n\n")

	// Over HTTP/1.1 the stream takes the connection over: a stream then holds
	// one goroutine and no server-side buffers, instead of two goroutines and
	// the server's reader and writer, which is most of what 1,000 open pages
	// cost. The body runs until the connection closes.
	if conn, ok := hijack(w, r); ok {
		defer conn.Close()
		write := func(parts ...[]byte) bool {
			_ = conn.SetWriteDeadline(time.Now().Add(b.cfg.WriteTimeout))
			for _, p := range parts {
				if _, err := conn.Write(p); err != nil {
					return false
				}
			}
			return true
		}
		var head bytes.Buffer
		head.WriteString("HTTP/1.1 200 OK\r\n")
		h.Set("Connection", "close")
		h.Write(&head)
		head.WriteString("\r\n")
		if write(head.Bytes(), hello) {
			b.pump(s, nil, write)
		}
		return
	}

	rc := http.NewResponseController(w)
	// The server's ReadTimeout would otherwise end a long-lived stream.
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
	w.WriteHeader(http.StatusOK)
	if write(hello) {
		b.pump(s, r.Context().Done(), write)
	}
}

// hijack takes an HTTP/1.x connection over from the server, once the
// response's headers are set. It answers false where that cannot be (HTTP/2,
// or a test's recorder), and the stream is served through w instead.
func hijack(w http.ResponseWriter, r *http.Request) (net.Conn, bool) {
	if r.ProtoMajor != 1 {
		return nil, false
	}
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return nil, false
	}
	// A GET has no body; anything the client sent after it is not ours to read.
	_ = rw
	_ = conn.SetReadDeadline(time.Time{})
	return conn, true
}

// pump writes a stream's messages and heartbeats until the stream ends, the
// client goes (done, or a failed write), or a final message is sent.
func (b *Broker) pump(s *stream, done <-chan struct{}, write func(parts ...[]byte) bool) {
	heartbeat := time.NewTicker(b.cfg.Heartbeat)
	defer heartbeat.Stop()
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
		case <-heartbeat.C:
			if !write(heartbeatComment) {
				return
			}
		}
	}
}

var heartbeatComment = []byte(": keep-alive\n\n")

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
