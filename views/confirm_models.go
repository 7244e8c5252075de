package views

// The view models of the host's confirm pages (asking before a guest is
// removed, or the night ended) and of the error page: whole pages that ask
// or say one thing.

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

// ErrorPage is a whole page that says something went wrong.
type ErrorPage struct {
	Status  int
	Title   string
	Message string
}

// EndConfirmPage asks the host to confirm ending the night.
type EndConfirmPage struct {
	SessionName string
	EndURL      string
	BackURL     string
}
