package views

// The songbook, as guests search it.

// SongSearch is the guest's search of the night's songbook and its results.
type SongSearch struct {
	ActionURL string // the search's GET address
	Query     string
	Results   SongResults
}

// SongResults is one page of songs found, each with the form that requests
// it.
type SongResults struct {
	Searched   bool // a query was given: "nothing found" is then worth saying
	Fuzzy      bool // nothing matched exactly: these are spelt like the query
	RequestURL string
	Songs      []SongItem
	MoreURL    string // the next page, "" when there is none
}

// SongItem is a song of the songbook as a result shows it.
type SongItem struct {
	ID            string
	Title, Artist string
	Waiting       bool
	Sung          string // "sung tonight at 21:40", or ""
}
