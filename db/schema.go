package db

import (
	"context"
	"fmt"
	"strings"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// ReplicatedTable is a table whose rows are replicated: every app table,
// which is every table but schema_migrations, SQLite's own, the
// replication machinery's (replication_*) and the local ones (local_*, see
// localPrefix). The outbox triggers (triggers.go) are made from
// it, and a restore (outbox_restore.go) fills it.
type ReplicatedTable struct {
	Name    string
	Columns []string // in table order, without generated columns
	Key     string   // the primary key column
	parents []string
}

// localPrefix starts the name of a table that is never replicated and
// stays in this database only: what the store builds again from replicated
// rows (the songbook's search index, songindex.go), or what Turso's engines
// may lack (FTS5 virtual tables and their shadow tables, whose names start
// with the virtual table's).
const localPrefix = "local_"

func isReplicated(name string) bool {
	return name != "schema_migrations" && !strings.HasPrefix(name, "sqlite_") &&
		!strings.HasPrefix(name, "replication_") && !strings.HasPrefix(name, localPrefix)
}

// replicatedTables returns the replicated tables of the live schema,
// parents before the tables that reference them. Each needs a one-column
// primary key.
func replicatedTables(ctx context.Context, q sqlitedb.Querier) ([]ReplicatedTable, error) {
	names, err := sqlitedb.Column[string](ctx, q, `SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	byName := map[string]*ReplicatedTable{}
	var order []string
	for _, name := range names {
		if !isReplicated(name) {
			continue
		}
		t, err := describeTable(ctx, q, name)
		if err != nil {
			return nil, err
		}
		byName[name] = t
		order = append(order, name)
	}
	// Parents first: a depth-first walk in name order, so the order is stable.
	var out []ReplicatedTable
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(string)
	visit = func(name string) {
		t, ok := byName[name]
		if !ok || state[name] != 0 {
			return // not replicated, or done, or a cycle (which SQLite allows; order is then best effort)
		}
		state[name] = 1
		for _, p := range t.parents {
			visit(p)
		}
		state[name] = 2
		out = append(out, *t)
	}
	for _, name := range order {
		visit(name)
	}
	return out, nil
}

// liveSchema returns the replicated tables and the schema step (see
// schemaStep) of the changes made now.
func liveSchema(ctx context.Context, q sqlitedb.Querier) ([]ReplicatedTable, int, error) {
	tables, err := replicatedTables(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	step, err := schemaStep(ctx, q)
	return tables, step, err
}

// describeTable reads a table's columns, primary key and parents.
func describeTable(ctx context.Context, q sqlitedb.Querier, name string) (*ReplicatedTable, error) {
	type column struct {
		name       string
		pk, hidden int
	}
	cols, err := sqlitedb.Collect(ctx, q, func(row sqlitedb.Scanner) (c column, err error) {
		err = row.Scan(&c.name, &c.pk, &c.hidden)
		return c, err
	}, `SELECT name, pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid`, name)
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", name, err)
	}
	t := &ReplicatedTable{Name: name}
	keys := 0
	for _, c := range cols {
		if c.hidden != 0 {
			continue // generated: the remote computes it
		}
		t.Columns = append(t.Columns, c.name)
		if c.pk > 0 {
			keys++
			t.Key = c.name
		}
	}
	if keys != 1 {
		return nil, fmt.Errorf("table %s needs a primary key of one column to be replicated (it has %d)", name, keys)
	}
	if t.parents, err = sqlitedb.Column[string](ctx, q, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?) ORDER BY 1`, name); err != nil {
		return nil, fmt.Errorf("foreign keys of %s: %w", name, err)
	}
	return t, nil
}
