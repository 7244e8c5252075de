package sqlitedb

import (
	"context"
	"database/sql"
)

// Querier runs SQL: *sql.DB, *sql.Tx and *sql.Conn are ones. Code that
// reads or writes inside or outside a transaction takes a Querier.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Scanner is a row to scan: *sql.Row and *sql.Rows are ones.
type Scanner interface {
	Scan(dest ...any) error
}

// Collect runs query and returns what scan makes of each row, in order.
func Collect[T any](ctx context.Context, q Querier, scan func(Scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Column runs a query of one column and returns its values, in order.
func Column[T any](ctx context.Context, q Querier, query string, args ...any) ([]T, error) {
	return Collect(ctx, q, func(row Scanner) (T, error) {
		var v T
		err := row.Scan(&v)
		return v, err
	}, query, args...)
}

// TableExists reports whether the schema has a table by that name: a store
// asks before it reads a table that only some databases have.
func TableExists(ctx context.Context, q Querier, name string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = ?`, name).Scan(&n)
	return n > 0, err
}
