package views

// HoldMark is a waiting song's hold, as a list shows it: its singer stepped
// out and Start next passes over it (db/holds.go).
type HoldMark struct {
	On    bool
	Until string // the clock time the hold runs out: "22:40"
	// ReleaseURL is the host's Release hold, on the dashboard's rows only.
	ReleaseURL string
	ReleaseKey string // its one-time key (see StateKey)
	Singer     string // whose hold the host releases
}

// GuestHold is the guest's Hold my spot / I'm back, and what it says.
type GuestHold struct {
	// Show: the guest has a song waiting, or is on hold.
	Show  bool
	On    bool
	Until string // "22:40"
	// TurnCame: Start next has passed over a song of theirs, so I'm back
	// makes them the next singer.
	TurnCame bool
	// Lapsed tells of a hold that ran out ("" for none).
	Lapsed  string
	HoldURL string
	BackURL string
	BackKey string // I'm back's one-time key (see StateKey)
}

// Hold and its return are the guest's two buttons' test ids.
const (
	TestIDHoldSpot = "hold-spot"
	TestIDImBack   = "im-back"
)

// HoldMinutesField is the rules form's field for how long a hold lasts.
const HoldMinutesField = "hold_minutes"
