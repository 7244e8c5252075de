package views

// HistoryPage is the host's page of the night's history: every turn, the
// night in numbers, a chart of songs per half hour and the exports. Times
// arrive formatted in the venue's time zone.
type HistoryPage struct {
	SessionName  string
	DashboardURL string
	CSVURL       string
	JSONURL      string
	// Status says whether the night is still going or when it ended.
	Status  string
	Figures []HistoryFigure
	// TopArtists are the artists sung most, most first.
	TopArtists []HistoryFigure
	// Chart is nil when no song has been sung.
	Chart *HistoryChart
	Turns []HistoryTurn
}

// HistoryFigure is one number of the night: "Songs sung", "42".
type HistoryFigure struct {
	Label string
	Value string
	// TestID marks the figure for tests; "" for none.
	TestID string
}

// HistoryTurn is one turn in the history's list.
type HistoryTurn struct {
	Started string // "21:04"; "" for a song skipped before it started
	Singer  string
	Title   string
	Artist  string
	Length  string // "3:42"; "" when it never started or is being sung
	// Outcome is how the turn went: "Sung", "Skipped", "Skipped before it
	// started", "Singing now".
	Outcome string
	Skipped bool
}

// HistoryChart is the bar chart of songs per half hour, one row a half
// hour, laid out in SVG user units by the handler. Its text alternative
// is Title, Desc and the same rows as a table.
type HistoryChart struct {
	ViewBox string
	Title   string
	Desc    string
	// AxisX and Height place the line the bars grow from.
	AxisX  string
	Height string
	Bars   []HistoryBar
}

// HistoryBar is one half hour of the chart.
type HistoryBar struct {
	Label   string // "21:30"
	Range   string // "21:30–22:00", for the table
	Songs   string // "7"
	Note    string // what follows the count: "busiest", or ""
	Busiest bool   // drawn hatched, and said in Note, never by colour alone
	// Where it is drawn, in SVG user units.
	LabelY string
	BarY   string
	BarW   string
	BarH   string
	CountX string
}
