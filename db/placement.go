package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// readPlacement reads as much of the session's rotation as placing one
// request by the guest needs, for rotation.place to place it: the guest's
// next round, the round in progress, and the queue from the last waiting
// request the new one may follow (the last whose round is not later than
// its own) to the end. Each is an index look-up (the round is left out
// of the anchor's index with a unary +, so it walks the queue from its end), so a request costs the
// same however long the queue, where readRotation reads all of it (the
// Night does, and the forecast places on that: TestForecastProperty checks
// the two agree).
func readPlacement(ctx context.Context, tx *sql.Tx, sessionID, guestID int64) (rotation, error) {
	rot := rotation{next: map[int64]int{}}
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
	rot.next[guestID] = next
	round := max(next, rot.cur)
	// The queue from the request the new one follows: positions from it on
	// (the whole queue when it follows none).
	from := -1e308
	err = tx.QueryRowContext(ctx, `SELECT position FROM requests
		WHERE session_id = ? AND status = 'waiting' AND +round <= ? ORDER BY position DESC, id DESC LIMIT 1`,
		sessionID, round).Scan(&from)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return rotation{}, fmt.Errorf("rotation anchor: %w", err)
	}
	rot.queue, err = sqlitedb.Collect(ctx, tx, func(row sqlitedb.Scanner) (slot, error) {
		var s slot
		return s, row.Scan(&s.position, &s.round)
	}, `SELECT position, round FROM requests
		WHERE session_id = ? AND status = 'waiting' AND position >= ? ORDER BY position, id`, sessionID, from)
	if err != nil {
		return rotation{}, fmt.Errorf("rotation queue: %w", err)
	}
	return rot, nil
}
