package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/views"
)

// The forecast in the request form and the "why this order" section: both
// built from the one Night the queue beside them is built from, so they
// never tell a guest an order the queue does not have.

// forecastClock rounds the clock time a forecast gives: it is an estimate.
const forecastClock = 5 * time.Minute

// forecast says where a request by the guest made now would land (see
// db.Night.Forecast), or why it would be refused.
func forecast(n db.Night, guestID int64, now time.Time) views.Forecast {
	if !n.Session.Open() {
		return views.Forecast{}
	}
	f := n.Forecast(guestID, now)
	if f.Refused != "" {
		return views.Forecast{Text: f.Refused, Refused: true}
	}
	text := "You'd be " + ordinal(f.Place.Position) + " · "
	if f.Place.Ahead == 0 {
		text += "on right away"
	} else {
		text += "on at about " + now.Add(f.Place.Wait).Round(forecastClock).In(n.Session.Zone()).Format("15:04")
	}
	if f.Held {
		text += ", after the host's OK"
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
func fairness(n db.Night, guestID int64) views.Fairness {
	if !n.Session.Open() {
		return views.Fairness{Ended: true}
	}
	round := n.Round()
	f := views.Fairness{Round: "Round " + strconv.Itoa(round+1)}
	names := map[int64]string{}
	// The singers of the next songs and the guest are listed with what
	// they have sung; the rest are counted, so a guest's page does not
	// grow with the queue.
	add := func(r db.Request) {
		if _, ok := names[r.GuestID]; ok {
			return
		}
		names[r.GuestID] = r.Singer
		if len(f.Singers) < fairnessSingers || r.GuestID == guestID {
			f.Singers = append(f.Singers, views.FairSinger{Name: r.Singer, Sung: strconv.Itoa(n.Sung(r.GuestID)), You: r.GuestID == guestID})
		} else {
			f.MoreSingers = true
		}
	}
	if n.NowSinging != nil {
		add(*n.NowSinging)
	}
	for _, r := range n.Queue {
		add(r)
	}
	overrides := n.Overrides()
	moved := map[int64]db.Override{} // each request's latest move
	for _, o := range overrides {
		if _, ok := moved[o.RequestID]; !ok && o.Kind == db.ActionMove {
			moved[o.RequestID] = o
		}
	}
	for i, r := range n.Queue[:min(fairnessNext, len(n.Queue))] {
		f.Next = append(f.Next, ordinal(i+1)+": "+whyHere(n, r, round, moved))
	}
	zone := n.Session.Zone()
	for _, o := range overrides {
		song := "a song"
		if name, ok := names[o.GuestID]; ok {
			song = name + "'s song"
		}
		f.Overrides = append(f.Overrides, o.At.In(zone).Format("15:04")+" — "+overrideText(o, song))
	}
	return f
}

// whyHere says why a song near the front of the queue is where it is.
func whyHere(n db.Night, r db.Request, round int, moved map[int64]db.Override) string {
	if o, ok := moved[r.ID]; ok && (o.Move == db.MoveUp || o.Move == db.MoveTop) {
		return overrideText(o, r.Singer+"'s song")
	}
	switch {
	case r.Round > round:
		return r.Singer + "'s song for round " + strconv.Itoa(r.Round+1) + ", after every round " + strconv.Itoa(round+1) + " song"
	case r.Round > 0 && !n.HadTurn(r.GuestID):
		return r.Singer + " joined late: first song of the round"
	}
	return r.Singer + " hasn't sung this round"
}

// overrideText says what a host override did to song ("Ana's song").
func overrideText(o db.Override, song string) string {
	switch o.Kind {
	case db.ActionSkip:
		return "the host skipped " + song
	case db.ActionRemove:
		return "the host took " + song + " out of the queue"
	}
	where := map[db.Move]string{db.MoveUp: "up", db.MoveDown: "down", db.MoveTop: "to the top", db.MoveBack: "to the back"}[o.Move]
	return "the host moved " + song + " " + where
}

// forecastFor is the guest's forecast as of now, for the request form
// answered on its own; none when the night cannot be read (the form still
// shows, and the stream brings the forecast).
func (h *Handler) forecastFor(r *http.Request, gc guestContext) views.Forecast {
	n, err := h.store.Night(r.Context(), gc.session.ID)
	if err != nil {
		return views.Forecast{}
	}
	return forecast(n, gc.guest.ID, time.Now())
}
