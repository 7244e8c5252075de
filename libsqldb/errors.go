package libsqldb

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
)

// ErrUnreachable is the error (test for it with errors.Is) of a request
// that failed on its way to or from the database, not in SQL: the server
// is down or out of reach, or dropped the stream. Nothing the request
// asked for is known to have happened, except for a COMMIT.
var ErrUnreachable = errors.New("the database is out of reach")

// Error is an error the database gave a statement, with SQLite's extended
// result code: Code is what sqlitedb.Violated and IsBusy read, as they read
// modernc.org/sqlite's own errors.
type Error struct {
	code int
	msg  string
}

// Error implements the error interface.
func (e *Error) Error() string { return e.msg }

// Code is SQLite's extended result code.
func (e *Error) Code() int { return e.code }

// SQLite's result codes that the store tells apart (sqlite3.h).
const (
	codeError             = 1
	codeBusy              = 5
	codeConstraint        = 19
	codeConstraintCheck   = 275
	codeConstraintFK      = 787
	codeConstraintNotNull = 1299
	codeConstraintUnique  = 2067
)

// The client (libsql-client-go) drops the Hrana error's code
// ("SQLITE_CONSTRAINT", and only the primary one at that) and keeps the
// server's message, which carries SQLite's own text: the message is all
// there is to read, so it is read here and nowhere else, and
// TestConstraintsOnTheServer proves each case against a real server.
var messageCodes = []struct {
	text string
	code int
}{
	{"UNIQUE constraint failed", codeConstraintUnique},
	{"FOREIGN KEY constraint failed", codeConstraintFK},
	{"NOT NULL constraint failed", codeConstraintNotNull},
	{"CHECK constraint failed", codeConstraintCheck},
	{"constraint failed", codeConstraint},
	{"database is locked", codeBusy},
	{"SQLITE_BUSY", codeBusy},
}

// classify turns the client's error into an *Error (SQL refused the
// statement) or one wrapping ErrUnreachable (the request failed on the
// way), which outside a transaction also wraps driver.ErrBadConn, so that
// database/sql tries the statement again on a new connection: safe, since
// outside a transaction the store only reads and sets up its schema with
// statements that can run twice.
func classify(err error, inTx bool) error {
	if err == nil {
		return nil
	}
	// The caller's context is alive (see conn.fail): a deadline here is the
	// request's own timeout.
	if onTheWay(err) || errors.Is(err, context.DeadlineExceeded) {
		if inTx {
			return fmt.Errorf("%w: %w", ErrUnreachable, err)
		}
		return fmt.Errorf("%w: %w: %w", ErrUnreachable, driver.ErrBadConn, err)
	}
	msg := innermost(err).Error()
	for _, m := range messageCodes {
		if strings.Contains(msg, m.text) {
			return &Error{code: m.code, msg: msg}
		}
	}
	return &Error{code: codeError, msg: msg}
}

// onTheWay reports whether err is the request failing, not its SQL: a
// network error, a stream the server dropped (the client's bad
// connection), or an HTTP status other than 200, which the client reports
// only as the text "error code NNN: …".
func onTheWay(err error) bool {
	var ue *url.Error
	var ne net.Error
	if errors.As(err, &ue) || errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	return strings.HasPrefix(innermost(err).Error(), "error code ")
}

// innermost is the error at the end of err's chain: the client wraps what
// the server said in "failed to execute SQL: …".
func innermost(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// isSQL reports whether err is the database refusing a statement, after
// which the connection is still good.
func isSQL(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

// IsBusy reports whether err is the database's write lock being held
// elsewhere for longer than the server waits (SQLITE_BUSY): a write that
// got it changed nothing and can run again.
func IsBusy(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.code&0xff == codeBusy
}
