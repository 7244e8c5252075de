package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// inWrite runs fn in a write transaction (BEGIN IMMEDIATE on the single
// write connection) and returns once that transaction has committed, or
// fn's error, in which case nothing fn wrote is kept.
//
// Writes are committed in groups: the writer goroutine (runWriter) takes
// every write waiting when it starts a transaction, runs each in a savepoint
// of its own, and commits them together, so one fsync serves the group.
// Each write is still all-or-nothing: a failing one is rolled back to its
// savepoint and the others are committed.
func (s *Store) inWrite(ctx context.Context, fn func(tx *sql.Tx) error) error {
	job := &writeJob{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case s.jobs <- job:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.quit:
		return errStoreClosed
	}
	// Once taken, the write may commit: wait for the answer whatever ctx says.
	return <-job.done
}

var errStoreClosed = errors.New("the store is closed")

// maxWriteGroup bounds the writes committed together.
const maxWriteGroup = 64

type writeJob struct {
	ctx  context.Context
	fn   func(tx *sql.Tx) error
	done chan error
}

// runWriter commits the store's writes, in groups, until Close.
func (s *Store) runWriter() {
	defer close(s.writerDone)
	for {
		var first *writeJob
		select {
		case first = <-s.jobs:
		case <-s.quit:
			return
		}
		group := []*writeJob{first}
	gather:
		for len(group) < maxWriteGroup {
			select {
			case j := <-s.jobs:
				group = append(group, j)
			default:
				break gather
			}
		}
		s.commitGroup(group)
	}
}

// commitGroup runs a group of writes in one transaction and tells each its
// result. A lone write runs as it would on its own, without a savepoint.
func (s *Store) commitGroup(group []*writeJob) {
	results := make([]error, len(group))
	finish := func() {
		for i, j := range group {
			j.done <- results[i]
		}
	}
	defer finish()
	fail := func(err error) {
		for i := range results {
			if results[i] == nil {
				results[i] = err
			}
		}
	}
	tx, err := s.write.BeginTx(context.Background(), nil)
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
	case s.changed <- struct{}{}:
	default:
	}
}

// stopWriter lets the write in progress finish and stops the writer; later
// writes fail. It is safe to call more than once.
func (s *Store) stopWriter() {
	s.quitOnce.Do(func() { close(s.quit) })
	<-s.writerDone
}
