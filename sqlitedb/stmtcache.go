package sqlitedb

import (
	"context"
	"database/sql/driver"
	"errors"
	"strings"
)

// SQLite spends much of a short query compiling its SQL. database/sql gives
// each QueryContext or ExecContext the SQL text afresh, and the driver
// compiles it every time, so the connections Open makes keep the statements
// they have compiled, by their text, and run those again. The store's SQL
// is a fixed set of strings, so the cache stays small.

// maxCachedStmts bounds the statements one connection keeps.
const maxCachedStmts = 256

// stmtCachingConnector makes connections that keep their statements.
type stmtCachingConnector struct{ driver.Connector }

func (c stmtCachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	q, ok1 := conn.(driver.QueryerContext)
	e, ok2 := conn.(driver.ExecerContext)
	p, ok3 := conn.(driver.ConnPrepareContext)
	b, ok4 := conn.(driver.ConnBeginTx)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return conn, nil // a driver without the context interfaces: no cache
	}
	return &stmtCachingConn{Conn: conn, queryer: q, execer: e, preparer: p, beginner: b, stmts: map[string]*cachedStmt{}}, nil
}

type stmtCachingConn struct {
	driver.Conn
	queryer  driver.QueryerContext
	execer   driver.ExecerContext
	preparer driver.ConnPrepareContext
	beginner driver.ConnBeginTx
	// database/sql uses a connection from one goroutine at a time, so the
	// map needs no lock.
	stmts map[string]*cachedStmt
}

type cachedStmt struct {
	stmt driver.Stmt
	// busy is set while rows read from the statement are open: running it
	// again then would reset them, so a second use compiles a fresh one.
	busy bool
}

// cached returns the connection's compiled statement for query, compiling
// and keeping it on first use, and false when there is none to use now (the
// query runs uncached then).
func (c *stmtCachingConn) cached(ctx context.Context, query string) (*cachedStmt, bool, error) {
	if cs, ok := c.stmts[query]; ok {
		return cs, !cs.busy, nil
	}
	// Several statements in one string (a migration) are not worth keeping.
	if len(c.stmts) >= maxCachedStmts || strings.Count(strings.TrimRight(strings.TrimSpace(query), ";"), ";") > 0 {
		return nil, false, nil
	}
	st, err := c.preparer.PrepareContext(ctx, query)
	if err != nil {
		return nil, false, err
	}
	_, canQuery := st.(driver.StmtQueryContext)
	_, canExec := st.(driver.StmtExecContext)
	if !canQuery || !canExec {
		st.Close()
		return nil, false, nil
	}
	cs := &cachedStmt{stmt: st}
	c.stmts[query] = cs
	return cs, true, nil
}

// QueryContext implements driver.QueryerContext.
func (c *stmtCachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cs, ok, err := c.cached(ctx, query)
	if err != nil {
		return nil, err
	}
	if !ok {
		return c.queryer.QueryContext(ctx, query, args)
	}
	rows, err := cs.stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	cs.busy = true
	return &cachedRows{Rows: rows, stmt: cs}, nil
}

// ExecContext implements driver.ExecerContext.
func (c *stmtCachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	cs, ok, err := c.cached(ctx, query)
	if err != nil {
		return nil, err
	}
	if !ok {
		return c.execer.ExecContext(ctx, query, args)
	}
	return cs.stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

// PrepareContext implements driver.ConnPrepareContext; explicit prepares
// are left to the caller to close, as usual.
func (c *stmtCachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.preparer.PrepareContext(ctx, query)
}

// BeginTx implements driver.ConnBeginTx.
func (c *stmtCachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.beginner.BeginTx(ctx, opts)
}

// Unwrap returns the driver's connection, which modernc.org/sqlite's
// connection-level functions (sqlite.Limit) look for.
func (c *stmtCachingConn) Unwrap() driver.Conn { return c.Conn }

// ResetSession implements driver.SessionResetter.
func (c *stmtCachingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

// IsValid implements driver.Validator.
func (c *stmtCachingConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

// Ping implements driver.Pinger.
func (c *stmtCachingConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

// Close closes the kept statements, then the connection.
func (c *stmtCachingConn) Close() error {
	var errs []error
	for q, cs := range c.stmts {
		errs = append(errs, cs.stmt.Close())
		delete(c.stmts, q)
	}
	errs = append(errs, c.Conn.Close())
	return errors.Join(errs...)
}

// cachedRows frees its statement for the next use when closed.
type cachedRows struct {
	driver.Rows
	stmt *cachedStmt
}

func (r *cachedRows) Close() error {
	r.stmt.busy = false
	return r.Rows.Close()
}
