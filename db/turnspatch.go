package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// The Night's patch of a host's Start next (turns.go): the turn being sung
// is done, the first song of a singer who is here leaves the queue and is
// sung. Start next is pressed once a song, so the Night after it must cost
// the same at any queue length, as a request's does (nightpatch.go).

// logged is what every host action's patch takes from the write as it
// ends: the log's latest rows, what Undo offers, and, for an action that
// started a turn, the night's turns measured again.
type logged struct {
	actions  []HostAction
	undo     UndoOffer
	measured bool
	turns    Night // its turn length and changeover, when measured
}

// readLogged reads logged once the action's log row is written; measure
// when the action started a turn (a turn stopped or a song skipped from
// the queue changes no figure measureTurns reads: only a turn done counts
// in the length, and a turn's changeover is its own start less the end
// before it). In remote mode every statement is a round trip, so none
// more than needed.
func readLogged(ctx context.Context, tx *sql.Tx, sessionID int64, measure bool) (logged, error) {
	l := logged{measured: measure}
	var err error
	if l.actions, l.undo, err = recentActions(ctx, tx, sessionID, RecentActions); err != nil {
		return logged{}, err
	}
	if !measure {
		return l, nil
	}
	l.turns.Session.ID = sessionID
	return l, measureTurns(ctx, tx, &l.turns)
}

// apply sets what l gives in n. The newest action is its guest's latest
// (guestNotices): nothing newer can answer them.
func (l logged) apply(n *Night) {
	n.Actions, n.Undo = l.actions, l.undo
	if l.measured {
		n.TurnLength, n.MeasuredAvg = l.turns.TurnLength, l.turns.MeasuredAvg
		n.Changeover, n.MeasuredChangeover = l.turns.Changeover, l.turns.MeasuredChangeover
	}
	if len(l.actions) > 0 && l.actions[0].GuestID != 0 {
		n.GuestNotices = maps.Clone(n.GuestNotices)
		if n.GuestNotices == nil {
			n.GuestNotices = map[int64]HostAction{}
		}
		n.GuestNotices[l.actions[0].GuestID] = l.actions[0]
	}
}

// withoutMoved is moved without the guest's standby song id (0: none),
// copied when it changes.
func withoutMoved(moved map[int64][]StandbySong, guest, id int64) map[int64][]StandbySong {
	if id == 0 {
		return moved
	}
	moved = maps.Clone(moved)
	left := slices.DeleteFunc(slices.Clone(moved[guest]), func(s StandbySong) bool { return s.ID == id })
	if len(left) == 0 {
		delete(moved, guest)
	} else {
		moved[guest] = left
	}
	return moved
}

// movedFrom is the standby song a waiting request moved in from; 0 for none.
func movedFrom(ctx context.Context, tx *sql.Tx, r Request) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM standby_songs WHERE guest_id = ? AND status = 'moved' AND request_id = ?`,
		r.GuestID, r.ID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("standby song moved in: %w", err)
	}
	return id, nil
}

// turnChange is what a Start next changed, as its write read it.
type turnChange struct {
	ended   int64    // the guest whose turn ended; 0 for none
	started *Request // the request now sung; nil when the queue had none
	// endedRounds and startedRounds are those singers' lines of
	// readRotation, read after the change.
	endedRounds, startedRounds singerRounds
	moved                      int64 // the standby song the started one moved from; 0 for none
	logged
}

// setRounds sets the guest's line of readRotation's singers, sharing the
// other singers' with the rotation it was copied from.
func (rot *rotation) setRounds(guest int64, s singerRounds) {
	rot.singers = rot.singers.with(guest, s.rounds)
}

// without is rot's queue without the waiting request r, found through the
// index by guest; the line is shared, so remove makes a new one, copying
// only the chunk it changes.
func (rot *rotation) without(r Request) {
	mine := rot.queue.songsOf(r.GuestID)
	if i := slices.IndexFunc(mine, func(i int) bool { return rot.queue.at(i).id == r.ID }); i >= 0 {
		rot.queue = rot.queue.remove(mine[i])
	}
}

// turnStarted is the patch of a Start next that made change.
func turnStarted(change turnChange) nightPatch {
	return func(n Night) Night {
		n.NowSinging = change.started
		change.logged.apply(&n)
		rot := n.rot
		if change.ended != 0 {
			rot.setRounds(change.ended, change.endedRounds)
		}
		if r := change.started; r != nil {
			rot.without(*r)
			rot.setRounds(r.GuestID, change.startedRounds)
			rot.lastStarted = max(rot.lastStarted, r.Round)
			n.Moved = withoutMoved(n.Moved, r.GuestID, change.moved)
		}
		rot.cur = roundOf(rot.queue, rot.lastStarted)
		n.rot = rot
		return n
	}
}

// startedPatch reads, at the end of Start next's write, what turnStarted
// needs beyond the requests: a few look-ups on the two singers' own rows,
// the log's latest rows and the night's measured turns, none of which
// walks the queue.
func startedPatch(ctx context.Context, tx *sql.Tx, sessionID int64, ended *Request, started *Request) (nightPatch, error) {
	change := turnChange{started: started}
	var err error
	if ended != nil {
		change.ended = ended.GuestID
		if change.endedRounds, err = readSingerRounds(ctx, tx, ended.GuestID); err != nil {
			return nil, fmt.Errorf("ended singer's rounds: %w", err)
		}
	}
	if started != nil {
		if change.startedRounds, err = readSingerRounds(ctx, tx, started.GuestID); err != nil {
			return nil, fmt.Errorf("started singer's rounds: %w", err)
		}
		if change.moved, err = movedFrom(ctx, tx, *started); err != nil {
			return nil, err
		}
	}
	if change.logged, err = readLogged(ctx, tx, sessionID, true); err != nil {
		return nil, err
	}
	return turnStarted(change), nil
}

// requestEnded is the patch of the host's Stop, Skip or Remove of r (as it
// was before) to the status to: a turn stopped leaves nobody singing; a
// waiting song skipped leaves the queue and counts as its singer's turn; a
// song removed leaves it as a withdrawn one does (requestWithdrawn).
func requestEnded(r Request, to string, moved int64, singer singerRounds, l logged) nightPatch {
	return func(n Night) Night {
		if to == StatusRemoved {
			n = requestWithdrawn(r, moved, singer, l.undo)(n)
			l.apply(&n)
			return n
		}
		l.apply(&n)
		rot := n.rot
		if r.Status == StatusSinging {
			n.NowSinging = nil
		} else {
			rot.without(r)
			rot.lastStarted = max(rot.lastStarted, r.Round)
			n.Moved = withoutMoved(n.Moved, r.GuestID, moved)
		}
		rot.setRounds(r.GuestID, singer)
		rot.cur = roundOf(rot.queue, rot.lastStarted)
		n.rot = rot
		return n
	}
}

// endedPatch reads, at the end of endRequest's write, what requestEnded
// needs beyond the request.
func endedPatch(ctx context.Context, tx *sql.Tx, r Request, to string) (nightPatch, error) {
	moved, err := movedFrom(ctx, tx, r)
	if err != nil {
		return nil, err
	}
	singer, err := readSingerRounds(ctx, tx, r.GuestID)
	if err != nil {
		return nil, fmt.Errorf("ended song's singer's rounds: %w", err)
	}
	l, err := readLogged(ctx, tx, r.SessionID, false)
	if err != nil {
		return nil, err
	}
	return requestEnded(r, to, moved, singer, l), nil
}
