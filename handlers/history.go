package handlers

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/views"
)

// nightZone is the time zone a night's history is shown and exported in:
// the venue's clock (the session's zone), by which its half hours are
// counted too. This is the one place the history asks.
func nightZone(sess db.Session) *time.Location { return sess.Zone() }

// handleHistory serves GET /host/{sessionID}/history: every turn of the
// night, its numbers and a chart of songs per half hour, for the host,
// while the night goes on and after it ends, until the retention purge.
func (h *Handler) handleHistory(w http.ResponseWriter, r *http.Request) {
	hist, err := h.store.History(r.Context(), hostSessionID(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.History(historyPage(lang.From(r.Context()), hist, nightZone(hist.Session))))
}

func historyPath(sessionID int64) string { return hostActionPath(sessionID, "history") }

// historyPage builds the history page's view model, its times in loc.
func historyPage(lg lang.Lang, hist db.History, loc *time.Location) views.HistoryPage {
	sess := hist.Session
	nums := hist.Numbers(loc)
	vm := views.HistoryPage{
		SessionName:  sess.Name,
		DashboardURL: hostPath(sess.ID),
		CSVURL:       historyPath(sess.ID) + ".csv",
		JSONURL:      historyPath(sess.ID) + ".json",
		Status:       historyStatus(lg, sess, loc),
		Figures: []views.HistoryFigure{
			{Label: lg.T("host.history.sung"), Value: lg.Int(nums.Sung), TestID: "songs-sung"},
			{Label: lg.T("host.history.singers"), Value: lg.Int(nums.Singers), TestID: "singers"},
			{Label: lg.T("host.history.average"), Value: minutesWords(nums.AverageTurn), TestID: "average-turn"},
			{Label: lg.T("host.history.busiest"), Value: busiestWords(lg, nums.Busiest, loc), TestID: "busiest"},
			{Label: lg.T("host.history.skipped"), Value: lg.Int(nums.Skipped), TestID: "skipped"},
		},
		Chart: historyChart(lg, nums, loc),
	}
	for _, a := range nums.TopArtists {
		vm.TopArtists = append(vm.TopArtists, views.HistoryFigure{Label: a.Artist, Value: historySongs(lg, a.Songs)})
	}
	for _, t := range hist.Turns {
		vm.Turns = append(vm.Turns, historyTurn(lg, t, loc))
	}
	return vm
}

// historyStatus says when the night started, and whether it goes on.
// The dates are written by a layout of Go's time package that is itself a
// message (host.history.started_layout), so a language without English
// day and month names writes them in numbers.
func historyStatus(lg lang.Lang, sess db.Session, loc *time.Location) string {
	started := sess.CreatedAt.In(loc).Format(lg.T("host.history.started_layout"))
	if sess.Open() {
		return lg.Tf("host.history.going", map[string]any{"Started": started})
	}
	return lg.Tf("host.history.over", map[string]any{"Started": started, "Ended": sess.EndedAt.In(loc).Format(lg.T("host.history.ended_layout"))})
}

// historySongs is a number of songs in lg: "1 song", "12 songs".
func historySongs(lg lang.Lang, n int) string { return songCount(lg, n) }

func historyTurn(lg lang.Lang, t db.Turn, loc *time.Location) views.HistoryTurn {
	vm := views.HistoryTurn{Singer: t.Singer, Title: t.Title, Artist: t.Artist, Skipped: t.Skipped}
	if t.Started() {
		vm.Started = t.StartedAt.In(loc).Format("15:04")
	}
	if !t.EndedAt.IsZero() && t.Started() {
		vm.Length = clockLength(t.Length())
	}
	switch {
	case t.SingingNow():
		vm.Outcome = lg.T("host.history.singing_now")
	case t.Skipped && !t.Started():
		vm.Outcome = lg.T("host.history.skipped_early")
	case t.Skipped:
		vm.Outcome = lg.T("host.history.skipped")
	default:
		vm.Outcome = lg.T("host.history.sung_outcome")
	}
	return vm
}

// clockLength is a turn's length as a clock shows it: "3:42", "1:02:05".
func clockLength(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// minutesWords is a length in words: "3 min 42 s"; "–" for none.
func minutesWords(d time.Duration) string {
	if d <= 0 {
		return "–"
	}
	s := int64(d.Round(time.Second) / time.Second)
	if s < 60 {
		return fmt.Sprintf("%d s", s)
	}
	return fmt.Sprintf("%d min %d s", s/60, s%60)
}

// halfHourRange is a half hour of the clock: "21:30–22:00".
func halfHourRange(start time.Time, loc *time.Location) string {
	return start.In(loc).Format("15:04") + "–" + start.Add(30*time.Minute).In(loc).Format("15:04")
}

func busiestWords(lg lang.Lang, b db.HalfHour, loc *time.Location) string {
	if b.Songs == 0 {
		return "–"
	}
	return halfHourRange(b.Start, loc) + ", " + historySongs(lg, b.Songs)
}

// The chart's layout, in SVG user units: a row a half hour, its label on
// the left, the bar from the axis, its count (and "busiest") after it.
const (
	chartWidth  = 340
	chartAxisX  = 50
	chartMaxBar = 180 // leaves room after the longest bar for "12 · busiest"
	chartRow    = 28
	chartBarH   = 18
)

// historyChart lays out the bar chart of songs per half hour; nil when no
// song was sung.
func historyChart(lg lang.Lang, nums db.Numbers, loc *time.Location) *views.HistoryChart {
	if len(nums.PerHalfHour) == 0 {
		return nil
	}
	rows := nums.PerHalfHour
	height := len(rows)*chartRow + 4
	c := &views.HistoryChart{
		ViewBox: fmt.Sprintf("0 0 %d %d", chartWidth, height),
		Title:   lg.T("host.history.chart"),
		Desc: lg.Tf("host.history.chart_desc", map[string]any{"From": rows[0].Start.In(loc).Format("15:04"),
			"To": rows[len(rows)-1].Start.Add(30 * time.Minute).In(loc).Format("15:04"), "Busiest": busiestWords(lg, nums.Busiest, loc)}),
		AxisX:  strconv.Itoa(chartAxisX),
		Height: strconv.Itoa(height),
	}
	for i, hh := range rows {
		w := chartMaxBar * hh.Songs / nums.Busiest.Songs
		bar := views.HistoryBar{
			Label:   hh.Start.In(loc).Format("15:04"),
			Range:   halfHourRange(hh.Start, loc),
			Songs:   strconv.Itoa(hh.Songs),
			Busiest: hh.Start.Equal(nums.Busiest.Start),
			LabelY:  strconv.Itoa(i*chartRow + 19),
			BarY:    strconv.Itoa(i*chartRow + 5),
			BarW:    strconv.Itoa(w),
			BarH:    strconv.Itoa(chartBarH),
			CountX:  strconv.Itoa(chartAxisX + w + 6),
		}
		if bar.Busiest {
			bar.Note = lg.T("host.history.busiest_note")
		}
		c.Bars = append(c.Bars, bar)
	}
	return c
}
