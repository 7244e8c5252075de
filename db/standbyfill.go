package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// Standby promotion. A guest below the cap (their waiting songs and those
// held for the host's OK) with songs on their standby list gets their first
// one into the queue, placed by the rotation as a new request made at that
// moment (queueRequest's placement), or held for the host's OK in approval
// mode. Rather than each write that can make room (a turn started, a skip,
// a withdrawal, a removal, a decline, a raised cap, requests resumed, an
// undo) remembering to do it, every session write ends with fillSession in
// its own transaction (inSessionWrite; inHostAction first, so the log
// records it), so no write can leave a guest below the cap with a song on
// standby, and no later write can find the slot free: it is taken in the
// write that freed it. A song stays on standby while the night is paused
// or has ended, the guest was removed, or it would start after closing.

// fillSession promotes standby songs for every guest of the session below
// the cap. a, when not nil, is the host action the write is: it records the
// standby rows changed, so that the action's undo is refused (undo.go).
// It returns false when it cannot have changed anything: no guest of an
// open, unpaused night has a song on standby.
func (s *Store) fillSession(ctx context.Context, tx *sql.Tx, sessionID int64, a *hostAction) (mayHaveMoved bool, err error) {
	guests, err := sqlitedb.Column[int64](ctx, tx, `SELECT DISTINCT s.guest_id FROM standby_songs s
		JOIN sessions x ON x.id = s.session_id
		WHERE s.session_id = ? AND s.status = 'standby' AND x.ended_at IS NULL AND x.requests_paused = 0`, sessionID)
	if err != nil || len(guests) == 0 {
		return false, err
	}
	sess, err := getSession(ctx, tx, sessionID)
	if err != nil {
		return false, err
	}
	for _, g := range guests {
		if err := s.fillGuest(ctx, tx, sess, g, a); err != nil {
			return true, err
		}
	}
	return true, nil
}

// fillGuest moves the guest's first standby songs into the queue while the
// guest is below the cap.
func (s *Store) fillGuest(ctx context.Context, tx *sql.Tx, sess Session, guestID int64, a *hostAction) error {
	if !sess.Open() || sess.RequestsPaused {
		return nil
	}
	for {
		var waiting int
		var removed sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT
				(SELECT COUNT(*) FROM requests WHERE guest_id = ? AND status = 'waiting') +
				(SELECT COUNT(*) FROM held_requests WHERE guest_id = ? AND status = 'pending'),
				(SELECT removed_at FROM guests WHERE id = ?)`, guestID, guestID, guestID).Scan(&waiting, &removed); err != nil {
			return fmt.Errorf("standby: songs waiting: %w", err)
		}
		if removed.Valid || waiting >= sess.SingerCap {
			return nil
		}
		var (
			id   int64
			in   = NewRequest{SessionID: sess.ID, GuestID: guestID}
			song sql.NullInt64
		)
		err := tx.QueryRowContext(ctx, `SELECT id, title, artist, note, song_id FROM standby_songs
			WHERE guest_id = ? AND status = 'standby' ORDER BY position LIMIT 1`, guestID).Scan(&id, &in.Title, &in.Artist, &in.Note, &song)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("standby: first song: %w", err)
		}
		in.SongID = song.Int64
		moved, err := s.promote(ctx, tx, sess, id, in, a)
		if err != nil || !moved {
			return err
		}
	}
}

// fillRecorded is fillSession for a write that logs itself (an undo): it
// returns the standby rows it changed, before and after.
func (s *Store) fillRecorded(ctx context.Context, tx *sql.Tx, sessionID int64) ([]rowChange, error) {
	a := &hostAction{ctx: ctx, tx: tx}
	if _, err := s.fillSession(ctx, tx, sessionID, a); err != nil {
		return nil, err
	}
	if a.err != nil {
		return nil, a.err
	}
	for i := range a.rows {
		after, err := trackedRow(ctx, tx, a.rows[i].Table, a.rows[i].ID)
		if err != nil {
			return nil, err
		}
		a.rows[i].After = after
	}
	return a.rows, nil
}

// promote moves one standby song into the queue (or to the host for their
// OK), unless it would start after closing, when it stays (false).
func (s *Store) promote(ctx context.Context, tx *sql.Tx, sess Session, standbyID int64, in NewRequest, a *hostAction) (bool, error) {
	place, err := placeRequest(ctx, tx, sess.ID, in.GuestID)
	if err != nil {
		return false, err
	}
	if err := checkClosing(ctx, tx, sess, in.GuestID, place.position, s.Now()); err != nil {
		if ErrorCode(err) == ECONFLICT {
			return false, nil
		}
		return false, err
	}
	if a != nil {
		a.touch("standby_songs", standbyID)
	}
	now := s.nowMillis()
	column := "request_id"
	var req Request
	if sess.Approval {
		column = "held_id"
		req, err = holdRequest(ctx, tx, in, now)
	} else {
		req, err = insertRequest(ctx, tx, in, place.round, place.position, now)
	}
	if err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE standby_songs SET status = 'moved', moved_at = ?, `+column+` = ? WHERE id = ?`,
		now, req.ID, standbyID); err != nil {
		return false, fmt.Errorf("standby song moved: %w", err)
	}
	return true, nil
}

// standbyMoved refuses the undo of an action that moved a standby song
// into the queue: the room it made is taken, and putting its rows back
// would leave the guest over the cap.
func standbyMoved(ctx context.Context, q sqlitedb.Querier, a HostAction) error {
	for _, c := range a.changes {
		if c.Table != "standby_songs" || string(c.After["status"]) != `"moved"` {
			continue
		}
		var singer, title string
		var ordinal int
		if err := q.QueryRowContext(ctx, `SELECT g.name, g.name_ordinal, s.title FROM standby_songs s JOIN guests g ON g.id = s.guest_id
			WHERE s.id = ?`, c.ID).Scan(&singer, &ordinal, &title); err != nil {
			return fmt.Errorf("standby song %d: %w", c.ID, err)
		}
		return Errorf(ECONFLICT, "Can't undo: %s's “%s” moved from their standby list into the place it made.", displayName(singer, ordinal), title)
	}
	return nil
}
