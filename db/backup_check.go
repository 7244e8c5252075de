package db

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// ErrNotKaraoke is the answer of CheckFile for a file that is SQLite but not
// a karaoke database: no migrations recorded, or tables those migrations
// make missing (a file holding only schema_migrations once passed, and the
// restored server then answered 500 to everything).
var ErrNotKaraoke = errors.New("not a karaoke database")

// ErrSchemaTooNew is the answer of CheckFile for a database a newer release
// wrote: this program would refuse to start on it.
var ErrSchemaTooNew = errors.New("the database has a migration this program does not know: it was written by a newer release")

// checkSchema checks that the database behind conn records only migrations
// this program knows, and has every table and column those migrations make.
// It builds the expected schema by running the same migrations into a
// scratch database, so it never drifts from the migrations themselves.
func checkSchema(ctx context.Context, conn sqlitedb.Querier) error {
	ours, err := sqlitedb.TableExists(ctx, conn, "schema_migrations")
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNotKaraoke, err)
	}
	if !ours {
		return fmt.Errorf("%w: it has no schema_migrations table", ErrNotKaraoke)
	}
	versions, err := sqlitedb.Column[int](ctx, conn, `SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		return fmt.Errorf("%w: read its migrations: %w", ErrNotKaraoke, err)
	}
	if len(versions) == 0 {
		return fmt.Errorf("%w: it records no migrations", ErrNotKaraoke)
	}
	all, err := Migrations()
	if err != nil {
		return err
	}
	known := map[int]Migration{}
	for _, m := range all {
		known[m.Version] = m
	}
	var applied []Migration
	for _, v := range versions {
		m, ok := known[v]
		if !ok {
			return fmt.Errorf("%w (migration %d; this program knows up to %d): run a newer release", ErrSchemaTooNew, v, all[len(all)-1].Version)
		}
		applied = append(applied, m)
	}
	want, err := schemaOf(ctx, applied)
	if err != nil {
		return fmt.Errorf("build the expected schema: %w", err)
	}
	got, err := tableColumns(ctx, conn)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNotKaraoke, err)
	}
	for table, cols := range want {
		have, ok := got[table]
		if !ok {
			return fmt.Errorf("%w: table %s is missing", ErrNotKaraoke, table)
		}
		for _, c := range cols {
			if !slices.Contains(have, c) {
				return fmt.Errorf("%w: column %s.%s is missing", ErrNotKaraoke, table, c)
			}
		}
	}
	return nil
}

// schemaOf returns the tables and columns the given migrations make, run
// into a scratch database that is removed afterwards.
func schemaOf(ctx context.Context, migrations []Migration) (map[string][]string, error) {
	dir, err := os.MkdirTemp("", "karaoke-schema-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	conn, err := sqlitedb.Open("file:"+filepath.Join(dir, "schema.db"), "")
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	for _, m := range migrations {
		if _, err := conn.ExecContext(ctx, m.SQL); err != nil {
			return nil, fmt.Errorf("migration %s: %w", m.Name, err)
		}
	}
	return tableColumns(ctx, conn)
}

// tableColumns lists the app's tables (not SQLite's own, not
// schema_migrations) with their column names.
func tableColumns(ctx context.Context, q sqlitedb.Querier) (map[string][]string, error) {
	names, err := sqlitedb.Column[string](ctx, q, `SELECT name FROM sqlite_schema WHERE type = 'table'`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	out := map[string][]string{}
	for _, name := range names {
		if name == "schema_migrations" || strings.HasPrefix(name, "sqlite_") {
			continue
		}
		cols, err := sqlitedb.Column[string](ctx, q, `SELECT name FROM pragma_table_info(?)`, name)
		if err != nil {
			return nil, fmt.Errorf("columns of %s: %w", name, err)
		}
		out[name] = cols
	}
	return out, nil
}
