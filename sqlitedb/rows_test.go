package sqlitedb

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"testing"
)

// openTestDB opens a new database in t.TempDir() with Open and runs schema.
func openTestDB(t *testing.T, params, schema string) *sql.DB {
	t.Helper()
	db, err := Open("file:"+filepath.Join(t.TempDir(), "t.db"), params)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(schema); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestCollectAndColumn(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, "", `CREATE TABLE t (n INTEGER, s TEXT); INSERT INTO t VALUES (3, 'c'), (1, 'a'), (2, 'b')`)
	type pair struct {
		n int
		s string
	}
	got, err := Collect(ctx, db, func(row Scanner) (p pair, err error) {
		err = row.Scan(&p.n, &p.s)
		return p, err
	}, `SELECT n, s FROM t WHERE n >= ? ORDER BY n`, 2)
	if want := []pair{{2, "b"}, {3, "c"}}; err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Collect = %v, %v; want %v", got, err, want)
	}
	names, err := Column[string](ctx, db, `SELECT s FROM t ORDER BY s DESC`)
	if want := []string{"c", "b", "a"}; err != nil || !reflect.DeepEqual(names, want) {
		t.Errorf("Column = %q, %v; want %q", names, err, want)
	}
	if none, err := Column[int](ctx, db, `SELECT n FROM t WHERE n > 10`); err != nil || len(none) != 0 {
		t.Errorf("no rows = %v, %v", none, err)
	}
	// A value that does not fit T is an error, not a zero.
	if _, err := Column[int](ctx, db, `SELECT s FROM t`); err == nil {
		t.Error("text scanned into int without an error")
	}
	if _, err := Column[int](ctx, db, `SELECT nothing FROM t`); err == nil {
		t.Error("a bad query gave no error")
	}
	for name, want := range map[string]bool{"t": true, "u": false} {
		if got, err := TableExists(ctx, db, name); err != nil || got != want {
			t.Errorf("TableExists(%s) = %v, %v; want %v", name, got, err, want)
		}
	}
}

func TestQuote(t *testing.T) {
	if got, want := QuoteIdent(`a "b"`), `"a ""b"""`; got != want {
		t.Errorf("QuoteIdent = %s, want %s", got, want)
	}
	if got, want := QuoteText(`it's`), `'it''s'`; got != want {
		t.Errorf("QuoteText = %s, want %s", got, want)
	}
}
