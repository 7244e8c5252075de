package libsqldb

import (
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
		c.inTx, c.begin, c.state = false, "", nil
		if c.reads != nil {
			c.guesses.keep(c.reads.key, c.reads.asked)
			c.reads = nil
		}
	}()
	switch {
	case c.begin != "":
		return nil // nothing was sent, so nothing is open
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
	if c.reads != nil {
		c.reads.note(stmts[0])
		stmts = c.guesses.plan(c.reads.key, stmts[0])
	}
	results, err := c.batch(ctx, c.begin, stmts)
	if errors.Is(err, ErrUnreachable) && ctx.Err() == nil {
		// The stream this connection kept may be one the server dropped
		// (restarted, or idle past its timeout): database/sql would try a
		// statement again on another connection, but not in a
		// transaction, so the transaction's first request is tried once
		// more on a fresh stream. Nothing of the first try can be kept:
		// it had no COMMIT.
		if c.renew(ctx) == nil {
			results, err = c.batch(ctx, c.begin, stmts)
		}
	}
	if err == nil {
		c.begin = ""
		if c.reads != nil {
			c.reads.got = make(map[string]result, len(stmts))
			for i, s := range stmts {
				c.reads.got[s.key] = results[i]
			}
		}
		return &resultRows{r: results[0]}, nil
	}
	if errors.Is(err, ErrUnreachable) || ctx.Err() != nil {
		return nil, err
	}
	// The batch failed in SQL, and rolled back: begin again, then ask alone.
	if err := c.sendBegin(ctx); err != nil {
		return nil, err
	}
	return c.query(ctx, query, args)
}

// batch sends begin and stmts in one request and returns what each
// statement gave. Any statement failing fails the batch.
func (c *conn) batch(ctx context.Context, begin string, stmts []stmt) ([]result, error) {
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
			return nil, fmt.Errorf("statement %d of a batch: %w", i+1, err)
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
	return out, nil
}

var errNamed = errors.New("a batch takes positional arguments only")

// stmt is a statement and its arguments, with a key that tells it apart.
type stmt struct {
	sql  string
	args []driver.NamedValue
	key  string
}

func newStmt(query string, args []driver.NamedValue) stmt {
	vals := make([]any, len(args))
	for i, a := range args {
		vals[i] = a.Value
	}
	return stmt{sql: query, args: append([]driver.NamedValue(nil), args...), key: fmt.Sprintf("%s\x00%#v", query, vals)}
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

type readAheadKey struct{}

// ReadAhead returns a context under which a read transaction begun (with
// BeginTx's ReadOnly, given this context) reads ahead: its first request carries the
// statements the last read transaction under the same key asked, with
// their arguments, and any of them asked again is answered from there. One
// snapshot answers them all, so an answer read ahead is the answer. A
// statement asked that was not read ahead is sent as usual. The key names
// what is read and for whom ("night 12"); locally the context changes
// nothing.
func ReadAhead(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, readAheadKey{}, key)
}

// reads is a read transaction's record of what it asked, and what it read
// ahead.
type reads struct {
	key   string
	asked []stmt
	seen  map[string]bool
	got   map[string]result
}

func (r *reads) note(s stmt) {
	if !r.seen[s.key] {
		r.seen[s.key] = true
		r.asked = append(r.asked, s)
	}
}

// answer returns the rows read ahead for a query, if it was, and notes it.
func (r *reads) answer(query string, args []driver.NamedValue) (driver.Rows, bool) {
	if r == nil {
		return nil, false
	}
	s := newStmt(query, args)
	r.note(s)
	got, ok := r.got[s.key]
	if !ok {
		return nil, false
	}
	return &resultRows{r: got}, true
}

// maxGuesses bounds the keys remembered; past it they are all forgotten.
const maxGuesses = 1000

// guesses are, by key, the statements the last read transaction under that
// key asked.
type guesses struct {
	mu sync.Mutex
	m  map[string][]stmt
}

func newGuesses() *guesses { return &guesses{m: map[string][]stmt{}} }

// plan returns the statements to send with first: it, then those asked
// last time under key.
func (g *guesses) plan(key string, first stmt) []stmt {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := []stmt{first}
	for _, s := range g.m[key] {
		if s.key != first.key {
			out = append(out, s)
		}
	}
	return out
}

func (g *guesses) keep(key string, asked []stmt) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.m) >= maxGuesses {
		clear(g.m)
	}
	g.m[key] = asked
}

// txState is a write transaction's record, kept by the Writer: the first
// failure that allows running it again (out of reach, or the lock busy),
// which may have come at the BEGIN sent with the first statement.
type txState struct {
	mu  sync.Mutex
	err error
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
