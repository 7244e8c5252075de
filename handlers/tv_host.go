package handlers

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/views"
)

// The host's side of TV pairing: the dashboard's "TV screens" card.

// messagePairCodeShape is what the pairing form says of text that is no
// possible code; it counts as no wrong code, as it tries none.
const messagePairCodeShape = "A TV's code is six digits. Type the six digits the TV shows."

// handleScreenPair serves POST /host/{sessionID}/tvs: the TV that shows the
// code typed now shows this night. A wrong code counts against the
// client's address with the join codes' (see codeGuard), so the codes of
// waiting TVs cannot be walked.
func (h *Handler) handleScreenPair(w http.ResponseWriter, r *http.Request) {
	id := hostSessionID(r)
	form := views.TVScreens{Code: r.PostFormValue("code")}
	err := refused(r)
	var sc db.Screen
	if err == nil {
		sc, err = h.pairScreen(w, r, id, form.Code)
	}
	if h.formShows(w, r, err) {
		form.Errors = fieldErrors(r, err)
		if ref, ok := errors.AsType[*refusal](err); ok {
			form.Errors = views.FieldErrors{"code": ref.message} // a limit's refusal: beside the field
		}
		h.screensAnswer(w, r, formStatus(err), form)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	lg := lang.From(r.Context())
	h.screensAnswer(w, r, http.StatusOK, views.TVScreens{Paired: lg.Tf("tv.card.paired", map[string]any{"Name": screenName(lg, sc)})})
}

// pairScreen pairs the TV that shows typed with the night, counting a
// wrong code against the client's address.
func (h *Handler) pairScreen(w http.ResponseWriter, r *http.Request, sessionID int64, typed string) (db.Screen, error) {
	code, ok := db.ParsePairCode(typed)
	if !ok {
		return db.Screen{}, db.FieldErrorf(db.EINVALID, "code", messagePairCodeShape)
	}
	addr := clientAddress(r)
	if wait := h.codes.begin(r.Context(), addr); wait > 0 {
		return db.Screen{}, tooManyPairCodes(w, lang.From(r.Context()), wait)
	}
	sc, err := h.store.PairScreen(r.Context(), sessionID, code)
	h.codes.end(addr, db.ErrorCode(err) == db.EINVALID)
	return sc, err
}

// tooManyPairCodes refuses a pairing code from an address that must wait.
func tooManyPairCodes(w http.ResponseWriter, lg lang.Lang, wait time.Duration) error {
	secs := int(math.Ceil(wait.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	return &refusal{status: http.StatusTooManyRequests, message: lg.Say(pairCodesWait, waitText(lg, secs))}
}

const pairCodesWait = "Too many wrong codes have come from your network. Wait %s, then type the code the TV shows."

// handleScreenUnpair serves POST /host/{sessionID}/tvs/{screenID}/unpair:
// the TV stops showing this night and shows a new code. A second tap
// changes nothing.
func (h *Handler) handleScreenUnpair(w http.ResponseWriter, r *http.Request) {
	id := hostSessionID(r)
	screenID, err := pathID(r, "screenID")
	if err == nil {
		err = refused(r)
	}
	if err == nil {
		err = h.store.UnpairScreen(r.Context(), id, screenID)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.screensAnswer(w, r, http.StatusOK, views.TVScreens{})
}

// screensAnswer sends the TV screens card, with form's typed code and
// messages: htmx the card, a plain post the dashboard (a redirect to it
// once it worked).
func (h *Handler) screensAnswer(w http.ResponseWriter, r *http.Request, status int, form views.TVScreens) {
	id := hostSessionID(r)
	if status == http.StatusOK && !isHTMX(r) {
		h.redirect(w, r, hostPath(id))
		return
	}
	night, err := h.store.Night(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	card, err := h.screensCard(r, night.Session, form)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.respond(w, r, status, views.TVScreensCard(card), func() (templ.Component, error) {
		vm, err := h.dashboardPage(r, night, dashboardLive(lang.From(r.Context()), night), settingsForm(night.Session))
		vm.TVs = card
		return views.Dashboard(vm), err
	})
}

// screensCard is the TV screens card of a night, around form.
func (h *Handler) screensCard(r *http.Request, s db.Session, form views.TVScreens) (views.TVScreens, error) {
	var screens []db.Screen
	if s.Open() { // once it has ended, no TV shows the night
		var err error
		if screens, err = h.store.SessionScreens(r.Context(), s.ID); err != nil {
			return views.TVScreens{}, err
		}
	}
	lg := lang.From(r.Context())
	form.PairURL = hostActionPath(s.ID, "tvs")
	form.TVURL = h.absoluteURL(r, tvPath)
	form.Ended = !s.Open()
	for _, sc := range screens {
		form.Screens = append(form.Screens, views.TVScreen{
			Name:      screenName(lg, sc),
			Since:     lg.Tf("tv.card.since", map[string]any{"Clock": lg.Clock(sc.PairedAt.In(s.Zone()))}),
			UnpairURL: hostActionPath(s.ID, "tvs/"+strconv.FormatInt(sc.ID, 10)+"/unpair"),
		})
	}
	return form, nil
}

// screenName is how the dashboard names a TV: by its number.
func screenName(lg lang.Lang, sc db.Screen) string {
	return lg.Tf("tv.card.name", map[string]any{"N": strconv.FormatInt(sc.ID, 10)})
}
