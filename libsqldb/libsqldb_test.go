package libsqldb_test

import (
	"context"
	"database/sql"
	"errors"
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
