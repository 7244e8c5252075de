package handlers

import (
	"context"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/views"
)

// toStandby reports whether the request form was sent with its "Add to my
// standby list" button.
func toStandby(r *http.Request) bool {
	return r.PostFormValue(views.StandbyChoiceName) == views.StandbyChoiceValue
}

// addStandby puts the guest's song on their standby list, and answers as
// CreateRequest would: the request it became when it went straight into
// the queue (or to the host) because the guest is below the cap again, or
// one with StatusStandby.
func (h *Handler) addStandby(ctx context.Context, in db.NewRequest) (db.Request, error) {
	s, err := h.store.AddStandby(ctx, in)
	req := db.Request{Title: s.Title, Status: db.StatusStandby}
	switch {
	case s.MovedAt.IsZero():
	case s.Held:
		req.Status = db.StatusPending
	default:
		req.Status = db.StatusWaiting
	}
	return req, err
}

// offerStandby sets whether the form offers the guest's standby list: they
// are at the cap. A songbook song keeps its id, so the offer adds that song.
func (h *Handler) offerStandby(r *http.Request, gc guestContext, form *views.RequestForm, in db.NewRequest) {
	n, err := h.store.Night(r.Context(), gc.session.ID)
	if err != nil {
		return // the form is shown without the offer, its message still true
	}
	if form.AtCap = atCap(n, gc.guest.ID); form.AtCap && in.SongID != 0 {
		form.SongID = strconv.FormatInt(in.SongID, 10)
	}
}

// atCap reports whether the guest has the most songs the night allows
// waiting, in the queue or for the host's OK.
func atCap(n db.Night, guestID int64) bool {
	waiting := len(n.SongsOf(guestID))
	for _, p := range n.Pending {
		if p.GuestID == guestID {
			waiting++
		}
	}
	return waiting >= n.Session.SingerCap
}

// standbyList is the guest's standby list, with its buttons, and the
// latest song that moved from it into the queue and still waits there;
// nothing for a guest the host removed, whose songs go nowhere.
func standbyList(lg lang.Lang, n db.Night, guestID int64, removed bool) views.StandbyList {
	l := views.StandbyList{Ended: !n.Session.Open() || removed}
	if l.Ended {
		return l
	}
	songs := n.Standby[guestID]
	if len(songs) > 1 {
		l.MoveKey = standbyMoveKey(n, guestID)
	}
	for i, s := range songs {
		base := guestPath(n.Session) + "/standby/" + strconv.FormatInt(s.ID, 10) + "/"
		item := views.StandbyItem{Title: s.Title, Artist: s.Artist, RemoveURL: base + "remove"}
		if i > 0 {
			item.UpURL = base + db.StandbyUp
		}
		if i < len(songs)-1 {
			item.DownURL = base + db.StandbyDown
		}
		l.Items = append(l.Items, item)
	}
	if moved := n.Moved[guestID]; len(moved) > 0 {
		l.Moved = lg.Tf("guest.standby.moved", map[string]any{"Song": moved[0].Title})
		if moved[0].Held {
			l.Moved = lg.Tf("guest.standby.moved_held", map[string]any{"Song": moved[0].Title})
		}
	}
	return l
}

// handleStandbyChange serves POST /j/{code}/standby/{standbyID}/{change}:
// a guest moves a song of their standby list up or down, or removes it.
func (h *Handler) handleStandbyChange(w http.ResponseWriter, r *http.Request) {
	gc, ok := h.joinedGuest(w, r)
	if !ok {
		return
	}
	err := ownThing(r, "standbyID", func(id int64) error {
		if change := chi.URLParam(r, "change"); change != "remove" {
			return h.store.MoveStandby(r.Context(), gc.session.ID, gc.guest.ID, id, change)
		}
		return h.store.RemoveStandby(r.Context(), gc.session.ID, gc.guest.ID, id)
	})
	// As a withdrawal: the guest's live part of the page, which shows what
	// became of a song no longer on the list.
	h.withdrawDone(w, r, gc, err)
}
