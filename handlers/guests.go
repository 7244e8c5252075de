package handlers

import (
	"net/http"
	"time"

	"github.com/a-h/templ"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/views"
)

// guestContext is what a guest route knows once it has read the code and the
// device cookie.
type guestContext struct {
	session db.Session
	guest   db.Guest
	joined  bool
}

// loadGuest takes the session loadSession found and finds the guest by the
// device cookie, looked up by its hash: only a token the server issued (signed, or
// from before signing) can match. A device that has not joined gets
// joined=false.
func (h *Handler) loadGuest(r *http.Request) (guestContext, error) {
	sess, err := sessionOf(r)
	if err != nil {
		return guestContext{}, err
	}
	gc := guestContext{session: sess}
	g, err := h.store.GuestAt(r.Context(), sess, deviceToken(r))
	switch {
	case err == nil:
		gc.guest, gc.joined = g, true
	case db.ErrorCode(err) != db.ENOTFOUND:
		return guestContext{}, err
	}
	return gc, nil
}

// handleGuestPage serves GET /j/{code}: the join form for a new device, the
// guest's page for one that joined.
func (h *Handler) handleGuestPage(w http.ResponseWriter, r *http.Request) {
	gc, err := h.loadGuest(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if r.URL.RawQuery != "" && r.URL.Query().Has(handoffParam) {
		h.takeHandoff(w, r, gc)
		return
	}
	if !gc.joined {
		// The join form has no fragment: a refresh from a page whose guest
		// is gone loads it whole.
		vm := h.joinPage(r, gc.session, views.JoinForm{})
		if gc.session.JoiningLocked {
			vm.Closed = lang.From(r.Context()).Text(db.JoiningClosedMessage)
		}
		h.respondPage(w, r, guestPath(gc.session), views.Join(vm))
		return
	}
	// The page is kept per version and guest (see respondKept): a reload,
	// or another load at the same version, is not built again. Nothing was
	// written since the session was looked up, so the Night kept at its
	// version is the page's without another read (NightAt).
	page := func() (views.GuestPage, error) {
		night, err := h.store.NightAt(r.Context(), gc.session)
		if err != nil {
			return views.GuestPage{}, err
		}
		return h.guestPageOf(r, gc, night, requestForm(gc.session))
	}
	h.respondKept(w, r, gc.session, "guest", gc.guest.ID, func() (templ.Component, error) {
		vm, err := page()
		return views.GuestLiveView(vm.Live), err
	}, func() (templ.Component, error) {
		vm, err := page()
		return views.Guest(vm), err
	})
}

func (h *Handler) joinPage(r *http.Request, s db.Session, form views.JoinForm) views.JoinPage {
	form.ActionURL = joinPath(s)
	return views.JoinPage{Session: h.sessionInfo(r, s), Stream: streamURL(guestPath(s), s), Form: form}
}

// guestPage is the guest's page as the night is now: after a write, too.
func (h *Handler) guestPage(r *http.Request, gc guestContext, form views.RequestForm) (views.GuestPage, error) {
	night, err := h.store.Night(r.Context(), gc.session.ID)
	if err != nil {
		return views.GuestPage{}, err
	}
	return h.guestPageOf(r, gc, night, form)
}

// guestPageOf is the guest's page of night.
func (h *Handler) guestPageOf(r *http.Request, gc guestContext, night db.Night, form views.RequestForm) (views.GuestPage, error) {
	search, err := h.songSearch(r, gc.session)
	if err != nil {
		return views.GuestPage{}, err
	}
	form.Songbook = search != nil
	form.SongbookOnly = form.SongbookOnly && search != nil
	form.AtCap = atCap(night, gc.guest.ID)
	form.Forecast = forecast(lang.From(r.Context()), night, gc.guest.ID, time.Now())
	return views.GuestPage{
		Search:  search,
		Session: h.sessionInfo(r, night.Session),
		Stream:  streamURL(guestPath(night.Session), night.Session),
		Singer:  gc.guest.DisplayName(),
		Form:    form,
		Live:    guestLive(lang.From(r.Context()), night, gc.guest),
		Push:    h.pushOptIn(night.Session, gc.guest),
	}, nil
}

// guestPageWithoutNight is the guest's page with the form alone, for when
// the night cannot be read: the session and guest are those the route
// already loaded.
func (h *Handler) guestPageWithoutNight(r *http.Request, gc guestContext, form views.RequestForm) views.GuestPage {
	return views.GuestPage{
		Session: h.sessionInfo(r, gc.session),
		Singer:  gc.guest.DisplayName(),
		Form:    form,
		Live: views.GuestLive{Status: views.GuestStatus{Title: gc.session.Name},
			Notice: lang.From(r.Context()).T("guest.page.no_night")},
	}
}

// handleGuestJoin serves POST /j/{code}/join: the guest gives a singer name
// and the device is remembered by a cookie the server signed. A device
// without one gets one here, whatever cookie it sent.
func (h *Handler) handleGuestJoin(w http.ResponseWriter, r *http.Request) {
	sess, err := sessionOf(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	name := r.PostFormValue("name")
	if err = refused(r); err == nil {
		var token string
		if token, err = h.joiningDevice(w, r, sess.ID); err == nil {
			_, err = h.store.JoinSession(r.Context(), sess.ID, token, name)
		}
	}
	if h.formShows(w, r, err) {
		vm := h.joinPage(r, sess, views.JoinForm{Name: name, Errors: fieldErrors(r, err)})
		h.respond(w, r, formStatus(err), views.JoinFormView(vm.Form), ready(views.Join(vm)))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, guestPath(sess))
}
