package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/views"
)

// Hold my spot / I'm back (db/holds.go): the guest's two taps, the host's
// release, and how a hold looks on each page.

// handleHoldSpot serves POST /j/{code}/hold: the guest steps out and holds
// their place in the line.
func (h *Handler) handleHoldSpot(w http.ResponseWriter, r *http.Request) {
	gc, ok := h.joinedGuest(w, r)
	if !ok {
		return
	}
	err := refused(r)
	if err == nil {
		err = h.store.HoldSpot(r.Context(), gc.session.ID, gc.guest.ID)
	}
	h.withdrawDone(w, r, gc, err)
}

// handleImBack serves POST /j/{code}/back: the guest on hold is back.
func (h *Handler) handleImBack(w http.ResponseWriter, r *http.Request) {
	gc, ok := h.joinedGuest(w, r)
	if !ok {
		return
	}
	err := refused(r)
	if err == nil {
		err = h.store.ImBack(r.Context(), gc.session.ID, gc.guest.ID)
	}
	h.withdrawDone(w, r, gc, err)
}

// handleHoldRelease serves POST /host/{sessionID}/guests/{guestID}/release-hold:
// the host ends a guest's hold, as their I'm back would.
func (h *Handler) handleHoldRelease(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "guestID")
	if err == nil {
		err = h.store.ReleaseHold(r.Context(), hostSessionID(r), id)
	}
	h.hostActionDone(w, r, err)
}

func holdPath(s db.Session) string { return guestPath(s) + "/hold" }
func backPath(s db.Session) string { return guestPath(s) + "/back" }
func holdReleasePath(sessionID, guestID int64) string {
	return hostPath(sessionID) + "/guests/" + strconv.FormatInt(guestID, 10) + "/release-hold"
}

// clock formats a moment as the venue's clock shows it.
func clock(n db.Night, t time.Time) string { return t.In(n.Session.Zone()).Format("15:04") }

// holdMark is how a waiting song shows its singer's hold.
func holdMark(n db.Night, r db.Request) views.HoldMark {
	hold, ok := n.Holds[r.GuestID]
	if !ok {
		return views.HoldMark{}
	}
	return views.HoldMark{On: true, Until: clock(n, hold.Until)}
}

// hostHoldMark is holdMark with the host's release.
func hostHoldMark(n db.Night, r db.Request) views.HoldMark {
	m := holdMark(n, r)
	if m.On && n.Session.Open() {
		m.ReleaseURL, m.Singer = holdReleasePath(n.Session.ID, r.GuestID), r.Singer
		m.ReleaseKey = holdKey(n, "release", r.GuestID)
	}
	return m
}

// passedOverLine names, for the host, the singers Start next passes over.
func passedOverLine(lg lang.Lang, n db.Night) string {
	var names []string
	for _, r := range n.PassedOver() {
		if !strings.Contains(strings.Join(names, "\x00")+"\x00", r.Singer+"\x00") {
			names = append(names, r.Singer)
		}
	}
	if len(names) == 0 {
		return ""
	}
	return lg.Tf("host.hold.passed_over", map[string]any{"Names": strings.Join(names, ", ")})
}

// guestHold is the guest's hold control and what it says.
func guestHold(lg lang.Lang, n db.Night, guestID int64) views.GuestHold {
	g := views.GuestHold{HoldURL: holdPath(n.Session), BackURL: backPath(n.Session)}
	if lapse, ok := n.HoldLapses[guestID]; ok {
		g.Lapsed = lg.Tf("guest.hold.lapsed", map[string]any{"Clock": clock(n, lapse.At)})
		if lapse.Moved > 0 {
			g.Lapsed = lg.Tf("guest.hold.lapsed_moved", map[string]any{"Clock": clock(n, lapse.At)})
		}
	}
	if hold, ok := n.Holds[guestID]; ok {
		g.On, g.Show, g.Until = true, true, clock(n, hold.Until)
		g.BackKey = holdKey(n, "back", guestID)
		for _, r := range n.PassedOver() {
			g.TurnCame = g.TurnCame || r.GuestID == guestID
		}
		return g
	}
	g.Show = n.Waits(guestID)
	return g
}

// holdMinutes reads the rules form's hold length: 0 when the form did not
// send one (the store leaves it as it is).
func holdMinutes(r *http.Request) (int, error) {
	typed := r.PostFormValue(views.HoldMinutesField)
	if typed == "" {
		return 0, nil
	}
	m, err := strconv.Atoi(typed)
	if err != nil || m == 0 {
		return 0, db.FieldErrorf(db.EINVALID, views.HoldMinutesField, "A hold must last a whole number of minutes, from 1 to %d.", db.MaxHoldMinutes)
	}
	return m, nil
}

// upNext reports whether the guest's song is the one Start next starts.
func upNext(n db.Night, guestID int64) bool {
	next, ok := n.NextUp()
	return ok && next.GuestID == guestID
}

// markHolds names on Start next the singer it starts, past those on hold,
// and tells the host whom it passes over.
func markHolds(lg lang.Lang, l *views.DashboardLive, n db.Night) {
	if next, ok := n.NextUp(); ok {
		l.NextLabel = lg.Tf("host.live.next_singer", map[string]any{"Singer": next.Singer})
	} else if n.QueueLen() > 0 {
		l.NextLabel = lg.T("host.live.finish")
		if n.NowSinging == nil {
			l.NextLabel = lg.T("host.live.next_nobody")
		}
	}
	l.PassedOver = passedOverLine(lg, n)
}
