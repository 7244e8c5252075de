package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// readPlacement reads as much of the session's rotation as placing one
// request by the guest needs, for rotation.place to place it: the guest's
// next round, the round in progress, the last waiting request the new one
// may follow (the anchor: the last whose round is not later than its own)
// and the one after it, between which it goes. Each is an index look-up
// (the round is left out of the anchor's index with a unary +, so it walks
// the queue from its end, past only the songs of later rounds), where
// readRotation reads all of it (the Night does, and the forecast places on
// that: TestForecastProperty checks the two agree). Every song after the
// anchor is of a later round, so place puts the new one right after it,
// as it would on the whole queue.
func readPlacement(ctx context.Context, tx *sql.Tx, sessionID, guestID int64) (rotation, error) {
	var rot rotation
	var next int
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(m) + 1, 0), `+roundInProgress+` FROM (
			SELECT MAX(round) AS m FROM requests WHERE guest_id = ? AND status = 'waiting'
			UNION ALL SELECT MAX(round) FROM requests WHERE guest_id = ? AND status = 'singing'
			UNION ALL SELECT MAX(round) FROM requests WHERE guest_id = ? AND status = 'done'
			UNION ALL SELECT MAX(round) FROM requests WHERE guest_id = ? AND status = 'skipped')`,
		sessionID, sessionID, sessionID, sessionID, guestID, guestID, guestID, guestID).Scan(&next, &rot.cur)
	if err != nil {
		return rotation{}, fmt.Errorf("rotation rounds: %w", err)
	}
	rot.singers = rot.singers.with(guestID, rounds{next: next})
	round := max(next, rot.cur)
	// The request the new one follows, and the one after it (the first of
	// the queue when it follows none).
	var queue []entry
	anchor := slot{position: -1e308}
	err = tx.QueryRowContext(ctx, `SELECT id, position, round FROM requests
		WHERE session_id = ? AND status = 'waiting' AND +round <= ? ORDER BY position DESC, id DESC LIMIT 1`,
		sessionID, round).Scan(&anchor.id, &anchor.position, &anchor.round)
	switch {
	case err == nil:
		queue = append(queue, entry{slot: anchor})
	case !errors.Is(err, sql.ErrNoRows):
		return rotation{}, fmt.Errorf("rotation anchor: %w", err)
	}
	var after slot
	err = tx.QueryRowContext(ctx, `SELECT position, round FROM requests
		WHERE session_id = ? AND status = 'waiting' AND (position, id) > (?, ?) ORDER BY position, id LIMIT 1`,
		sessionID, anchor.position, anchor.id).Scan(&after.position, &after.round)
	switch {
	case err == nil:
		queue = append(queue, entry{slot: after})
	case !errors.Is(err, sql.ErrNoRows):
		return rotation{}, fmt.Errorf("rotation: the request after the anchor: %w", err)
	}
	rot.queue = newLine(queue)
	return rot, nil
}
