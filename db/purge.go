package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// PurgeEnded deletes every session that ended before the given time, with
// its guests (their names) and its requests, and returns how many sessions
// went. SQLite's secure_delete overwrites the deleted rows in the file, so
// the names do not linger in free pages; a checkpoint (TRUNCATE) afterwards
// empties the WAL, which still held the pages as they were before the
// delete, and on a quiet server would have held them for days.
func (s *Store) PurgeEnded(ctx context.Context, endedBefore time.Time) (int, error) {
	if due, err := s.purgeDue(ctx, endedBefore); err != nil || !due {
		return 0, err
	}
	var n int64
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		// A libSQL server refuses the PRAGMA (remote mode): its files are
		// the service's, which say how they erase.
		if !s.remote {
			if _, err := tx.ExecContext(ctx, `PRAGMA secure_delete = ON`); err != nil {
				return fmt.Errorf("secure_delete: %w", err)
			}
		}
		// The cascade would do this too; deleting children first keeps each
		// statement simple to reason about.
		const ended = `SELECT id FROM sessions WHERE ended_at IS NOT NULL AND ended_at < ?`
		before := endedBefore.UnixMilli()
		if _, err := tx.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE session_id IN (`+ended+`)`, before); err != nil {
			return fmt.Errorf("purge push subscriptions: %w", err)
		}
		// A TV paired with a night goes with it (it shows a new code when it
		// comes back), and so does one that has long shown no code.
		if _, err := tx.ExecContext(ctx, `DELETE FROM tv_screens WHERE session_id IN (`+ended+`)
			OR (session_id IS NULL AND COALESCE(code_expires_at, paired_at, created_at) < ?)`, before, before); err != nil {
			return fmt.Errorf("purge TV screens: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM standby_songs WHERE session_id IN (`+ended+`)`, before); err != nil {
			return fmt.Errorf("purge standby songs: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM held_requests WHERE session_id IN (`+ended+`)`, before); err != nil {
			return fmt.Errorf("purge held requests: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM requests WHERE session_id IN (`+ended+`)`, before); err != nil {
			return fmt.Errorf("purge requests: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM guests WHERE session_id IN (`+ended+`)`, before); err != nil {
			return fmt.Errorf("purge guests: %w", err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE ended_at IS NOT NULL AND ended_at < ?`, before)
		if err != nil {
			return fmt.Errorf("purge sessions: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil || n == 0 || s.remote {
		return int(n), err // a remote database checkpoints by itself
	}
	// A reader still in the WAL makes the checkpoint stop short (busy, not
	// an error); the next purge or Close finishes it.
	if _, err := s.writer.DB().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return int(n), fmt.Errorf("purged, but the WAL was not checkpointed: %w", err)
	}
	return int(n), nil
}

// purgeDue reports whether PurgeEnded has anything to delete: a session
// that ended before endedBefore (an index answers) or a TV screen with no
// session shown past it. A purge runs at every start, where there is
// usually nothing to delete, and its write transaction of six DELETEs,
// each reading the ended sessions into the writer's cache, was about 0.15
// MiB of an idle server's memory (BENCHMARKS.md, issue 18, memory and
// start).
func (s *Store) purgeDue(ctx context.Context, endedBefore time.Time) (bool, error) {
	var due bool
	before := endedBefore.UnixMilli()
	err := s.read.QueryRowContext(ctx, `SELECT EXISTS(SELECT 1 FROM sessions WHERE ended_at IS NOT NULL AND ended_at < ?)
		OR EXISTS(SELECT 1 FROM tv_screens WHERE session_id IS NULL AND COALESCE(code_expires_at, paired_at, created_at) < ?)`,
		before, before).Scan(&due)
	if err != nil {
		return false, fmt.Errorf("purge: %w", err)
	}
	return due, nil
}
