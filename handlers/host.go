package handlers

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/views"
)

type hostSessionKey struct{}

// hostSessionID returns the session a requireHost route is for.
func hostSessionID(r *http.Request) int64 { return r.Context().Value(hostSessionKey{}).(int64) }

// requireHost lets a request through to a session's /host/ routes only when
// its host cookie holds the session's host key. This is the one place host
// rights are checked.
func (h *Handler) requireHost(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The host link beside guests' text: see compress. The dashboard
		// is compressed its own way, without the link (keptPage).
		noCompression(w)
		// A body too large is refused before anything else: no host form
		// shows that message.
		if err := refused(r); err != nil {
			h.fail(w, r, err)
			return
		}
		id, err := pathID(r, "sessionID")
		if err == nil {
			err = h.store.CheckHost(r.Context(), id, hostKey(r, id))
		}
		if notHost(err) {
			// A dashboard left open after its host key was replaced reloads,
			// so it says why its controls are gone.
			h.failWhole(w, r, http.StatusForbidden, "This is the host's page",
				"Only the host of this session can see it. If you are the host, open your private host link on this device.")
			return
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		// Host pages carry the host link: no cache may keep them.
		w.Header().Set("Cache-Control", "no-store")
		ctx := db.WithHostDevice(context.WithValue(r.Context(), hostSessionKey{}, id), hostDevice(w, r))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// notHost reports whether err from CheckHost (or the id before it) means
// the request is not the host's. No such session and a wrong key are one
// answer: were they told apart, a stranger could count the sessions, and
// learn which ids are in use, by asking for each.
func notHost(err error) bool {
	return db.ErrorCode(err) == db.EFORBIDDEN || db.ErrorCode(err) == db.ENOTFOUND
}

// handleHostClaim serves GET /host/{sessionID}/claim/{key}: the private host
// link. It makes this browser a host too, then shows the dashboard without
// the key in the address bar.
func (h *Handler) handleHostClaim(w http.ResponseWriter, r *http.Request) {
	key := chi.URLParam(r, "key")
	id, err := pathID(r, "sessionID")
	if err == nil {
		err = h.store.CheckHost(r.Context(), id, key)
	}
	if notHost(err) {
		err = db.Errorf(db.EFORBIDDEN, "This host link is not valid (any more). Ask the host for the current one.")
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	setHostKey(w, r, id, key)
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, hostPath(id), http.StatusSeeOther)
}

// hostActionDone answers a host action with the dashboard's live part (htmx)
// or the dashboard (a plain post). A conflict (another host device acted
// first, a guest withdrew the song a moment ago) changed nothing: the answer
// is the night as it stands, with the store's message saying what happened.
func (h *Handler) hostActionDone(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil && db.ErrorCode(err) != db.ECONFLICT && db.ErrorCode(err) != db.ENOTFOUND {
		h.fail(w, r, err)
		return
	}
	id := hostSessionID(r)
	notice := ""
	if err != nil {
		notice = sayError(r, err)
		letRetapGo(r) // it changed nothing: a retry may act
	}
	fragment := func() (templ.Component, error) {
		night, err := h.store.Night(r.Context(), id)
		if err != nil {
			return nil, err
		}
		// The notice slot sits outside the live part, so a live update that
		// lands just after this answer does not wipe the message.
		return templ.Join(views.DashboardLiveView(dashboardLive(lang.From(r.Context()), night)), views.HostNoticeUpdate(notice)), nil
	}
	if notice == "" {
		h.done(w, r, hostPath(id), fragment)
		return
	}
	// A plain post gets the page itself, with the message: a redirect would
	// lose it. Posting it again is harmless, as the same conflict.
	c, err := fragment()
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.respond(w, r, http.StatusOK, c, func() (templ.Component, error) {
		night, err := h.store.Night(r.Context(), id)
		if err != nil {
			return nil, err
		}
		vm, err := h.dashboardPage(r, night, dashboardLive(lang.From(r.Context()), night), settingsForm(night.Session))
		vm.Notice = notice
		return views.Dashboard(vm), err
	})
}

// handleRequestsPause serves POST /host/{sessionID}/pause.
func (h *Handler) handleRequestsPause(w http.ResponseWriter, r *http.Request) {
	h.hostActionDone(w, r, h.store.SetRequestsPaused(r.Context(), hostSessionID(r), true))
}

// handleRequestsResume serves POST /host/{sessionID}/resume.
func (h *Handler) handleRequestsResume(w http.ResponseWriter, r *http.Request) {
	h.hostActionDone(w, r, h.store.SetRequestsPaused(r.Context(), hostSessionID(r), false))
}

// handleSettingsSave serves POST /host/{sessionID}/settings: the per-singer
// cap, whether the TV shows notes and whether requests come from the
// songbook only (an unticked box sends nothing).
func (h *Handler) handleSettingsSave(w http.ResponseWriter, r *http.Request) {
	id := hostSessionID(r)
	typed := r.PostFormValue("singer_cap")
	showNotes := r.PostFormValue("show_notes") != ""
	approval := r.PostFormValue("approval") != ""
	closing := closingRule(r)
	songbookOnly := r.PostFormValue(views.SongbookOnlyField) != ""
	singerCap, err := strconv.Atoi(typed)
	holdFor, herr := holdMinutes(r)
	language, lerr := nightLanguage(r)
	switch {
	case err != nil:
		err = db.FieldErrorf(db.EINVALID, "singer_cap", "The limit must be a whole number from 1 to %d.", db.MaxSingerCap)
	case herr != nil:
		err = herr
	case lerr != nil:
		err = lerr
	default:
		err = h.store.SetSettings(r.Context(), id, db.Settings{SingerCap: singerCap, ShowNotes: showNotes, SongbookOnly: songbookOnly, Approval: approval, Closing: closing, HoldMinutes: holdFor,
			Language: language})
	}
	form := views.SettingsForm{ActionURL: hostActionPath(id, "settings"), SingerCap: typed, ShowNotes: showNotes, SongbookOnly: songbookOnly, Approval: approval,
		Zone: closing.Zone, Zones: zoneOptions(closing.Zone), Closing: closing.Time, ClosingShown: closing.Shown,
		HoldMinutes: r.PostFormValue(views.HoldMinutesField), Language: r.PostFormValue(views.LanguageField), Languages: languageOptions()}
	if h.formShows(w, r, err) {
		form.Errors = fieldErrors(r, err)
		h.respond(w, r, formStatus(err), views.SettingsFormView(form), func() (templ.Component, error) {
			night, err := h.store.Night(r.Context(), id)
			if err != nil {
				return nil, err
			}
			vm, err := h.dashboardPage(r, night, dashboardLive(lang.From(r.Context()), night), form)
			return views.Dashboard(vm), err
		})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	form.Saved = true
	if sess, err := h.store.Session(r.Context(), id); err == nil {
		// The closing time as stored: the next 01:30, on the venue's clock.
		closingForm(&form, sess)
		form.Language = sess.Language
	}
	h.done(w, r, hostPath(id), ready(views.SettingsFormView(form)))
}

// handleSessionEndConfirm serves GET /host/{sessionID}/end: asks before the
// night is ended, without needing JavaScript.
func (h *Handler) handleSessionEndConfirm(w http.ResponseWriter, r *http.Request) {
	sess, err := h.store.Session(r.Context(), hostSessionID(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.EndConfirm(views.EndConfirmPage{
		SessionName: sess.Name,
		EndURL:      hostActionPath(sess.ID, "end"),
		BackURL:     hostPath(sess.ID),
	}))
}

// handleSessionEnd serves POST /host/{sessionID}/end: ends the night.
func (h *Handler) handleSessionEnd(w http.ResponseWriter, r *http.Request) {
	id := hostSessionID(r)
	if err := h.store.EndSession(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, hostPath(id))
}

// handleRequestMove serves POST /host/{sessionID}/requests/{requestID}/{move}:
// up, down, top or back.
func (h *Handler) handleRequestMove(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "requestID")
	move := db.Move(chi.URLParam(r, "move"))
	if n, nerr := h.store.Night(r.Context(), hostSessionID(r)); err == nil && nerr == nil && movesNothing(n, id, move) {
		letRetapGo(r)
	}
	if err == nil {
		err = h.store.MoveRequest(r.Context(), hostSessionID(r), id, move)
	}
	h.hostActionDone(w, r, err)
}

// handleHostLinkRotate serves POST /host/{sessionID}/host-link: a new host
// key for the session. This device gets it; every other host device, and
// anyone holding the old host link, is signed out.
func (h *Handler) handleHostLinkRotate(w http.ResponseWriter, r *http.Request) {
	id := hostSessionID(r)
	key, err := h.store.RotateHostKey(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	setHostKey(w, r, id, key)
	h.redirect(w, r, hostPath(id))
}

// handleGuestRemoveConfirm serves GET /host/{sessionID}/guests/{guestID}/remove:
// asks before a guest is removed, without needing JavaScript.
func (h *Handler) handleGuestRemoveConfirm(w http.ResponseWriter, r *http.Request) {
	sessionID := hostSessionID(r)
	id, err := pathID(r, "guestID")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sess, err := h.store.Session(r.Context(), sessionID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	guests, err := h.store.Guests(r.Context(), sessionID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	i := slices.IndexFunc(guests, func(g db.GuestListing) bool { return g.ID == id })
	if i < 0 {
		h.fail(w, r, db.Errorf(db.ENOTFOUND, "%s", notFound["guestID"]))
		return
	}
	h.render(w, r, http.StatusOK, views.RemoveGuestConfirm(views.RemoveGuestPage{
		SessionName: sess.Name,
		GuestName:   guests[i].DisplayName(),
		Waiting:     guests[i].Waiting,
		RemoveURL:   guestRemovePath(sessionID, id),
		BackURL:     hostPath(sessionID),
	}))
}

// handleGuestRemove serves POST /host/{sessionID}/guests/{guestID}/remove:
// the guest's waiting songs leave the queue and their phone cannot request
// again in this session.
func (h *Handler) handleGuestRemove(w http.ResponseWriter, r *http.Request) {
	sessionID := hostSessionID(r)
	id, err := pathID(r, "guestID")
	if err == nil {
		err = h.store.RemoveGuest(r.Context(), sessionID, id)
	}
	if err != nil && db.ErrorCode(err) != db.ECONFLICT {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, hostPath(sessionID))
}
