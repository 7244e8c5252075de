// Package views holds the app's templ components and the view models they
// take. A view model is built for its component: it holds what is shown,
// already formatted, and the URLs its forms post to. Components never see
// a database row and never call the store.
package views

// FieldErrors maps a form field's name to the message shown beside it.
type FieldErrors map[string]string

// HomePage is the front page: create a session, or join one by its code.
type HomePage struct {
	Create CreateSessionForm
	Join   JoinCodeForm
	// Hosting is the nights this browser hosts, newest first.
	Hosting []HostedNight
}

// HostedNight is a night this browser hosts, as the home page lists it.
type HostedNight struct {
	Name         string
	Open         bool // false once the night has ended
	DashboardURL string
}

// JoinCodeForm is the form a guest types a session's code into.
type JoinCodeForm struct {
	Code   string
	Errors FieldErrors
}

// CreateSessionForm is the form that starts a session.
type CreateSessionForm struct {
	Name   string
	Errors FieldErrors
}

// SessionInfo is what every page of a session shows about it, and how to join it.
type SessionInfo struct {
	Name       string
	Code       string
	JoinURL    string
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
}

// HostAction is a button on the dashboard: a POST to URL, labelled Label.
type HostAction struct {
	URL   string
	Label string
	Title string // the longer name a screen reader and a tooltip give
}

// HostQueueItem is a queue entry with the host's controls for it.
type HostQueueItem struct {
	QueueItem
	Actions []HostAction
	// RemoveSingerURL asks to remove the singer from the session.
	RemoveSingerURL string
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
	Guests         []GuestItem
	// Replication is the line about the copy in Turso; nil without one.
	Replication *ReplicationLine
	// Notice says what the host's last action found, such as a turn another
	// host device had already started; "" for none.
	Notice string
}

// GuestItem is a guest in the host's list.
type GuestItem struct {
	Name      string // as others see it: "John (2)"
	Waiting   int    // songs waiting
	Removed   bool
	RemoveURL string // the page that asks before removing them
}

// RemoveGuestPage asks the host before removing a guest from the session.
type RemoveGuestPage struct {
	SessionName string
	GuestName   string
	Waiting     int
	RemoveURL   string
	BackURL     string
}

// ReplicationLine tells the host how the copy of the nights in Turso is
// doing: up to date, catching up, or behind because Turso cannot be reached.
type ReplicationLine struct {
	Behind bool // the last attempt failed: the copy is falling behind
	Text   string
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
	PauseURL      string // pauses, or resumes when Paused
	EndURL        string
	TurnLengthMsg string

	// Ends names the turn Start next and Stop end (the request being sung,
	// or "none"), so a press from a page another device has overtaken
	// changes nothing.
	Ends string
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
}

// JoinPage is what a guest sees on scanning the QR code.
type JoinPage struct {
	Session SessionInfo
	Form    JoinForm
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
	Disabled  bool   // the session has ended
}

// GuestLive is the part of a guest's page that changes as the night goes
// on. Status and Mine are the guest's own; Now and Queue are the same for
// every guest, so a change renders them once for all.
type GuestLive struct {
	OOB    bool   // sent beside another fragment, to swap in by its id
	Notice string // a message for the guest, such as a limit that stopped them
	Status GuestStatus
	Now    *NowSinging
	Mine   []MyRequest
	Queue  GuestQueue
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
}

// GuestQueue is the queue as guests see it: the first few songs.
type GuestQueue struct {
	Items   []QueueItem
	More    int // songs waiting after Items
	Summary QueueSummary
}

// MyRequest is one of the guest's own waiting requests.
type MyRequest struct {
	QueueItem
	Place       string // "2nd in line"
	WithdrawURL string
}

// DisplayPage is the TV page.
type DisplayPage struct {
	Session SessionInfo
	Stream  string // the live stream's URL, "" once the session has ended
	Live    DisplayLive
}

// DisplayLive is the part of the TV page that changes.
type DisplayLive struct {
	Ended   bool
	Paused  bool
	Now     *NowSinging
	Next    []QueueItem
	Summary QueueSummary
}

// ErrorPage is a whole page that says something went wrong.
type ErrorPage struct {
	Status  int
	Title   string
	Message string
}

// EndConfirmPage asks the host to confirm ending the night.
type EndConfirmPage struct {
	SessionName string
	EndURL      string
	BackURL     string
}
