package views

// StandbyList is a guest's own standby list (songs kept for when they drop
// below the cap), and the latest of them to move into the queue.
type StandbyList struct {
	Ended bool
	Items []StandbyItem
	// Moved says the latest standby song to move that still waits
	// ("“Jolene” moved from your standby list into the queue."); "" for none.
	Moved string
	// MoveKey is the one-time key of the Up and Down buttons (see
	// StateKey); Remove's is made from its URL, as a removal happens once.
	MoveKey string
}

// StandbyItem is one song on the standby list, with its buttons: Up is ""
// for the first, Down "" for the last.
type StandbyItem struct {
	Title     string
	Artist    string
	UpURL     string
	DownURL   string
	RemoveURL string
}

// StandbyChoice is the submit button's name and value that sends the
// request form to the standby list instead of the queue.
const (
	StandbyChoiceName  = "to"
	StandbyChoiceValue = "standby"
)
