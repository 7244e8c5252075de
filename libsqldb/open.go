// Package libsqldb is the plumbing under the store's remote mode: the
// whole karaoke database on a libSQL server (Turso, or sqld anywhere),
// reached through github.com/tursodatabase/libsql-client-go over Hrana on
// HTTP. It gives database/sql what the store relies on from a local file:
// write transactions that take the database's write lock at BEGIN (BEGIN
// IMMEDIATE), read transactions, errors with SQLite's result codes, and
// connections that never go stale. It knows nothing of karaoke nights.
package libsqldb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net/url"
	"time"

	"github.com/tursodatabase/libsql-client-go/libsql"
	"github.com/tursodatabase/libsql-client-go/sqliteparserutils"
)

// IdleTime is how long a connection may sit unused in the pool. A libSQL
// server drops a Hrana stream left idle for about 10 s, and the client then
// fails the next statement on it ("error code 400", then "bad
// connection"): the pool closes a connection idle this long, and a
// connection unused for staleAfter is refused before it is used.
const IdleTime = 3 * time.Second

// staleAfter is the idle time past which a connection is not used again,
// whatever the pool's cleaner has had time to do.
const staleAfter = 5 * time.Second

// requestTimeout bounds one request to the server, so a database that
// stops answering (a network cut, not a refused connection) fails the
// request in seconds instead of holding it until the client gives up.
const requestTimeout = 10 * time.Second

// maxConns bounds the connections (Hrana streams) open at once; a write
// holds one for its whole transaction.
const maxConns = 16

// Open returns a pool of connections to the libSQL database at
// databaseURL: libsql://NAME-ORG.turso.io or https://… with authToken, or
// http://HOST:PORT for a server that needs none. Nothing is sent until the
// first query.
func Open(databaseURL, authToken string) (*sql.DB, error) {
	u, err := url.Parse(databaseURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("DATABASE_URL must look like libsql://NAME-ORG.turso.io or http://HOST:PORT, not %q", Redact(databaseURL))
	}
	switch u.Scheme {
	case "libsql", "https", "http":
	default:
		return nil, fmt.Errorf("DATABASE_URL %q: a remote database is libsql://, https:// or http://", Redact(databaseURL))
	}
	var opts []libsql.Option
	if authToken != "" {
		opts = append(opts, libsql.WithAuthToken(authToken))
	}
	c, err := libsql.NewConnector(databaseURL, opts...)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	db := sql.OpenDB(connector{Connector: c, guesses: newGuesses()})
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns / 2)
	db.SetConnMaxIdleTime(IdleTime)
	return db, nil
}

// Redact returns a database URL without its user information or query,
// where a token may be, for messages.
func Redact(databaseURL string) string {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return "(a URL that does not parse)"
	}
	u.User, u.RawQuery = nil, ""
	return u.String()
}

type connector struct {
	driver.Connector
	guesses *guesses // what read transactions read last, for reading ahead (tx.go)
}

func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	inner, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, classify(err, false)
	}
	e, ok1 := inner.(driver.ExecerContext)
	q, ok2 := inner.(driver.QueryerContext)
	if !ok1 || !ok2 {
		inner.Close()
		return nil, fmt.Errorf("libsql-client-go's connection lacks ExecContext or QueryContext")
	}
	return &conn{Conn: inner, execer: e, queryer: q, lastUsed: time.Now(), guesses: c.guesses, connector: c.Connector}, nil
}

// conn is a libsql-client-go connection (one Hrana stream at a time) that
// begins transactions the store's way, classifies errors and knows when it
// can no longer be trusted.
type conn struct {
	driver.Conn
	execer  driver.ExecerContext
	queryer driver.QueryerContext

	// database/sql uses a connection from one goroutine at a time.
	lastUsed time.Time
	broken   bool // a request on it failed on the way, not in SQL
	inTx     bool
	readOnly bool   // the transaction is a read (BEGIN, not BEGIN IMMEDIATE)
	begin    string // the transaction's BEGIN, until it is sent (tx.go)
	// committed is set once the transaction's last statement went with
	// its COMMIT (Last).
	committed bool
	// guesses are the connector's, and reads the read transaction's (tx.go).
	guesses *guesses
	reads   *reads
	state   *txState // the Writer's record of the transaction, if any
	// connector makes the client's connections (renew, tx.go).
	connector driver.Connector
}

// ExecContext implements driver.ExecerContext. Several statements in one
// text with no arguments (a migration, a schema set-up) run one by one, so
// that a failing one fails the call: the client sends them as a batch whose
// steps' errors it does not report.
func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if c.committed {
		return nil, errCommitted
	}
	if c.begin != "" {
		if err := c.sendBegin(ctx); err != nil {
			return nil, err
		}
	}
	c.reads.write()
	return c.exec(ctx, query, args)
}

// exec sends one statement, or several with no arguments one by one.
func (c *conn) exec(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	c.lastUsed = time.Now()
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	args = nullBlobs(args)
	if len(args) == 0 {
		if stmts, _ := sqliteparserutils.SplitStatement(query); len(stmts) > 1 {
			var last driver.Result
			for _, stmt := range stmts {
				res, err := c.execer.ExecContext(ctx, stmt, nil)
				if err != nil {
					return nil, c.fail(parent, err)
				}
				last = res
			}
			return last, nil
		}
	}
	res, err := c.execer.ExecContext(ctx, query, args)
	if err != nil {
		return nil, c.fail(parent, err)
	}
	return res, nil
}

// QueryContext implements driver.QueryerContext. The client reads every
// row before it returns. The first statement of a transaction carries its
// BEGIN, and a read transaction answers what it read ahead (tx.go).
func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	args = nullBlobs(args)
	switch {
	case c.committed:
		return nil, errCommitted
	case c.inTx && !c.readOnly && ctx.Value(lastKey{}) != nil:
		return c.last(ctx, query, args)
	case c.begin != "":
		return c.first(ctx, query, args)
	}
	if rows, ok := c.reads.answer(query, args); ok {
		return rows, nil
	}
	rows, err := c.query(ctx, query, args)
	if err != nil || c.reads == nil {
		return rows, err
	}
	return c.reads.keep(newStmt(query, args), rows)
}

// query sends one query in one request.
func (c *conn) query(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	c.lastUsed = time.Now()
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	rows, err := c.queryer.QueryContext(ctx, query, args)
	if err != nil {
		return nil, c.fail(parent, err)
	}
	return rows, nil
}

// nullBlobs gives a nil []byte as NULL, as modernc.org/sqlite binds it
// locally: the client would send it as an empty blob, which is not NULL
// (songbooks.owner_hash IS NULL is the house's songbook).
func nullBlobs(args []driver.NamedValue) []driver.NamedValue {
	for i, a := range args {
		if b, ok := a.Value.([]byte); ok && b == nil {
			args[i].Value = nil
		}
	}
	return args
}

// fail classifies err, the error of a request made for a caller whose
// context is parent, and, unless SQL refused the statement, marks the
// connection broken so the pool drops it.
func (c *conn) fail(parent context.Context, err error) error {
	if parent.Err() != nil {
		c.broken = true
		return err // the caller gave up: not the database's doing
	}
	err = classify(err, c.inTx)
	if !isSQL(err) {
		c.broken = true
	}
	if c.inTx && (!isSQL(err) || IsBusy(err)) {
		c.state.failed(err)
	}
	return err
}

// BeginTx implements driver.ConnBeginTx. A read-only transaction is a
// plain BEGIN (it takes no lock, and reads one snapshot); any other is
// BEGIN IMMEDIATE, which takes the database's write lock before the first
// read, so that a transaction's reads and writes are never interleaved with
// another machine's write: what a single writer guarantees locally.
//
// The BEGIN is not sent on its own: it goes with the transaction's first
// statement, in one request (tx.go), which saves a round trip per
// transaction, and for a write one round trip of holding the lock.
func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if opts.Isolation != driver.IsolationLevel(sql.LevelDefault) {
		return nil, fmt.Errorf("isolation level %d is not supported", opts.Isolation)
	}
	c.begin, c.readOnly, c.state = "BEGIN IMMEDIATE", opts.ReadOnly, stateOf(ctx)
	if opts.ReadOnly {
		c.begin = "BEGIN"
	}
	if key, ok := ctx.Value(readAheadKey{}).(string); ok {
		c.reads = &reads{key: key, seen: map[string]bool{}}
	}
	c.inTx = true
	return tx{c}, nil
}

// Begin implements driver.Conn.
func (c *conn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

// IsValid implements driver.Validator: a connection that failed on the way,
// or sat unused long enough for the server to have dropped its stream, is
// not used again.
func (c *conn) IsValid() bool {
	return !c.broken && time.Since(c.lastUsed) < staleAfter
}

// ResetSession implements driver.SessionResetter. The client would close
// its Hrana stream here, a request of its own each time a connection goes
// back to the pool: the stream is kept instead, for the connection's next
// use, and closed with the connection, which the pool does once it has
// sat idle for IdleTime (IsValid refuses it before the server's timeout).
func (c *conn) ResetSession(ctx context.Context) error {
	if c.broken || c.inTx {
		return driver.ErrBadConn
	}
	return nil
}
