package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// A retap is a form posted again with the one-time key it was rendered
// with: a double tap, a retry after a dropped connection, the browser
// resending after "back". The first post claims the key; the answer it got
// is kept beside the key, and every later post of the key gets that answer
// and changes nothing. The table is local (never replicated): a retry
// reaches the machine that answered, and an answer is of no use elsewhere.
const retapSchema = `
CREATE TABLE IF NOT EXISTS local_retaps (
	id         TEXT PRIMARY KEY,
	created_at INTEGER NOT NULL,
	status     INTEGER NOT NULL DEFAULT 0,
	headers    TEXT NOT NULL DEFAULT '',
	body       BLOB
)`

// RetapKeep is how long an answer is kept for its key: longer than any
// retry, back button or reconnect a guest makes.
const RetapKeep = 30 * time.Minute

// Retap is the answer a form's first post got. Status 0 means the first
// post is still being answered.
type Retap struct {
	Status  int
	Headers string // the answer's headers, as the handlers encode them
	Body    []byte
}

func (s *Store) setUpRetaps(ctx context.Context) error {
	if s.writer == nil {
		return nil
	}
	for _, schema := range []string{retapSchema, nightKeySchema} {
		if _, err := s.writer.DB().ExecContext(ctx, schema); err != nil {
			return err
		}
	}
	return nil
}

// ClaimRetap claims the key id for the post being answered, and reports
// true. When the key was claimed before, it reports false with the answer
// kept for it (Status 0 while the first post is still being answered).
func (s *Store) ClaimRetap(ctx context.Context, id string) (Retap, bool, error) {
	var got Retap
	claimed := false
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO local_retaps (id, created_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`, id, s.nowMillis())
		if err != nil {
			return fmt.Errorf("claim retap: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			claimed = n == 1
			return err
		}
		got, err = retapAnswer(ctx, tx, id)
		return err
	})
	return got, claimed, err
}

// RetapAnswer reads the answer kept for the key id, Status 0 while the
// first post is still being answered. It returns ErrNoRetap when the key
// was never claimed or was released.
func (s *Store) RetapAnswer(ctx context.Context, id string) (Retap, error) {
	var got Retap
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		var err error
		got, err = retapAnswer(ctx, tx, id)
		return err
	})
	return got, err
}

// ErrNoRetap is what RetapAnswer returns for a key that no post holds.
var ErrNoRetap = errors.New("no post holds this key")

func retapAnswer(ctx context.Context, tx *sql.Tx, id string) (Retap, error) {
	var got Retap
	err := tx.QueryRowContext(ctx, `SELECT status, headers, body FROM local_retaps WHERE id = ?`, id).Scan(&got.Status, &got.Headers, &got.Body)
	if errors.Is(err, sql.ErrNoRows) {
		return got, ErrNoRetap
	}
	if err != nil {
		return got, fmt.Errorf("read retap: %w", err)
	}
	return got, nil
}

// SaveRetap keeps the answer the post that claimed id got.
func (s *Store) SaveRetap(ctx context.Context, id string, answer Retap) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE local_retaps SET status = ?, headers = ?, body = ? WHERE id = ?`,
			answer.Status, answer.Headers, answer.Body, id)
		return err
	})
}

// ReleaseRetap lets the key id be posted afresh: its post failed on the
// server's side, so a retry should try again.
func (s *Store) ReleaseRetap(ctx context.Context, id string) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM local_retaps WHERE id = ?`, id)
		return err
	})
}

// PurgeRetaps forgets the keys claimed before the given time, and the keys
// of the nights made before it (see CreateSessionOnce).
func (s *Store) PurgeRetaps(ctx context.Context, before time.Time) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM local_retaps WHERE created_at < ?`, before.UnixMilli()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM local_night_keys WHERE created_at < ?`, before.UnixMilli())
		return err
	})
}
