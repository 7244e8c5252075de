package db

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
)

// A write that knows exactly how it changed the Night says so (a
// nightPatch, applied by nightCache.patch), so the Night after it is the
// one before with that change, not the whole night read again: a guest's
// request, the commonest write of a night, then costs the same whatever the
// queue's length, and so does the answer showing it. What the patch gives
// must be what loadNight would read (TestPatchedNightIsTheNightRead).

// requestQueued is the patch of a request put in the queue where place
// says (CreateRequest outside approval mode): the songs moved to make room
// for it take their new positions, the request joins the queue and the
// rotation in their order (position, then id), and its singer's next
// round follows it.
func requestQueued(req Request, place placement) nightPatch {
	return func(n Night) Night {
		s := slot{id: req.ID, guest: req.GuestID, position: place.position, round: req.Round, held: n.OnHold(req.GuestID)}
		// The line is shared by the Night given: respace and insert make
		// new ones, copying only the chunks they change.
		rot := n.rot
		rot.queue = rot.queue.respace(place.moved)
		rot.queue = rot.queue.insert(rot.queue.search(lineKey{place.position, req.ID}), entry{slot: s, req: req})
		// readRotation lists every singer with a request, sung or not.
		mine, _ := rot.singers.of(req.GuestID)
		mine.next, mine.waiting = max(mine.next, req.Round+1), mine.waiting+1
		rot.singers = rot.singers.with(req.GuestID, mine)
		if !s.held && (rot.cur > s.round || onlyHeld(n.rot.queue)) {
			rot.cur = s.round
		}
		n.rot = rot
		return n
	}
}

// onlyHeld reports whether every waiting song is of a singer on hold (or
// none waits), when the round in progress is the one last started (roundOf).
func onlyHeld(queue *line) bool {
	for _, e := range queue.all() {
		if !e.held {
			return false
		}
	}
	return true
}

// singerRounds is a singer's line of readRotation's singers, as a write
// reads it after changing their requests; none when they have no request
// the rotation counts.
type singerRounds struct {
	none bool
	rounds
}

// readSingerRounds reads one singer's singerRounds.
func readSingerRounds(ctx context.Context, tx *sql.Tx, guestID int64) (singerRounds, error) {
	var s singerRounds
	var count int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(round) + 1, 0), COALESCE(SUM(status = 'done'), 0), COALESCE(SUM(status <> 'waiting'), 0),
			COALESCE(SUM(status = 'waiting'), 0)
		FROM requests WHERE guest_id = ? AND status IN ('waiting', 'singing', 'done', 'skipped')`, guestID).Scan(&count, &s.next, &s.sung, &s.turns, &s.waiting)
	s.none = count == 0
	return s, err
}

// requestWithdrawn is the patch of a waiting request r that left the queue
// without a turn (WithdrawRequest, leaveQueue): it leaves the queue and the
// rotation, its singer's later songs each move up a round, the standby
// song it was moved from (moved; 0 for none) no longer shows as moved, and
// the singer's rounds and the Undo offer are those the write read after it.
func requestWithdrawn(r Request, moved int64, singer singerRounds, undo UndoOffer) nightPatch {
	return func(n Night) Night {
		n.Undo = undo
		// The line is shared by the Night given: remove and edit make new
		// ones, copying only the chunks they change.
		rot := n.rot
		mine := rot.queue.songsOf(r.GuestID)
		// The round in progress is the least round of a song not on hold:
		// a song of a later round, or on hold, leaves it as it was (the
		// singer's later songs, a round earlier each, are still later).
		same := false
		if i := slices.IndexFunc(mine, func(i int) bool { return rot.queue.at(i).id == r.ID }); i >= 0 {
			gone := rot.queue.at(mine[i])
			same = gone.held || gone.round > n.rot.cur
			rot.queue = rot.queue.remove(mine[i])
			mine = slices.Delete(mine, i, i+1)
			for j := i; j < len(mine); j++ {
				mine[j]-- // after the one removed
			}
		}
		later := slices.DeleteFunc(mine, func(i int) bool { return rot.queue.at(i).round <= r.Round })
		rot.queue = rot.queue.edit(later, func(e *entry) { e.round--; e.req.Round-- })
		if singer.none {
			rot.singers = rot.singers.without(r.GuestID)
		} else {
			rot.singers = rot.singers.with(r.GuestID, singer.rounds)
		}
		if !same {
			rot.cur = roundOf(rot.queue, rot.lastStarted)
		}
		n.rot = rot
		n.Moved = withoutMoved(n.Moved, r.GuestID, moved)
		return n
	}
}

// withdrawnPatch reads, after leaveQueue, what requestWithdrawn needs
// beyond the request: the standby song it was moved from and its singer's
// rounds, two look-ups on the singer's own rows.
func withdrawnPatch(ctx context.Context, tx *sql.Tx, r Request) (nightPatch, error) {
	moved, err := movedFrom(ctx, tx, r)
	if err != nil {
		return nil, err
	}
	singer, err := readSingerRounds(ctx, tx, r.GuestID)
	if err != nil {
		return nil, fmt.Errorf("withdrawn singer's rounds: %w", err)
	}
	// The host's latest action may have moved this song: Undo now says it
	// cannot.
	undo, err := undoOffer(ctx, tx, r.SessionID)
	if err != nil {
		return nil, err
	}
	return requestWithdrawn(r, moved, singer, undo), nil
}
