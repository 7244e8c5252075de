package handlers

import (
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/views"
)

// displayQueueLength is how many upcoming singers the TV lists: as many as
// a 1080p screen has room for beside the QR code; in portrait, with the join
// box across the bottom, the stylesheet shows two fewer.
const displayQueueLength = 7

// The view models are built here from the store's Night, so every page
// formats the queue, the waits and the now-singing line the same way.

func (h *Handler) sessionInfo(r *http.Request, s db.Session) views.SessionInfo {
	return views.SessionInfo{
		Name:       s.Name,
		Code:       s.Code,
		JoinURL:    h.joinURL(r, s),
		Site:       h.baseURL(r).Host,
		QRURL:      h.qrPath(r, s),
		DisplayURL: displayPath(s),
		Ended:      !s.Open(),
	}
}

// formatWait says how long until a request starts: "next" when nothing is
// ahead of it, otherwise "about N min".
func formatWait(lg lang.Lang, p db.Place) string {
	if p.Ahead == 0 {
		return lg.T("common.wait.next")
	}
	return lg.Tf("common.wait.about", map[string]any{"Time": formatMinutes(lg, p.Wait)})
}

// formatMinutes is a duration in whole minutes, at least 1: "8 min".
func formatMinutes(lg lang.Lang, d time.Duration) string {
	return lg.Tf("common.minutes", map[string]any{"N": lg.Int(max(1, int(math.Round(d.Minutes()))))})
}

// formatAbout is a duration as an estimate: "about 8 min".
func formatAbout(lg lang.Lang, d time.Duration) string {
	return lg.Tf("common.wait.about", map[string]any{"Time": formatMinutes(lg, d)})
}

// inLine spells a place in line: "1st in line", "21st in line".
func inLine(lg lang.Lang, n int) string {
	return lg.Tf("common.in_line", map[string]any{"Place": lg.Ordinal(n)})
}

func nowSinging(n db.Night) *views.NowSinging {
	if n.NowSinging == nil {
		return nil
	}
	r := n.NowSinging
	return &views.NowSinging{Singer: r.Singer, Title: r.Title, Artist: r.Artist, Note: r.Note, Key: r.ID}
}

func queueItem(lg lang.Lang, n db.Night, i int) views.QueueItem {
	return placedItem(lg, n, i, n.PlaceOf(i))
}

// placedItem is queueItem for a song whose place p is known: PlaceOf walks
// the queue ahead of it while a singer is on hold.
func placedItem(lg lang.Lang, n db.Night, i int, p db.Place) views.QueueItem {
	r := n.QueueAt(i)
	return views.QueueItem{
		ID:       r.ID,
		Position: i + 1,
		Singer:   r.Singer,
		Title:    r.Title,
		Artist:   r.Artist,
		Note:     r.Note,
		Wait:     formatWait(lg, p),
		Hold:     holdMark(n, r),
	}
}

func queueSummary(lg lang.Lang, n db.Night) views.QueueSummary {
	return views.QueueSummary{
		Waiting: n.QueueLen(),
		Length:  formatAbout(lg, n.Estimate(n.QueueLen())),
	}
}

func dashboardLive(lg lang.Lang, n db.Night) views.DashboardLive {
	id := n.Session.ID
	live := views.DashboardLive{
		Ended:      !n.Session.Open(),
		Paused:     n.Session.RequestsPaused,
		Now:        nowSinging(n),
		Summary:    queueSummary(lg, n),
		NextURL:    hostActionPath(id, "next"),
		NextLabel:  lg.T("host.live.next"),
		SkipNowURL: hostActionPath(id, "stop"),
		Ends:       views.EndsNobody,
		PauseURL:   hostActionPath(id, "pause"),
		EndURL:     hostActionPath(id, "end"),
	}
	if n.NowSinging != nil {
		live.Ends = strconv.FormatInt(n.NowSinging.ID, 10)
	}
	switch {
	case len(n.Queue()) == 0 && n.NowSinging != nil:
		live.NextLabel = lg.T("host.live.finish")
	case len(n.Queue()) > 0:
		live.NextLabel = lg.Tf("host.live.next_singer", map[string]any{"Singer": n.Queue()[0].Singer})
	}
	markHolds(lg, &live, n)
	if n.Session.RequestsPaused {
		live.PauseURL = hostActionPath(id, "resume")
	}
	live.TurnLengthMsg = estimateNote(lg, n)
	live.NextKey, live.StopKey, live.PauseKey = hostStateKey(n, "next", live.Ends), hostStateKey(n, "stop", live.Ends), hostStateKey(n, "pause", live.PauseURL)
	live.Undo = undoControl(lg, n)
	if n.NowSinging != nil {
		live.StopLabel = lg.Tf("host.live.stop_song", map[string]any{"Song": n.NowSinging.Title, "Singer": n.NowSinging.Singer})
	}
	for i := range n.Queue() {
		live.Queue = append(live.Queue, hostQueueItem(lg, n, i))
	}
	markClosing(lg, &live, n, time.Now())
	return live
}

// hostQueueItem is one row of the host's queue. It says nothing that
// depends on the row's place, so the stream re-sends a row only when the
// request itself changes.
func hostQueueItem(lg lang.Lang, n db.Night, i int) views.HostQueueItem {
	r, id := n.Queue()[i], n.Session.ID
	item := views.HostQueueItem{QueueItem: queueItem(lg, n, i), Requested: r.CreatedAt.In(n.Session.Zone()).Format("15:04"), AddedByHost: r.AddedByHost}
	item.Position, item.Wait, item.Hold = 0, "", hostHoldMark(n, r)
	item.MenuURL = hostActionPath(id, "requests/"+strconv.FormatInt(r.ID, 10))
	if !n.Session.Open() {
		return item
	}
	song, key := map[string]any{"Song": r.Title, "Singer": r.Singer}, queueRowKey(n, r)
	item.RemoveSingerURL = guestRemovePath(id, r.GuestID)
	item.Moves = []views.HostAction{
		{URL: hostRequestPath(id, r.ID, "top"), Label: lg.T("host.queue.top"), Title: lg.Tf("host.queue.top_label", song), Key: key},
		{URL: hostRequestPath(id, r.ID, "up"), Label: lg.T("host.queue.up"), Title: lg.Tf("host.queue.up_label", song), Key: key},
		{URL: hostRequestPath(id, r.ID, "down"), Label: lg.T("host.queue.down"), Title: lg.Tf("host.queue.down_label", song), Key: key},
		{URL: hostRequestPath(id, r.ID, "back"), Label: lg.T("host.queue.back"), Title: lg.Tf("host.queue.back_label", song), Key: key},
	}
	item.Dangers = []views.HostAction{
		{URL: hostRequestPath(id, r.ID, "skip"), Label: lg.T("host.queue.skip"), Title: lg.Tf("host.queue.skip_label", song), Key: key},
		{URL: hostRequestPath(id, r.ID, "remove"), Label: lg.T("host.queue.remove"), Title: lg.Tf("host.queue.remove_label", song), Key: key},
	}
	return item
}

// estimateNote tells the host what the waits count: a turn and the time
// between songs, measured or assumed.
func estimateNote(lg lang.Lang, n db.Night) string {
	turn, between := formatMinutes(lg, n.TurnLength), formatMinutes(lg, n.Changeover)
	switch {
	case !n.MeasuredAvg:
		return lg.Tf("host.live.waits_assumed", map[string]any{"Turn": turn, "Between": between})
	case !n.MeasuredChangeover:
		return lg.Tf("host.live.waits_turns", map[string]any{"Turn": turn, "Between": between})
	case n.Changeover < 30*time.Second:
		return lg.Tf("host.live.waits_included", map[string]any{"Turn": turn})
	default:
		return lg.Tf("host.live.waits_measured", map[string]any{"Turn": turn, "Between": between})
	}
}

func settingsForm(s db.Session) views.SettingsForm {
	f := views.SettingsForm{ActionURL: hostActionPath(s.ID, "settings"), SingerCap: strconv.Itoa(s.SingerCap), ShowNotes: s.ShowNotes, Approval: s.Approval,
		SongbookOnly: s.SongbookOnly, HoldMinutes: strconv.Itoa(s.HoldMinutes)}
	closingForm(&f, s)
	f.Language, f.Languages = s.Language, languageOptions()
	return f
}

// guestLive is a guest's whole live view model, for their page.
func guestLive(lg lang.Lang, n db.Night, g db.Guest) views.GuestLive {
	// Where the guest's songs are is found once for the parts that show them.
	mine := n.SongsOf(g.ID)
	return views.GuestLive{
		Status:  guestStatus(lg, n, g.ID, g.Removed(), mine),
		Now:     nowSinging(n),
		Mine:    myRequests(lg, n, mine),
		Held:    heldItems(n, g.ID),
		Standby: standbyList(lg, n, g.ID, g.Removed()),
		Queue:   guestQueue(lg, n, mine),
		// Fairness explains the order the queue shows (fairness.go).
		Fairness: fairness(lg, n, g.ID),
	}
}

// guestStatus is what is personal in a guest's status: their banner and the
// page title that repeats it. mine is where the guest's songs are in the
// queue (n.SongsOf).
func guestStatus(lg lang.Lang, n db.Night, guestID int64, removed bool, mine []int) views.GuestStatus {
	st := views.GuestStatus{
		Title:   n.Session.Name,
		Ended:   !n.Session.Open(),
		Removed: removed,
		Paused:  n.Session.RequestsPaused,
		OnNow:   n.NowSinging != nil && n.NowSinging.GuestID == guestID,
		UpNext:  upNext(n, guestID),
		Held:    slices.ContainsFunc(n.Pending, func(p db.HeldRequest) bool { return p.GuestID == guestID }),
		// What the host did to their songs, as of this render.
		HostNotice: hostNotice(lg, n, guestID, time.Now()),
		Hold:       guestHold(lg, n, guestID),
	}
	if !st.Ended && !st.Removed {
		st.Closing = closingView(n, time.Now())
		if len(mine) > 0 {
			st.Place, st.Wait = inLine(lg, mine[0]+1), formatWait(lg, n.PlaceOf(mine[0]))
		}
	}
	switch {
	case st.Ended, st.Removed:
	case st.OnNow:
		st.Title, st.Nudge = lg.Tf("guest.title.on", map[string]any{"Name": n.Session.Name}), nudgeKey("turn", n.NowSinging.ID)
	case st.UpNext:
		next, _ := n.NextUp()
		st.Title, st.Nudge = lg.Tf("guest.title.next", map[string]any{"Name": n.Session.Name}), nudgeKey("next", next.ID)
	}
	return st
}

func requestForm(s db.Session) views.RequestForm {
	return views.RequestForm{ActionURL: requestsPath(s), Disabled: !s.Open(), Songbook: s.SongbookID != 0, SongbookOnly: !s.TypedRequests()}
}

func displayLive(lg lang.Lang, n db.Night) views.DisplayLive {
	live := views.DisplayLive{
		Ended:       !n.Session.Open(),
		Paused:      n.Session.RequestsPaused,
		Now:         nowSinging(n),
		Summary:     queueSummary(lg, n),
		SessionName: n.Session.Name,
		ShowNotes:   n.Session.ShowNotes,
		Closing:     closingView(n, time.Now()),
	}
	for i := range min(n.QueueLen(), displayQueueLength) {
		live.Next = append(live.Next, queueItem(lg, n, i))
	}
	return live
}

func guestItems(s db.Session, guests []db.GuestListing) views.GuestsList {
	list := views.GuestsList{JoiningLocked: s.JoiningLocked}
	if s.Open() {
		list.JoiningURL = joiningPath(s.ID, s.JoiningLocked)
		list.RemoveRecentURL = recentRemovePath(s.ID)
	}
	items := make([]views.GuestItem, 0, len(guests))
	for _, g := range guests {
		item := views.GuestItem{Name: g.DisplayName(), Waiting: g.Waiting, Removed: g.Removed(), AddedByHost: g.AddedByHost}
		if s.Open() && !g.Removed() {
			item.RemoveURL = guestRemovePath(s.ID, g.ID)
		}
		items = append(items, item)
	}
	list.Guests = items
	return list
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
	now, lg := time.Now(), lang.From(r.Context())
	line := &views.ReplicationLine{Behind: st.LastError != "" && st.LastErrorAt.After(st.LastSuccess)}
	switch {
	case st.Waiting == 0 && st.LastSuccess.IsZero():
		line.Text = lg.T("host.copy.up_to_date")
	case st.Waiting == 0:
		line.Text = lg.Tf("host.copy.sent", map[string]any{"Ago": formatAgo(lg, now.Sub(st.LastSuccess))})
	default:
		line.Text = lg.Tf("host.copy.waiting", map[string]any{"Count": lg.Int(st.Waiting), "Age": formatAgo(lg, now.Sub(st.Oldest))})
	}
	if line.Behind {
		line.Text += " " + lg.Tf("host.copy.behind", map[string]any{"Ago": formatAgo(lg, now.Sub(st.LastErrorAt))})
	}
	return line
}

// formatAgo is a duration as a host reads it: "12 s", "5 min", "3 h".
func formatAgo(lg lang.Lang, d time.Duration) string {
	switch {
	case d < time.Minute:
		return lg.Tf("host.copy.seconds", map[string]any{"N": lg.Int(max(0, int(d.Seconds())))})
	case d < time.Hour:
		return lg.Tf("host.copy.minutes", map[string]any{"N": lg.Int(int(d.Minutes()))})
	default:
		return lg.Tf("host.copy.hours", map[string]any{"N": lg.Int(int(d.Hours()))})
	}
}

// songbookCard is the Songs section: the night's songbook (current.ID is 0
// when it has none) and the songbooks of books it may attach instead.
func songbookCard(lg lang.Lang, sessionID int64, current db.Songbook, books []db.Songbook, ended bool) views.SongbookCard {
	c := views.SongbookCard{
		ImportURL: hostActionPath(sessionID, "songbook"),
		UseURL:    hostActionPath(sessionID, "songbook/use"),
		DropURL:   hostActionPath(sessionID, "songbook/drop"),
		Ended:     ended,
	}
	if current.ID != 0 {
		c.Name, c.Count = current.Name, songCount(lg, current.Songs)
	}
	for _, b := range books {
		if b.ID == current.ID {
			continue
		}
		label := lg.Tf("host.songs.use_mine", map[string]any{"Name": b.Name, "Songs": songCount(lg, b.Songs), "Date": b.CreatedAt.Format(lg.T("host.songs.date_layout"))})
		if b.House {
			label = lg.Tf("host.songs.use_house", map[string]any{"Name": b.Name, "Songs": songCount(lg, b.Songs)})
		}
		c.Choices = append(c.Choices, views.SongbookChoice{ID: strconv.FormatInt(b.ID, 10), Label: label})
	}
	return c
}
