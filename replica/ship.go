package replica

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/sqlitedb"
)

// The batch protocol: a batch of outbox entries becomes one atomic Hrana
// batch on the remote, guarded by the remote's position (replication_source),
// so it applies once, in order, and only from the database that writes
// there.

// ship applies a batch of outbox entries to the remote in one atomic Hrana
// batch. Its first statement moves the remote's position from b.Expect to
// the batch's last entry and fails (NOT NULL) unless the remote is at
// b.Expect, so a batch that was already applied, or one from a database
// that does not write here, changes nothing.
func (r *Remote) ship(ctx context.Context, b db.OutboxBatch) error {
	last := b.Entries[len(b.Entries)-1].Seq
	stmts := []string{"BEGIN",
		`UPDATE replication_source SET last_seq = CASE WHEN last_seq = ? AND writer = ? THEN ? END, writer = ?, updated_at = ? WHERE id = 1`}
	args := []any{b.Expect.Seq, b.Expect.Writer, last, b.Writer, time.Now().UnixMilli()}
	for _, e := range b.Entries {
		switch e.Op {
		case db.OpReset:
			tables, err := resetTables(e)
			if err != nil {
				return err
			}
			for _, t := range tables {
				stmts = append(stmts, "DELETE FROM "+sqlitedb.QuoteIdent(t))
			}
		case db.OpUpsert, db.OpDelete:
			cols, vals, err := entryValues(e)
			if err != nil {
				return err
			}
			stmts = append(stmts, entrySQL(e, cols))
			args = append(args, vals...)
		default:
			return fmt.Errorf("outbox entry %d: unknown operation %q", e.Seq, e.Op)
		}
	}
	stmts = append(stmts, "COMMIT")
	if err := r.exec(ctx, stmts, args); err != nil {
		return fmt.Errorf("ship changes %d to %d to Turso: %w", b.Entries[0].Seq, last, err)
	}
	return nil
}

// entrySQL is an upsert by primary key (never INSERT OR REPLACE, whose
// delete would cascade to the row's children) or a delete by primary key.
func entrySQL(e db.OutboxEntry, cols []string) string {
	if e.Op == db.OpDelete {
		return fmt.Sprintf("DELETE FROM %s WHERE %s = ?", sqlitedb.QuoteIdent(e.Table), sqlitedb.QuoteIdent(cols[0]))
	}
	quoted := make([]string, len(cols))
	marks := make([]string, len(cols))
	var set []string
	for i, c := range cols {
		quoted[i], marks[i] = sqlitedb.QuoteIdent(c), "?"
		if c != e.Key {
			set = append(set, quoted[i]+" = excluded."+quoted[i])
		}
	}
	onConflict := "DO NOTHING"
	if len(set) > 0 {
		onConflict = "DO UPDATE SET " + strings.Join(set, ", ")
	}
	return fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s) ON CONFLICT (%s) %s", sqlitedb.QuoteIdent(e.Table),
		strings.Join(quoted, ", "), strings.Join(marks, ", "), sqlitedb.QuoteIdent(e.Key), onConflict)
}
