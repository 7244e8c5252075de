package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// A night's creating post carries a one-time key like every other form
// (the retap middleware in handlers), but its answer cannot be kept for a
// repeat: it sets the new night's host key, which is never stored in
// clear. So the key's hash is kept beside the night it made, written in
// the same transaction as the night, and a repeat of the key finds that
// night instead of making a second one. The table is local, like
// local_retaps: a retry reaches the database that answered, and a row is
// worth nothing after RetapKeep, when it is forgotten.
//
// version is the night's version when the key made it, or last handed it
// back (HandNightBack): while the night still has it, nothing in the night
// has changed since (no guest, no setting, no host action).
const nightKeySchema = `
CREATE TABLE IF NOT EXISTS local_night_keys (
	key_hash   BLOB PRIMARY KEY,
	session_id INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	version    INTEGER NOT NULL
)`

// NewNight is what CreateSessionOnce made, or found.
type NewNight struct {
	Session Session
	// HostKey is the new night's host key, "" for a Repeat.
	HostKey string
	// Repeat reports that the key had already made Session, within
	// RetapKeep: nothing new was made.
	Repeat bool
}

// CreateSessionOnce is CreateSessionIn for a post that carries a one-time
// key ("" for none). The first post of a key makes the night and keeps the
// key's hash beside it, in the same write; a later post of the key, within
// RetapKeep, makes nothing and returns that night as a Repeat. After
// RetapKeep the key is forgotten and makes a night afresh, as every kept
// answer is forgotten. Errors: EINVALID for a bad name or language.
func (s *Store) CreateSessionOnce(ctx context.Context, name, language, key string) (NewNight, error) {
	name, language, err := checkNewSession(name, language)
	if err != nil {
		return NewNight{}, err
	}
	hostKey := NewToken()
	var made NewNight
	err = s.inWrite(ctx, func(tx *sql.Tx) error {
		made = NewNight{}
		if key != "" {
			sess, err := scanSession(tx.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions
				WHERE id = (SELECT session_id FROM local_night_keys WHERE key_hash = ? AND created_at > ?)`,
				hashToken(key), s.nowMillis()-RetapKeep.Milliseconds()))
			if err == nil {
				made = NewNight{Session: sess, Repeat: true}
				return nil
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("night of a key: %w", err)
			}
		}
		sess, err := insertSession(ctx, tx, name, language, hostKey, s.nowMillis())
		if err != nil {
			return err
		}
		made = NewNight{Session: sess, HostKey: hostKey}
		if key == "" {
			return nil
		}
		// A row older than RetapKeep, not yet purged, gives way.
		_, err = tx.ExecContext(ctx, `INSERT INTO local_night_keys (key_hash, session_id, created_at, version) VALUES (?, ?, ?, ?)
			ON CONFLICT (key_hash) DO UPDATE SET session_id = excluded.session_id, created_at = excluded.created_at, version = excluded.version`,
			hashToken(key), sess.ID, s.nowMillis(), sess.Version)
		if err != nil {
			return fmt.Errorf("keep a night's key: %w", err)
		}
		return nil
	})
	if err != nil {
		return NewNight{}, err
	}
	return made, nil
}

// HandNightBack gives the night that key made (CreateSessionOnce) a new
// host key and returns it, as RotateHostKey does: the old key, and every
// host device holding it, stops working. It is for a repeat of the
// creating post from a browser that does not hold the night, because the
// answer to its first post, with the host key, was lost on the way. Only
// the browser that was sent the form holds its key, so that browser made
// the night; still, the key is worth this only while the night is open,
// within RetapKeep of its making, and unchanged since it was made or last
// handed back, so a night that anyone has begun to run (a guest joined, a
// setting saved, a host action) is never taken from its host.
// Errors: ENOTFOUND when the key made no such night within RetapKeep;
// EFORBIDDEN when the night has changed since, or ended.
func (s *Store) HandNightBack(ctx context.Context, sessionID int64, key string) (string, error) {
	hostKey := NewToken()
	err := s.inSessionWrite(ctx, sessionID, func(tx *sql.Tx) error {
		var version int64
		err := tx.QueryRowContext(ctx, `SELECT version FROM local_night_keys WHERE key_hash = ? AND session_id = ? AND created_at > ?`,
			hashToken(key), sessionID, s.nowMillis()-RetapKeep.Milliseconds()).Scan(&version)
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(ENOTFOUND, "There is no such session.")
		}
		if err != nil {
			return fmt.Errorf("night of a key: %w", err)
		}
		sess, err := getSession(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		if !sess.Open() || sess.Version != version {
			return Errorf(EFORBIDDEN, "This night is already under way: open your host link to host it.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET host_secret_hash = ? WHERE id = ?`, hashToken(hostKey), sessionID); err != nil {
			return fmt.Errorf("hand a night back: %w", err)
		}
		// inSessionWrite moves the version on by one once this returns:
		// the night is still as it was made, at that version.
		if _, err := tx.ExecContext(ctx, `UPDATE local_night_keys SET version = version + 1 WHERE key_hash = ?`, hashToken(key)); err != nil {
			return fmt.Errorf("hand a night back: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return hostKey, nil
}
