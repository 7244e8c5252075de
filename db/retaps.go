package db

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/s2"
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

// retapClaim is a post's key, claimed in the database by the post's
// first write, in that write's own transaction (see WithRetapClaim).
type retapClaim struct {
	id      string
	written atomic.Bool
	taken   atomic.Bool // a write found it claimed before
}

type retapClaimKey struct{}

// WithRetapClaim returns ctx carrying the post's key id: the first write
// made with it (or a context made from it) claims the key in its own
// transaction, so a post's action and its key commit together, with one
// fsync, and a server stopped before the commit has neither. The caller
// makes sure no other post of this process holds the key meanwhile; a key
// claimed before (an earlier post of it, or one in another process) fails
// the write with ErrRetapTaken, nothing of it is kept, and RetapTaken
// says so.
func WithRetapClaim(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, retapClaimKey{}, &retapClaim{id: id})
}

// RetapClaimed reports whether a write made with ctx (WithRetapClaim)
// claimed its key.
func RetapClaimed(ctx context.Context) bool {
	c, ok := ctx.Value(retapClaimKey{}).(*retapClaim)
	return ok && c.written.Load()
}

// RetapTaken reports whether a write made with ctx (WithRetapClaim) found
// its key claimed before, and so failed with ErrRetapTaken.
func RetapTaken(ctx context.Context) bool {
	c, ok := ctx.Value(retapClaimKey{}).(*retapClaim)
	return ok && c.taken.Load()
}

// ErrRetapTaken is the error of a write whose post's key was claimed
// before: by a post answered earlier, or one another process is answering
// (see WithRetapClaim).
var ErrRetapTaken = errors.New("another post holds this key")

// claimingRetap wraps a write made with ctx so that it first claims the
// post's key, when ctx carries one not yet claimed; done is told whether
// the write committed.
func (s *Store) claimingRetap(ctx context.Context, fn func(tx *sql.Tx) error) (func(tx *sql.Tx) error, func(error)) {
	c, ok := ctx.Value(retapClaimKey{}).(*retapClaim)
	if !ok || c.written.Load() {
		return fn, func(error) {}
	}
	return func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `INSERT INTO local_retaps (id, created_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`, c.id, s.nowMillis())
			if err != nil {
				return fmt.Errorf("claim retap: %w", err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n != 1 {
				c.taken.Store(true)
				return ErrRetapTaken
			}
			return fn(tx)
		}, func(err error) {
			if err == nil {
				c.written.Store(true)
			}
		}
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
	var body []byte
	err := tx.QueryRowContext(ctx, `SELECT status, headers, body FROM local_retaps WHERE id = ?`, id).Scan(&got.Status, &got.Headers, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return got, ErrNoRetap
	}
	if err != nil {
		return got, fmt.Errorf("read retap: %w", err)
	}
	got.Body, err = unpackRetapBody(body)
	return got, err
}

// A kept answer's body is stored compressed (S2, a few µs on the saving
// goroutine): a guest's answer is 6-28 KB of HTML, which spilled into 2-7
// overflow pages, each written to the log by the single writer, synced and
// checkpointed; compressed it is 2-4 KB and stays in its row's page. A
// stored body begins with packedBody; one kept by an older release (text,
// at most RetapKeep old) is read as it is: 0xFF never begins UTF-8.
const packedBody = "\xffs2"

func packRetapBody(body []byte) []byte {
	buf := make([]byte, len(packedBody)+s2.MaxEncodedLen(len(body)))
	n := copy(buf, packedBody)
	return buf[:n+len(s2.Encode(buf[n:], body))]
}

func unpackRetapBody(stored []byte) ([]byte, error) {
	packed, ok := bytes.CutPrefix(stored, []byte(packedBody))
	if !ok {
		return stored, nil
	}
	body, err := s2.Decode(nil, packed)
	if err != nil {
		return nil, fmt.Errorf("read retap: %w", err)
	}
	return body, nil
}

// SaveRetap keeps the answer the post of the key id got, claiming the key
// if none of the post's writes did.
func (s *Store) SaveRetap(ctx context.Context, id string, answer Retap) error {
	return s.SaveRetaps(ctx, []KeptRetap{{ID: id, Answer: answer, Claimed: true}})
}

// KeptRetap is the answer to keep for the key ID. Claimed says the post's
// write claimed the key; a post that wrote nothing (a form shown again)
// claims it with its answer, unless another post holds it meanwhile.
type KeptRetap struct {
	ID      string
	Answer  Retap
	Claimed bool
}

// keepRetap keeps an answer; what a key already kept does is said after it.
const (
	keepRetap          = `INSERT INTO local_retaps (id, created_at, status, headers, body) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id)`
	keepClaimedRetap   = keepRetap + ` DO UPDATE SET status = excluded.status, headers = excluded.headers, body = excluded.body`
	keepUnclaimedRetap = keepRetap + ` DO NOTHING`
)

// SaveRetaps keeps answers, all in one write: the answers of posts
// answered together share one job of the single writer.
func (s *Store) SaveRetaps(ctx context.Context, answers []KeptRetap) error {
	packed := make([][]byte, len(answers)) // compressed before the write, off the writer
	for i, a := range answers {
		packed[i] = packRetapBody(a.Answer.Body)
	}
	now := s.nowMillis()
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		for i, a := range answers {
			keep := keepClaimedRetap
			if !a.Claimed {
				keep = keepUnclaimedRetap // another post may hold it meanwhile
			}
			if _, err := tx.ExecContext(ctx, keep, a.ID, now, a.Answer.Status, a.Answer.Headers, packed[i]); err != nil {
				return err
			}
		}
		return nil
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
