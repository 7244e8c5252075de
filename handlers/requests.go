package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/a-h/templ"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/views"
)

// joinedGuest loads the guest of a /j/{code}/… route, and answers for it
// when there is none: a device that has not joined is sent to the join form.
func (h *Handler) joinedGuest(w http.ResponseWriter, r *http.Request) (guestContext, bool) {
	gc, err := h.loadGuest(r)
	if err != nil {
		h.fail(w, r, err)
		return gc, false
	}
	if !gc.joined {
		h.redirect(w, r, guestPath(gc.session))
		return gc, false
	}
	return gc, true
}

// handleRequestCreate serves POST /j/{code}/requests: a guest asks for a song.
func (h *Handler) handleRequestCreate(w http.ResponseWriter, r *http.Request) {
	gc, ok := h.joinedGuest(w, r)
	if !ok {
		return
	}
	in := db.NewRequest{
		SessionID:      gc.session.ID,
		GuestID:        gc.guest.ID,
		Title:          r.PostFormValue("title"),
		Artist:         r.PostFormValue("artist"),
		Note:           r.PostFormValue("note"),
		AllowDuplicate: r.PostFormValue("duplicate_ok") == "1",
	}
	err := refused(r)
	switch {
	case err != nil:
	case r.PostFormValue("song_id") != "":
		err = h.fromSongbook(r, gc.session, &in)
	case !gc.session.TypedRequests():
		// The store refuses it too; here it is refused whatever was typed,
		// with the one message that fits a form with no fields.
		err = db.FieldErrorf(db.EINVALID, "", "%s", db.MessageSongbookOnly)
	}
	var req db.Request
	switch {
	case err == nil && toStandby(r):
		req, err = h.addStandby(r.Context(), in)
	case err == nil:
		req, err = h.store.CreateRequest(r.Context(), in)
	}
	form := requestForm(gc.session)
	if h.formShows(w, r, err) {
		form.Title, form.Artist, form.Note = in.Title, in.Artist, in.Note
		if db.ErrorCode(err) == db.EDUPLICATE && in.SongID != 0 {
			form.SongID = strconv.FormatInt(in.SongID, 10)
		}
		form.Errors = fieldErrors(r, err)
		form.Duplicate = db.ErrorCode(err) == db.EDUPLICATE
		h.offerStandby(r, gc, &form, in)
		form.Forecast = h.forecastFor(r, gc)
		h.respond(w, r, formStatus(err), views.RequestFormView(form), func() (templ.Component, error) {
			vm, verr := h.guestPage(r, gc, form)
			if verr != nil && db.ErrorCode(err) == db.EINTERNAL {
				// The store that failed the write may fail this read too:
				// the form and its message still beat a bare error page.
				vm, verr = h.guestPageWithoutNight(r, gc, form), nil
			}
			return views.Guest(vm), verr
		})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.done(w, r, guestPath(gc.session), func() (templ.Component, error) {
		form.Added, form.Held = db.CleanText(in.Title), req.Status == db.StatusPending
		form.OnStandby = req.Status == db.StatusStandby
		vm, err := h.guestPage(r, gc, form)
		// The cleared form, and the guest's list with the new song in it.
		vm.Live.OOB = true
		return templ.Join(views.RequestFormView(vm.Form), views.GuestLiveView(vm.Live)), err
	})
}

// handleRequestWithdraw serves POST /j/{code}/requests/{requestID}/withdraw:
// a guest takes back one of their own songs.
func (h *Handler) handleRequestWithdraw(w http.ResponseWriter, r *http.Request) {
	gc, ok := h.joinedGuest(w, r)
	if !ok {
		return
	}
	err := ownThing(r, "requestID", func(id int64) error {
		return h.store.WithdrawRequest(r.Context(), gc.session.ID, gc.guest.ID, id)
	})
	h.withdrawDone(w, r, gc, err)
}

// ownThing runs a guest's change to one of their own things (a song, a
// held song, a standby song), named by the path parameter param, unless a
// limit refused the request.
func ownThing(r *http.Request, param string, change func(id int64) error) error {
	if err := refused(r); err != nil {
		return err
	}
	id, err := pathID(r, param)
	if err != nil {
		return err
	}
	return change(id)
}

// withdrawDone answers a guest's withdrawal (of a song waiting in the
// queue, or for the host's OK) with their live part of the page.
func (h *Handler) withdrawDone(w http.ResponseWriter, r *http.Request, gc guestContext, err error) {
	_, isRefusal := errors.AsType[*refusal](err)
	if isRefusal || (db.ErrorCode(err) == db.EINTERNAL && h.formShows(w, r, err)) {
		// The guest's list is what the withdraw button swaps: it says why.
		vm, verr := h.guestPage(r, gc, requestForm(gc.session))
		if verr != nil {
			h.fail(w, r, verr)
			return
		}
		vm.Live.Notice = fieldErrors(r, err)[""]
		h.respond(w, r, formStatus(err), views.GuestLiveView(vm.Live), ready(views.Guest(vm)))
		return
	}
	if err != nil && db.ErrorCode(err) != db.ECONFLICT {
		// A conflict means it is no longer waiting: the page below shows that.
		h.fail(w, r, err)
		return
	}
	h.done(w, r, guestPath(gc.session), func() (templ.Component, error) {
		vm, err := h.guestPage(r, gc, requestForm(gc.session))
		return views.GuestLiveView(vm.Live), err
	})
}
