package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// StartNext ends the turn being sung (if any) and starts the first request
// in the queue. It returns the request now being sung, and false when the
// queue was empty, which leaves nobody singing.
// Errors: ENOTFOUND, ECONFLICT when the session has ended.
func (s *Store) StartNext(ctx context.Context, sessionID int64) (Request, bool, error) {
	var (
		started Request
		ok      bool
	)
	err := s.inSessionWrite(ctx, sessionID, func(tx *sql.Tx) error {
		if _, err := openSession(ctx, tx, sessionID); err != nil {
			return err
		}
		now := s.nowMillis()
		if _, err := tx.ExecContext(ctx, `UPDATE requests SET status = 'done', ended_at = ?
			WHERE session_id = ? AND status = 'singing'`, now, sessionID); err != nil {
			return fmt.Errorf("end turn: %w", err)
		}
		var id int64
		err := tx.QueryRowContext(ctx, `UPDATE requests SET status = 'singing', started_at = ?
			WHERE id = (SELECT id FROM requests WHERE session_id = ? AND status = 'waiting' ORDER BY position LIMIT 1)
			RETURNING id`, now, sessionID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("start turn: %w", err)
		}
		started, err = getRequest(ctx, tx, sessionID, id)
		ok = err == nil
		return err
	})
	return started, ok, err
}

// SkipRequest skips a waiting request or the turn being sung: the singer
// loses the song and their place, and the skip counts as their turn in the
// rotation.
// Errors: ENOTFOUND, ECONFLICT when the request is neither waiting nor being
// sung, or the session has ended.
func (s *Store) SkipRequest(ctx context.Context, sessionID, requestID int64) error {
	return s.endRequest(ctx, sessionID, requestID, StatusSkipped, StatusWaiting, StatusSinging)
}

// RemoveRequest takes a waiting request out of the queue on the host's word.
// Unlike a skip it does not count as a turn.
// Errors: ENOTFOUND, ECONFLICT when the request is not waiting or the session
// has ended.
func (s *Store) RemoveRequest(ctx context.Context, sessionID, requestID int64) error {
	return s.endRequest(ctx, sessionID, requestID, StatusRemoved, StatusWaiting)
}

func (s *Store) endRequest(ctx context.Context, sessionID, requestID int64, to string, from ...string) error {
	return s.inSessionWrite(ctx, sessionID, func(tx *sql.Tx) error {
		if _, err := openSession(ctx, tx, sessionID); err != nil {
			return err
		}
		r, err := getRequest(ctx, tx, sessionID, requestID)
		if err != nil {
			return err
		}
		allowed := false
		for _, f := range from {
			allowed = allowed || r.Status == f
		}
		if !allowed {
			return Errorf(ECONFLICT, "That song is no longer in the queue.")
		}
		if to == StatusRemoved {
			return leaveQueue(ctx, tx, r, to, s.nowMillis())
		}
		_, err = tx.ExecContext(ctx, `UPDATE requests SET status = ?, ended_at = ? WHERE id = ?`, to, s.nowMillis(), requestID)
		return err
	})
}
