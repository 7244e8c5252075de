package sqlitedb

import (
	"database/sql"
	"errors"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// StorageFailed reports whether err (or an error it wraps) is SQLite failing
// to write its files: a full disk (SQLITE_FULL), an I/O error such as the
// shared-memory file that cannot grow (SQLITE_IOERR_SHMSIZE), or a
// read-only file system (SQLITE_READONLY). Told by result code, never by
// message text.
func StorageFailed(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() & 0xff {
	case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY:
		return true
	}
	return false
}

// OpenImmutable returns a pool that reads the database file at a file: URL
// as it stands, without the write-ahead log's shared-memory file, which
// SQLite must create and grow before it can read a WAL database at all: the
// one way to read the file on a disk with no byte free. Changes still in the
// log (after a crash) are not seen, and nothing can be written.
func OpenImmutable(databaseURL string) (*sql.DB, error) {
	return openReadPool(databaseURL, "mode=ro&immutable=1&_query_only=1")
}
