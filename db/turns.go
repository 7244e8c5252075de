package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// NoTurn is what StartNext is told ends when the host saw nobody singing.
const NoTurn int64 = 0

// StartNext ends the turn being sung and starts the first request in the
// queue of a singer who is here: songs on hold are passed over (holds.go). ends is the request the host saw singing (NoTurn for nobody): when
// the night has moved on since (another host device pressed first), nothing
// changes and the error says what happened, so two presses at once advance
// one singer, never two. It returns the request now being sung, and false
// when the queue was empty, which leaves nobody singing.
// Errors: ENOTFOUND; ECONFLICT when the session has ended or the turn being
// sung is not ends.
func (s *Store) StartNext(ctx context.Context, sessionID, ends int64) (Request, bool, error) {
	var (
		started Request
		ok      bool
	)
	err := s.inHostAction(ctx, sessionID, ActionNext, func(tx *sql.Tx, a *hostAction) error {
		started, ok = Request{}, false // run again after its group failed
		if _, err := openSession(ctx, tx, sessionID); err != nil {
			return err
		}
		if err := checkSinging(ctx, tx, sessionID, ends); err != nil {
			return err
		}
		if err := a.aboutNext(ctx, tx, sessionID, ends); err != nil {
			return err
		}
		var ended *Request
		if ends != NoTurn {
			r, err := getRequest(ctx, tx, sessionID, ends)
			if err != nil {
				return err
			}
			ended = &r
		}
		now := s.nowMillis()
		if _, err := tx.ExecContext(ctx, `UPDATE requests SET status = 'done', ended_at = ?
			WHERE session_id = ? AND status = 'singing'`, now, sessionID); err != nil {
			return fmt.Errorf("end turn: %w", err)
		}
		var id int64
		err := tx.QueryRowContext(ctx, `UPDATE requests SET status = 'singing', started_at = ?
			WHERE id = (`+nextHereQuery+`)
			RETURNING id`, now, sessionID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			a.patchWith(func(ctx context.Context, tx *sql.Tx) (nightPatch, error) {
				return startedPatch(ctx, tx, sessionID, ended, nil)
			})
			return nil
		}
		if err != nil {
			return fmt.Errorf("start turn: %w", err)
		}
		if started, err = getRequest(ctx, tx, sessionID, id); err != nil {
			return err
		}
		ok = true
		sung := started // the Night's own copy: the caller may change started
		a.patchWith(func(ctx context.Context, tx *sql.Tx) (nightPatch, error) {
			return startedPatch(ctx, tx, sessionID, ended, &sung)
		})
		return nil
	})
	return started, ok, err
}

// checkSinging returns an ECONFLICT error saying what happened when the
// turn being sung is not ends (NoTurn: nobody).
func checkSinging(ctx context.Context, tx *sql.Tx, sessionID, ends int64) error {
	var singing Request
	err := tx.QueryRowContext(ctx, `SELECT id FROM requests WHERE session_id = ? AND status = 'singing'`, sessionID).Scan(&singing.ID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		singing.ID = NoTurn
	case err != nil:
		return fmt.Errorf("turn being sung: %w", err)
	}
	if singing.ID == ends {
		return nil
	}
	if singing.ID != NoTurn {
		if singing, err = getRequest(ctx, tx, sessionID, singing.ID); err != nil {
			return err
		}
		return Errorf(ECONFLICT, "%s's turn had already started on another device.", singing.Singer)
	}
	ended, err := getRequest(ctx, tx, sessionID, ends)
	if ErrorCode(err) == ENOTFOUND {
		return Errorf(ECONFLICT, "Nobody is singing now: that turn had already ended on another device.")
	}
	if err != nil {
		return err
	}
	return Errorf(ECONFLICT, "%s's turn had already ended on another device.", ended.Singer)
}

// SkipRequest skips a request the host saw in the state was: waiting (from
// the queue) or singing (the turn being sung, stopped). The singer loses the
// song and their place, and the skip counts as their turn in the rotation.
// Errors: ENOTFOUND; EINVALID when was is neither; ECONFLICT when the
// request is no longer in the state was (another device started, skipped or
// removed it; it was sung or withdrawn), or the session has ended.
func (s *Store) SkipRequest(ctx context.Context, sessionID, requestID int64, was string) error {
	if was != StatusWaiting && was != StatusSinging {
		return Errorf(EINVALID, "Only a waiting song or the song being sung can be skipped.")
	}
	return s.endRequest(ctx, sessionID, requestID, was, StatusSkipped)
}

// RemoveRequest takes a waiting request out of the queue on the host's word.
// Unlike a skip it does not count as a turn.
// Errors: ENOTFOUND, ECONFLICT when the request is no longer waiting or the
// session has ended.
func (s *Store) RemoveRequest(ctx context.Context, sessionID, requestID int64) error {
	return s.endRequest(ctx, sessionID, requestID, StatusWaiting, StatusRemoved)
}

// endRequest moves a request from the state was, checked inside the write,
// to the state to.
func (s *Store) endRequest(ctx context.Context, sessionID, requestID int64, was, to string) error {
	return s.inHostAction(ctx, sessionID, endKind(was, to), func(tx *sql.Tx, a *hostAction) error {
		if _, err := openSession(ctx, tx, sessionID); err != nil {
			return err
		}
		r, err := getRequest(ctx, tx, sessionID, requestID)
		if err != nil {
			return err
		}
		if r.Status != was {
			return Errorf(ECONFLICT, "%s", movedOn(r))
		}
		if err := a.aboutEnd(ctx, tx, r, to); err != nil {
			return err
		}
		a.patchWith(func(ctx context.Context, tx *sql.Tx) (nightPatch, error) { return endedPatch(ctx, tx, r, to) })
		if to == StatusRemoved {
			return leaveQueue(ctx, tx, r, to, s.nowMillis())
		}
		_, err = tx.ExecContext(ctx, `UPDATE requests SET status = ?, ended_at = ? WHERE id = ?`, to, s.nowMillis(), requestID)
		return err
	})
}

// movedOn says, for a host whose page is behind, where a request is now.
func movedOn(r Request) string {
	song := fmt.Sprintf("%s's “%s”", r.Singer, r.Title)
	switch r.Status {
	case StatusWaiting:
		return song + " is still waiting: it has not started."
	case StatusSinging:
		return song + " had already started on another device."
	case StatusDone:
		return song + " has already been sung."
	case StatusSkipped:
		return song + " had already been skipped."
	case StatusWithdrawn:
		return fmt.Sprintf("%s had already withdrawn “%s”.", r.Singer, r.Title)
	default:
		return song + " had already been removed."
	}
}
