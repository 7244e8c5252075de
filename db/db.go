// Package db keeps the karaoke night in SQLite: sessions, their guests and
// their song requests. It speaks the domain: callers get Session, Guest and
// Request values and *Error values, never rows. Its outbox (Store.Outbox)
// queues every change for the copy in Turso, which package replica ships;
// the SQLite plumbing under both is package sqlitedb.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/karaoke-night/karaoke/libsqldb"
	"github.com/karaoke-night/karaoke/sqlitedb"
)

// Store is the karaoke database. Writes go through one connection, so write
// transactions queue in Go instead of failing with SQLITE_BUSY; reads use a
// pool of their own, which WAL lets run beside the writer.
type Store struct {
	url    string
	writer writer
	read   *sql.DB
	// remote is set in remote mode (OpenRemote): the whole database is on
	// a libSQL server, read and written by every machine.
	remote bool

	// Now is the store's clock; tests replace it.
	Now func() time.Time

	onChange atomic.Pointer[func(sessionID, version int64)]

	nights    nightCache    // see Night
	songPages songPageCache // see SearchSongs
	pushed    pushedNights  // see HasPushSubscriptions
	lookups   lookupCache   // see SessionByCode, SessionByToken, GuestAt

	deviceKey atomic.Pointer[[]byte] // see deviceKeyFor
}

// writer runs the store's write transactions: sqlitedb.Writer on a local
// file, libsqldb.Writer on a remote database.
type writer interface {
	WriteThen(ctx context.Context, fn func(tx *sql.Tx) error, then func(error)) error
	DB() *sql.DB
	Committed() <-chan struct{}
	Close() error
}

// Option changes how Open opens the store.
type Option func(*options)

type options struct {
	backupDir   string
	backupsKept int
	replication replicationMode
	only        map[int]bool // the migrations to apply; nil for all
}

// BackupBeforeMigrating makes Open back the database up into dir (keeping
// the newest keep backups) before it applies a migration to a database that
// already has a schema.
func BackupBeforeMigrating(dir string, keep int) Option {
	return func(o *options) { o.backupDir, o.backupsKept = dir, keep }
}

// Open opens (creating if need be) the database at a file: URL and brings its
// schema up to date. Parameters in the URL come before the store's own
// pragmas, so a URL can override a default: file:k.db?_synchronous=NORMAL.
func Open(ctx context.Context, databaseURL string, opts ...Option) (*Store, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	// The writer creates the file and switches it to WAL before any reader opens it.
	writer, err := sqlitedb.OpenWriter(databaseURL)
	if err != nil {
		return nil, err
	}
	s := &Store{url: databaseURL, writer: writer, Now: time.Now}
	if err := s.setUp(ctx, o); err != nil {
		writer.Close()
		return nil, err
	}
	if s.read, err = sqlitedb.OpenReader(databaseURL); err != nil {
		writer.Close()
		return nil, err
	}
	return s, nil
}

// setUp migrates the schema and brings the replication machinery in line.
func (s *Store) setUp(ctx context.Context, o options) error {
	migrations, err := Migrations()
	if err != nil {
		return err
	}
	if err := s.migrate(ctx, o, migrations); err != nil {
		return err
	}
	if err := s.setUpReplication(ctx, o.replication); err != nil {
		return fmt.Errorf("replication: %w", err)
	}
	if err := s.giveJoinTokens(ctx); err != nil {
		return err
	}
	if err := s.setUpRetaps(ctx); err != nil {
		return fmt.Errorf("retaps: %w", err)
	}
	if err := s.pushed.load(ctx, s.writer.DB()); err != nil {
		return fmt.Errorf("push subscriptions: %w", err)
	}
	// A restore opens a database at an older schema first (OnlyMigrations):
	// the songbook comes with its migration.
	if has, err := sqlitedb.TableExists(ctx, s.writer.DB(), "songs"); err != nil || !has {
		return err
	}
	if err := s.setUpSongIndex(ctx); err != nil {
		return fmt.Errorf("song index: %w", err)
	}
	return s.removeAbandonedSongbooks(ctx)
}

// Close checkpoints the write-ahead log into the database file, so that
// the file alone holds everything, and closes the database.
func (s *Store) Close() error {
	if s.remote {
		return s.writer.Close() // the one pool, which reads too
	}
	var err error
	if s.read != nil {
		err = s.read.Close()
	}
	if s.writer == nil {
		return err // read-only: nothing to checkpoint
	}
	return errors.Join(err, s.writer.Close())
}

// Ping reports whether the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// inRead runs fn in one read transaction, so everything it reads is from one
// snapshot of the database.
func (s *Store) inRead(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback()
	return fn(tx)
}

// inWrite runs fn in a write transaction (BEGIN IMMEDIATE on the single
// write connection) and returns once that transaction has committed, or
// fn's error, in which case nothing fn wrote is kept. The writer commits
// the writes waiting together in one transaction, each in a savepoint of
// its own; see sqlitedb.Writer.
func (s *Store) inWrite(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.inWriteThen(ctx, fn, nil)
}

// inWriteThen is inWrite, and calls then (when not nil) with the write's
// result as soon as it has committed or failed, before the writer takes
// its next group (sqlitedb.Writer.WriteThen).
func (s *Store) inWriteThen(ctx context.Context, fn func(tx *sql.Tx) error, then func(error)) error {
	if s.writer == nil {
		return errReadOnly() // see OpenReadOnly
	}
	fn, claimed := s.claimingRetap(ctx, fn) // a post's key commits with its first write
	err := s.writer.WriteThen(ctx, fn, then)
	claimed(err)
	return storageRefusal(err)
}

// inSessionWrite is inWrite for a write that changes a session: in the same
// transaction it bumps the session's version, and once committed it tells
// the OnChange function. A write that fails changes nothing and tells no one.
func (s *Store) inSessionWrite(ctx context.Context, sessionID int64, fn func(tx *sql.Tx) error) error {
	ctx = s.writeAhead(ctx, fn, sessionID)
	return s.inPatchedWrite(ctx, sessionID, func(tx *sql.Tx) (nightPatch, error) { return nil, fn(tx) })
}

// inPatchedWrite is inSessionWrite for a write that can say how it changed
// the session's Night (nightpatch.go): fn returns that patch, which is
// applied to the cached Night only when the write changed nothing else
// (no hold ran out, no standby song can have moved).
func (s *Store) inPatchedWrite(ctx context.Context, sessionID int64, fn func(tx *sql.Tx) (nightPatch, error)) error {
	ctx = s.writeAhead(ctx, fn, sessionID)
	var (
		version int64
		patch   nightPatch
	)
	write := func(tx *sql.Tx) error {
		if version != 0 {
			// Run again after its group failed: that version was never given.
			s.nights.report(sessionID, version, nil, true)
			version = 0
		}
		// A hold that has run out ends before anything else reads the line.
		ended, err := expireHolds(ctx, tx, sessionID, s.nowMillis())
		if err != nil {
			return err
		}
		if patch, err = fn(tx); err != nil {
			return err
		}
		// Whatever the write changed, a guest it left below the cap gets
		// their standby song in the same transaction (standbyfill.go).
		filled, err := s.fillSession(ctx, tx, sessionID, nil)
		if err != nil {
			return err
		}
		if ended || filled {
			patch = nil
		}
		// The last statement: in remote mode its request carries the
		// COMMIT (libsqldb.Last). Under the write lock a session cannot go
		// missing midway, so a write to none changed nothing to keep.
		err = tx.QueryRowContext(libsqldb.Last(ctx), `UPDATE sessions SET version = version + 1 WHERE id = ? RETURNING version`, sessionID).Scan(&version)
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(ENOTFOUND, "There is no such session.")
		}
		if err != nil {
			return fmt.Errorf("bump session version: %w", err)
		}
		// A reader that sees this version before the write reports waits
		// for its patch rather than read the whole night (Night).
		s.nights.committing(sessionID, version)
		return nil
	}
	// The kept Night is told on the writer's goroutine, right after the
	// commit and in commit order: a reader waiting for this version then
	// never waits for this goroutine to be scheduled again, which on a busy
	// machine took longer than patchWait, and it read the whole night.
	err := s.inWriteThen(ctx, write, func(err error) {
		if version != 0 {
			s.nights.report(sessionID, version, patch, err != nil)
			if err != nil {
				s.lookups.committed(sessionID, 0, false, time.Time{})
			} else {
				s.lookups.committed(sessionID, version, patch != nil, s.Now())
			}
		}
	})
	if err == nil {
		if fn := s.onChange.Load(); fn != nil {
			(*fn)(sessionID, version)
		}
	}
	return err
}

// OnChange sets the function told, after each committed write to a session,
// the session and its new version. It is called on the goroutine that asked
// for the write, once the write's group has committed (so calls for
// different writes may come in any order and at the same time), and the
// write's caller waits for it, so it must return quickly. Writes by other
// processes are not told; see SessionVersions.
func (s *Store) OnChange(fn func(sessionID, version int64)) { s.onChange.Store(&fn) }

// SessionVersions returns the current version of each of the sessions that
// exists, by id. One query answers for up to a few hundred ids, so a live
// stream can poll for changes made by another process.
func (s *Store) SessionVersions(ctx context.Context, ids []int64) (map[int64]int64, error) {
	type idVersion struct{ id, version int64 }
	scan := func(row sqlitedb.Scanner) (v idVersion, err error) {
		err = row.Scan(&v.id, &v.version)
		return v, err
	}
	out := make(map[int64]int64, len(ids))
	for part := range slices.Chunk(ids, 500) {
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		marks := strings.Repeat(",?", len(part))[1:]
		found, err := sqlitedb.Collect(ctx, s.read, scan, `SELECT id, version FROM sessions WHERE id IN (`+marks+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("session versions: %w", err)
		}
		for _, v := range found {
			out[v.id] = v.version
		}
	}
	return out, nil
}

func (s *Store) nowMillis() int64 { return s.Now().UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
