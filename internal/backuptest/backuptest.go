// Package backuptest makes the files a restore must refuse: SQLite files
// that pass the integrity check but that the server cannot run on.
package backuptest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// Exec runs statements on the database file at path, outside any store.
func Exec(t testing.TB, path string, statements ...string) {
	t.Helper()
	conn, err := sqlitedb.Open("file:"+path, "")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, s := range statements {
		if _, err := conn.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// OnlyMigrations makes, in dir, a file holding only the migrations table,
// with migration 1 recorded in it.
func OnlyMigrations(t testing.TB, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "only-migrations.db")
	Exec(t, path, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`,
		`INSERT INTO schema_migrations VALUES (1, '0001_init.sql', 0)`)
	return path
}

// FromTheFuture makes, in dir, a copy of the backup good with a migration
// recorded that no release of this program has.
func FromTheFuture(t testing.TB, dir, good string) string {
	t.Helper()
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "future.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	Exec(t, path, `INSERT INTO schema_migrations VALUES (9999, '9999_from_the_future.sql', 0)`)
	return path
}
