package db

import (
	"fmt"
	"time"
)

// Session is one karaoke night: a host runs it, guests join it by its code.
type Session struct {
	ID             int64
	Name           string
	Code           string // the join code, unique among open sessions
	SingerCap      int    // most requests one singer may have waiting
	RequestsPaused bool
	// JoiningLocked: the host closed the night to new guests; those already
	// in carry on.
	JoiningLocked bool
	CreatedAt     time.Time
	EndedAt       time.Time // zero while the session is open
	// Version goes up by one with every write to the session, so two reads
	// with the same version saw the same night.
	Version int64
	// JoinToken is the long random token of the session's join link (the
	// QR code): unlike the code, no one can find it by trying. Empty only
	// in a read-only database made before tokens.
	JoinToken string
	// ShowNotes shows the singing request's note on the TV: the host's choice.
	ShowNotes bool
	// SongbookID is the night's songbook, 0 for none. A removed songbook is
	// unlinked in the same write that retires it, so a non-zero id always
	// names a complete one.
	SongbookID int64
	// Approval holds guests' new requests for the host's OK (approval.go).
	Approval bool
	// TimeZone is the venue's IANA time zone; "" is the server's (see Zone).
	TimeZone string
	// ClosingAt is the last moment a song may start; zero for no closing time.
	ClosingAt time.Time
	// SongbookOnly: the host takes requests from the songbook alone, while
	// the night has one (SongbookID); a song typed in is refused.
	SongbookOnly bool
	// HoldMinutes is the longest a guest's hold on their place lasts (holds.go).
	HoldMinutes int
	// Language is the night's language, a BCP 47 tag ("en", "es"): the TV's,
	// the push notifications' and the history export's.
	Language string
}

// TypedRequests reports whether guests may type a song in: always, unless
// the host takes requests from the night's songbook only.
func (s Session) TypedRequests() bool { return !s.SongbookOnly || s.SongbookID == 0 }

// Open reports whether the session still takes guests and requests.
func (s Session) Open() bool { return s.EndedAt.IsZero() }

// Guest is a person who joined a session from a device, as a singer.
type Guest struct {
	ID        int64
	SessionID int64
	Name      string
	// Ordinal tells apart guests of one session who gave the same name:
	// the first John is 1, the second 2.
	Ordinal  int
	JoinedAt time.Time
	// RemovedAt is when the host removed the guest from the session; zero
	// for a guest in good standing.
	RemovedAt time.Time
	// AddedByHost marks a walk-up singer: the host added them, they have
	// no phone (walkups.go).
	AddedByHost bool
}

// Removed reports whether the host removed the guest from the session.
func (g Guest) Removed() bool { return !g.RemovedAt.IsZero() }

// DisplayName is the name as others see it: "John", or "John (2)" for the
// second John of the night.
func (g Guest) DisplayName() string { return displayName(g.Name, g.Ordinal) }

func displayName(name string, ordinal int) string {
	if ordinal <= 1 {
		return name
	}
	return fmt.Sprintf("%s (%d)", name, ordinal)
}

// Request statuses. A request waits in the queue, is sung (its turn), and
// ends done; or it ends skipped, withdrawn by its guest, or removed by the host.
const (
	StatusWaiting   = "waiting"
	StatusSinging   = "singing"
	StatusDone      = "done"
	StatusSkipped   = "skipped"
	StatusWithdrawn = "withdrawn"
	StatusRemoved   = "removed"
)

// Request is a song a guest asked to sing.
type Request struct {
	ID        int64
	SessionID int64
	GuestID   int64
	Singer    string // the guest's display name
	Title     string
	Artist    string
	Note      string
	Status    string
	Round     int // the rotation round it was placed in
	CreatedAt time.Time
	StartedAt time.Time // zero until its turn starts
	EndedAt   time.Time // zero until its turn (or its wait) ends
	// AddedByHost: the singer is a walk-up the host added (walkups.go).
	AddedByHost bool
}
