package handlers

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/a-h/templ"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/views"
)

// Walk-up singers and approval mode (db/walkups.go, db/approval.go): the
// host's walk-up form, and the requests held for the host's OK.

// handleWalkupCreate serves POST /host/{sessionID}/walkups: a song for a
// walk-up singer, picked from tonight's walk-ups or typed in new.
func (h *Handler) handleWalkupCreate(w http.ResponseWriter, r *http.Request) {
	id := hostSessionID(r)
	form := views.WalkupForm{
		WalkupID: r.PostFormValue("walkup"),
		Name:     r.PostFormValue("name"),
		Title:    r.PostFormValue("title"),
		Artist:   r.PostFormValue("artist"),
		Note:     r.PostFormValue("note"),
	}
	in := db.NewWalkup{
		NewRequest: db.NewRequest{SessionID: id, Title: form.Title, Artist: form.Artist, Note: form.Note,
			AllowDuplicate: r.PostFormValue("duplicate_ok") == "1"},
		Name: form.Name,
	}
	var (
		req db.Request
		err error
	)
	if form.WalkupID != "" {
		in.WalkupID, err = strconv.ParseInt(form.WalkupID, 10, 64)
		if err != nil {
			err = db.FieldErrorf(db.EINVALID, "walkup", "Pick a walk-up from the list.")
		}
	}
	if err == nil {
		req, err = h.store.AddWalkup(r.Context(), in)
	}
	if h.formShows(w, r, err) {
		form.Errors = fieldErrors(r, err)
		form.Duplicate = db.ErrorCode(err) == db.EDUPLICATE
		h.walkupAnswer(w, r, formStatus(err), form)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.walkupAnswer(w, r, http.StatusOK, views.WalkupForm{Added: fmt.Sprintf("“%s” for %s", req.Title, req.Singer)})
}

// walkupAnswer sends the walk-up form with tonight's walk-ups: htmx the
// form, a plain post the dashboard with it.
func (h *Handler) walkupAnswer(w http.ResponseWriter, r *http.Request, status int, form views.WalkupForm) {
	id := hostSessionID(r)
	walkups, err := h.store.Walkups(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	form = walkupForm(id, walkups, form)
	if status == http.StatusOK && !isHTMX(r) {
		h.redirect(w, r, hostPath(id))
		return
	}
	h.respond(w, r, status, views.WalkupFormView(form), func() (templ.Component, error) {
		night, err := h.store.Night(r.Context(), id)
		if err != nil {
			return nil, err
		}
		vm, err := h.dashboardPage(r, night, dashboardLive(lang.From(r.Context()), night), settingsForm(night.Session))
		vm.Walkup = form
		return views.Dashboard(vm), err
	})
}

// handleHeldApprove serves POST /host/{sessionID}/held/{heldID}/approve:
// the song joins the rotation, as of now.
func (h *Handler) handleHeldApprove(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "heldID")
	if err == nil {
		_, err = h.store.ApproveRequest(r.Context(), hostSessionID(r), id)
	}
	h.pendingDone(w, r, err)
}

// handleHeldDecline serves POST /host/{sessionID}/held/{heldID}/decline:
// the host passes on the song, and its guest is told.
func (h *Handler) handleHeldDecline(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "heldID")
	if err == nil {
		err = h.store.DeclineRequest(r.Context(), hostSessionID(r), id)
	}
	h.pendingDone(w, r, err)
}

// handleHeldApproveAll serves POST /host/{sessionID}/held/approve-all.
func (h *Handler) handleHeldApproveAll(w http.ResponseWriter, r *http.Request) {
	_, err := h.store.ApproveAllRequests(r.Context(), hostSessionID(r))
	h.pendingDone(w, r, err)
}

// pendingDone answers an approval action as hostActionDone answers the
// others, with the list of what still waits: a conflict (another host
// device answered first) changed nothing, and its message says so.
func (h *Handler) pendingDone(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil && db.ErrorCode(err) != db.ECONFLICT && db.ErrorCode(err) != db.ENOTFOUND {
		h.fail(w, r, err)
		return
	}
	if err != nil && !isHTMX(r) {
		h.hostActionDone(w, r, err)
		return
	}
	h.done(w, r, hostPath(hostSessionID(r)), func() (templ.Component, error) {
		night, nerr := h.store.Night(r.Context(), hostSessionID(r))
		if nerr != nil {
			return nil, nerr
		}
		notice := "" // clears an earlier message; ErrorMessage(nil) is the generic failure
		if err != nil {
			notice = sayError(r, err)
		}
		return templ.Join(views.PendingCard(pendingList(night)), views.HostNoticeUpdate(notice)), nil
	})
}

// handleHeldWithdraw serves POST /j/{code}/held/{heldID}/withdraw: a
// guest takes back their song still waiting for the host's OK.
func (h *Handler) handleHeldWithdraw(w http.ResponseWriter, r *http.Request) {
	gc, ok := h.joinedGuest(w, r)
	if !ok {
		return
	}
	err := ownThing(r, "heldID", func(id int64) error {
		return h.store.WithdrawHeld(r.Context(), gc.session.ID, gc.guest.ID, id)
	})
	h.withdrawDone(w, r, gc, err)
}

// walkupForm is the walk-up form with tonight's walk-ups to pick from.
func walkupForm(sessionID int64, walkups []db.GuestListing, f views.WalkupForm) views.WalkupForm {
	f.ActionURL = hostActionPath(sessionID, "walkups")
	f.Walkups = nil
	for _, g := range walkups {
		f.Walkups = append(f.Walkups, views.WalkupChoice{
			ID:    strconv.FormatInt(g.ID, 10),
			Label: fmt.Sprintf("%s (%d waiting)", g.DisplayName(), g.Waiting),
		})
	}
	return f
}

// pendingList is the requests waiting for the host's OK.
func pendingList(n db.Night) views.PendingList {
	id := n.Session.ID
	l := views.PendingList{On: n.Session.Approval, Key: hostStateKey(n, "held", "")}
	if n.Session.Open() {
		l.ApproveAllURL = hostActionPath(id, "held/approve-all")
	}
	for _, p := range n.Pending {
		item := views.PendingItem{ID: p.ID, Singer: p.Singer, Title: p.Title, Artist: p.Artist, Note: p.Note,
			Requested: p.CreatedAt.In(n.Session.Zone()).Format("15:04")}
		if n.Session.Open() {
			item.ApproveURL = heldPath(id, p.ID, "approve")
			item.DeclineURL = heldPath(id, p.ID, "decline")
		}
		l.Items = append(l.Items, item)
	}
	return l
}

func heldPath(sessionID, heldID int64, action string) string {
	return hostActionPath(sessionID, "held/"+strconv.FormatInt(heldID, 10)+"/"+action)
}

// heldItems is a guest's songs waiting for the host's OK, and the last
// few the host passed on.
func heldItems(n db.Night, guestID int64) []views.HeldItem {
	var out []views.HeldItem
	for _, p := range n.Pending {
		if p.GuestID == guestID {
			out = append(out, views.HeldItem{Title: p.Title, Artist: p.Artist,
				WithdrawURL: guestPath(n.Session) + "/held/" + strconv.FormatInt(p.ID, 10) + "/withdraw"})
		}
	}
	passed := 0
	for _, p := range n.Declined {
		if p.GuestID == guestID && passed < maxPassedShown {
			out = append(out, views.HeldItem{Title: p.Title, Artist: p.Artist, Declined: true})
			passed++
		}
	}
	return out
}

// maxPassedShown is how many of the songs the host passed on a guest's
// page still says so: the latest are news, older ones clutter.
const maxPassedShown = 3
