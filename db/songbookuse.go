package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

const songbookColumns = `id, name, song_count, owner_hash IS NULL, created_at`

func scanSongbook(row sqlitedb.Scanner) (Songbook, error) {
	var b Songbook
	var created int64
	err := row.Scan(&b.ID, &b.Name, &b.Songs, &b.House, &created)
	b.CreatedAt = fromMillis(created)
	return b, err
}

// songbookByID returns a complete songbook. Errors: ENOTFOUND.
func (s *Store) songbookByID(ctx context.Context, id int64) (Songbook, error) {
	b, err := scanSongbook(s.read.QueryRowContext(ctx, `SELECT `+songbookColumns+` FROM songbooks WHERE id = ? AND completed_at IS NOT NULL`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Songbook{}, Errorf(ENOTFOUND, "There is no such songbook.")
	}
	return b, err
}

// Songbooks returns the complete songbooks the browser holding ownerKey
// imported, newest first, and the house songbooks after them.
func (s *Store) Songbooks(ctx context.Context, ownerKey string) ([]Songbook, error) {
	return sqlitedb.Collect(ctx, s.read, scanSongbook, `SELECT `+songbookColumns+` FROM songbooks
		WHERE completed_at IS NOT NULL AND (owner_hash = ? OR owner_hash IS NULL)
		ORDER BY owner_hash IS NULL, created_at DESC, id DESC`, hashToken(ownerKey))
}

// AllSongbooks returns every complete songbook, the operator's list.
func (s *Store) AllSongbooks(ctx context.Context) ([]Songbook, error) {
	return sqlitedb.Collect(ctx, s.read, scanSongbook, `SELECT `+songbookColumns+` FROM songbooks
		WHERE completed_at IS NOT NULL ORDER BY id`)
}

// SessionSongbook returns the songbook of a session. Errors: ENOTFOUND
// when the session has none (or there is no such session).
func (s *Store) SessionSongbook(ctx context.Context, sessionID int64) (Songbook, error) {
	b, err := scanSongbook(s.read.QueryRowContext(ctx, `SELECT b.id, b.name, b.song_count, b.owner_hash IS NULL, b.created_at
		FROM sessions s JOIN songbooks b ON b.id = s.songbook_id WHERE s.id = ?`, sessionID))
	if errors.Is(err, sql.ErrNoRows) {
		return Songbook{}, Errorf(ENOTFOUND, "This night has no songbook.")
	}
	return b, err
}

// UseSongbook makes a songbook the session's, in place of the one it had,
// in one write: a guest searching sees the old book or the new, never
// half of one. ownerKey must be the importing browser's key, unless the
// songbook is the house's. Errors: ENOTFOUND for a songbook that does not
// exist or is not the key's (the same answer, so a key tells nothing about
// others' books), ECONFLICT once the night has ended, and those of a
// session write.
func (s *Store) UseSongbook(ctx context.Context, sessionID, songbookID int64, ownerKey string) error {
	return s.inSessionWrite(ctx, sessionID, func(tx *sql.Tx) error {
		if _, err := openSession(ctx, tx, sessionID); err != nil {
			return err
		}
		var owner []byte
		err := tx.QueryRowContext(ctx, `SELECT owner_hash FROM songbooks WHERE id = ? AND completed_at IS NOT NULL`, songbookID).Scan(&owner)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && owner != nil && !tokenMatches(ownerKey, owner)) {
			return Errorf(ENOTFOUND, "There is no such songbook.")
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE sessions SET songbook_id = ? WHERE id = ?`, songbookID, sessionID)
		return err
	})
}

// DropSongbook leaves the session without a songbook: its guests request
// by typing, as before songbooks. Errors: ECONFLICT once the night has
// ended, whose history keeps the songbook it had.
func (s *Store) DropSongbook(ctx context.Context, sessionID int64) error {
	return s.inSessionWrite(ctx, sessionID, func(tx *sql.Tx) error {
		if _, err := openSession(ctx, tx, sessionID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE sessions SET songbook_id = NULL WHERE id = ?`, sessionID)
		return err
	})
}

// RemoveSongbook removes a songbook and its songs (the operator's command):
// the sessions that had it have none, and requests made from it keep their
// title and artist. Errors: ENOTFOUND.
func (s *Store) RemoveSongbook(ctx context.Context, id int64) error {
	if _, err := s.songbookByID(ctx, id); err != nil {
		return err
	}
	// Unlinked first, in one write, so no guest searches a book half gone.
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE songbooks SET completed_at = NULL WHERE id = ?`, id)
		if err == nil {
			_, err = tx.ExecContext(ctx, `UPDATE sessions SET songbook_id = NULL, version = version + 1 WHERE songbook_id = ?`, id)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("unlink songbook: %w", err)
	}
	return s.removeSongbook(ctx, id)
}
