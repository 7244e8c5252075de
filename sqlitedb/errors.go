package sqlitedb

import (
	"errors"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Constraint is the kind of constraint SQLite refused a write for.
type Constraint int

// The constraints a caller tells apart; see Violated.
const (
	NoConstraint    Constraint = iota // not a constraint violation, or not SQLite's error
	Unique                            // a UNIQUE index or the primary key
	ForeignKey                        // a REFERENCES clause
	NotNull                           // a NOT NULL column
	Check                             // a CHECK clause
	OtherConstraint                   // another constraint (a trigger's RAISE, say)
)

// coded is an error with SQLite's extended result code: modernc.org/sqlite's
// *sqlite.Error, and libsqldb's *Error for a remote database.
type coded interface {
	error
	Code() int
}

var _ coded = (*sqlite.Error)(nil)

// Violated returns the constraint err (or an error it wraps) reports a
// write broke, by SQLite's extended result code: the message text is
// SQLite's and may change.
func Violated(err error) Constraint {
	var e coded
	if !errors.As(err, &e) {
		return NoConstraint
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return Unique
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return ForeignKey
	case sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return NotNull
	case sqlite3.SQLITE_CONSTRAINT_CHECK:
		return Check
	}
	if e.Code()&0xff == sqlite3.SQLITE_CONSTRAINT {
		return OtherConstraint
	}
	return NoConstraint
}
