package db

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// The outbox triggers. Every replicated table has three, which append each
// changed row (or deleted key) to replication_outbox in the transaction that
// made the change, so a change and its outbox entry commit or vanish
// together. They are generated from the live schema at every Open, so a
// migration that changes a table changes them too.

// triggerPrefix begins the name of every outbox trigger.
const triggerPrefix = "replication_outbox_"

// rowJSON is the SQL that captures a row as a JSON object from column name to
// the value as an SQL literal (SQLite's quote()), which keeps the value's
// type exactly: integers, reals, text and blobs, which JSON alone cannot.
// Package replica reads it back.
func rowJSON(alias string, cols []string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = sqlitedb.QuoteText(c) + ", quote(" + alias + sqlitedb.QuoteIdent(c) + ")"
	}
	return "json_object(" + strings.Join(parts, ", ") + ")"
}

// triggerSQL returns the outbox triggers of a table, by name. The schema
// step (how many migrations are applied) is part of each entry: the shipper
// gives the remote the same migrations before it applies the entry.
func triggerSQL(t ReplicatedTable, step int) map[string]string {
	entry := func(op, alias string, cols []string, when string) string {
		q := fmt.Sprintf(`INSERT INTO replication_outbox (schema_step, table_name, key_column, op, row, created_at) SELECT %d, %s, %s, '%s', %s, %s`,
			step, sqlitedb.QuoteText(t.Name), sqlitedb.QuoteText(t.Key), op, rowJSON(alias, cols), nowSQL)
		if when != "" {
			q += " WHERE " + when
		}
		return q + ";"
	}
	trigger := func(event, body string) (string, string) {
		name := triggerPrefix + t.Name + "_" + strings.ToLower(event)
		return name, fmt.Sprintf("CREATE TRIGGER %s AFTER %s ON %s BEGIN %s END", sqlitedb.QuoteIdent(name), event, sqlitedb.QuoteIdent(t.Name), body)
	}
	key := []string{t.Key}
	out := map[string]string{}
	add := func(name, sql string) { out[name] = sql }
	add(trigger("INSERT", entry(OpUpsert, "NEW.", t.Columns, "")))
	// A changed key is a delete of the old row and an insert of the new.
	add(trigger("UPDATE", entry(OpDelete, "OLD.", key, fmt.Sprintf("OLD.%s IS NOT NEW.%[1]s", sqlitedb.QuoteIdent(t.Key)))+" "+
		entry(OpUpsert, "NEW.", t.Columns, "")))
	add(trigger("DELETE", entry(OpDelete, "OLD.", key, "")))
	return out
}

// syncTriggers makes the outbox triggers exactly those of tables (none when
// tables is nil): stale ones are dropped, missing ones created, and ones
// already right are left alone, so an Open that changes nothing writes
// nothing.
func syncTriggers(ctx context.Context, tx *sql.Tx, tables []ReplicatedTable, step int) error {
	want := map[string]string{}
	for _, t := range tables {
		maps.Copy(want, triggerSQL(t, step))
	}
	type trigger struct{ name, sql string }
	found, err := sqlitedb.Collect(ctx, tx, func(row sqlitedb.Scanner) (t trigger, err error) {
		err = row.Scan(&t.name, &t.sql)
		return t, err
	}, `SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND substr(name, 1, ?) = ?`, len(triggerPrefix), triggerPrefix)
	if err != nil {
		return err
	}
	have := map[string]string{}
	for _, t := range found {
		have[t.name] = t.sql
	}
	for _, name := range slices.Sorted(maps.Keys(have)) {
		if want[name] != have[name] {
			if _, err := tx.ExecContext(ctx, "DROP TRIGGER "+sqlitedb.QuoteIdent(name)); err != nil {
				return fmt.Errorf("drop trigger %s: %w", name, err)
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(want)) {
		if want[name] != have[name] {
			if _, err := tx.ExecContext(ctx, want[name]); err != nil {
				return fmt.Errorf("create trigger %s: %w", name, err)
			}
		}
	}
	return nil
}

// dropTriggers removes the outbox triggers, so that what a migration does is
// not captured: the remote runs the same migration when the shipper gets to
// it, in the same place in the stream of changes.
func (s *Store) dropTriggers(ctx context.Context) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error { return syncTriggers(ctx, tx, nil, 0) })
}
