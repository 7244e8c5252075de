package handlers

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/views"
)

// handleRowMenu serves GET /host/{sessionID}/requests/{requestID}: a queue
// row's details and controls, which the dashboard leaves out of its rows
// so a long queue stays light. htmx gets the menu the opened row shows; a
// host without JavaScript gets it as a page. Its forms carry the row's
// state key, as the row carried them before, so a second tap or a second
// device changes nothing. A request no longer waiting is not found.
func (h *Handler) handleRowMenu(w http.ResponseWriter, r *http.Request) {
	requestID, err := pathID(r, "requestID")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	night, err := h.store.Night(r.Context(), hostSessionID(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	i := slices.IndexFunc(night.Queue(), func(q db.Request) bool { return q.ID == requestID })
	if i < 0 {
		h.fail(w, r, db.Errorf(db.ENOTFOUND, "%s", notFound["requestID"]))
		return
	}
	row := hostQueueItem(lang.From(r.Context()), night, i)
	h.respond(w, r, http.StatusOK, views.RowMenu(row), ready(views.RowMenuPage(views.RowMenuPageView{
		Row: row, BackURL: hostPath(night.Session.ID) + "#request-" + strconv.FormatInt(requestID, 10),
	})))
}
