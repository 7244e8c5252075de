package db

import (
	"context"
	"fmt"
	"testing"
)

// OpenForTest opens the store at url with opts, failing tb if it cannot,
// and closes it when the test or benchmark ends. The package's own tests
// and those of db_test share it, so it lives here.
func OpenForTest(tb testing.TB, url string, opts ...Option) *Store {
	tb.Helper()
	s, err := Open(context.Background(), url, opts...)
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// Pragmas returns the connection settings in force on the write connection,
// by name, as SQLite reports them.
func (s *Store) Pragmas(ctx context.Context) (map[string]string, error) {
	got := map[string]string{}
	for _, name := range []string{"journal_mode", "synchronous", "foreign_keys", "busy_timeout"} {
		var v string
		if err := s.writer.DB().QueryRowContext(ctx, "PRAGMA "+name).Scan(&v); err != nil {
			return nil, fmt.Errorf("read pragma %s: %w", name, err)
		}
		got[name] = v
	}
	return got, nil
}

// SchemaVersion returns the newest migration applied to the database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	return schemaVersion(ctx, s.writer.DB())
}

// SignedDevice issues a device token from s, as the join handler does: the
// only kind of token that makes a new guest. db_test shares it.
func SignedDevice(tb testing.TB, s *Store) string {
	tb.Helper()
	token, err := s.NewDeviceToken(context.Background())
	if err != nil {
		tb.Fatalf("device token: %v", err)
	}
	return token
}
