package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// The queue is a rotation served in rounds: in each round every singer who
// is waiting sings once, in the order their requests reached that round.
// A singer's next request goes into the round after their last one, so it
// lands after every other waiting singer's next song; a singer who joins late
// (or comes back after a break) joins the round in progress, not round 0, so
// they cannot sing several songs in a row either.
//
// The round only decides where a new request is inserted. The order itself is
// kept as a stored position, so that a host's overrides (up, down, top, back)
// stick: later requests are placed around them, never re-sorted.

// positionGap spaces positions apart so inserting between two neighbours
// rarely needs any other row to move.
const positionGap = 1024.0

// placement is where a new request goes: its round and position, and the
// songs moved to make room for it (makeRoom), for the kept Night's patch.
type placement struct {
	round    int
	position float64
	moved    []respaced
}

// placeRequest places a new request by the guest as rotation.place does
// (forecast.go runs the same placement on the Night's rotation without
// writing), making room for it when its neighbours are too close.
func placeRequest(ctx context.Context, tx *sql.Tx, sessionID, guestID int64) (placement, error) {
	rot, err := readPlacement(ctx, tx, sessionID, guestID)
	if err != nil {
		return placement{}, err
	}
	round, index := rot.place(guestID)
	if position, ok := rot.position(index); ok {
		return placement{round: round, position: position}, nil
	}
	// Only a request between two songs can find no room: index is past
	// the first of readPlacement's two.
	position, moved, err := makeRoom(ctx, tx, sessionID, rot.queue.at(index-1).slot)
	return placement{round: round, position: position, moved: moved}, err
}

// Move is a host override of a request's place in the queue.
type Move string

// The moves a host can make.
const (
	MoveUp   Move = "up"   // swap with the request before it
	MoveDown Move = "down" // swap with the request after it
	MoveTop  Move = "top"  // first in the queue
	MoveBack Move = "back" // last in the queue (send to back)
)

// MoveRequest moves a waiting request in the queue. Moving the first request
// up, or the last one down, does nothing.
// Errors: ENOTFOUND, ECONFLICT when the request is not waiting or the session
// has ended, EINVALID for an unknown move.
func (s *Store) MoveRequest(ctx context.Context, sessionID, requestID int64, move Move) error {
	return s.inHostAction(ctx, sessionID, ActionMove, func(tx *sql.Tx, a *hostAction) error {
		pos, err := waitingPosition(ctx, tx, sessionID, requestID)
		if err != nil {
			return err
		}
		var query string
		switch move {
		case MoveUp:
			query = `SELECT id, position FROM requests WHERE session_id = ? AND status = 'waiting' AND position < ? ORDER BY position DESC LIMIT 1`
		case MoveDown:
			query = `SELECT id, position FROM requests WHERE session_id = ? AND status = 'waiting' AND position > ? ORDER BY position ASC LIMIT 1`
		// GROUP BY the one session: no row at all when none is ahead
		// (behind). A bare HAVING would say the same, but a libSQL server
		// (remote mode) reads every statement with a parser that refuses it.
		case MoveTop:
			query = `SELECT 0, MIN(position) - ? FROM requests WHERE session_id = ? AND status = 'waiting' AND position < ? GROUP BY session_id`
		case MoveBack:
			query = `SELECT 0, MAX(position) + ? FROM requests WHERE session_id = ? AND status = 'waiting' AND position > ? GROUP BY session_id`
		default:
			return Errorf(EINVALID, "Unknown move %q.", move)
		}
		args := []any{sessionID, pos}
		if move == MoveTop || move == MoveBack {
			args = append([]any{positionGap}, args...)
		}
		var otherID int64
		var otherPos float64
		err = tx.QueryRowContext(ctx, query, args...).Scan(&otherID, &otherPos)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // already at that end
		}
		if err != nil {
			return fmt.Errorf("move request: %w", err)
		}
		if err := a.aboutMove(ctx, tx, sessionID, requestID, otherID, move); err != nil {
			return err
		}
		if otherID != 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE requests SET position = ? WHERE id = ?`, pos, otherID); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE requests SET position = ? WHERE id = ?`, otherPos, requestID)
		return err
	})
}

// waitingPosition returns the queue position of a waiting request of an open session.
func waitingPosition(ctx context.Context, tx *sql.Tx, sessionID, requestID int64) (float64, error) {
	if _, err := openSession(ctx, tx, sessionID); err != nil {
		return 0, err
	}
	var (
		pos    float64
		status string
	)
	err := tx.QueryRowContext(ctx, `SELECT position, status FROM requests WHERE id = ? AND session_id = ?`, requestID, sessionID).Scan(&pos, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, Errorf(ENOTFOUND, "That request is not in this session.")
	}
	if err != nil {
		return 0, err
	}
	if status != StatusWaiting {
		return 0, Errorf(ECONFLICT, "That song is no longer waiting in the queue.")
	}
	return pos, nil
}
