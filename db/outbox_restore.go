package db

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// ReplicaSource is a copy of the database to restore from.
type ReplicaSource interface {
	// Position returns how far the copy has got.
	Position(ctx context.Context) (ReplicaPosition, error)
	// Rows calls fn with the rows of table, page by page in key order, each
	// row holding the values of columns in that order (ReadTable does).
	tableSource
}

// Restore fills a new database from a copy, every replicated table in one
// transaction, and takes over the copy's position, so that shipping carries
// on from there. It refuses a database that holds any row, and a copy that
// changed while it was read (someone else writes to it). It returns how
// many rows each table got.
func (o *Outbox) Restore(ctx context.Context, src ReplicaSource) (map[string]int, error) {
	var counts map[string]int
	err := o.s.inWrite(ctx, func(tx *sql.Tx) error {
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
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+sqlitedb.QuoteIdent(t.Name)+`)`).Scan(&found); err != nil {
				return err
			}
			if found == 1 {
				return fmt.Errorf("the database is not empty: table %s has rows", t.Name)
			}
		}
		if counts, err = copyTables(ctx, tx, src, tables); err != nil {
			return err
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
