package db

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// A backup in remote mode is a local SQLite file holding the remote
// database as it was at one moment: what `karaoke restore` takes, on a
// machine with a volume. Every replicated table is read in one read
// transaction on the remote (a libSQL server reads a transaction's
// statements from one snapshot: libsqldb's TestReadTransactionIsASnapshot),
// and written, in one local transaction, into a new file made by the same
// migrations as the remote applied, in the same order: the empty tables,
// then the rows, then the remote's schema_migrations rows. The local_*
// tables are not copied: the store builds them again at Open.

// appliedMigration is a row of schema_migrations.
type appliedMigration struct {
	version   int
	name      string
	appliedAt int64
}

// copyRemoteInto writes the remote database into the empty SQLite file at
// path. It refuses a remote with a migration this program does not know
// (ErrSchemaTooNew).
func (s *Store) copyRemoteInto(ctx context.Context, path string) error {
	// A rollback journal, not WAL: the backup is the one file, and a
	// temporary's -journal is what RemoveStaleTemps clears after a kill.
	local, err := sqlitedb.Open((&url.URL{Scheme: "file", Path: path}).String()+"?_journal_mode=DELETE", "")
	if err != nil {
		return err
	}
	defer local.Close()
	local.SetMaxOpenConns(1)
	return s.inRead(ctx, func(remote *sql.Tx) error {
		applied, err := sqlitedb.Collect(ctx, remote, func(row sqlitedb.Scanner) (m appliedMigration, err error) {
			err = row.Scan(&m.version, &m.name, &m.appliedAt)
			return m, err
		}, `SELECT version, name, applied_at FROM schema_migrations ORDER BY applied_at, version`)
		if err != nil {
			return fmt.Errorf("read the remote's migrations: %w", err)
		}
		migrations, err := migrationsFor(applied)
		if err != nil {
			return err
		}
		tx, err := local.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		// Rows go in parents first, but a table may point at itself:
		// foreign keys are checked once, at the commit.
		if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, createSchemaMigrations); err != nil {
			return err
		}
		for _, m := range migrations {
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
		}
		tables, err := replicatedTables(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := copyTables(ctx, tx, snapshot{remote}, tables); err != nil {
			return fmt.Errorf("copy the remote: %w", err)
		}
		for _, m := range applied {
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, m.appliedAt); err != nil {
				return err
			}
		}
		return tx.Commit()
	})
}

// migrationsFor returns the embedded migrations of the applied ones, in
// the order they were applied, or ErrSchemaTooNew for one it does not know.
func migrationsFor(applied []appliedMigration) ([]Migration, error) {
	all, err := Migrations()
	if err != nil {
		return nil, err
	}
	known := map[int]Migration{}
	for _, m := range all {
		known[m.Version] = m
	}
	out := make([]Migration, 0, len(applied))
	for _, a := range applied {
		m, ok := known[a.version]
		if !ok {
			return nil, fmt.Errorf("the remote database: %w (migration %s)", ErrSchemaTooNew, a.name)
		}
		out = append(out, m)
	}
	return out, nil
}

// snapshot reads tables through a read transaction on the remote.
type snapshot struct{ tx *sql.Tx }

func (s snapshot) Rows(ctx context.Context, t ReplicatedTable, fn func(page [][]any) error) error {
	return ReadTable(ctx, s.tx, t, 0, fn)
}
