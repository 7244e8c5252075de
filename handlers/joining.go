package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/views"
)

// The host's answers to strangers flooding the night with made-up singers:
// close it to new guests, and remove at once everyone who joined lately.

// recentSpans are how far back the "remove recent joiners" page can reach,
// in minutes; recentDefault is where it starts.
var recentSpans = []int{5, 10, 30, 60}

const recentDefault = 10

// handleJoiningLock serves POST /host/{sessionID}/joining/{lock}: lock
// closes the night to new guests, unlock opens it again.
func (h *Handler) handleJoiningLock(w http.ResponseWriter, r *http.Request) {
	id := hostSessionID(r)
	err := h.store.SetJoiningLocked(r.Context(), id, chi.URLParam(r, "lock") == "lock")
	if err != nil && db.ErrorCode(err) != db.ECONFLICT { // ended: the fresh card shows it
		h.fail(w, r, err)
		return
	}
	h.done(w, r, hostPath(id), func() (templ.Component, error) {
		sess, err := h.store.Session(r.Context(), id)
		if err != nil {
			return nil, err
		}
		guests, err := h.store.Guests(r.Context(), id)
		return views.GuestsCard(guestItems(sess, guests)), err
	})
}

// handleRecentRemoveConfirm serves GET /host/{sessionID}/guests/recent/remove:
// the guests who joined in the last ?minutes (10 unless one of recentSpans),
// and the button that removes them.
func (h *Handler) handleRecentRemoveConfirm(w http.ResponseWriter, r *http.Request) {
	id := hostSessionID(r)
	minutes, err := strconv.Atoi(r.URL.Query().Get("minutes"))
	if err != nil || !slices.Contains(recentSpans, minutes) {
		minutes = recentDefault
	}
	sess, err := h.store.Session(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	guests, err := h.store.Guests(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The cut-off goes into the form, so the button removes the guests
	// listed here (and any who join before it is pressed), however long
	// the host takes to press it.
	since := h.store.Now().Add(-time.Duration(minutes) * time.Minute)
	vm := views.RemoveRecentPage{
		SessionName: sess.Name,
		Minutes:     minutes,
		Since:       strconv.FormatInt(since.UnixMilli(), 10),
		RemoveURL:   recentRemovePath(id),
		BackURL:     hostPath(id),
	}
	for _, m := range recentSpans {
		vm.Choices = append(vm.Choices, views.MinutesChoice{Label: lang.From(r.Context()).Tf("host.recent.choice", map[string]any{"Minutes": strconv.Itoa(m)}),
			URL: recentRemovePath(id) + "?minutes=" + strconv.Itoa(m), Current: m == minutes})
	}
	for _, g := range guests {
		if !g.Removed() && !g.JoinedAt.Before(since) {
			vm.Guests = append(vm.Guests, views.GuestItem{Name: g.DisplayName(), Waiting: g.Waiting})
		}
	}
	h.render(w, r, http.StatusOK, views.RemoveRecentConfirm(vm))
}

// handleRecentRemove serves POST /host/{sessionID}/guests/recent/remove:
// removes every guest who joined since the form's cut-off, with their
// waiting songs, and closes the night to new guests. Sending it twice
// removes nobody more.
func (h *Handler) handleRecentRemove(w http.ResponseWriter, r *http.Request) {
	id := hostSessionID(r)
	ms, err := strconv.ParseInt(r.PostFormValue("since"), 10, 64)
	if err != nil {
		h.fail(w, r, db.Errorf(db.EINVALID, "The list of recent guests was not sent whole. Go back and try again."))
		return
	}
	_, err = h.store.RemoveGuestsJoinedSince(r.Context(), id, time.UnixMilli(ms))
	if err != nil && db.ErrorCode(err) != db.ECONFLICT { // ended: the dashboard shows it
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, hostPath(id))
}

func recentRemovePath(sessionID int64) string { return hostPath(sessionID) + "/guests/recent/remove" }

func joiningPath(sessionID int64, locked bool) string {
	if locked {
		return hostPath(sessionID) + "/joining/unlock"
	}
	return hostPath(sessionID) + "/joining/lock"
}
