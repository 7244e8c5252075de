package libsqldb

import (
	"bytes"
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
)

// Fewer round trips per transaction. Over Hrana every statement is a
// request, and a transaction's BEGIN and its end were one each: here the
// BEGIN goes in one request with the first statement, a read transaction
// ends without a request of its own, and a read transaction begun with
// ReadAhead sends, with its first statement, every statement the last read
// under the same key asked, and answers those from what came back.
//
// The client sends several statements in one text as one batch, each step
// run only if the one before it succeeded, and a ROLLBACK after the last if
// it failed: so after a batch that failed, no transaction is open, and the
// transaction is begun again on its own and the statement sent alone, which
// is what the caller would have seen without the batch.

// tx is a transaction on a conn.
type tx struct{ c *conn }

// Commit implements driver.Tx. A read transaction's stream is closed in
// place of COMMIT (see Rollback).
func (t tx) Commit() error { return t.c.end("COMMIT") }

// Rollback implements driver.Tx. A read transaction sends no ROLLBACK: its
// connection is given up, and closing its stream, which the client does
// off the caller's path, ends the read on the server.
func (t tx) Rollback() error { return t.c.end("ROLLBACK") }

func (c *conn) end(stmt string) error {
	defer func() {
		c.inTx, c.begin, c.state, c.committed = false, "", nil, false
		if c.reads != nil {
			c.guesses.keep(c.reads.key, c.reads.list)
			c.reads = nil
		}
	}()
	switch {
	case c.begin != "" || c.committed:
		return nil // nothing was sent, or the last statement committed
	case c.readOnly:
		c.broken = true
		return nil
	}
	_, err := c.exec(context.Background(), stmt, nil)
	return err
}

// renew replaces the client's connection, and its stream, with a new one.
func (c *conn) renew(ctx context.Context) error {
	inner, err := c.connector.Connect(ctx)
	if err != nil {
		return err
	}
	e, ok1 := inner.(driver.ExecerContext)
	q, ok2 := inner.(driver.QueryerContext)
	if !ok1 || !ok2 {
		inner.Close()
		return errors.New("libsql-client-go's connection lacks ExecContext or QueryContext")
	}
	c.Conn.Close()
	c.Conn, c.execer, c.queryer, c.broken = inner, e, q, false
	c.state.clear()
	return nil
}

// sendBegin sends the transaction's BEGIN on its own.
func (c *conn) sendBegin(ctx context.Context) error {
	begin := c.begin
	c.begin = ""
	_, err := c.exec(ctx, begin, nil)
	return err
}

// first sends the transaction's BEGIN with its first statement, a query,
// and with what the read transaction is expected to read next.
func (c *conn) first(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	stmts := []stmt{newStmt(query, args)}
	if c.reads != nil && isRead(query) {
		stmts = c.guesses.plan(c.reads.key, stmts[0])
	}
	results, err := c.batch(ctx, c.begin, stmts, false)
	if errors.Is(err, ErrUnreachable) && ctx.Err() == nil {
		// The stream this connection kept may be one the server dropped
		// (restarted, or idle past its timeout): database/sql would try a
		// statement again on another connection, but not in a
		// transaction, so the transaction's first request is tried once
		// more on a fresh stream. Nothing of the first try can be kept:
		// it had no COMMIT.
		if c.renew(ctx) == nil {
			results, err = c.batch(ctx, c.begin, stmts, false)
		}
	}
	if err == nil {
		c.begin = ""
		c.reads.fill(stmts, results)
		c.reads.asked(stmts[0])
		return &resultRows{r: results[0]}, nil
	}
	if errors.Is(err, ErrUnreachable) || ctx.Err() != nil {
		return nil, err
	}
	// The batch failed in SQL, and rolled back: begin again, then ask alone.
	if err := c.sendBegin(ctx); err != nil {
		return nil, err
	}
	rows, err := c.query(ctx, query, args)
	if err == nil {
		c.reads.asked(stmts[0])
	}
	return rows, err
}

// batch sends begin (a BEGIN, or noop), stmts and, if commit, a COMMIT in
// one request and returns what each statement gave. Any statement failing
// fails the batch.
func (c *conn) batch(ctx context.Context, begin string, stmts []stmt, commit bool) ([]result, error) {
	text := []string{begin}
	var args []driver.NamedValue
	for _, s := range stmts {
		text = append(text, s.sql)
		for _, a := range s.args {
			if a.Name != "" {
				return nil, errNamed
			}
			a.Ordinal = len(args) + 1
			args = append(args, a)
		}
	}
	if commit {
		text = append(text, "COMMIT")
		c.state.sendCommit()
	}
	rows, err := c.query(ctx, strings.Join(text, ";\n"), args)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	sets, ok := rows.(driver.RowsNextResultSet)
	if !ok {
		return nil, errors.New("libsql-client-go's rows lack NextResultSet")
	}
	out := make([]result, len(stmts))
	for i := range stmts {
		// The first set is the BEGIN's; a step that did not run has none.
		if err := sets.NextResultSet(); err != nil {
			return nil, fmt.Errorf("statement %d of a batch: %w", i+1, classify(err, true))
		}
		r := result{cols: rows.Columns()}
		for {
			row := make([]driver.Value, len(r.cols))
			if err := rows.Next(row); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				return nil, err
			}
			r.rows = append(r.rows, row)
		}
		out[i] = r
	}
	if commit {
		if err := sets.NextResultSet(); err != nil {
			return nil, fmt.Errorf("the COMMIT of a batch: %w", classify(err, true))
		}
		c.committed = true
	}
	return out, nil
}

// noop leads a batch that has no BEGIN: the client reports no error of a
// batch's first step, only that the steps after it did not run.
const noop = "SELECT NULL"

type lastKey struct{}

// Last returns a context for the last statement of a write transaction, a
// query: its request carries the transaction's COMMIT too, which saves a
// round trip, of holding the write lock. Nothing may follow it but Commit,
// which then sends nothing; what could fail must come before it. A failure
// on the way is taken as a failed COMMIT: the write is not run again.
// Locally the context changes nothing.
func Last(ctx context.Context) context.Context {
	return context.WithValue(ctx, lastKey{}, true)
}

// last sends a transaction's last statement, a query, with its COMMIT.
func (c *conn) last(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	begin := c.begin
	if begin == "" {
		begin = noop
	}
	c.begin = ""
	results, err := c.batch(ctx, begin, []stmt{newStmt(query, args)}, true)
	if err != nil {
		return nil, err // in SQL, the batch rolled the transaction back
	}
	return &resultRows{r: results[0]}, nil
}

// errCommitted refuses a statement after a transaction's last (Last).
var errCommitted = errors.New("the transaction has committed: Last was not its last statement")

var errNamed = errors.New("a batch takes positional arguments only")

// stmt is a statement and its arguments, with a key that tells it apart.
type stmt struct {
	sql  string
	args []driver.NamedValue
	key  string
}

func newStmt(query string, args []driver.NamedValue) stmt {
	own := make([]driver.NamedValue, len(args))
	vals := make([]any, len(args))
	for i, a := range args {
		if b, ok := a.Value.([]byte); ok && b != nil {
			a.Value = bytes.Clone(b) // the caller's may change once the call returns
		}
		own[i], vals[i] = a, a.Value
	}
	return stmt{sql: query, args: own, key: fmt.Sprintf("%s\x00%#v", query, vals)}
}

// result is what a query gave: its columns and every row.
type result struct {
	cols []string
	rows [][]driver.Value
}

// resultRows is a result as driver.Rows.
type resultRows struct {
	r result
	i int
}

func (r *resultRows) Columns() []string { return r.r.cols }
func (r *resultRows) Close() error      { return nil }
func (r *resultRows) Next(dest []driver.Value) error {
	if r.i >= len(r.r.rows) {
		return io.EOF
	}
	copy(dest, r.r.rows[r.i])
	r.i++
	return nil
}

// txState is a write transaction's record, kept by the Writer: the first
// failure that allows running it again (out of reach, or the lock busy),
// which may have come at the BEGIN sent with the first statement.
type txState struct {
	mu        sync.Mutex
	err       error
	committed bool // a COMMIT was sent, with the last statement (Last)
}

func (s *txState) sendCommit() {
	if s != nil {
		s.mu.Lock()
		s.committed = true
		s.mu.Unlock()
	}
}

func (s *txState) commitSent() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.committed
}

func (s *txState) failed(err error) {
	if s == nil {
		return
	}
	s.mu.Lock()
	if s.err == nil {
		s.err = err
	}
	s.mu.Unlock()
}

func (s *txState) clear() {
	if s != nil {
		s.mu.Lock()
		s.err = nil
		s.mu.Unlock()
	}
}

func (s *txState) retryable() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

type txStateKey struct{}

func stateOf(ctx context.Context) *txState {
	s, _ := ctx.Value(txStateKey{}).(*txState)
	return s
}
