package db

// The local half of replication to Turso. Triggers on every replicated
// table append each changed row (or deleted key) to replication_outbox in
// the transaction that made the change, so a change and its outbox entry
// commit or vanish together. The triggers are generated from the live
// schema at every Open, so a migration that changes a table changes them
// too. The remote half (shipping, restoring) is package replica.

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Local machinery: made by code, never by a migration, so that the remote,
// which gets the migrations, never gets it.
const (
	outboxTable   = "replication_outbox"
	stateTable    = "replication_state"
	triggerPrefix = "replication_outbox_"

	createMachinery = `
CREATE TABLE IF NOT EXISTS replication_outbox (
	seq            INTEGER PRIMARY KEY AUTOINCREMENT,
	schema_step    INTEGER NOT NULL,
	table_name     TEXT    NOT NULL,
	key_column     TEXT    NOT NULL,
	op             TEXT    NOT NULL CHECK (op IN ('upsert', 'delete', 'reset')),
	row            TEXT    NOT NULL,
	created_at     INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS replication_state (
	id              INTEGER PRIMARY KEY CHECK (id = 1),
	enabled         INTEGER NOT NULL,
	seeded          INTEGER NOT NULL,
	writer          TEXT    NOT NULL,
	remote_writer   TEXT    NOT NULL,
	shipped_seq     INTEGER NOT NULL,
	last_success_at INTEGER,
	last_error      TEXT    NOT NULL DEFAULT '',
	last_error_at   INTEGER
)`

	// nowSQL is Unix milliseconds, as the app's own times are.
	nowSQL = `CAST(unixepoch('subsec') * 1000 AS INTEGER)`
)

// Outbox operations.
const (
	OpUpsert = "upsert" // insert the row, or update the row with its key
	OpDelete = "delete" // delete the row with the key
	OpReset  = "reset"  // delete every row of the tables named, children first
)

// replicationMode is what Open does with the replication machinery.
type replicationMode int

const (
	replicationKeep replicationMode = iota // as the database has it
	replicationOn
	replicationOff
)

// Replication turns the replication machinery on (outbox, triggers) or off
// (no triggers, outbox emptied) when Open opens the database. Without this
// option Open keeps it as the database has it, so that an operator's command
// run beside the server changes nothing. Turning it on for a database that
// was not replicating queues every row, so the remote gets a full copy.
func Replication(on bool) Option {
	return func(o *options) {
		o.replication = replicationOff
		if on {
			o.replication = replicationOn
		}
	}
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

// ReplicatedTable is a table whose rows are replicated: every app table,
// which is every table but schema_migrations, SQLite's own and the
// replication machinery's.
type ReplicatedTable struct {
	Name    string
	Columns []string // in table order, without generated columns
	Key     string   // the primary key column
	parents []string
}

func isReplicated(name string) bool {
	return name != "schema_migrations" && !strings.HasPrefix(name, "sqlite_") && !strings.HasPrefix(name, "replication_")
}

// ReplicatedTables returns the replicated tables of the schema, parents
// before the tables that reference them. Each needs a one-column primary key.
func (s *Store) ReplicatedTables(ctx context.Context) ([]ReplicatedTable, error) {
	return replicatedTables(ctx, s.read)
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func replicatedTables(ctx context.Context, q querier) ([]ReplicatedTable, error) {
	names, err := queryStrings(ctx, q, `SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	byName := map[string]*ReplicatedTable{}
	var order []string
	for _, name := range names {
		if !isReplicated(name) {
			continue
		}
		t := &ReplicatedTable{Name: name}
		rows, err := q.QueryContext(ctx, `SELECT name, pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid`, name)
		if err != nil {
			return nil, fmt.Errorf("columns of %s: %w", name, err)
		}
		keys := 0
		for rows.Next() {
			var col string
			var pk, hidden int
			if err := rows.Scan(&col, &pk, &hidden); err != nil {
				rows.Close()
				return nil, err
			}
			if hidden != 0 {
				continue // generated: the remote computes it
			}
			t.Columns = append(t.Columns, col)
			if pk > 0 {
				keys++
				t.Key = col
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if keys != 1 {
			return nil, fmt.Errorf("table %s needs a primary key of one column to be replicated (it has %d)", name, keys)
		}
		if t.parents, err = queryStrings(ctx, q, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?) ORDER BY 1`, name); err != nil {
			return nil, fmt.Errorf("foreign keys of %s: %w", name, err)
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

func queryStrings(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// QuoteIdent quotes an SQL identifier.
func QuoteIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func quoteText(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }

// rowJSON is the SQL that captures a row as a JSON object from column name to
// the value as an SQL literal (SQLite's quote()), which keeps the value's
// type exactly: integers, reals, text and blobs, which JSON alone cannot.
func rowJSON(alias string, cols []string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = quoteText(c) + ", quote(" + alias + QuoteIdent(c) + ")"
	}
	return "json_object(" + strings.Join(parts, ", ") + ")"
}

// triggerSQL returns the outbox triggers of a table, by name. The schema
// step (how many migrations are applied) is part of each entry: the shipper
// gives the remote the same migrations before it applies the entry.
func triggerSQL(t ReplicatedTable, step int) map[string]string {
	entry := func(op, alias string, cols []string, when string) string {
		q := fmt.Sprintf(`INSERT INTO replication_outbox (schema_step, table_name, key_column, op, row, created_at) SELECT %d, %s, %s, '%s', %s, %s`,
			step, quoteText(t.Name), quoteText(t.Key), op, rowJSON(alias, cols), nowSQL)
		if when != "" {
			q += " WHERE " + when
		}
		return q + ";"
	}
	trigger := func(event, body string) (string, string) {
		name := triggerPrefix + t.Name + "_" + strings.ToLower(event)
		return name, fmt.Sprintf("CREATE TRIGGER %s AFTER %s ON %s BEGIN %s END", QuoteIdent(name), event, QuoteIdent(t.Name), body)
	}
	key := []string{t.Key}
	out := map[string]string{}
	add := func(name, sql string) { out[name] = sql }
	add(trigger("INSERT", entry(OpUpsert, "NEW.", t.Columns, "")))
	// A changed key is a delete of the old row and an insert of the new.
	add(trigger("UPDATE", entry(OpDelete, "OLD.", key, fmt.Sprintf("OLD.%s IS NOT NEW.%[1]s", QuoteIdent(t.Key)))+" "+
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
		for name, sql := range triggerSQL(t, step) {
			want[name] = sql
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND substr(name, 1, ?) = ?`,
		len(triggerPrefix), triggerPrefix)
	if err != nil {
		return err
	}
	have := map[string]string{}
	for rows.Next() {
		var name, sql string
		if err := rows.Scan(&name, &sql); err != nil {
			rows.Close()
			return err
		}
		have[name] = sql
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, name := range sortedKeys(have) {
		if want[name] != have[name] {
			if _, err := tx.ExecContext(ctx, "DROP TRIGGER "+QuoteIdent(name)); err != nil {
				return fmt.Errorf("drop trigger %s: %w", name, err)
			}
		}
	}
	for _, name := range sortedKeys(want) {
		if want[name] != have[name] {
			if _, err := tx.ExecContext(ctx, want[name]); err != nil {
				return fmt.Errorf("create trigger %s: %w", name, err)
			}
		}
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// dropTriggers removes the outbox triggers, so that what a migration does is
// not captured: the remote runs the same migration when the shipper gets to
// it, in the same place in the stream of changes.
func (s *Store) dropTriggers(ctx context.Context) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error { return syncTriggers(ctx, tx, nil, 0) })
}

type replicationState struct {
	Enabled, Seeded bool
	Writer          string
	RemoteWriter    string
	ShippedSeq      int64
}

func readState(ctx context.Context, q queryer) (replicationState, bool, error) {
	var st replicationState
	err := q.QueryRowContext(ctx, `SELECT enabled, seeded, writer, remote_writer, shipped_seq FROM replication_state WHERE id = 1`).
		Scan(&st.Enabled, &st.Seeded, &st.Writer, &st.RemoteWriter, &st.ShippedSeq)
	if errors.Is(err, sql.ErrNoRows) || (err != nil && strings.Contains(err.Error(), "no such table")) {
		return replicationState{}, false, nil
	}
	return st, err == nil, err
}

// setUpReplication brings the machinery in line with mode, after the
// migrations: the outbox tables, one trigger set per replicated table for
// the current schema and, the first time, every existing row queued.
func (s *Store) setUpReplication(ctx context.Context, mode replicationMode) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		st, exists, err := readState(ctx, tx)
		if err != nil {
			return err
		}
		enabled := st.Enabled
		switch mode {
		case replicationOn:
			enabled = true
		case replicationOff:
			enabled = false
		}
		if !enabled {
			if st.Enabled {
				// What was queued would leave the remote half updated; turning
				// replication on again sends a full copy instead.
				if _, err := tx.ExecContext(ctx, `DELETE FROM replication_outbox`); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE replication_state SET enabled = 0, seeded = 0`); err != nil {
					return err
				}
			}
			return syncTriggers(ctx, tx, nil, 0)
		}
		if _, err := tx.ExecContext(ctx, createMachinery); err != nil {
			return fmt.Errorf("create replication tables: %w", err)
		}
		if !exists {
			if _, err := tx.ExecContext(ctx, `INSERT INTO replication_state (id, enabled, seeded, writer, remote_writer, shipped_seq)
				VALUES (1, 1, 0, ?, '', 0)`, newWriterID()); err != nil {
				return err
			}
		} else if _, err := tx.ExecContext(ctx, `UPDATE replication_state SET enabled = 1`); err != nil {
			return err
		}
		tables, err := replicatedTables(ctx, tx)
		if err != nil {
			return err
		}
		step, err := schemaStep(ctx, tx)
		if err != nil {
			return err
		}
		if err := syncTriggers(ctx, tx, tables, step); err != nil {
			return err
		}
		if exists && st.Seeded {
			return nil
		}
		return seed(ctx, tx, tables, step, st.ShippedSeq, st.RemoteWriter)
	})
}

// newWriterID names a database to the remote: the one that writes there.
func newWriterID() string { return hex.EncodeToString(randomBytes(8)) }

// seed replaces the outbox with a full copy of the database: a reset of the
// remote's tables, then every row, parents first. The remote is expected to
// be at position (shippedSeq, remoteWriter).
func seed(ctx context.Context, tx *sql.Tx, tables []ReplicatedTable, step int, shippedSeq int64, remoteWriter string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM replication_outbox`); err != nil {
		return err
	}
	if err := keepSeqAbove(ctx, tx, shippedSeq); err != nil {
		return err
	}
	children := make([]string, len(tables))
	for i, t := range tables {
		children[len(tables)-1-i] = t.Name
	}
	names, _ := json.Marshal(children)
	if _, err := tx.ExecContext(ctx, `INSERT INTO replication_outbox (schema_step, table_name, key_column, op, row, created_at)
		VALUES (?, '', '', 'reset', ?, `+nowSQL+`)`, step, string(names)); err != nil {
		return err
	}
	for _, t := range tables {
		q := fmt.Sprintf(`INSERT INTO replication_outbox (schema_step, table_name, key_column, op, row, created_at)
			SELECT %d, %s, %s, 'upsert', %s, %s FROM %s ORDER BY %s`,
			step, quoteText(t.Name), quoteText(t.Key), rowJSON("", t.Columns), nowSQL, QuoteIdent(t.Name), QuoteIdent(t.Key))
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("queue the rows of %s: %w", t.Name, err)
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE replication_state SET seeded = 1, shipped_seq = ?, remote_writer = ?`, shippedSeq, remoteWriter)
	return err
}

// keepSeqAbove makes the outbox number its next entries above n, the last
// number the remote has: the shipper tells its batches apart by number.
func keepSeqAbove(ctx context.Context, tx *sql.Tx, n int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM sqlite_sequence WHERE name = 'replication_outbox' AND seq < ?`, n); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO sqlite_sequence (name, seq) SELECT 'replication_outbox', ?
		WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'replication_outbox')`, n)
	return err
}

// OutboxEntry is one change waiting to be shipped.
type OutboxEntry struct {
	Seq int64
	// SchemaStep is how many migrations the database had applied when the
	// change was made: the remote gets the same ones first.
	SchemaStep int
	Table      string
	Key        string // the table's primary key column
	Op         string // OpUpsert, OpDelete or OpReset
	Row        string // for OpUpsert and OpDelete: see Values; for OpReset a JSON array of table names
	CreatedAt  time.Time
}

// Values returns an upsert's columns and values (a delete's key column and
// value), columns sorted by name.
func (e OutboxEntry) Values() ([]string, []any, error) {
	var literals map[string]string
	if err := json.Unmarshal([]byte(e.Row), &literals); err != nil {
		return nil, nil, fmt.Errorf("outbox entry %d: %w", e.Seq, err)
	}
	cols := sortedKeys(literals)
	vals := make([]any, len(cols))
	for i, c := range cols {
		v, err := ParseLiteral(literals[c])
		if err != nil {
			return nil, nil, fmt.Errorf("outbox entry %d, column %s: %w", e.Seq, c, err)
		}
		vals[i] = v
	}
	return cols, vals, nil
}

// ResetTables returns the tables a reset empties, children first.
func (e OutboxEntry) ResetTables() ([]string, error) {
	var names []string
	err := json.Unmarshal([]byte(e.Row), &names)
	return names, err
}

// ParseLiteral reads a value as SQLite's quote() writes it: NULL, an
// integer, a real, 'text' or X'blob'.
func ParseLiteral(lit string) (any, error) {
	switch {
	case lit == "NULL":
		return nil, nil
	case strings.HasPrefix(lit, "X'") && strings.HasSuffix(lit, "'"):
		return hex.DecodeString(lit[2 : len(lit)-1])
	case strings.HasPrefix(lit, "'") && strings.HasSuffix(lit, "'") && len(lit) >= 2:
		return strings.ReplaceAll(lit[1:len(lit)-1], "''", "'"), nil
	}
	if n, err := strconv.ParseInt(lit, 10, 64); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil && !math.IsInf(f, 0) {
		return nil, fmt.Errorf("not an SQL literal: %q", lit)
	}
	return f, nil
}

// ReplicaPosition is how far a remote copy has got: the last outbox number
// it applied, and the database (writer) that sent it.
type ReplicaPosition struct {
	Writer string
	Seq    int64
}

// ReplicationBatch is what the shipper sends next.
type ReplicationBatch struct {
	// Writer is this database's name on the remote.
	Writer string
	// Expect is where the remote should be: the batch applies only there.
	Expect ReplicaPosition
	// MaxSeq is the highest outbox number this database ever gave out.
	MaxSeq int64
	// Entries are the oldest waiting, all of one schema step; none when
	// everything is shipped.
	Entries []OutboxEntry
}

// NextReplicationBatch returns up to max of the oldest outbox entries, all
// of the schema step of the first, with the replication state.
func (s *Store) NextReplicationBatch(ctx context.Context, max int) (ReplicationBatch, error) {
	var b ReplicationBatch
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		st, ok, err := readState(ctx, tx)
		if err != nil {
			return err
		}
		if !ok || !st.Enabled {
			return fmt.Errorf("replication is not set up in this database")
		}
		b.Writer, b.Expect = st.Writer, ReplicaPosition{Writer: st.RemoteWriter, Seq: st.ShippedSeq}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = 'replication_outbox'`).Scan(&b.MaxSeq); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT seq, schema_step, table_name, key_column, op, row, created_at FROM replication_outbox
			WHERE schema_step = (SELECT schema_step FROM replication_outbox ORDER BY seq LIMIT 1)
			  AND seq < COALESCE((SELECT MIN(seq) FROM replication_outbox WHERE schema_step != (
			      SELECT schema_step FROM replication_outbox ORDER BY seq LIMIT 1)), 9223372036854775807)
			ORDER BY seq LIMIT ?`, max)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e OutboxEntry
			var created int64
			if err := rows.Scan(&e.Seq, &e.SchemaStep, &e.Table, &e.Key, &e.Op, &e.Row, &created); err != nil {
				return err
			}
			e.CreatedAt = fromMillis(created)
			b.Entries = append(b.Entries, e)
		}
		return rows.Err()
	})
	return b, err
}

// ConfirmShipped records that the remote applied everything up to pos.Seq:
// those entries leave the outbox.
func (s *Store) ConfirmShipped(ctx context.Context, pos ReplicaPosition) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM replication_outbox WHERE seq <= ?`, pos.Seq); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE replication_state SET shipped_seq = ?, remote_writer = ?, last_success_at = ? WHERE id = 1`,
			pos.Seq, pos.Writer, s.Now().UnixMilli())
		return err
	})
}

// RecordReplicationError notes a failed attempt, for the status line.
func (s *Store) RecordReplicationError(ctx context.Context, msg string) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE replication_state SET last_error = ?, last_error_at = ? WHERE id = 1`, msg, s.Now().UnixMilli())
		return err
	})
}

// Reseed replaces the outbox with a full copy of the database, to be applied
// to a remote at pos: for a remote that is new, or whose history no longer
// matches this database's (one of the two was restored from a backup).
func (s *Store) Reseed(ctx context.Context, pos ReplicaPosition) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		tables, err := replicatedTables(ctx, tx)
		if err != nil {
			return err
		}
		step, err := schemaStep(ctx, tx)
		if err != nil {
			return err
		}
		return seed(ctx, tx, tables, step, pos.Seq, pos.Writer)
	})
}

// ReplicationStatus is how replication is doing, for the host's dashboard
// and `karaoke status`.
type ReplicationStatus struct {
	Enabled     bool
	Waiting     int       // outbox entries not yet confirmed by the remote
	Oldest      time.Time // when the oldest of them was made; zero when none
	ShippedSeq  int64
	LastSuccess time.Time // zero when never
	LastError   string
	LastErrorAt time.Time
}

// ReplicationStatus returns the replication status. A database that does not
// replicate answers Enabled false.
func (s *Store) ReplicationStatus(ctx context.Context) (ReplicationStatus, error) {
	var st ReplicationStatus
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		var success, errorAt, oldest sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT enabled, shipped_seq, last_success_at, last_error, last_error_at,
				(SELECT COUNT(*) FROM replication_outbox), (SELECT MIN(created_at) FROM replication_outbox)
			FROM replication_state WHERE id = 1`).
			Scan(&st.Enabled, &st.ShippedSeq, &success, &st.LastError, &errorAt, &st.Waiting, &oldest)
		if errors.Is(err, sql.ErrNoRows) || (err != nil && strings.Contains(err.Error(), "no such table")) {
			return nil
		}
		if err != nil {
			return err
		}
		if success.Valid {
			st.LastSuccess = fromMillis(success.Int64)
		}
		if errorAt.Valid {
			st.LastErrorAt = fromMillis(errorAt.Int64)
		}
		if oldest.Valid {
			st.Oldest = fromMillis(oldest.Int64)
		}
		return nil
	})
	return st, err
}

// ReplicaSource is a copy of the database to restore from.
type ReplicaSource interface {
	// Position returns how far the copy has got.
	Position(ctx context.Context) (ReplicaPosition, error)
	// Rows calls fn with the rows of table, page by page in key order, each
	// row holding the values of columns in that order.
	Rows(ctx context.Context, table ReplicatedTable, fn func(page [][]any) error) error
}

// RestoreReplica fills a new database from a copy, every replicated table in
// one transaction, and takes over the copy's position, so that shipping
// carries on from there. It refuses a database that holds any row, and a
// copy that changed while it was read (someone else writes to it). It
// returns how many rows each table got.
func (s *Store) RestoreReplica(ctx context.Context, src ReplicaSource) (map[string]int, error) {
	counts := map[string]int{}
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		pos, err := src.Position(ctx)
		if err != nil {
			return err
		}
		if err := syncTriggers(ctx, tx, nil, 0); err != nil {
			return err
		}
		tables, err := replicatedTables(ctx, tx)
		if err != nil {
			return err
		}
		for _, t := range tables {
			var found int
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+QuoteIdent(t.Name)+`)`).Scan(&found); err != nil {
				return err
			}
			if found == 1 {
				return fmt.Errorf("the database is not empty: table %s has rows", t.Name)
			}
		}
		for _, t := range tables {
			cols := make([]string, len(t.Columns))
			marks := make([]string, len(t.Columns))
			for i, c := range t.Columns {
				cols[i], marks[i] = QuoteIdent(c), "?"
			}
			insert, err := tx.PrepareContext(ctx, fmt.Sprintf(`INSERT INTO %s (%s) VALUES (%s)`,
				QuoteIdent(t.Name), strings.Join(cols, ", "), strings.Join(marks, ", ")))
			if err != nil {
				return err
			}
			err = src.Rows(ctx, t, func(page [][]any) error {
				for _, row := range page {
					if _, err := insert.ExecContext(ctx, row...); err != nil {
						return fmt.Errorf("restore a row of %s: %w", t.Name, err)
					}
				}
				counts[t.Name] += len(page)
				return nil
			})
			insert.Close()
			if err != nil {
				return err
			}
		}
		if after, err := src.Position(ctx); err != nil {
			return err
		} else if after != pos {
			return fmt.Errorf("the copy changed while it was read (from change %d to %d): is another machine writing to it?", pos.Seq, after.Seq)
		}
		if _, err := tx.ExecContext(ctx, createMachinery); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM replication_outbox`); err != nil {
			return err
		}
		// A new writer name: should the old machine still be running, its
		// next batch no longer matches the remote, and it stops.
		if _, err := tx.ExecContext(ctx, `INSERT INTO replication_state (id, enabled, seeded, writer, remote_writer, shipped_seq)
			VALUES (1, 1, 1, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET enabled = 1, seeded = 1, writer = excluded.writer,
				remote_writer = excluded.remote_writer, shipped_seq = excluded.shipped_seq`,
			newWriterID(), pos.Writer, pos.Seq); err != nil {
			return err
		}
		return keepSeqAbove(ctx, tx, pos.Seq)
	})
	return counts, err
}

// Changes receives a value after a write transaction commits, at most one
// waiting: the shipper wakes on it instead of polling.
func (s *Store) Changes() <-chan struct{} { return s.changed }
