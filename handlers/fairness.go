package handlers

import (
	"net/http"
	"slices"
	"time"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/views"
)

// The forecast in the request form and the "why this order" section: both
// built from the one Night the queue beside them is built from, so they
// never tell a guest an order the queue does not have.

// forecastClock rounds the clock time a forecast gives: it is an estimate.
const forecastClock = 5 * time.Minute

// forecast says where a request by the guest made now would land (see
// db.Night.Forecast), or why it would be refused.
func forecast(lg lang.Lang, n db.Night, guestID int64, now time.Time) views.Forecast {
	if !n.Session.Open() {
		return views.Forecast{}
	}
	f := n.Forecast(guestID, now)
	if f.Refused != "" {
		return views.Forecast{Text: lg.Say(f.Why.Format, f.Why.Args...), Refused: true}
	}
	place := lg.Ordinal(f.Place.Position)
	var text string
	switch {
	case f.Place.Ahead == 0 && f.Held:
		text = lg.Tf("guest.forecast.now_held", map[string]any{"Place": place})
	case f.Place.Ahead == 0:
		text = lg.Tf("guest.forecast.now", map[string]any{"Place": place})
	default:
		data := map[string]any{"Place": place, "Clock": lg.Clock(now.Add(f.Place.Wait).Round(forecastClock).In(n.Session.Zone()))}
		text = lg.Tf("guest.forecast.at", data)
		if f.Held {
			text = lg.Tf("guest.forecast.at_held", data)
		}
	}
	return views.Forecast{Text: text}
}

// fairnessNext is how many of the first songs in the queue "why this
// order" explains.
const fairnessNext = 3

// fairnessSingers is how many singers, in queue order, "why this order"
// lists with the songs they have sung (the guest is listed too).
const fairnessSingers = 8

// fairness explains the order to a guest. It names only singers on the
// queue (or singing): the singer of an override no longer there is "a song".
// It reads the queue only as far as what it shows: the first singers, the
// guest's first song, and the first songs of the singers its overrides name.
func fairness(lg lang.Lang, n db.Night, guestID int64) views.Fairness {
	if !n.Session.Open() {
		return views.Fairness{Ended: true}
	}
	round := n.Round()
	f := views.Fairness{Round: lg.Tf("guest.fair.round", map[string]any{"N": lg.Int(round + 1)})}
	overrides := n.Overrides()
	// need are the singers further on whose names the panel shows.
	need := map[int64]bool{}
	if n.Waits(guestID) {
		need[guestID] = true
	}
	for _, o := range overrides {
		if n.Waits(o.GuestID) {
			need[o.GuestID] = true
		}
	}
	names := map[int64]string{}
	// The singers of the next songs and the guest are listed with what
	// they have sung; the rest are counted, so a guest's page does not
	// grow with the queue.
	add := func(r db.Request) {
		if _, ok := names[r.GuestID]; ok {
			return
		}
		delete(need, r.GuestID)
		names[r.GuestID] = r.Singer
		if len(f.Singers) < fairnessSingers || r.GuestID == guestID {
			f.Singers = append(f.Singers, views.FairSinger{Name: r.Singer, Sung: lg.Int(n.Sung(r.GuestID)), You: r.GuestID == guestID})
		} else {
			f.MoreSingers = true
		}
	}
	if n.NowSinging != nil {
		add(*n.NowSinging)
	}
	for i := range n.QueueLen() {
		// Past the listed singers (MoreSingers is set), only the singers
		// further on that the panel names would show: each is found by
		// their first song, not by walking the queue to it.
		if f.MoreSingers {
			break
		}
		add(n.QueueAt(i))
	}
	var further []int
	for guest := range need {
		if mine := n.SongsOf(guest); len(mine) > 0 {
			further = append(further, mine[0])
		}
	}
	slices.Sort(further)
	for _, i := range further {
		add(n.QueueAt(i))
	}
	moved := map[int64]db.Override{} // each request's latest move
	for _, o := range overrides {
		if _, ok := moved[o.RequestID]; !ok && o.Kind == db.ActionMove {
			moved[o.RequestID] = o
		}
	}
	for i := range min(fairnessNext, n.QueueLen()) {
		r := n.QueueAt(i)
		f.Next = append(f.Next, lg.Tf("guest.fair.next_line", map[string]any{"Place": lg.Ordinal(i + 1), "Why": whyHere(lg, n, r, round, moved)}))
	}
	zone := n.Session.Zone()
	for _, o := range overrides {
		song := lg.T("guest.fair.a_song")
		if name, ok := names[o.GuestID]; ok {
			song = lg.Tf("guest.fair.their_song", map[string]any{"Name": name})
		}
		f.Overrides = append(f.Overrides, lg.Clock(o.At.In(zone))+" — "+overrideText(lg, o, song))
	}
	return f
}

// whyHere says why a song near the front of the queue is where it is.
func whyHere(lg lang.Lang, n db.Night, r db.Request, round int, moved map[int64]db.Override) string {
	if o, ok := moved[r.ID]; ok && (o.Move == db.MoveUp || o.Move == db.MoveTop) {
		return overrideText(lg, o, lg.Tf("guest.fair.their_song", map[string]any{"Name": r.Singer}))
	}
	switch {
	case r.Round > round:
		return lg.Tf("guest.fair.later_round", map[string]any{"Name": r.Singer, "Round": lg.Int(r.Round + 1), "Now": lg.Int(round + 1)})
	case r.Round > 0 && !n.HadTurn(r.GuestID):
		return lg.Tf("guest.fair.joined_late", map[string]any{"Name": r.Singer})
	}
	return lg.Tf("guest.fair.not_sung", map[string]any{"Name": r.Singer})
}

// overrideText says what a host override did to song ("Ana's song").
func overrideText(lg lang.Lang, o db.Override, song string) string {
	data := map[string]any{"Song": song}
	switch o.Kind {
	case db.ActionSkip:
		return lg.Tf("guest.fair.skipped", data)
	case db.ActionRemove:
		return lg.Tf("guest.fair.removed", data)
	}
	switch o.Move {
	case db.MoveUp:
		return lg.Tf("guest.fair.moved_up", data)
	case db.MoveDown:
		return lg.Tf("guest.fair.moved_down", data)
	case db.MoveTop:
		return lg.Tf("guest.fair.moved_top", data)
	}
	return lg.Tf("guest.fair.moved_back", data)
}

// forecastFor is the guest's forecast as of now, for the request form
// answered on its own; none when the night cannot be read (the form still
// shows, and the stream brings the forecast).
func (h *Handler) forecastFor(r *http.Request, gc guestContext) views.Forecast {
	n, err := h.store.Night(r.Context(), gc.session.ID)
	if err != nil {
		return views.Forecast{}
	}
	return forecast(lang.From(r.Context()), n, gc.guest.ID, time.Now())
}
