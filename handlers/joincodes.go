package handlers

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
)

// lookUpSession is the one place where what names a session in a request,
// the join token of a link or a join code typed by hand, becomes the
// session: every wrong code and wrong token is counted against the
// client's address here (see codeGuard), and an address past its allowance
// is refused (429, with Retry-After set on w) until its wait is over. A
// right token is never refused: it cannot be found by trying. A key of no
// possible session's shape is not counted: it tries no code.
func (h *Handler) lookUpSession(w http.ResponseWriter, r *http.Request, key string) (db.Session, error) {
	addr := clientAddress(r)
	var wrongToken error
	if db.IsJoinToken(key) {
		sess, err := h.store.SessionByToken(r.Context(), key)
		if db.ErrorCode(err) != db.ENOTFOUND {
			return sess, err
		}
		wrongToken = err
	}
	if wait := h.codes.begin(r.Context(), addr); wait > 0 {
		return db.Session{}, tooManyWrongCodes(w, lang.From(r.Context()), wait)
	}
	if wrongToken != nil {
		h.codes.end(addr, true)
		return db.Session{}, wrongToken
	}
	if _, ok := db.ParseJoinCode(key); !ok {
		h.codes.end(addr, false)
		return h.store.SessionByCode(r.Context(), key) // not found, without asking the database
	}
	sess, err := h.store.SessionByCode(r.Context(), key)
	h.codes.end(addr, db.ErrorCode(err) == db.ENOTFOUND)
	return sess, err
}

// tooManyWrongCodes is the refusal of a code look-up from an address that
// must wait: it says how long, and that the QR code still works.
func tooManyWrongCodes(w http.ResponseWriter, lg lang.Lang, wait time.Duration) error {
	secs := int(math.Ceil(wait.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	return &refusal{status: http.StatusTooManyRequests, message: lg.Say(wrongCodesWait, waitText(lg, secs))}
}

const wrongCodesWait = "Too many wrong codes have come from your network. Wait %s, then try again, or scan the QR code on the screen."

// waitText says a wait of secs seconds as a person would.
func waitText(lg lang.Lang, secs int) string {
	switch {
	case secs <= 1:
		return lg.T("common.wait.second")
	case secs < 90:
		return lg.N("common.wait.seconds", secs, nil)
	}
	return lg.N("common.wait.minutes", (secs+59)/60, nil)
}

type sessionKey struct{}

// loadSession resolves the {code} in the path (a code or a join token) to
// its session through lookUpSession, and hands it to the route (see
// sessionOf). Every route with {code} in its path sits behind it, in
// routes.go; when the look-up fails, it answers by itself: the route has
// no session to show anything with.
func (h *Handler) loadSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, err := h.lookUpSession(w, r, chi.URLParam(r, "code"))
		if err != nil {
			h.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, sess)))
	})
}

// errNoSession is a route that reads its session but is not behind
// loadSession: a mistake in routes.go, answered 500 rather than looked up
// uncounted.
var errNoSession = errors.New("handlers: a {code} route is not behind loadSession")

// sessionOf returns the session loadSession resolved for the request.
func sessionOf(r *http.Request) (db.Session, error) {
	if sess, ok := r.Context().Value(sessionKey{}).(db.Session); ok {
		return sess, nil
	}
	return db.Session{}, errNoSession
}
