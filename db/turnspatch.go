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

// turnChange is what a Start next changed, as its write read it.
type turnChange struct {
	ended   int64    // the guest whose turn ended; 0 for none
	started *Request // the request now sung; nil when the queue had none
	// endedRounds and startedRounds are those singers' lines of
	// readRotation, read after the change.
	endedRounds, startedRounds singerRounds
	moved                      int64 // the standby song the started one moved from; 0 for none
	actions                    []HostAction
	undo                       UndoOffer
	turns                      Night // its turn length and changeover, measured again
}

// turnStarted is the patch of a Start next that made change.
func turnStarted(change turnChange) nightPatch {
	return func(n Night) Night {
		n.NowSinging = change.started
		n.Actions, n.Undo = change.actions, change.undo
		n.TurnLength, n.MeasuredAvg = change.turns.TurnLength, change.turns.MeasuredAvg
		n.Changeover, n.MeasuredChangeover = change.turns.Changeover, change.turns.MeasuredChangeover
		// The line and the maps are shared by the Night given: remove
		// makes a new line, copying only the chunk it changes.
		rot := n.rot
		rot.next, rot.sung, rot.turns, rot.waiting = maps.Clone(rot.next), maps.Clone(rot.sung), maps.Clone(rot.turns), maps.Clone(rot.waiting)
		setRounds := func(guest int64, s singerRounds) {
			rot.next[guest], rot.sung[guest], rot.turns[guest], rot.waiting[guest] = s.next, s.sung, s.turns, s.waiting
		}
		if change.ended != 0 {
			setRounds(change.ended, change.endedRounds)
		}
		if r := change.started; r != nil {
			mine := rot.queue.songsOf(r.GuestID)
			if i := slices.IndexFunc(mine, func(i int) bool { return rot.queue.at(i).id == r.ID }); i >= 0 {
				rot.queue = rot.queue.remove(mine[i])
			}
			setRounds(r.GuestID, change.startedRounds)
			rot.lastStarted = max(rot.lastStarted, r.Round)
		}
		rot.cur = roundOf(rot.queue, rot.lastStarted)
		n.rot = rot
		if change.moved != 0 {
			g := change.started.GuestID
			n.Moved = maps.Clone(n.Moved)
			left := slices.DeleteFunc(slices.Clone(n.Moved[g]), func(s StandbySong) bool { return s.ID == change.moved })
			if len(left) == 0 {
				delete(n.Moved, g)
			} else {
				n.Moved[g] = left
			}
		}
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
		err = tx.QueryRowContext(ctx, `SELECT id FROM standby_songs WHERE guest_id = ? AND status = 'moved' AND request_id = ?`,
			started.GuestID, started.ID).Scan(&change.moved)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("started standby song: %w", err)
		}
	}
	if change.actions, change.undo, err = recentActions(ctx, tx, sessionID, RecentActions); err != nil {
		return nil, err
	}
	change.turns.Session.ID = sessionID
	if err := measureTurns(ctx, tx, &change.turns); err != nil {
		return nil, err
	}
	return turnStarted(change), nil
}
