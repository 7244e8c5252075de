package sqlitedb

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// Writer is a database's one write connection and the goroutine that runs
// every write transaction on it, so that writes queue in Go instead of
// failing with SQLITE_BUSY.
//
// Writes are committed in groups: the goroutine takes every write waiting
// when it starts a transaction, runs each in a savepoint of its own, and
// commits them together, so one fsync serves the group. Each write is still
// all-or-nothing: a failing one is rolled back to its savepoint and the
// others are committed.
type Writer struct {
	db *sql.DB

	// committed gets a value after each commit; see Committed.
	committed chan struct{}

	jobs     chan *writeJob
	quit     chan struct{}
	quitOnce sync.Once
	done     chan struct{}

	// The checkpointer (checkpoint.go): its connection, woken by wake.
	checkpointer    *sql.DB
	wake            chan struct{}
	checkpointsDone chan struct{}
	restartWanted   atomic.Bool // see restartSoon
}

// ErrClosed is the error of a write asked for after Close.
var ErrClosed = errors.New("the database is closed")

// maxWriteGroup bounds the writes committed together.
const maxWriteGroup = 64

type writeJob struct {
	ctx  context.Context
	fn   func(tx *sql.Tx) error
	then func(error) // may be nil
	done chan error
}

// writerParams are the write connection's own settings. A write's
// statement journals (each statement of a transaction can be undone alone)
// are kept in memory rather than in temporary files, and its page cache may
// grow to 32 MiB (SQLite's default is 2 MiB), enough for the pages one chunk
// of a songbook import changes, which otherwise spill to the WAL before the
// commit and are read back: together a songbook import's system time went
// from 11 s to 3 s. The cache grows only as the database's pages are used.
// Its commits leave the checkpoints to the checkpointer (checkpoint.go).
const writerParams = "_txlock=immediate&_pragma=temp_store(MEMORY)&_pragma=cache_size(-32768)&" + checkpointParams

// OpenWriter opens the write connection to the database at a file: URL
// (see Open; its transactions BEGIN IMMEDIATE) and starts the goroutine
// that commits on it. Opening it first creates the file and switches it to
// WAL before any reader opens it.
func OpenWriter(databaseURL string) (*Writer, error) {
	db, err := Open(databaseURL, writerParams)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	w := &Writer{db: db, committed: make(chan struct{}, 1),
		jobs: make(chan *writeJob), quit: make(chan struct{}), done: make(chan struct{}),
		wake: make(chan struct{}, 1), checkpointsDone: make(chan struct{})}
	if err := w.startCheckpoints(databaseURL); err != nil {
		db.Close()
		return nil, err
	}
	go w.run()
	return w, nil
}

// DB is the write connection, for what runs outside a write transaction:
// schema set-up before the first write, PRAGMAs, VACUUM INTO. A transaction
// begun on it waits for the writer's.
func (w *Writer) DB() *sql.DB { return w.db }

// Committed receives a value after a write transaction commits, at most one
// waiting, so a reader of the changes can wake on it instead of polling.
func (w *Writer) Committed() <-chan struct{} { return w.committed }

// Write runs fn in a write transaction and returns once that transaction
// has committed, or fn's error, in which case nothing fn wrote is kept. It
// returns ErrClosed after Close.
func (w *Writer) Write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return w.WriteThen(ctx, fn, nil)
}

// WriteThen is Write, and calls then with the write's result on the
// writer's goroutine as soon as its group has committed (or failed), in the
// order the group's writes ran and before the next group begins: what a
// reader must learn of a committed write (the store's kept Night) is told
// there, without waiting for the writing goroutine to be scheduled again.
// then must be quick, and must not write.
func (w *Writer) WriteThen(ctx context.Context, fn func(tx *sql.Tx) error, then func(error)) error {
	job := &writeJob{ctx: ctx, fn: fn, then: then, done: make(chan error, 1)}
	select {
	case w.jobs <- job:
	case <-ctx.Done():
		return ctx.Err()
	case <-w.quit:
		return ErrClosed
	}
	// Once taken, the write may commit: wait for the answer whatever ctx says.
	return <-job.done
}

// run commits the writes, in groups, until Close.
func (w *Writer) run() {
	defer close(w.done)
	for {
		var first *writeJob
		select {
		case first = <-w.jobs:
		case <-w.quit:
			return
		}
		group := []*writeJob{first}
	gather:
		for len(group) < maxWriteGroup {
			select {
			case j := <-w.jobs:
				group = append(group, j)
			default:
				break gather
			}
		}
		w.commitGroup(group)
		w.restartSoon()
	}
}

// commitGroup runs a group of writes in one transaction and tells each its
// result. A lone write runs as it would on its own, without a savepoint.
func (w *Writer) commitGroup(group []*writeJob) {
	results := make([]error, len(group))
	defer func() {
		for i, j := range group {
			if j.then != nil {
				j.then(results[i])
			}
		}
		for i, j := range group {
			j.done <- results[i]
		}
	}()
	fail := func(err error) {
		for i := range results {
			results[i] = cmp.Or(results[i], err)
		}
	}
	tx, err := w.db.BeginTx(context.Background(), nil)
	if err != nil {
		fail(fmt.Errorf("begin: %w", err))
		return
	}
	defer tx.Rollback()
	alone := len(group) == 1
	committed := 0
	for i, j := range group {
		if err := j.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		if !alone {
			if _, err := tx.ExecContext(j.ctx, `SAVEPOINT write`); err != nil {
				results[i] = fmt.Errorf("savepoint: %w", err)
				continue
			}
		}
		if err := j.fn(tx); err != nil {
			results[i] = err
			if alone {
				return
			}
			// Undo this write alone. If SQLite already rolled the whole
			// transaction back (a full disk, say), nothing of the group holds.
			if _, rerr := tx.Exec(`ROLLBACK TO write`); rerr != nil {
				fail(fmt.Errorf("undo a failed write: %w (after %v)", rerr, err))
				return
			}
		} else {
			committed++
		}
		if !alone {
			if _, err := tx.Exec(`RELEASE write`); err != nil {
				fail(fmt.Errorf("release savepoint: %w", err))
				return
			}
		}
	}
	if committed == 0 {
		return
	}
	if err := tx.Commit(); err != nil {
		fail(fmt.Errorf("commit: %w", err))
		return
	}
	select {
	case w.committed <- struct{}{}:
	default:
	}
	w.checkpointSoon()
}

// Close lets the write in progress finish and stops the writer (later
// writes fail with ErrClosed), then checkpoints the write-ahead log into the
// database file, so that the file alone holds everything, and closes the
// connection. Close the database's readers first: a reader's open snapshot
// would keep the log from being emptied.
func (w *Writer) Close() error {
	w.quitOnce.Do(func() { close(w.quit) })
	<-w.done
	err := w.stopCheckpoints()
	if _, cerr := w.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); cerr != nil {
		err = errors.Join(err, fmt.Errorf("checkpoint: %w", cerr))
	}
	return errors.Join(err, w.db.Close())
}
