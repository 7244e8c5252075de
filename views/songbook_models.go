package views

// The host's songbook models: models.go is at its length.

// SongbookCard is the dashboard's Songs section: the size of the night's
// songbook, the form that imports a song list in its place, the host's
// earlier songbooks to attach in one tap, and removing it.
type SongbookCard struct {
	ImportURL, UseURL, DropURL string
	// Name is the songbook's name, "" when the night has none.
	Name string
	// Count is its size, formatted: "12,345 songs".
	Count string
	// Report says what the last import found: "Imported 12,345 songs; 23
	// lines skipped: line 4 (…), …"; "" but after an import.
	Report string
	// Choices are the songbooks this browser may attach, the one in use left out.
	Choices []SongbookChoice
	// TypedName is what the host typed as the name, kept when the form
	// comes back with a message.
	TypedName string
	Errors    FieldErrors
	Ended     bool
}

// SongbookChoice is a songbook the host may attach: its id (the form's
// value) and what the button says.
type SongbookChoice struct {
	ID    string
	Label string
}

// SongbookFileField and SongbookNameField are the import form's fields;
// SongbookIDField names the songbook to attach.
const (
	SongbookFileField = "file"
	SongbookNameField = "name"
	SongbookIDField   = "songbook"
	// SongbookOnlyField is the rules form's "songbook only" box.
	SongbookOnlyField = "songbook_only"
)

// SongbookProgress is an import under way, as its progress bar shows it.
type SongbookProgress struct {
	// Label says it in words: "Importing: 120,000 of about 250,000 songs".
	Label string
	// Value and Max are the bar's: the bytes of the file read and its
	// size; Max is "" when the size is not known (the bar then only moves).
	Value, Max string
}

// importRequest gives the import form's htmx request longer than the
// layout's timeout: a list of 300,000 songs takes longer than a song
// request to send and import, and ending the request would end the import.
const importRequest = `{"timeout":600000}`
