package db

import (
	"cmp"
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one embedded schema change, applied once and recorded in
// schema_migrations.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the embedded migrations in the order they apply. Their
// names start with a version number: 0001_init.sql.
func Migrations() ([]Migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, path := range names {
		name := strings.TrimPrefix(path, "migrations/")
		num, _, ok := strings.Cut(name, "_")
		version, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a version number and _", name)
		}
		body, err := migrationFiles.ReadFile(path)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: version, Name: name, SQL: string(body)})
	}
	slices.SortFunc(out, func(a, b Migration) int { return cmp.Compare(a.Version, b.Version) })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("migrations %s and %s share a version", out[i-1].Name, out[i].Name)
		}
	}
	return out, nil
}

// OnlyMigrations makes Open apply only the migrations with these versions:
// a restore fills a new database at the schema its copy has, then opens it
// again to migrate the rest of the way.
func OnlyMigrations(versions []int) Option {
	return func(o *options) {
		o.only = map[int]bool{}
		for _, v := range versions {
			o.only[v] = true
		}
	}
}

// createSchemaMigrations makes the table that records the migrations.
const createSchemaMigrations = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER PRIMARY KEY,
	name       TEXT    NOT NULL,
	applied_at INTEGER NOT NULL
)`

// schemaVersion returns the newest migration applied to the database, 0 for
// a new one. migrate creates schema_migrations before it asks.
func schemaVersion(ctx context.Context, q sqlitedb.Querier) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}

// migrate applies, each in its own transaction, the migrations the database
// has not seen yet. It refuses a database whose schema is newer than this
// program's.
func (s *Store) migrate(ctx context.Context, o options, migrations []Migration) error {
	write := s.writer.DB()
	if _, err := write.ExecContext(ctx, createSchemaMigrations); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	current, err := schemaVersion(ctx, write)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if newest := migrations[len(migrations)-1].Version; current > newest {
		return fmt.Errorf("the database's schema (version %d) is newer than this program's (version %d): run a newer release", current, newest)
	}
	versions, err := sqlitedb.Column[int](ctx, write, `SELECT version FROM schema_migrations`)
	if err != nil {
		return fmt.Errorf("read applied migrations: %w", err)
	}
	applied := map[int]bool{}
	for _, v := range versions {
		applied[v] = true
	}
	// Every migration not yet recorded runs, in order, even one numbered
	// below the newest applied: branches that were merged late stay safe.
	var pending []Migration
	for _, m := range migrations {
		if !applied[m.Version] && (o.only == nil || o.only[m.Version]) {
			pending = append(pending, m)
		}
	}
	if len(pending) > 0 && len(applied) > 0 && o.backupDir != "" {
		if _, err := s.backupWith(ctx, write, o.backupDir, o.backupsKept); err != nil {
			return fmt.Errorf("backup before migrating: %w", err)
		}
	}
	if len(pending) > 0 {
		if err := s.dropTriggers(ctx); err != nil {
			return fmt.Errorf("before migrating: %w", err)
		}
	}
	for _, m := range pending {
		err := s.inWrite(ctx, func(tx *sql.Tx) error {
			// Another machine on the same remote database may have applied
			// it since the list was read: the write lock this transaction
			// holds makes the check and the migration one step.
			var done bool
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) > 0 FROM schema_migrations WHERE version = ?`, m.Version).Scan(&done); err != nil || done {
				return err
			}
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.Version, m.Name, s.nowMillis())
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
	}
	return nil
}

// AppliedMigrations returns the versions of the migrations applied to the
// database, in the order they were applied (which, for a branch merged
// late, is not always the order of their numbers). Replication applies them
// to the remote in the same order, at the same point among the changes.
func (o *Outbox) AppliedMigrations(ctx context.Context) ([]int, error) {
	versions, err := sqlitedb.Column[int](ctx, o.s.writer.DB(), `SELECT version FROM schema_migrations ORDER BY applied_at, version`)
	if err != nil {
		return nil, fmt.Errorf("read applied migrations: %w", err)
	}
	return versions, nil
}

// schemaStep is how many migrations the database has applied: each change
// in the outbox carries it, so the shipper knows which migrations the
// remote must have before the change.
func schemaStep(ctx context.Context, q sqlitedb.Querier) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n)
	return n, err
}
