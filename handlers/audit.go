package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/views"
)

// guestNoticeFor is how long a guest's page tells them what the host last
// did to one of their songs.
const guestNoticeFor = 30 * time.Minute

// handleUndo serves POST /host/{sessionID}/undo: undoes the action the form
// names (views.UndoField), so a second tap changes nothing.
func (h *Handler) handleUndo(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PostFormValue(views.UndoField), 10, 64)
	if err != nil || id <= 0 {
		h.hostActionDone(w, r, db.Errorf(db.ECONFLICT, "That button came from a damaged page, so nothing changed. Here is the night as it stands."))
		return
	}
	h.hostActionDone(w, r, h.store.Undo(r.Context(), hostSessionID(r), id))
}

// undoControl is the dashboard's Undo for the night's latest action not
// undone yet; nothing once the night has ended.
func undoControl(lg lang.Lang, n db.Night) views.UndoControl {
	a := n.Undo.Action
	if a.ID == 0 || !n.Session.Open() {
		return views.UndoControl{}
	}
	return views.UndoControl{
		URL:      hostActionPath(n.Session.ID, "undo"),
		ActionID: strconv.FormatInt(a.ID, 10),
		What:     saySummary(lg, a.Summary),
		Cannot:   lg.Text(n.Undo.Cannot),
		Key:      hostStateKey(n, "undo", strconv.FormatInt(a.ID, 10)),
	}
}

// auditLog is the host's latest actions as the dashboard lists them.
func auditLog(lg lang.Lang, n db.Night) views.AuditLog {
	var l views.AuditLog
	for _, a := range n.Actions {
		text := saySummary(lg, a.Summary)
		switch a.Kind {
		case db.ActionUndo:
			text = lg.Tf("host.log.undid", map[string]any{"What": text})
		case db.ActionRedo:
			text = lg.Tf("host.log.redid", map[string]any{"What": text})
		}
		l.Items = append(l.Items, views.AuditItem{Time: a.CreatedAt.In(n.Session.Zone()).Format("15:04"), Device: a.Device, Text: text})
	}
	return l
}

// hostNotice is what a guest's page says the host last did to one of their
// songs, for guestNoticeFor after it.
func hostNotice(lg lang.Lang, n db.Night, guestID int64, now time.Time) string {
	a, ok := n.GuestNotices[guestID]
	if !ok || now.Sub(a.CreatedAt) > guestNoticeFor {
		return ""
	}
	return lg.Stored(a.GuestNotice)
}
