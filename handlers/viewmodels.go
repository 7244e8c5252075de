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

// guestQueueLength is how many songs of the queue a guest's page lists; a
// guest's own songs are listed with their places whatever their place.
const guestQueueLength = 20

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
	return strconv.Itoa(max(1, int(math.Round(d.Minutes())))) + " min"
}

// ordinal spells a place in line: 1st, 2nd, 3rd, 4th, 11th, 21st.
func ordinal(n int) string {
	suffix := "th"
	switch n % 100 {
	case 11, 12, 13:
	default:
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}

func nowSinging(n db.Night) *views.NowSinging {
	if n.NowSinging == nil {
		return nil
	}
	r := n.NowSinging
	return &views.NowSinging{Singer: r.Singer, Title: r.Title, Artist: r.Artist, Note: r.Note, Key: r.ID}
}

func queueItem(n db.Night, i int) views.QueueItem {
	r := n.Queue[i]
	return views.QueueItem{
		ID:       r.ID,
		Position: i + 1,
		Singer:   r.Singer,
		Title:    r.Title,
		Artist:   r.Artist,
		Note:     r.Note,
		Wait:     formatWait(n.PlaceOf(i)),
	}
}

func queueSummary(n db.Night) views.QueueSummary {
	return views.QueueSummary{
		Waiting: len(n.Queue),
		Length:  "about " + formatMinutes(n.Estimate(len(n.Queue))),
	}
}

func dashboardLive(n db.Night) views.DashboardLive {
	id := n.Session.ID
	live := views.DashboardLive{
		Ended:      !n.Session.Open(),
		Paused:     n.Session.RequestsPaused,
		Now:        nowSinging(n),
		Summary:    queueSummary(n),
		NextURL:    hostActionPath(id, "next"),
		NextLabel:  "Start next singer",
		SkipNowURL: hostActionPath(id, "stop"),
		Ends:       views.EndsNobody,
		PauseURL:   hostActionPath(id, "pause"),
		EndURL:     hostActionPath(id, "end"),
	}
	if n.NowSinging != nil {
		live.Ends = strconv.FormatInt(n.NowSinging.ID, 10)
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
	live.TurnLengthMsg = estimateNote(n)
	for i, r := range n.Queue {
		item := views.HostQueueItem{QueueItem: queueItem(n, i)}
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

// estimateNote tells the host what the waits count: a turn and the time
// between songs, measured or assumed.
func estimateNote(n db.Night) string {
	turn, between := formatMinutes(n.TurnLength), formatMinutes(n.Changeover)
	switch {
	case !n.MeasuredAvg:
		return fmt.Sprintf("Waits assume %s a song and %s between songs until the first turns are timed.", turn, between)
	case !n.MeasuredChangeover:
		return fmt.Sprintf("Waits count this night's turns, %s a song, and %s between songs until the changeovers are timed.", turn, between)
	case n.Changeover < 30*time.Second:
		return fmt.Sprintf("Waits count this night's turns, %s a song, the time between songs included.", turn)
	default:
		return fmt.Sprintf("Waits count this night's turns, %s a song, and %s between songs.", turn, between)
	}
}

func settingsForm(s db.Session) views.SettingsForm {
	return views.SettingsForm{ActionURL: hostActionPath(s.ID, "settings"), SingerCap: strconv.Itoa(s.SingerCap)}
}

// guestLive is a guest's whole live view model, for their page.
func guestLive(n db.Night, g db.Guest) views.GuestLive {
	return views.GuestLive{
		Status: guestStatus(n, g.ID, g.Removed()),
		Now:    nowSinging(n),
		Mine:   myRequests(n, g.ID),
		Queue:  guestQueue(n),
	}
}

// guestStatus is what is personal in a guest's status: their banner and the
// page title that repeats it.
func guestStatus(n db.Night, guestID int64, removed bool) views.GuestStatus {
	st := views.GuestStatus{
		Title:   n.Session.Name,
		Ended:   !n.Session.Open(),
		Removed: removed,
		Paused:  n.Session.RequestsPaused,
		OnNow:   n.NowSinging != nil && n.NowSinging.GuestID == guestID,
		UpNext:  len(n.Queue) > 0 && n.Queue[0].GuestID == guestID,
	}
	switch {
	case st.Ended, st.Removed:
	case st.OnNow:
		st.Title = "You're on! · " + n.Session.Name
	case st.UpNext:
		st.Title = "You're up next! · " + n.Session.Name
	}
	return st
}

func myRequests(n db.Night, guestID int64) []views.MyRequest {
	var out []views.MyRequest
	for i, r := range n.Queue {
		if r.GuestID == guestID {
			out = append(out, views.MyRequest{QueueItem: queueItem(n, i), Place: ordinal(i+1) + " in line", WithdrawURL: withdrawPath(n.Session.Code, r.ID)})
		}
	}
	return out
}

func guestQueue(n db.Night) views.GuestQueue {
	q := views.GuestQueue{Summary: queueSummary(n), More: max(0, len(n.Queue)-guestQueueLength)}
	for i := range min(len(n.Queue), guestQueueLength) {
		q.Items = append(q.Items, queueItem(n, i))
	}
	return q
}

func requestForm(s db.Session) views.RequestForm {
	return views.RequestForm{ActionURL: requestsPath(s.Code), Disabled: !s.Open()}
}

func displayLive(n db.Night) views.DisplayLive {
	live := views.DisplayLive{
		Ended:   !n.Session.Open(),
		Paused:  n.Session.RequestsPaused,
		Now:     nowSinging(n),
		Summary: queueSummary(n),
	}
	for i := range min(len(n.Queue), displayQueueLength) {
		live.Next = append(live.Next, queueItem(n, i))
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

// replicationLine says how the copy in Turso is doing, or nil without one.
// The error itself is for the operator (logs, karaoke status), not the page.
func (h *Handler) replicationLine(r *http.Request) *views.ReplicationLine {
	st, err := h.store.Outbox().Status(r.Context())
	if err != nil {
		h.logFailure(r, "replication status", err)
		return nil
	}
	if !st.Enabled {
		return nil
	}
	now := time.Now()
	line := &views.ReplicationLine{Behind: st.LastError != "" && st.LastErrorAt.After(st.LastSuccess)}
	switch {
	case st.Waiting == 0 && st.LastSuccess.IsZero():
		line.Text = "Copy in Turso: up to date."
	case st.Waiting == 0:
		line.Text = "Copy in Turso: up to date, last sent " + formatAgo(now.Sub(st.LastSuccess)) + " ago."
	default:
		line.Text = fmt.Sprintf("Copy in Turso: %d waiting to be sent, the oldest %s old.", st.Waiting, formatAgo(now.Sub(st.Oldest)))
	}
	if line.Behind {
		line.Text += " Turso cannot be reached (last tried " + formatAgo(now.Sub(st.LastErrorAt)) + " ago); the night carries on here and catches up when it can."
	}
	return line
}

// formatAgo is a duration as a host reads it: "12 s", "5 min", "3 h".
func formatAgo(d time.Duration) string {
	switch {
	case d < time.Minute:
		return strconv.Itoa(max(0, int(d.Seconds()))) + " s"
	case d < time.Hour:
		return strconv.Itoa(int(d.Minutes())) + " min"
	default:
		return strconv.Itoa(int(d.Hours())) + " h"
	}
}
