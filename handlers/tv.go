package handlers

import (
	"crypto/rand"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/views"
)

// A TV pairs by code (/tv): it shows a code, the host types it on the
// dashboard, and the TV shows that night until the host unpairs it or the
// night ends. The TV is its cookie; the code it shows is kept by its
// browser in a cookie of its own, since the store keeps only its hash.

// tvCookie holds the random token that is the TV; tvCodeCookie the code it
// shows. Both are sent only to /tv.
const (
	tvCookie     = "karaoke_tv"
	tvCodeCookie = "karaoke_tv_code"
	tvPath       = "/tv"
	tvStatePath  = "/tv/state"
)

// tvCookieLifetime is as long as browsers keep a cookie (400 days), renewed
// at each visit: a TV stays paired across power cycles for as long as the
// night lasts.
const tvCookieLifetime = 400 * 24 * time.Hour

// tvRenewBefore is how long before its code runs out a TV shows a new one,
// so a host never types a code that expires under their fingers.
const tvRenewBefore = time.Minute

// newScreensPerAddress bounds the TVs one address makes: a bar has a few,
// and a script making thousands would fill the table and take codes out
// of the six digits' million. A TV that keeps its cookie is made once.
var newScreensPerAddress = Rate{Requests: 30, Window: time.Hour}

const tooManyScreens = "Too many TVs have been set up from your network in the last hour. Try again later."

// How a TV page keeps itself current where htmx cannot: the waiting TV
// polls twice a second (it is paired within 2 s), a paired one every 2 s;
// without JavaScript, a reload every 5 s while waiting, every 10 s showing
// a night.
const (
	tvPollWaiting      = 500
	tvPollShowing      = 2000
	tvRefreshWaiting   = 5
	tvRefreshShowing   = 10
	displayVersionPath = "/version"
)

// handleTV serves GET /tv: the night this TV is paired with, as /d/{code}
// shows it, or else the code that pairs it. A TV without a code that still
// pairs gets a new one here: a write on a GET, but one only this browser's
// cookie reaches, and no night's state.
func (h *Handler) handleTV(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	token := h.tvToken(w, r)
	sc, err := h.screen(r, token)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if night, ok, err := h.pairedNight(r, sc); err != nil {
		h.fail(w, r, err)
		return
	} else if ok {
		live := displayLive(lang.From(r.Context()), night)
		vm := views.DisplayPage{Session: h.sessionInfo(r, night.Session), Stream: streamURL(displayPath(night.Session), night.Session), Live: live,
			Poll: &views.Poll{URL: tvStatePath, Key: tvNightKey(sc), Version: strconv.FormatInt(night.Session.Version, 10),
				Every: tvPollShowing, Always: true, Refresh: tvRefreshShowing}}
		h.render(w, r, http.StatusOK, views.Display(vm))
		return
	}
	if sc.ID == 0 && h.newScreens.OnLimit(w, r, clientAddress(r)) {
		h.fail(w, r, &refusal{status: http.StatusTooManyRequests, message: tooManyScreens})
		return
	}
	now := h.store.Now()
	if tvNeedsCode(sc, now) {
		if sc, err = h.store.NewPairCode(r.Context(), token); err != nil {
			h.fail(w, r, err)
			return
		}
		http.SetCookie(w, tvCookieOf(r, tvCodeCookie, sc.Code, sc.CodeExpires.Sub(now)))
	}
	vm := views.TVPairPage{Code: sc.Code, Minutes: int(db.PairCodeLife / time.Minute),
		Poll: views.Poll{URL: tvStatePath, Key: tvCodeKey(sc), Version: "0", Every: tvPollWaiting, Always: true, Refresh: tvRefreshWaiting}}
	h.render(w, r, http.StatusOK, views.TVPair(vm))
}

// handleTVState serves GET /tv/state: what the TV should show, as
// "<key> <version>" (see views.Poll), for static/tv.js to compare with
// what it shows. It writes nothing.
func (h *Handler) handleTVState(w http.ResponseWriter, r *http.Request) {
	state := "new 0"
	if c, err := r.Cookie(tvCookie); err == nil {
		sc, err := h.screen(r, c.Value)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		night, ok, err := h.pairedNight(r, sc)
		switch {
		case err != nil:
			h.fail(w, r, err)
			return
		case ok:
			state = tvNightKey(sc) + " " + strconv.FormatInt(night.Session.Version, 10)
		case !tvNeedsCode(sc, h.store.Now()):
			state = tvCodeKey(sc) + " 0"
		}
	}
	writeState(w, state)
}

// handleDisplayVersion serves GET /d/{code}/version: the session's version,
// as "d <version>" (see views.Poll), for a TV whose browser cannot run
// htmx to tell whether its page is current.
func (h *Handler) handleDisplayVersion(w http.ResponseWriter, r *http.Request) {
	sess, err := sessionOf(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeState(w, "d "+strconv.FormatInt(sess.Version, 10))
}

func writeState(w http.ResponseWriter, state string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte(state))
}

// displayPoll is how /d/{code} keeps itself current where htmx cannot.
func displayPoll(s db.Session) *views.Poll {
	return &views.Poll{URL: displayPath(s) + displayVersionPath, Key: "d", Version: strconv.FormatInt(s.Version, 10),
		Every: tvPollShowing, Refresh: tvRefreshShowing}
}

// tvToken returns the TV's token, making one (and setting it) for a
// browser without; either way the cookie's life starts again.
func (h *Handler) tvToken(w http.ResponseWriter, r *http.Request) string {
	token := ""
	if c, err := r.Cookie(tvCookie); err == nil && c.Value != "" {
		token = c.Value
	} else {
		token = rand.Text() // 128 random bits
	}
	http.SetCookie(w, tvCookieOf(r, tvCookie, token, tvCookieLifetime))
	return token
}

func tvCookieOf(r *http.Request, name, value string, life time.Duration) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: tvPath, MaxAge: int(math.Ceil(life.Seconds())),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: requestScheme(r) == "https"}
}

// screen is the TV of token, with the code its browser says it shows if
// that still pairs it; the zero Screen for a TV the store does not know.
func (h *Handler) screen(r *http.Request, token string) (db.Screen, error) {
	shown := ""
	if c, err := r.Cookie(tvCodeCookie); err == nil {
		shown = c.Value
	}
	sc, err := h.store.ScreenByToken(r.Context(), token, shown)
	if db.ErrorCode(err) == db.ENOTFOUND {
		return db.Screen{}, nil
	}
	return sc, err
}

// pairedNight is the night sc shows: ok only while it is paired with one
// that is still open.
func (h *Handler) pairedNight(r *http.Request, sc db.Screen) (db.Night, bool, error) {
	if sc.SessionID == 0 {
		return db.Night{}, false, nil
	}
	night, err := h.store.Night(r.Context(), sc.SessionID)
	if db.ErrorCode(err) == db.ENOTFOUND {
		return db.Night{}, false, nil
	}
	if err != nil {
		return db.Night{}, false, err
	}
	return night, night.Session.Open(), nil
}

// tvNeedsCode reports whether a TV that shows no night must be given a new
// code: it has none that pairs, or its code is about to run out.
func tvNeedsCode(sc db.Screen, now time.Time) bool {
	return !sc.Waiting(now) || sc.CodeExpires.Sub(now) < tvRenewBefore
}

func tvNightKey(sc db.Screen) string { return "night-" + strconv.FormatInt(sc.SessionID, 10) }
func tvCodeKey(sc db.Screen) string {
	return "code-" + strconv.FormatInt(sc.CodeExpires.UnixMilli(), 10)
}
