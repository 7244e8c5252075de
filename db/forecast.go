package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// The forecast: where a guest's request would land if made now. It is the
// rotation's own placement (rotation.place), which CreateRequest runs on a
// rotation read inside its write, run here on the rotation the Night read
// with its queue: the same code on the same rows, so what a guest is told
// is where the song goes.

// rotation is what placing a request reads: the waiting requests' rounds
// in queue order and each singer's rounds so far.
type rotation struct {
	// queue is the waiting songs in queue order: the Night's own line.
	queue *line
	// singers is, by guest, their rounds (singers.go).
	singers singers
	// lastStarted is the latest round a turn was started (or skipped) in.
	lastStarted int
	// cur is the round in progress (see current).
	cur int
}

// slot is a waiting request as placement sees it.
type slot struct {
	id, guest int64
	position  float64
	round     int
	held      bool // its singer is on hold (holds.go)
}

// readRotation reads the session's rotation, its queue the waiting
// requests, in their order, with each one's slot.
func readRotation(ctx context.Context, q sqlitedb.Querier, sessionID int64) (rotation, error) {
	var rot rotation
	queue, err := sqlitedb.Collect(ctx, q, func(row sqlitedb.Scanner) (entry, error) {
		var e entry
		err := scanRequestInto(row, &e.req, &e.position, &e.held)
		e.slot.id, e.slot.guest, e.slot.round = e.req.ID, e.req.GuestID, e.req.Round
		return e, err
	}, `SELECT `+requestColumns+`, r.position, g.hold_since IS NOT NULL
		FROM requests r JOIN guests g ON g.id = r.guest_id
		WHERE r.session_id = ? AND r.status = 'waiting' ORDER BY r.position, r.id`, sessionID)
	if err != nil {
		return rotation{}, fmt.Errorf("rotation queue: %w", err)
	}
	rot.queue = newLine(queue)
	type singer struct{ guest, next, sung, turns, waiting, started int64 }
	singers, err := sqlitedb.Collect(ctx, q, func(row sqlitedb.Scanner) (singer, error) {
		var s singer
		return s, row.Scan(&s.guest, &s.next, &s.sung, &s.turns, &s.waiting, &s.started)
	}, `SELECT guest_id, MAX(round) + 1, SUM(status = 'done'), SUM(status <> 'waiting'), SUM(status = 'waiting'), COALESCE(MAX(CASE WHEN status <> 'waiting' THEN round END), 0)
		FROM requests WHERE session_id = ? AND status IN ('waiting', 'singing', 'done', 'skipped') GROUP BY guest_id`, sessionID)
	if err != nil {
		return rotation{}, fmt.Errorf("rotation singers: %w", err)
	}
	all := make(map[int64]rounds, len(singers))
	for _, s := range singers {
		all[s.guest] = rounds{next: int(s.next), sung: int(s.sung), turns: int(s.turns), waiting: int(s.waiting)}
		rot.lastStarted = max(rot.lastStarted, int(s.started))
	}
	rot.singers = newSingers(all)
	rot.cur = roundOf(rot.queue, rot.lastStarted)
	return rot, nil
}

// roundOf is the round in progress of a queue: the earliest one still
// waiting among singers who are here, or else the one last started. Songs
// on hold are left out: their singer stepped out of the round, which goes
// on without them (holds.go). roundInProgress is the same in SQL.
func roundOf(queue *line, lastStarted int) int {
	round, any := 0, false
	for _, e := range queue.all() {
		if !e.held && (!any || e.round < round) {
			round, any = e.round, true
		}
	}
	if !any {
		return lastStarted
	}
	return round
}

// current is the round in progress, as read with the rotation.
func (rot rotation) current() int { return rot.cur }

// place returns the round of a new request by the guest and its index in
// the queue: after the last waiting request whose round is not later than
// the new one's, and before the next. A guest's next request goes in the
// round after their last one, but never before the round in progress, so a
// late joiner joins it rather than round 0.
func (rot rotation) place(guestID int64) (round, index int) {
	mine, _ := rot.singers.of(guestID)
	round = max(mine.next, rot.current())
	for i := rot.queue.len() - 1; i >= 0; i-- {
		if rot.queue.at(i).round <= round {
			return round, i + 1
		}
	}
	return round, 0
}

// position is a queue position for a request inserted at index: between
// its neighbours' positions, and false when they are too close for a
// number to fit between them.
func (rot rotation) position(index int) (float64, bool) {
	switch {
	case rot.queue.len() == 0:
		return positionGap, true
	case index == 0:
		return rot.queue.at(0).position - positionGap, true
	case index == rot.queue.len():
		return rot.queue.at(index-1).position + positionGap, true
	}
	prev, next := rot.queue.at(index-1).position, rot.queue.at(index).position
	mid := prev + (next-prev)/2
	return mid, mid > prev && mid < next
}

// Forecast is where a request the guest made now would land, or why it
// would be refused.
type Forecast struct {
	// Refused says why a request made now would be refused ("" when it
	// would not); the other fields are then zero.
	Refused string
	// Why is Refused as an Error, for a page to say in its reader's
	// language (its Format and Args); nil when Refused is "".
	Why   *Error
	Place Place // its place in the queue and the wait until it starts
	Round int   // the rotation round it goes in (0 is the first)
	// Held: in approval mode the request waits for the host's OK, and its
	// place is as of an OK given now.
	Held bool
}

// Forecast dry-runs a request by the guest now: the place the rotation
// would give it, refused as CreateRequest would refuse it for the night's
// state (ended, paused, the singer's cap, the closing time). What depends
// on the song (a duplicate, songbook only) is not known before it is chosen.
// A hold that has run out by now is ended first, as the request's write
// would end it (rotationAt), even when no write has ended it yet; the wait
// leaves out the songs Start next passes over (placeAfter).
func (n Night) Forecast(guestID int64, now time.Time) Forecast {
	s := n.Session
	if !s.Open() {
		return refusedForecast("This session has ended.")
	}
	if s.RequestsPaused {
		return refusedForecast("The host has paused requests for now.")
	}
	waiting := n.rot.queue.waiting(guestID)
	for _, h := range n.Pending {
		if h.GuestID == guestID {
			waiting++
		}
	}
	if waiting >= s.SingerCap {
		return refusedForecast("You have %d %s waiting, the most allowed.", waiting, plural(waiting, "song", "songs"))
	}
	rot := n.rotationAt(now)
	round, i := rot.place(guestID)
	passed := 0
	if len(n.Holds) > 0 {
		for j, s := range rot.queue.all() {
			if j >= i {
				break
			}
			if passedOver(s.held, s.guest, guestID) {
				passed++
			}
		}
	}
	place := n.placeAfter(i, passed)
	if n.StartsAfterClosing(place, now) {
		return refusedForecast("No more songs fit before closing at %s.", s.ClosingClock())
	}
	return Forecast{Place: place, Round: round, Held: s.Approval}
}

// Sung is how many songs the guest has sung tonight.
func (n Night) Sung(guestID int64) int { r, _ := n.rot.singers.of(guestID); return r.sung }

// HadTurn reports whether the guest has had a turn tonight: sung, being
// sung or skipped.
func (n Night) HadTurn(guestID int64) bool { r, _ := n.rot.singers.of(guestID); return r.turns > 0 }

// Waits reports whether the guest has a song in the queue, without
// walking it.
func (n Night) Waits(guestID int64) bool { r, _ := n.rot.singers.of(guestID); return r.waiting > 0 }

// Round is the rotation round in progress (0 is the first).
func (n Night) Round() int { return n.rot.current() }

// loadRotation sets n's rotation, read in the transaction that read its queue.
func loadRotation(ctx context.Context, tx *sql.Tx, n *Night) (err error) {
	n.rot, err = readRotation(ctx, tx, n.Session.ID)
	return err
}

// refusedForecast is the forecast of a request that would be refused, and
// why.
func refusedForecast(format string, args ...any) Forecast {
	why := Errorf(ECONFLICT, format, args...)
	return Forecast{Refused: why.Message, Why: why}
}
