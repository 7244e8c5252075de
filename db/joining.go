package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// JoiningClosedMessage is what a device that is not yet a guest is told
// while the host has closed the night to new guests.
const JoiningClosedMessage = "The host has closed this night to new guests."

// SetJoiningLocked closes the session to new guests, or opens it again.
// Guests already in carry on as before.
// Errors: ENOTFOUND, ECONFLICT when the session has ended.
func (s *Store) SetJoiningLocked(ctx context.Context, sessionID int64, locked bool) error {
	return s.updateOpenSession(ctx, sessionID, ActionJoining, func(a *hostAction, _ Session) { a.aboutJoining(locked) },
		`UPDATE sessions SET joining_locked = ? WHERE id = ?`, locked, sessionID)
}

// RemoveGuestsJoinedSince removes, in one write, every guest who joined the
// session at or after since and is still in it, as RemoveGuest does (their
// waiting songs leave the queue, their phones cannot request again), and
// closes the session to new guests, so a flood cannot refill it. It returns
// how many guests it removed; repeating it removes only those who joined
// in between (none, since joining is closed).
// Errors: ENOTFOUND, ECONFLICT when the session has ended.
func (s *Store) RemoveGuestsJoinedSince(ctx context.Context, sessionID int64, since time.Time) (int, error) {
	var n int64
	err := s.inHostAction(ctx, sessionID, ActionRemoveGuest, func(tx *sql.Tx, a *hostAction) error {
		if _, err := openSession(ctx, tx, sessionID); err != nil {
			return err
		}
		now, from := s.nowMillis(), since.UnixMilli()
		// Walk-ups are the host's own additions, never a flood: they stay.
		const recent = `SELECT id FROM guests WHERE session_id = ? AND joined_at >= ? AND removed_at IS NULL AND added_by_host = 0`
		if err := a.aboutRecentRemoval(ctx, tx, recent, sessionID, from); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE requests SET status = 'removed', ended_at = ?
			WHERE status = 'waiting' AND guest_id IN (`+recent+`)`, now, sessionID, from); err != nil {
			return fmt.Errorf("remove recent guests' requests: %w", err)
		}
		res, err := tx.ExecContext(ctx, `UPDATE guests SET removed_at = ?
			WHERE session_id = ? AND joined_at >= ? AND removed_at IS NULL AND added_by_host = 0`, now, sessionID, from)
		if err != nil {
			return fmt.Errorf("remove recent guests: %w", err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE sessions SET joining_locked = 1 WHERE id = ?`, sessionID)
		return err
	})
	return int(n), err
}
