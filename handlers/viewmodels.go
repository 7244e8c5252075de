package handlers

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/views"
)

// displayQueueLength is how many upcoming singers the TV lists.
const displayQueueLength = 5

// The view models are built here from the store's Night, so every page
// formats the queue, the waits and the now-singing line the same way.

func (h *Handler) sessionInfo(r *http.Request, s db.Session) views.SessionInfo {
	return views.SessionInfo{
		Name:       s.Name,
		Code:       s.Code,
		JoinURL:    h.joinURL(r, s),
		QRURL:      h.qrPath(r, s),
		DisplayURL: displayPath(s.Code),
		Ended:      !s.Open(),
	}
}

// formatWait says how long until a request starts: "next" when nothing is
// ahead of it, otherwise "about N min".
func formatWait(p db.Place) string {
	if p.Ahead == 0 {
		return "next"
	}
	return "about " + formatMinutes(p.Wait)
}

func formatMinutes(d time.Duration) string {
	m := int(math.Round(d.Minutes()))
	if m < 1 {
		m = 1
	}
	return strconv.Itoa(m) + " min"
}

func nowSinging(n db.Night, guestID int64) *views.NowSinging {
	if n.NowSinging == nil {
		return nil
	}
	r := n.NowSinging
	return &views.NowSinging{Singer: r.Singer, Title: r.Title, Artist: r.Artist, Note: r.Note, Mine: guestID != 0 && r.GuestID == guestID}
}

func queueItem(n db.Night, i int, guestID int64) views.QueueItem {
	r := n.Queue[i]
	return views.QueueItem{
		ID:       r.ID,
		Position: i + 1,
		Singer:   r.Singer,
		Title:    r.Title,
		Artist:   r.Artist,
		Note:     r.Note,
		Wait:     formatWait(n.PlaceOf(i)),
		Mine:     guestID != 0 && r.GuestID == guestID,
	}
}

func queueSummary(n db.Night) views.QueueSummary {
	return views.QueueSummary{
		Waiting: len(n.Queue),
		Length:  "about " + formatMinutes(time.Duration(len(n.Queue))*n.TurnLength),
	}
}

func dashboardLive(n db.Night) views.DashboardLive {
	id := n.Session.ID
	live := views.DashboardLive{
		RefreshURL: hostPath(id),
		Ended:      !n.Session.Open(),
		Paused:     n.Session.RequestsPaused,
		Now:        nowSinging(n, 0),
		Summary:    queueSummary(n),
		NextURL:    hostActionPath(id, "next"),
		NextLabel:  "Start next singer",
		SkipNowURL: hostActionPath(id, "stop"),
		PauseURL:   hostActionPath(id, "pause"),
		EndURL:     hostActionPath(id, "end"),
	}
	switch {
	case len(n.Queue) == 0 && n.NowSinging != nil:
		live.NextLabel = "Finish this turn"
	case len(n.Queue) > 0:
		live.NextLabel = "Start next: " + n.Queue[0].Singer
	}
	if n.Session.RequestsPaused {
		live.PauseURL = hostActionPath(id, "resume")
	}
	if n.MeasuredAvg {
		live.TurnLengthMsg = "Waits are estimated from this night's average turn, " + formatMinutes(n.TurnLength) + "."
	} else {
		live.TurnLengthMsg = fmt.Sprintf("Waits assume %s a turn until the first turns are timed.", formatMinutes(n.TurnLength))
	}
	for i, r := range n.Queue {
		item := views.HostQueueItem{QueueItem: queueItem(n, i, 0)}
		if !live.Ended {
			item.RemoveSingerURL = guestRemovePath(id, r.GuestID)
			song := r.Title + " (" + r.Singer + ")"
			item.Actions = []views.HostAction{
				{URL: hostRequestPath(id, r.ID, "top"), Label: "Top", Title: "Move to the top: " + song},
				{URL: hostRequestPath(id, r.ID, "up"), Label: "Up", Title: "Move up: " + song},
				{URL: hostRequestPath(id, r.ID, "down"), Label: "Down", Title: "Move down: " + song},
				{URL: hostRequestPath(id, r.ID, "back"), Label: "Back", Title: "Send to the back: " + song},
				{URL: hostRequestPath(id, r.ID, "skip"), Label: "Skip", Title: "Skip (counts as their turn): " + song},
				{URL: hostRequestPath(id, r.ID, "remove"), Label: "Remove", Title: "Remove from the queue: " + song},
			}
		}
		live.Queue = append(live.Queue, item)
	}
	return live
}

func settingsForm(s db.Session) views.SettingsForm {
	return views.SettingsForm{ActionURL: hostActionPath(s.ID, "settings"), SingerCap: strconv.Itoa(s.SingerCap)}
}

func guestLive(n db.Night, g db.Guest) views.GuestLive {
	code := n.Session.Code
	live := views.GuestLive{
		RefreshURL: guestPath(code),
		Ended:      !n.Session.Open(),
		Paused:     n.Session.RequestsPaused,
		Now:        nowSinging(n, g.ID),
		Summary:    queueSummary(n),
		Removed:    g.Removed(),
	}
	for i, r := range n.Queue {
		item := queueItem(n, i, g.ID)
		live.Queue = append(live.Queue, item)
		if item.Mine {
			live.Mine = append(live.Mine, views.MyRequest{QueueItem: item, WithdrawURL: withdrawPath(code, r.ID)})
			if i == 0 {
				live.UpNext = true
			}
		}
	}
	return live
}

func requestForm(s db.Session) views.RequestForm {
	return views.RequestForm{ActionURL: requestsPath(s.Code), Disabled: !s.Open()}
}

func displayLive(n db.Night) views.DisplayLive {
	live := views.DisplayLive{
		RefreshURL: displayPath(n.Session.Code),
		Ended:      !n.Session.Open(),
		Paused:     n.Session.RequestsPaused,
		Now:        nowSinging(n, 0),
		Summary:    queueSummary(n),
	}
	for i := range min(len(n.Queue), displayQueueLength) {
		live.Next = append(live.Next, queueItem(n, i, 0))
	}
	return live
}

func guestItems(s db.Session, guests []db.GuestListing) []views.GuestItem {
	items := make([]views.GuestItem, 0, len(guests))
	for _, g := range guests {
		item := views.GuestItem{Name: g.DisplayName(), Waiting: g.Waiting, Removed: g.Removed()}
		if s.Open() && !g.Removed() {
			item.RemoveURL = guestRemovePath(s.ID, g.ID)
		}
		items = append(items, item)
	}
	return items
}
