package views

// Forecast is where a request made now would land, as the request form
// says it before the guest presses the button.
type Forecast struct {
	// Text is the forecast ("You'd be 9th · on at about 22:40") or why a
	// request now would be refused ("No more songs fit before closing at
	// 01:30."); "" shows nothing (the night has ended).
	Text    string
	Refused bool
}

// Fairness is the guest page's "Why this order": the rotation at a glance.
type Fairness struct {
	Ended bool   // the night is over: nothing is shown
	Round string // "Round 3"
	// Singers are the first singers on the queue and the guest, with the
	// songs they have sung; MoreSingers says there are others on it (not
	// how many, so one more does not change the list).
	Singers     []FairSinger
	MoreSingers bool
	// Next says, for the first few songs in the queue, why they come first
	// ("Bob hasn't sung this round").
	Next []string
	// Overrides are the host's recent changes to the order, newest first
	// ("22:14 — the host moved Ana's song up").
	Overrides []string
}

// FairSinger is a singer on the queue and the songs they have sung tonight.
type FairSinger struct {
	Name string
	Sung string // "2": songs sung tonight
	You  bool
}
