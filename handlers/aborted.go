package handlers

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"syscall"

	"github.com/karaoke-night/karaoke/db"
)

// clientGone reports whether err is the client going away rather than the
// server failing: the request's context canceled (the server cancels it
// when the connection closes, or a body read fails), a write to a closed or
// reset connection, or a body that stopped before its length or timed out.
// Nothing is wrong on the server's side, and one slow client that gives up
// over and over would otherwise fill the log with errors (26,000 lines from
// one slow-body run).
func clientGone(r *http.Request, err error) bool {
	if errors.Is(r.Context().Err(), context.Canceled) {
		return true
	}
	for _, gone := range []error{
		syscall.EPIPE, syscall.ECONNRESET, syscall.ECONNABORTED, net.ErrClosed,
		io.ErrUnexpectedEOF, os.ErrDeadlineExceeded, http.ErrBodyReadAfterClose,
	} {
		if errors.Is(err, gone) {
			return true
		}
	}
	return false
}

// logFailure logs what failed while answering r: as an error, unless the
// client went away, which is only worth a debug line.
func (h *Handler) logFailure(r *http.Request, msg string, err error) {
	level := h.log.Error
	if clientGone(r, err) || errors.Is(err, db.ErrRetapTaken) {
		// Nobody to answer; or a repeat of a post, which the retap
		// middleware answers with the first post's answer.
		level = h.log.Debug
	}
	level(msg, "method", r.Method, "path", r.URL.Path, "err", err)
}

// recoverPanics answers a request whose handler panicked with a 500 and
// logs the panic and its stack, so one bad request never takes the server
// down. net/http's own abort (http.ErrAbortHandler) passes through: it
// means "drop this connection", and is nothing to log. It stands in for
// chi's Recoverer, whose package also links net/http/pprof and expvar into
// the binary (their code, tables and init are ~0.4 MB of what a start-up
// maps; BENCHMARKS.md, issue 18, memory and start).
func (h *Handler) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			h.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
			w.WriteHeader(http.StatusInternalServerError)
		}()
		next.ServeHTTP(w, r)
	})
}
