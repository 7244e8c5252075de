// Package db keeps the karaoke night in SQLite: sessions, their guests and
// their song requests. It speaks the domain: callers get Session, Guest and
// Request values and *Error values, never rows.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tursodatabase/libsql-client-go/libsql"
	_ "modernc.org/sqlite" // the pure-Go SQLite that libsql-client-go opens file: URLs with
)

// Store is the karaoke database. Writes go through one connection, so write
// transactions queue in Go instead of failing with SQLITE_BUSY; reads use a
// pool of their own, which WAL lets run beside the writer.
type Store struct {
	url   string
	write *sql.DB
	read  *sql.DB

	// changed gets a value after each write commits; see Changes.
	changed chan struct{}

	// Now is the store's clock; tests replace it.
	Now func() time.Time

	onChange atomic.Pointer[func(sessionID, version int64)]

	nights nightCache // see Night

	// The writer goroutine's queue and lifetime; see inWrite.
	jobs       chan *writeJob
	quit       chan struct{}
	quitOnce   sync.Once
	writerDone chan struct{}
}

// Pragmas every connection gets. They are given as DSN parameters, which
// modernc.org/sqlite applies on each new connection; TestPragmas reads them
// back, since a driver may ignore a parameter it does not know.
const (
	busyTimeoutMillis = 5000
	connPragmas       = "_busy_timeout=5000&_foreign_keys=1&_journal_mode=WAL&_synchronous=FULL"
)

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
// (connPragmas), and the driver takes the first of a repeated parameter, so
// a URL can override a default: file:k.db?_synchronous=NORMAL.
func Open(ctx context.Context, databaseURL string, opts ...Option) (*Store, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if !strings.HasPrefix(databaseURL, "file:") {
		return nil, fmt.Errorf("DATABASE_URL %q: only file: URLs are supported", databaseURL)
	}
	write, err := openPool(databaseURL, "_txlock=immediate")
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	write.SetConnMaxLifetime(0)

	s := &Store{url: databaseURL, write: write, changed: make(chan struct{}, 1), Now: time.Now,
		jobs: make(chan *writeJob), quit: make(chan struct{}), writerDone: make(chan struct{})}
	go s.runWriter()
	// The writer creates the file and switches it to WAL before any reader opens it.
	migrations, err := Migrations()
	if err != nil {
		s.stopWriter()
		write.Close()
		return nil, err
	}
	if err := s.migrate(ctx, o, migrations); err != nil {
		s.stopWriter()
		write.Close()
		return nil, err
	}
	if err := s.setUpReplication(ctx, o.replication); err != nil {
		s.stopWriter()
		write.Close()
		return nil, fmt.Errorf("replication: %w", err)
	}
	read, err := openPool(databaseURL, "_query_only=1")
	if err != nil {
		s.stopWriter()
		write.Close()
		return nil, err
	}
	read.SetMaxOpenConns(max(4, 2*runtime.GOMAXPROCS(0)))
	read.SetMaxIdleConns(max(4, 2*runtime.GOMAXPROCS(0)))
	s.read = read
	return s, nil
}

func openPool(databaseURL, extra string) (*sql.DB, error) {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	if u.Opaque == "" && u.Path == "" {
		return nil, fmt.Errorf("DATABASE_URL %q names no file", databaseURL)
	}
	dsn := databaseURL
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	dsn += sep + connPragmas + "&" + extra
	connector, err := libsql.NewConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", databaseURL, err)
	}
	return sql.OpenDB(stmtCachingConnector{connector}), nil
}

// Close checkpoints the write-ahead log into the database file, so that the
// file alone holds everything, and closes the database.
func (s *Store) Close() error {
	s.stopWriter()
	var err error
	if s.read != nil {
		err = s.read.Close()
	}
	if _, cerr := s.write.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); cerr != nil && err == nil {
		err = fmt.Errorf("checkpoint: %w", cerr)
	}
	if werr := s.write.Close(); werr != nil && err == nil {
		err = werr
	}
	return err
}

// Ping reports whether the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Pragmas returns the connection settings in force on the write connection,
// by name, as SQLite reports them.
func (s *Store) Pragmas(ctx context.Context) (map[string]string, error) {
	got := map[string]string{}
	for _, name := range []string{"journal_mode", "synchronous", "foreign_keys", "busy_timeout"} {
		var v string
		if err := s.write.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v); err != nil {
			return nil, fmt.Errorf("read pragma %s: %w", name, err)
		}
		got[name] = v
	}
	return got, nil
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

// inSessionWrite is inWrite for a write that changes a session: in the same
// transaction it bumps the session's version, and once committed it tells
// the OnChange function. A write that fails changes nothing and tells no one.
func (s *Store) inSessionWrite(ctx context.Context, sessionID int64, fn func(tx *sql.Tx) error) error {
	var version int64
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `UPDATE sessions SET version = version + 1 WHERE id = ? RETURNING version`, sessionID).Scan(&version)
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(ENOTFOUND, "There is no such session.")
		}
		if err != nil {
			return fmt.Errorf("bump session version: %w", err)
		}
		return nil
	})
	if err == nil {
		if fn := s.onChange.Load(); fn != nil {
			(*fn)(sessionID, version)
		}
	}
	return err
}

// OnChange sets the function told, after each committed write to a session,
// the session and its new version. It is called on the writer's goroutine,
// so it must return quickly. Writes by other processes are not told; see
// SessionVersions.
func (s *Store) OnChange(fn func(sessionID, version int64)) { s.onChange.Store(&fn) }

// SessionVersions returns the current version of each of the sessions that
// exists, by id. One query answers for up to a few hundred ids, so a live
// stream can poll for changes made by another process.
func (s *Store) SessionVersions(ctx context.Context, ids []int64) (map[int64]int64, error) {
	out := make(map[int64]int64, len(ids))
	const chunk = 500
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		marks := strings.Repeat(",?", len(part))[1:]
		rows, err := s.read.QueryContext(ctx, `SELECT id, version FROM sessions WHERE id IN (`+marks+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("session versions: %w", err)
		}
		for rows.Next() {
			var id, v int64
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = v
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) nowMillis() int64 { return s.Now().UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
