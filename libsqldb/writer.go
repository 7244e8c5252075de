package libsqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Writer runs the store's writes on a remote database, each in a
// transaction of its own begun with BEGIN IMMEDIATE: the server serialises
// them across every machine, as the local writer's one connection does in
// one process. It has the methods of sqlitedb.Writer the store uses.
type Writer struct {
	db        *sql.DB
	committed chan struct{}
}

// NewWriter returns the writer for a pool Open returned.
func NewWriter(db *sql.DB) *Writer {
	return &Writer{db: db, committed: make(chan struct{}, 1)}
}

// maxAttempts bounds how often one write is tried.
const maxAttempts = 4

// errCommit marks a COMMIT that failed on the way: the write may or may
// not have been committed, so it is never run again.
var errCommit = errors.New("commit")

// Write runs fn in a write transaction and returns once it has committed,
// or fn's error, in which case nothing fn wrote is kept. A transaction that
// failed on the way (a stale or lost connection, the database away for a
// moment) or found the write lock busy is run again whole, fn included, up
// to maxAttempts times; fn must therefore keep nothing of a run that failed.
// A COMMIT that failed on the way is not run again.
func (w *Writer) Write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	var err error
	for attempt := range maxAttempts {
		if attempt > 0 {
			select {
			case <-time.After(time.Duration(25<<attempt) * time.Millisecond):
			case <-ctx.Done():
				return errors.Join(ctx.Err(), err)
			}
		}
		err = w.once(ctx, fn)
		if err == nil {
			select {
			case w.committed <- struct{}{}:
			default:
			}
			return nil
		}
		if errors.Is(err, errCommit) || !(errors.Is(err, ErrUnreachable) || IsBusy(err)) {
			return err
		}
	}
	return err
}

func (w *Writer) once(ctx context.Context, fn func(tx *sql.Tx) error) error {
	// The BEGIN goes with the first statement (tx.go), so its failure
	// reaches fn, which may wrap it in an error of its own: the
	// transaction's state says whether running it again is safe.
	st := &txState{}
	tx, err := w.db.BeginTx(context.WithValue(ctx, txStateKey{}, st), nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		if st.commitSent() && errors.Is(err, ErrUnreachable) {
			return fmt.Errorf("%w: %w", errCommit, err)
		}
		if again := st.retryable(); again != nil && !errors.Is(err, again) {
			return errors.Join(err, again)
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		if errors.Is(err, ErrUnreachable) {
			return fmt.Errorf("%w: %w", errCommit, err)
		}
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// DB is the pool, for what runs outside a write transaction: schema
// set-up with statements that can run twice.
func (w *Writer) DB() *sql.DB { return w.db }

// WriteThen is Write, and then calls then with its result: sqlitedb.Writer
// calls it on its own goroutine, in commit order; here each write is a
// transaction of its own, so the writing goroutine calls it.
func (w *Writer) WriteThen(ctx context.Context, fn func(tx *sql.Tx) error, then func(error)) error {
	err := w.Write(ctx, fn)
	if then != nil {
		then(err)
	}
	return err
}

// Committed receives a value after a write commits, at most one waiting.
func (w *Writer) Committed() <-chan struct{} { return w.committed }

// Close closes the pool.
func (w *Writer) Close() error { return w.db.Close() }
