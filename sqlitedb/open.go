// Package sqlitedb is the SQLite plumbing under the karaoke database
// (package db) and its copy in Turso (package replica): opening a local
// database file with the settings the app relies on, a statement cache, a
// single writer that commits in groups, errors classified by SQLite's result
// codes, identifier quoting and a row collector. It knows nothing of
// karaoke nights.
package sqlitedb

import (
	"cmp"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"strings"

	"modernc.org/sqlite"
)

// Pragmas every connection gets. They are given as DSN parameters, which
// modernc.org/sqlite applies on each new connection; db's TestPragmasInForce
// reads them back, since a driver may ignore a parameter it does not know.
const pragmas = "_busy_timeout=" + busyTimeout + "&_foreign_keys=1&_journal_mode=WAL&_synchronous=FULL"

// busyTimeout is how long, in milliseconds, a connection waits for a lock
// another holds before it gives up with SQLITE_BUSY.
const busyTimeout = "5000"

// Open returns a pool of connections to the database at a file: URL, each
// with the app's pragmas and then params (more DSN parameters, such as
// _query_only=1), and each keeping the statements it compiles (see
// stmtcache.go). Parameters in the URL come before the pragmas, and the
// driver takes the first of a repeated parameter, so a URL can override a
// default: file:k.db?_synchronous=NORMAL.
func Open(databaseURL, params string) (*sql.DB, error) {
	if !strings.HasPrefix(databaseURL, "file:") {
		return nil, fmt.Errorf("DATABASE_URL %q: only file: URLs are supported", databaseURL)
	}
	// file://name would name a host, which SQLite would quietly ignore.
	if strings.HasPrefix(databaseURL, "file://") && !strings.HasPrefix(databaseURL, "file:///") {
		return nil, fmt.Errorf("DATABASE_URL %q: a file: URL takes one slash or three, not two", databaseURL)
	}
	u, err := url.Parse(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	if u.Opaque == "" && u.Path == "" {
		return nil, fmt.Errorf("DATABASE_URL %q names no file", databaseURL)
	}
	// An opaque file:name keeps its %-escapes; SQLite decodes them.
	opaque, _ := url.PathUnescape(u.Opaque)
	if path := cmp.Or(opaque, u.Path); u.Query().Get("mode") == "" && path != ":memory:" {
		restrictModes(path)
	}
	sep := "?"
	if strings.Contains(databaseURL, "?") {
		sep = "&"
	}
	dsn := databaseURL + sep + pragmas
	if params != "" {
		dsn += "&" + params
	}
	connector, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", databaseURL, err)
	}
	return sql.OpenDB(stmtCachingConnector{connector}), nil
}

// restrictModes makes the database file 0600 before SQLite opens it: it
// holds every guest's name, and SQLite would create it 0644 (less the
// umask). SQLite gives the -wal and -shm files it creates the main file's
// mode, so they follow. A file made by an older release, or its -wal and
// -shm, loses its group write and every bit for others. Failures are left
// for SQLite's open to report.
func restrictModes(path string) {
	if f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600); err == nil {
		f.Close()
		return
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if info, err := os.Stat(p); err == nil && info.Mode().Perm()&^0o640 != 0 {
			os.Chmod(p, info.Mode().Perm()&0o640)
		}
	}
}

// OpenReader returns the pool a store reads through: query-only
// connections, as many as the CPUs can keep busy, which WAL lets run beside
// the writer.
func OpenReader(databaseURL string) (*sql.DB, error) {
	return openReadPool(databaseURL, "_query_only=1")
}

// openReadPool opens a pool of reading connections with params, as many as
// the CPUs can keep busy.
func openReadPool(databaseURL, params string) (*sql.DB, error) {
	read, err := Open(databaseURL, params)
	if err != nil {
		return nil, err
	}
	read.SetMaxOpenConns(max(4, 2*runtime.GOMAXPROCS(0)))
	read.SetMaxIdleConns(max(4, 2*runtime.GOMAXPROCS(0)))
	return read, nil
}

// OpenFileReadOnly opens the database file at path read-only and without
// the app's pragmas (which would write to it): for checking a file, such as
// a backup, that no store has open.
func OpenFileReadOnly(path string) (*sql.DB, error) {
	connector, err := sqlite.NewConnector("file:" + path + "?mode=ro")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return sql.OpenDB(connector), nil
}
