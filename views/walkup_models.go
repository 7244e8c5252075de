package views

// WalkupForm is the host's form that adds a song for a walk-up singer, one
// without a phone: a new one by name, or one of tonight's from the list.
type WalkupForm struct {
	ActionURL string
	Walkups   []WalkupChoice // tonight's walk-ups, in the order added
	WalkupID  string         // the walk-up picked, "" for a new singer
	Name      string
	Title     string
	Artist    string
	Note      string
	Errors    FieldErrors
	// Duplicate is set when the song is already waiting: the form asks
	// the host to confirm before it is added again.
	Duplicate bool
	Added     string // "“Valerie” for Wanda", just added
}

// WalkupChoice is one of tonight's walk-ups in the form's list.
type WalkupChoice struct {
	ID    string
	Label string // "Wanda (1 waiting)"
}

// PendingList is the requests held for the host's OK (approval mode),
// oldest first, with Approve and Decline each and Approve all.
type PendingList struct {
	// On: approval mode is on. The list shows while it is on or anything
	// is still waiting (turning it off approves nothing).
	On            bool
	Items         []PendingItem
	ApproveAllURL string // "" once the night has ended
	// Key is the one-time key of every form in the list (see StateKey):
	// each posts to a URL of its own.
	Key string
}

// PendingItem is one request waiting for the host's OK.
type PendingItem struct {
	ID         int64
	Singer     string
	Title      string
	Artist     string
	Note       string
	Requested  string // "21:40"
	ApproveURL string // "" once the night has ended
	DeclineURL string
}

// HeldItem is a guest's song held for the host's OK, or one the host
// passed on.
type HeldItem struct {
	Title       string
	Artist      string
	Declined    bool
	WithdrawURL string // takes back a song still waiting for the OK
}
