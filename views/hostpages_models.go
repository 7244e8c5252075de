package views

// The view models of the host's pages beside the dashboard: the confirm
// pages, and the line about the copy in Turso.

// RemoveRecentPage asks the host before removing every guest who joined
// since a moment, with their waiting songs, and closing the night to new
// guests.
type RemoveRecentPage struct {
	SessionName string
	Minutes     int // how far back the list reaches
	Choices     []MinutesChoice
	Guests      []GuestItem // who would be removed, in the order they joined
	Since       string      // the cut-off the form sends back, Unix milliseconds
	RemoveURL   string
	BackURL     string
}

// MinutesChoice is a link to the confirm page reaching another span back.
type MinutesChoice struct {
	Label   string // "last 10 min"
	URL     string
	Current bool
}

// RemoveGuestPage asks the host before removing a guest from the session.
type RemoveGuestPage struct {
	SessionName string
	GuestName   string
	Waiting     int
	RemoveURL   string
	BackURL     string
}

// ReplicationLine tells the host how the copy of the nights in Turso is
// doing: up to date, catching up, or behind because Turso cannot be reached.
type ReplicationLine struct {
	Behind bool // the last attempt failed: the copy is falling behind
	Text   string
}
