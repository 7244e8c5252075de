package views

import "github.com/a-h/templ"

// The names of the events a page's live stream sends. Each is the sse-swap
// of the element that shows it, and the name a Fragment is sent under; the
// stream's last event, once the night has ended, is live.EndedEvent.
const (
	EventHostLive    = "host-live"
	EventHostGuests  = "guests"
	EventDisplayNow  = "display-now"
	EventDisplayNext = "display-next"
	EventGuestStatus = "guest-status"
	EventGuestNow    = "now"
	EventGuestMine   = "mine"
	EventGuestQueue  = "queue"
	EventJoin        = "join"
)

// Fragment is a part of a page that a live stream sends on its own: the
// page swaps Component into the element whose sse-swap is Event.
type Fragment struct {
	Event     string
	Component templ.Component
}
