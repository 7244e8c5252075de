package views

import (
	"strconv"

	"github.com/a-h/templ"
)

// The names of the events a page's live stream sends. Each is the sse-swap
// of the element that shows it, and the name a Fragment is sent under; the
// stream's last event, once the night has ended, is live.EndedEvent.
const (
	EventHostLive    = "host-live"
	EventHostSummary = "host-summary"
	// EventHostRow is one row of the host's queue; each row is compared
	// with what the stream last sent under its own key (HostRowKey).
	EventHostRow     = "host-row"
	EventHostOrder   = "host-order"
	EventHostGuests  = "guests"
	EventHostPending = "host-pending"
	EventHostLog     = "host-log"
	// EventHostSongbook is the night's songbook and its size.
	EventHostSongbook = "host-songbook"
	// EventHostImport is how far an import has come: published, not part
	// of the session's version (live.Broker.Publish).
	EventHostImport  = "host-import"
	EventDisplayNow  = "display-now"
	EventDisplayNext = "display-next"
	EventGuestStatus = "guest-status"
	EventGuestNow    = "now"
	EventGuestMine   = "mine"
	EventGuestHeld   = "held"
	// EventGuestStandby is the guest's own standby list.
	EventGuestStandby = "standby"
	EventGuestQueue   = "queue"
	// EventGuestForecast is where a request made now would land,
	// EventGuestFairness the rotation explained and EventGuestSung the
	// songs each singer has sung: all three the guest's own.
	EventGuestForecast = "forecast"
	EventGuestFairness = "fairness"
	EventGuestSung     = "sung"
	EventJoin          = "join"
	// EventGuestSongs changes when tonight's waiting and singing requests
	// do: the song results shown ask for themselves again on it, so their
	// "waiting" and "sung tonight" stay true. Nothing swaps it in.
	EventGuestSongs = "songs"
)

// SSETrigger is an hx-trigger that fires when the page's stream sends the
// event.
func SSETrigger(event string) string { return "sse:" + event }

// Fragment is a part of a page that a live stream sends on its own: the
// page swaps Component into the element whose sse-swap is Event.
type Fragment struct {
	Event     string
	Component templ.Component
}

// HostRowKey is what the stream compares a queue row by: the request's id.
func HostRowKey(requestID int64) string {
	return EventHostRow + "-" + strconv.FormatInt(requestID, 10)
}
