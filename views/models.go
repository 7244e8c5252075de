// This file is long because it holds the view model of every page and
// fragment, each a small struct; the walk-up and approval ones are in
// walkup_models.go.

// Package views holds the app's templ components and the view models they
// take. A view model is built for its component: it holds what is shown,
// already formatted, and the URLs its forms post to. Components never see
// a database row and never call the store.
package views

// FieldErrors maps a form field's name to the message shown beside it.
type FieldErrors map[string]string

// SessionInfo is what every page of a session shows about it, and how to join it.
type SessionInfo struct {
	Name    string
	Code    string
	JoinURL string
	// Site is the app's address as a person types it ("karaoke.example.com"):
	// the TV shows it with the code, since nobody types a join link's token.
	Site       string
	QRURL      string
	DisplayURL string
	Ended      bool
}

// NowSinging is the turn in progress.
type NowSinging struct {
	Singer string
	Title  string
	Artist string
	Note   string
	// Key tells one turn from the next, so a page can mark a new singer.
	Key int64
}

// QueueItem is one waiting request as a list shows it.
type QueueItem struct {
	ID       int64
	Position int
	Singer   string
	Title    string
	Artist   string
	Note     string
	Wait     string // "next", "about 8 min"
	Hold     HoldMark
}

// HostAction is a button on the dashboard: a POST to URL, labelled Label.
type HostAction struct {
	URL   string
	Label string
	// Title names the action and its target ("Remove I Will Survive
	// (Zoe)"): a move's accessible name, a danger's confirm button.
	Title string
	// Ends, when set, is the turn the action ends (EndsField): Stop names
	// the request it saw singing, so a second device's press changes nothing.
	Ends string
	// Key, when set, is the form's one-time key (see StateKey).
	Key string
}

// HostQueueItem is a queue entry with the host's controls for it. Its row
// shows nothing that depends on its place in the queue (the place is a CSS
// counter), so a song added or moved ahead of it does not change its row.
type HostQueueItem struct {
	QueueItem
	Requested string // the clock time it was requested: "21:40"
	MenuURL   string // its details and controls (RowMenu), fetched on opening
	// Moves reorder it (Top, Up, Down, Back); Dangers take it out of the
	// queue (Skip, Remove), each behind a confirm step.
	Moves   []HostAction
	Dangers []HostAction
	// RemoveSingerURL asks to remove the singer from the session.
	RemoveSingerURL string
	AddedByHost     bool // a walk-up singer, added by the host
	// AfterClosing: its estimated start is after the closing time.
	AfterClosing bool
}

// DashboardPage is the host's page.
type DashboardPage struct {
	Session  SessionInfo
	Stream   string // the live stream's URL, "" once the session has ended
	HostLink string
	// NewHostLinkURL makes a new host link, signing out other host devices.
	NewHostLinkURL string
	Live           DashboardLive
	Settings       SettingsForm
	Guests         GuestsList
	// Replication is the line about the copy in Turso; nil without one.
	Replication *ReplicationLine
	// Notice says what the host's last action found, such as a turn another
	// host device had already started; "" for none.
	Notice string
	// Songbook is the Songs section: the night's songbook and its import.
	Songbook SongbookCard
	// HistoryURL is the night's history page.
	HistoryURL string
	Walkup     WalkupForm  // the walk-up singers' form
	Pending    PendingList // requests held for the host's OK
	// Log is the host's latest actions; Device names this host device in it.
	Log    AuditLog
	Device string
	TVs    TVScreens // the TVs that show the night, and pairing another
}

// GuestsList is the host's card of guests, with the controls that keep
// strangers out: closing the night to new guests and removing the latest.
type GuestsList struct {
	Guests []GuestItem
	// JoiningLocked: the night is closed to new guests.
	JoiningLocked bool
	// JoiningURL closes the night to new guests, or opens it when locked;
	// "" once the session has ended, as is RemoveRecentURL.
	JoiningURL string
	// RemoveRecentURL is the page that asks before removing the guests who
	// joined in the last minutes.
	RemoveRecentURL string
}

// GuestItem is a guest in the host's list.
type GuestItem struct {
	Name      string // as others see it: "John (2)"
	Waiting   int    // songs waiting
	Removed   bool
	RemoveURL string // the page that asks before removing them
	// AddedByHost: a walk-up singer, with no phone.
	AddedByHost bool
}

// DashboardLive is the part of the dashboard that changes as the night goes on.
type DashboardLive struct {
	Ended         bool
	Paused        bool
	Now           *NowSinging
	Queue         []HostQueueItem
	Summary       QueueSummary
	NextURL       string
	NextLabel     string
	SkipNowURL    string
	StopLabel     string // names the song Stop ends: "Stop Valerie (Ana)"
	PauseURL      string // pauses, or resumes when Paused
	PauseKey      string // its one-time key (see StateKey)
	EndURL        string
	TurnLengthMsg string
	// Closing is the closing time, and Extend the buttons that move it.
	Closing Closing
	Extend  []ClosingExtension

	// Ends names the turn Start next and Stop end (the request being sung,
	// or "none"), so a press from a page another device has overtaken
	// changes nothing.
	Ends string
	// NextKey is Start next's one-time key (see StateKey): the same for
	// every render until the host acts again.
	NextKey string
	// StopKey is Stop's one-time key, made the same way.
	StopKey string
	Undo    UndoControl
	// PassedOver names the singers on hold Start next passes over.
	PassedOver string
}

// EndsField is the hidden field of Start next and Stop that holds
// DashboardLive.Ends; EndsNobody is its value when nobody is singing.
const (
	EndsField  = "ends"
	EndsNobody = "none"
)

// QueueSummary is the queue in two figures.
type QueueSummary struct {
	Waiting int
	Length  string // "about 35 min"
}

// SettingsForm is the host's form for the per-singer cap.
type SettingsForm struct {
	ActionURL string
	SingerCap string
	Saved     bool
	Errors    FieldErrors
	// ShowNotes shows the singing request's note on the TV (show_notes).
	ShowNotes bool
	// SongbookOnly takes requests from the night's songbook alone
	// (SongbookOnlyField).
	SongbookOnly bool
	Approval     bool // new requests wait for the host's OK (approval)
	// Zone is the time zone chosen ("" for the server's), one of Zones;
	// Closing the closing time typed, and ClosingShown the one the form
	// was loaded with.
	Zone         string
	Zones        []ZoneOption
	Closing      string
	ClosingShown string
	HoldMinutes  string // how long a hold lasts (HoldMinutesField)
	// Language is the night's language (LanguageField), one of Languages.
	Language  string
	Languages []LanguageOption
	OOB       bool // sent beside another fragment, to swap in by its id
}

// LanguageOption is a language the night may speak: its tag and its name
// in itself.
type LanguageOption struct {
	Tag, Name string
}

// JoinPage is what a guest sees on scanning the QR code.
type JoinPage struct {
	Session SessionInfo
	Stream  string // the live stream's URL, "" once the session has ended
	Form    JoinForm
	// Closed says the host closed the night to new guests, in place of the
	// form; "" while it is open to them.
	Closed string
}

// JoinForm asks a guest for a singer name.
type JoinForm struct {
	ActionURL string
	Name      string
	Errors    FieldErrors
}

// GuestPage is a joined guest's page.
type GuestPage struct {
	Session SessionInfo
	Stream  string // the live stream's URL, "" once the session has ended
	Singer  string
	Form    RequestForm
	Live    GuestLive
	Search  *SongSearch // nil when the night has no songbook
	Push    *PushOptIn  // nil: no offer of a notification
}

// RequestForm is the form a guest requests a song with.
type RequestForm struct {
	ActionURL string
	Title     string
	Artist    string
	Note      string
	Errors    FieldErrors
	// Duplicate is set when the song is already waiting: the form asks the
	// guest to confirm before it is added again.
	Duplicate bool
	Added     string // the title just added, for a confirmation line
	Held      bool   // the song just added waits for the host's OK
	Disabled  bool   // the session has ended
	// SongID is the songbook song being requested ("" for one typed in),
	// kept so that confirming a duplicate requests the same song.
	SongID string
	// Songbook says the night has a songbook: the form is then for the
	// songs it does not have.
	Songbook bool
	// SongbookOnly says the host takes requests from the songbook alone:
	// the form has no fields to type a song in, and only says what became
	// of a song picked from the songbook.
	SongbookOnly bool
	// AtCap: the guest has the most songs waiting, so the form offers their
	// standby list; OnStandby: the song Added went there.
	AtCap, OnStandby bool
	Forecast         Forecast // where a request made now would land
}

// GuestLive is the part of a guest's page that changes as the night goes
// on. Status and Mine are the guest's own; Now and Queue are the same for
// every guest, so a change renders them once for all.
type GuestLive struct {
	OOB     bool   // sent beside another fragment, to swap in by its id
	Notice  string // a message for the guest, such as a limit that stopped them
	Status  GuestStatus
	Now     *NowSinging
	Mine    []MyRequest
	Held    []HeldItem // songs waiting for the host's OK, or passed on
	Standby StandbyList
	Queue   GuestQueue
	// Fairness explains the order (forecast_models.go).
	Fairness Fairness
}

// GuestStatus is what a guest is told about their turn and the night, and
// the page title that says it in a background tab.
type GuestStatus struct {
	Title   string
	Ended   bool
	Removed bool // the host removed the guest from the session
	Paused  bool
	UpNext  bool // the guest's request is first in the queue
	OnNow   bool // the guest is singing
	// Place and Wait are those of the guest's first waiting song ("39th in
	// line", "about 78 min"); "" when they have none in the queue.
	Place string
	Wait  string
	// Held: the guest has a song waiting for the host's OK.
	Held bool
	// Closing is the night's closing time: the last call.
	Closing Closing
	// HostNotice says what the host last did to one of the guest's songs
	// ("The host moved your song “Jolene” up."); "" for nothing lately.
	HostNotice string
	Hold       GuestHold
	// Nudge names the turn UpNext or OnNow is about ("next-12"), so that
	// the phone buzzes once for it.
	Nudge string
}

// GuestQueue is the queue as one guest sees it: the first few songs, and a
// few around the guest's next, with the runs between collapsed.
type GuestQueue struct {
	Rows    []GuestQueueRow
	Ended   bool // the night is over: no queue is shown
	Summary QueueSummary
}

// GuestQueueRow is a song of the guest's view of the queue or, when Gap is
// above 0, a run of Gap songs left out, Yours of them the guest's.
type GuestQueueRow struct {
	QueueItem
	Mine  bool // the guest's own song
	Gap   int
	Yours int
}

// MyRequest is one of the guest's own waiting requests.
type MyRequest struct {
	QueueItem
	Place       string // "2nd in line"
	WithdrawURL string
	// AfterClosing: its estimated start is after the closing time.
	AfterClosing bool
}

// DisplayPage is the TV page.
type DisplayPage struct {
	Session SessionInfo
	Stream  string // the live stream's URL, "" once the session has ended
	Live    DisplayLive
	// Poll keeps the page current where htmx cannot run (see Poll).
	Poll *Poll
}

// DisplayLive is the part of the TV page that changes.
type DisplayLive struct {
	Ended   bool
	Paused  bool
	Now     *NowSinging
	Next    []QueueItem
	Summary QueueSummary
	// SessionName heads the thanks that replace the join box at the end.
	SessionName string
	// NewSinger marks a turn that has just started, for the glow; set only
	// in the stream's event, never on a page load.
	NewSinger bool
	// ShowNotes shows the singing request's note under it: the host's choice.
	ShowNotes bool
	// Closing is the night's closing time: the last call.
	Closing Closing
}
