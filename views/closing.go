package views

// Closing is the night's closing time as a page shows it.
type Closing struct {
	Clock    string // the closing time on the venue's clock, "01:30"; "" for none
	LastCall bool   // closing is less than db.LastCallWindow away
	Passed   bool   // the closing time has passed: no more songs start
	// AfterClosing counts the waiting songs estimated to start after it
	// (the host's queue marks each); they stay until the host acts.
	AfterClosing int
}

// ClosingExtension is one of the host's buttons that move closing later.
type ClosingExtension struct {
	URL     string
	Minutes string // the form's minutes value, "15"
	Label   string // "+15 min"
	Title   string // what the button says to a screen reader
	Key     string // its one-time key (see StateKey)
}

// ZoneOption is a time zone the settings form offers.
type ZoneOption struct {
	Name  string // the IANA name the form sends; "" for the server's zone
	Label string
	// Server is the server's zone's own name ("" when it has none) and Now
	// its clock, which the server's option shows in the reader's words.
	Server, Now string
}

// The settings form's closing fields: their names are the store's field
// errors' too (db.FieldErrorf), and ClosingShownField holds the time the
// form showed (db.ClosingRule.Shown).
const (
	ClosingField      = "closing"
	ClosingShownField = "closing_shown"
	TimeZoneField     = "time_zone"
	MinutesField      = "minutes"
)
