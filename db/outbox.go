package db

// The local half of replication to Turso: the outbox. Triggers on every
// replicated table (triggers.go) append each change to replication_outbox in
// the transaction that made it; Outbox hands the changes to the shipper
// (package replica, the remote half) in order and records how far the remote
// got. Everything here is the store's own bookkeeping: package replica
// decides what the changes mean to the remote.

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// Local machinery: made by code, never by a migration, so that the remote,
// which gets the migrations, never gets it.
const (
	stateTable = "replication_state"

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

// Outbox is the store's queue of changes for the copy in Turso, and its
// record of how far that copy has got.
type Outbox struct{ s *Store }

// Outbox returns the store's outbox.
func (s *Store) Outbox() *Outbox { return &Outbox{s} }

// Changes receives a value after a write transaction commits, at most one
// waiting: the shipper wakes on it instead of polling.
func (o *Outbox) Changes() <-chan struct{} { return o.s.writer.Committed() }

type replicationState struct {
	Enabled, Seeded bool
	Writer          string
	RemoteWriter    string
	ShippedSeq      int64
}

// readState returns the replication state, and false when the database has
// none: it never replicated.
func readState(ctx context.Context, q sqlitedb.Querier) (replicationState, bool, error) {
	var st replicationState
	if exists, err := sqlitedb.TableExists(ctx, q, stateTable); err != nil || !exists {
		return st, false, err
	}
	err := q.QueryRowContext(ctx, `SELECT enabled, seeded, writer, remote_writer, shipped_seq FROM replication_state WHERE id = 1`).
		Scan(&st.Enabled, &st.Seeded, &st.Writer, &st.RemoteWriter, &st.ShippedSeq)
	if errors.Is(err, sql.ErrNoRows) {
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
		tables, step, err := liveSchema(ctx, tx)
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
			step, sqlitedb.QuoteText(t.Name), sqlitedb.QuoteText(t.Key), rowJSON("", t.Columns), nowSQL,
			sqlitedb.QuoteIdent(t.Name), sqlitedb.QuoteIdent(t.Key))
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
	// Row is, for OpUpsert, a JSON object from each column's name to its
	// value as SQLite's quote() writes it (for OpDelete, the key column's
	// alone); for OpReset, a JSON array of the tables to empty, children
	// first.
	Row       string
	CreatedAt time.Time
}

// ReplicaPosition is how far a remote copy has got: the last outbox number
// it applied, and the database (writer) that sent it.
type ReplicaPosition struct {
	Writer string
	Seq    int64
}

// OutboxBatch is what the shipper sends next.
type OutboxBatch struct {
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

// NextBatch returns up to max of the oldest outbox entries, all of the
// schema step of the first, with the replication state. It fails when the
// database does not replicate.
func (o *Outbox) NextBatch(ctx context.Context, max int) (OutboxBatch, error) {
	var b OutboxBatch
	err := o.s.inRead(ctx, func(tx *sql.Tx) error {
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
		b.Entries, err = sqlitedb.Collect(ctx, tx, scanEntry, `SELECT seq, schema_step, table_name, key_column, op, row, created_at FROM replication_outbox
			WHERE schema_step = (SELECT schema_step FROM replication_outbox ORDER BY seq LIMIT 1)
			  AND seq < COALESCE((SELECT MIN(seq) FROM replication_outbox WHERE schema_step != (
			      SELECT schema_step FROM replication_outbox ORDER BY seq LIMIT 1)), 9223372036854775807)
			ORDER BY seq LIMIT ?`, max)
		return err
	})
	return b, err
}

func scanEntry(row sqlitedb.Scanner) (OutboxEntry, error) {
	var e OutboxEntry
	var created int64
	err := row.Scan(&e.Seq, &e.SchemaStep, &e.Table, &e.Key, &e.Op, &e.Row, &created)
	e.CreatedAt = fromMillis(created)
	return e, err
}

// Confirm records that the remote applied everything up to pos.Seq: those
// entries leave the outbox.
func (o *Outbox) Confirm(ctx context.Context, pos ReplicaPosition) error {
	return o.s.inWrite(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM replication_outbox WHERE seq <= ?`, pos.Seq); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE replication_state SET shipped_seq = ?, remote_writer = ?, last_success_at = ? WHERE id = 1`,
			pos.Seq, pos.Writer, o.s.nowMillis())
		return err
	})
}

// RecordError notes a failed attempt, for the status line.
func (o *Outbox) RecordError(ctx context.Context, msg string) error {
	return o.s.inWrite(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE replication_state SET last_error = ?, last_error_at = ? WHERE id = 1`, msg, o.s.nowMillis())
		return err
	})
}

// Reseed replaces the outbox with a full copy of the database, to be applied
// to a remote at pos: for a remote that is new, or whose history no longer
// matches this database's (one of the two was restored from a backup).
func (o *Outbox) Reseed(ctx context.Context, pos ReplicaPosition) error {
	return o.s.inWrite(ctx, func(tx *sql.Tx) error {
		tables, step, err := liveSchema(ctx, tx)
		if err != nil {
			return err
		}
		return seed(ctx, tx, tables, step, pos.Seq, pos.Writer)
	})
}
