package handlers

import (
	"net/http"
	"strconv"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/views"
)

// The turn handlers name the state the host saw (the turn Start next and
// Stop end, a waiting request Skip and Remove act on), and the store checks
// it inside its write: two host devices pressing at once advance one singer,
// and the second press shows what the first did (see hostActionDone).

// endsTurn reads the form's "ends": the request the host saw singing when
// the page was drawn, db.NoTurn for nobody ("none"). A form without it, from
// a page older than the field, counts as one that saw nobody singing: it may
// start a first singer but never ends a turn it did not show.
func endsTurn(r *http.Request) (int64, error) {
	v := r.PostFormValue(views.EndsField)
	if v == "" || v == views.EndsNobody {
		return db.NoTurn, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, db.Errorf(db.ECONFLICT, "That button came from a damaged page, so nothing changed. Here is the night as it stands.")
	}
	return id, nil
}

// handleTurnNext serves POST /host/{sessionID}/next: ends the turn being
// sung (the one the form names) and starts the first in the queue.
func (h *Handler) handleTurnNext(w http.ResponseWriter, r *http.Request) {
	ends, err := endsTurn(r)
	if err == nil {
		_, _, err = h.store.StartNext(r.Context(), hostSessionID(r), ends)
	}
	h.hostActionDone(w, r, err)
}

// handleTurnStop serves POST /host/{sessionID}/stop: skips the song being
// sung, the one the form names.
func (h *Handler) handleTurnStop(w http.ResponseWriter, r *http.Request) {
	ends, err := endsTurn(r)
	switch {
	case err != nil:
	case ends == db.NoTurn:
		err = db.Errorf(db.ECONFLICT, "This page was out of date, so nothing was stopped. Here is the night as it stands.")
	default:
		err = h.store.SkipRequest(r.Context(), hostSessionID(r), ends, db.StatusSinging)
	}
	h.hostActionDone(w, r, err)
}

// handleRequestSkip serves POST /host/{sessionID}/requests/{requestID}/skip.
func (h *Handler) handleRequestSkip(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "requestID")
	if err == nil {
		err = h.store.SkipRequest(r.Context(), hostSessionID(r), id, db.StatusWaiting)
	}
	h.hostActionDone(w, r, err)
}

// handleRequestRemove serves POST /host/{sessionID}/requests/{requestID}/remove.
func (h *Handler) handleRequestRemove(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "requestID")
	if err == nil {
		err = h.store.RemoveRequest(r.Context(), hostSessionID(r), id)
	}
	h.hostActionDone(w, r, err)
}
