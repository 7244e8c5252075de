package views

// The songbook, as guests search it.

// SongSearch is the guest's search of the night's songbook and its results.
type SongSearch struct {
	ActionURL string // the search's GET address
	Query     string
	Results   SongResults
	// ArtistsURL and PopularURL browse the book: A to Z, and tonight's
	// most requested.
	ArtistsURL, PopularURL string
}

// SongResults is one page of songs found, each with the form that requests
// it.
type SongResults struct {
	Searched   bool // a query was given: "nothing found" is then worth saying
	Fuzzy      bool // nothing matched exactly: these are spelt like the query
	RequestURL string
	Heading    string // what a browse shows, such as "Popular tonight"
	Empty      string // what to say when nothing was found
	Songs      []SongItem
	Artists    []ArtistLink // a page of the A to Z list of artists
	MoreURL    string       // the next page, "" when there is none
	// RefreshURL asks for these results again; the page does when the
	// guest's stream says tonight's requests changed (EventGuestSongs), so
	// the songs' flags follow the night. "" when no song is shown.
	RefreshURL string
}

// ArtistLink is an artist of the songbook, linking to their songs.
type ArtistLink struct {
	Name, Songs, URL string
}

// SongItem is a song of the songbook as a result shows it.
type SongItem struct {
	ID            string
	Title, Artist string
	Waiting       bool
	Sung          string // "sung tonight at 21:40", or ""
}
