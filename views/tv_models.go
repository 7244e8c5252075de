package views

// Poll is how a TV page keeps itself current where htmx cannot run (an
// old smart TV's browser, or one with JavaScript off): static/tv.js asks
// URL every Every milliseconds for "<key> <version>" and reloads the page
// when the key moves (the TV was paired or unpaired, or its code renewed)
// or, where htmx does not run, swaps in the page's body when the version
// moves; with no JavaScript at all the page reloads itself every Refresh
// seconds.
type Poll struct {
	URL     string
	Key     string
	Version string
	Every   int
	// Always polls even where htmx runs: a TV's pairing is on no stream.
	Always  bool
	Refresh int
}

// TVPairPage is the screen of a TV that shows no night: the code a host
// types to pair it, in very large type.
type TVPairPage struct {
	Code string // six digits
	// Minutes is how long the code lasts, in minutes.
	Minutes int
	Poll    Poll
}

// TVScreens is the dashboard's card of the TVs that show the night: the
// form that pairs one by its code, and each paired TV with Unpair.
type TVScreens struct {
	PairURL string
	TVURL   string // where the TV goes to show its code: the site's /tv
	Code    string // what was typed, when the form comes back with a message
	Errors  FieldErrors
	Paired  string // "TV 3 now shows the night.", just paired
	Screens []TVScreen
	Ended   bool // the night has ended: nothing to pair
}

// TVScreen is one paired TV in the dashboard's list.
type TVScreen struct {
	Name      string // "TV 3"
	Since     string // "paired at 21:04"
	UnpairURL string
}
