package libsqldb_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/internal/sqldtest"
	"github.com/karaoke-night/karaoke/libsqldb"
	"github.com/karaoke-night/karaoke/sqlitedb"
)

func open(t *testing.T) (*sqldtest.Server, *sql.DB) {
	t.Helper()
	srv := sqldtest.Start(t)
	db, err := libsqldb.Open(srv.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY);
		CREATE TABLE child (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, n INTEGER CHECK (n > 0),
			parent_id INTEGER REFERENCES parent (id), blob BLOB)`); err != nil {
		t.Fatal(err)
	}
	return srv, db
}

// TestConstraintsOnTheServer: each constraint a real libSQL server refuses
// is told apart by sqlitedb.Violated, as modernc.org/sqlite's are locally,
// and a nil []byte is stored as NULL, as locally.
func TestConstraintsOnTheServer(t *testing.T) {
	_, db := open(t)
	w := libsqldb.NewWriter(db)
	ctx := context.Background()
	insert := func(args ...any) error {
		return w.Write(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO child (name, n, parent_id, blob) VALUES (?, ?, ?, ?)`, args...)
			return err
		})
	}
	if err := insert("a", 1, nil, []byte(nil)); err != nil {
		t.Fatal(err)
	}
	var isNull bool
	if err := db.QueryRow(`SELECT blob IS NULL FROM child WHERE name = 'a'`).Scan(&isNull); err != nil || !isNull {
		t.Errorf("a nil []byte was stored as NULL: %v, %v", isNull, err)
	}
	for _, c := range []struct {
		name string
		args []any
		want sqlitedb.Constraint
	}{
		{"unique", []any{"a", 1, nil, nil}, sqlitedb.Unique},
		{"not null", []any{nil, 1, nil, nil}, sqlitedb.NotNull},
		{"check", []any{"b", 0, nil, nil}, sqlitedb.Check},
		{"foreign key", []any{"c", 1, 99, nil}, sqlitedb.ForeignKey},
	} {
		err := insert(c.args...)
		if got := sqlitedb.Violated(err); got != c.want {
			t.Errorf("%s: Violated(%v) = %v, want %v", c.name, err, got, c.want)
		}
		if errors.Is(err, libsqldb.ErrUnreachable) {
			t.Errorf("%s: a refused statement counts as the database out of reach", c.name)
		}
	}
}

// TestIdleConnectionsAndOutage: after the pool sat idle for longer than the
// server keeps a stream, reads and writes work with no error; with the
// server down they fail as ErrUnreachable, and work again once it is back.
func TestIdleConnectionsAndOutage(t *testing.T) {
	srv, db := open(t)
	w := libsqldb.NewWriter(db)
	ctx := context.Background()
	write := func() error {
		return w.Write(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO parent DEFAULT VALUES`)
			return err
		})
	}
	read := func() error {
		var n int
		return db.QueryRow(`SELECT COUNT(*) FROM parent`).Scan(&n)
	}
	if err := write(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(11 * time.Second) // idle on purpose: past the server's stream timeout
	if err := read(); err != nil {
		t.Errorf("read after 11 s idle: %v", err)
	}
	if err := write(); err != nil {
		t.Errorf("write after 11 s idle: %v", err)
	}
	srv.Stop()
	if err := read(); !errors.Is(err, libsqldb.ErrUnreachable) {
		t.Errorf("read with the server down: %v, want ErrUnreachable", err)
	}
	if err := write(); !errors.Is(err, libsqldb.ErrUnreachable) {
		t.Errorf("write with the server down: %v, want ErrUnreachable", err)
	}
	srv.Restart()
	if err := read(); err != nil {
		t.Errorf("read once the server is back: %v", err)
	}
	if err := write(); err != nil {
		t.Errorf("write once the server is back: %v", err)
	}
}

// TestReadTransactionIsASnapshot: a read transaction (what a remote backup
// reads every table in) sees one snapshot on a real libSQL server: rows
// written meanwhile through other connections, parents and children alike,
// stay out of it, for longer than the server keeps an idle stream, while
// reads outside it see them at once.
func TestReadTransactionIsASnapshot(t *testing.T) {
	_, db := open(t)
	w := libsqldb.NewWriter(db)
	ctx := context.Background()
	addFamily := func(i int) {
		t.Helper()
		err := w.Write(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `INSERT INTO parent DEFAULT VALUES`)
			if err != nil {
				return err
			}
			id, err := res.LastInsertId()
			if err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO child (name, n, parent_id) VALUES (?, 1, ?)`, fmt.Sprint("c", i), id)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	count := func(q sqlitedb.Querier, table string) int {
		t.Helper()
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		return n
	}
	addFamily(0)
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if got := count(tx, "parent"); got != 1 {
		t.Fatalf("parents at the start of the read = %d, want 1", got)
	}
	start := time.Now()
	for i := 1; i <= 12; i++ { // a write, two reads and a second each: past the server's 10 s idle-stream timeout
		addFamily(i)
		if got := count(db, "child"); got != i+1 {
			t.Fatalf("children read outside the transaction = %d, want %d", got, i+1)
		}
		if p, c := count(tx, "parent"), count(tx, "child"); p != 1 || c != 1 {
			t.Fatalf("after %v, the read transaction sees %d parents and %d children, want its snapshot's 1 and 1",
				time.Since(start).Round(time.Millisecond), p, c)
		}
		time.Sleep(time.Second) // time passes on purpose: a backup of many rows reads for a while
	}
	if err := tx.Commit(); err != nil {
		t.Errorf("end the read transaction after %v: %v", time.Since(start).Round(time.Second), err)
	}
}
