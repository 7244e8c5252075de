package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// The table copier shared by the restore from Turso (Outbox.Restore, with
// the rows replica reads from the remote) and the backup of a remote
// database (backup_remote.go, with the rows read in one read transaction
// on it): the rows of each replicated table, read page by page, inserted
// into a new database.

// tableSource gives the rows of a table, page by page in key order, each
// row holding the values of the table's columns in that order.
type tableSource interface {
	Rows(ctx context.Context, table ReplicatedTable, fn func(page [][]any) error) error
}

// tablePageSize is how many rows ReadTable reads at a time.
const tablePageSize = 500

// ReadTable reads table t through q, page by page in key order, calling fn
// with each page: every row holds the values of t.Columns in that order.
// Each page's query is bounded by timeout (none when 0). Through a read
// transaction, the pages are one snapshot.
func ReadTable(ctx context.Context, q sqlitedb.Querier, t ReplicatedTable, timeout time.Duration, fn func(page [][]any) error) error {
	cols := make([]string, len(t.Columns))
	keyAt := -1
	for i, c := range t.Columns {
		cols[i] = sqlitedb.QuoteIdent(c)
		if c == t.Key {
			keyAt = i
		}
	}
	base := fmt.Sprintf("SELECT %s FROM %s", strings.Join(cols, ", "), sqlitedb.QuoteIdent(t.Name))
	order := fmt.Sprintf(" ORDER BY %s LIMIT %d", sqlitedb.QuoteIdent(t.Key), tablePageSize)
	var after any
	for first := true; ; first = false {
		query, args := base+order, []any(nil)
		if !first {
			query, args = base+" WHERE "+sqlitedb.QuoteIdent(t.Key)+" > ?"+order, []any{after}
		}
		page, err := readPage(ctx, q, timeout, query, args, len(cols))
		if err != nil {
			return fmt.Errorf("read %s: %w", t.Name, err)
		}
		if len(page) == 0 {
			return nil
		}
		if err := fn(page); err != nil {
			return err
		}
		if len(page) < tablePageSize {
			return nil
		}
		after = page[len(page)-1][keyAt]
	}
}

func readPage(ctx context.Context, q sqlitedb.Querier, timeout time.Duration, query string, args []any, width int) ([][]any, error) {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	return sqlitedb.Collect(ctx, q, func(scanner sqlitedb.Scanner) ([]any, error) {
		row := make([]any, width)
		ptrs := make([]any, width)
		for i := range row {
			ptrs[i] = &row[i]
		}
		return row, scanner.Scan(ptrs...)
	}, query, args...)
}

// copyTables copies tables, parents first, from src into tx and returns
// how many rows each table that had any got.
func copyTables(ctx context.Context, tx *sql.Tx, src tableSource, tables []ReplicatedTable) (map[string]int, error) {
	counts := map[string]int{}
	for _, t := range tables {
		n, err := copyTable(ctx, tx, src, t)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			counts[t.Name] = n
		}
	}
	return counts, nil
}

// copyTable copies one table from src and returns how many rows it got.
func copyTable(ctx context.Context, tx *sql.Tx, src tableSource, t ReplicatedTable) (int, error) {
	cols := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = sqlitedb.QuoteIdent(c)
	}
	marks := strings.Repeat(", ?", len(cols))[2:]
	insert, err := tx.PrepareContext(ctx, fmt.Sprintf(`INSERT INTO %s (%s) VALUES (%s)`,
		sqlitedb.QuoteIdent(t.Name), strings.Join(cols, ", "), marks))
	if err != nil {
		return 0, err
	}
	defer insert.Close()
	n := 0
	err = src.Rows(ctx, t, func(page [][]any) error {
		for _, row := range page {
			if _, err := insert.ExecContext(ctx, row...); err != nil {
				return fmt.Errorf("copy a row of %s: %w", t.Name, err)
			}
		}
		n += len(page)
		return nil
	})
	return n, err
}
