package db

import (
	"context"
	"errors"
	"time"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// readOnlyMessage is what a guest or the host is told when the server
// started read-only, or a write failed because SQLite could not write its
// files: the form shows it, and nothing is saved.
const readOnlyMessage = "The server's disk is full, so nothing can be saved right now. " +
	"The queue can still be seen; please try again later."

// OpenReadOnly opens the database at a file: URL for reading only, as it
// stands on disk, for a server that must start on a full disk: it answers
// reads, and every write returns an *Error (ECONFLICT) that says the disk is
// full, which forms show. It applies no migration, so the schema must be
// the one this build expects; Open's error, if any, is the caller's to log.
func OpenReadOnly(ctx context.Context, databaseURL string) (*Store, error) {
	read, err := sqlitedb.OpenImmutable(databaseURL)
	if err != nil {
		return nil, err
	}
	s := &Store{url: databaseURL, read: read, Now: time.Now}
	if err := s.Ping(ctx); err != nil {
		read.Close()
		return nil, err
	}
	return s, nil
}

// ReadOnly reports whether the store was opened by OpenReadOnly.
func (s *Store) ReadOnly() bool { return s.writer == nil }

// errReadOnly is every write's answer in a store opened read-only.
func errReadOnly() error { return Errorf(ECONFLICT, readOnlyMessage) }

// storageRefusal turns a write that failed because SQLite could not write
// its files (a full disk, a read-only one) into an *Error that says so, so
// the form tells the guest instead of a bare 500; the cause stays wrapped
// for the log.
func storageRefusal(err error) error {
	if !sqlitedb.StorageFailed(err) {
		return err
	}
	return errors.Join(errReadOnly(), err)
}
