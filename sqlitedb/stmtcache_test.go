package sqlitedb

import (
	"context"
	"testing"
)

func TestStatementCache(t *testing.T) {
	ctx := context.Background()
	pool := openTestDB(t, "_txlock=immediate", `CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2), (3)`)
	pool.SetMaxOpenConns(1) // every query on the one connection, so the cache is hit
	const q = `SELECT n FROM t ORDER BY n`
	// Reading the same query again while its first rows are still open on
	// the connection must not disturb them.
	tx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	outer, err := tx.QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for outer.Next() {
		var n, sum int
		outer.Scan(&n)
		inner, err := tx.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for inner.Next() {
			var m int
			inner.Scan(&m)
			sum += m
		}
		inner.Close()
		got = append(got, n*10+sum)
	}
	if err := outer.Err(); err != nil {
		t.Fatal(err)
	}
	outer.Close()
	tx.Commit()
	if want := []int{16, 26, 36}; len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("nested reads = %v, want %v", got, want)
	}
	// A kept statement follows a schema change.
	if _, err := pool.ExecContext(ctx, `ALTER TABLE t ADD COLUMN m INTEGER DEFAULT 7`); err != nil {
		t.Fatal(err)
	}
	var m int
	if err := pool.QueryRowContext(ctx, `SELECT m FROM t WHERE n = ?`, 2).Scan(&m); err != nil || m != 7 {
		t.Errorf("after ALTER TABLE: m = %d, %v", m, err)
	}
	var count int
	for i := range 3 { // the same statement run again gives fresh answers
		pool.ExecContext(ctx, `INSERT INTO t (n) VALUES (?)`, 10+i)
		pool.QueryRowContext(ctx, `SELECT COUNT(*) FROM t`).Scan(&count)
		if count != 4+i {
			t.Errorf("count = %d, want %d", count, 4+i)
		}
	}
}
