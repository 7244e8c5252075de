package libsqldb_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/karaoke-night/karaoke/libsqldb"
	"github.com/karaoke-night/karaoke/sqlitedb"
)

// counted opens a pool on the test server through a proxy that counts the
// requests a caller waits for (every pipeline request but a stream's
// close, which the client sends off the caller's path).
func counted(t *testing.T) (*sql.DB, *atomic.Int64) {
	t.Helper()
	srv, setUp := open(t)
	setUp.Close()
	target, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if strings.HasSuffix(r.URL.Path, "/pipeline") && !bytes.Contains(body, []byte(`{"type":"close"}`)) {
			n.Add(1)
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	db, err := libsqldb.Open(front.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, &n
}

// TestTransactionRoundTrips: a write transaction's BEGIN travels with its
// first statement, a read transaction ends with no request of its own, and
// a read under ReadAhead asks, in its first request, what the last read
// under its key asked: and what it reads ahead is what it would have read,
// including a row written since the last read.
func TestTransactionRoundTrips(t *testing.T) {
	db, n := counted(t)
	w := libsqldb.NewWriter(db)
	ctx := context.Background()
	trips := func(what string, want int64, fn func() error) {
		t.Helper()
		before := n.Load()
		if err := fn(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if got := n.Load() - before; got != want {
			t.Errorf("%s: %d round trips, want %d", what, got, want)
		}
	}
	addChild := func(name string) func() error {
		return func() error {
			return w.Write(ctx, func(tx *sql.Tx) error {
				var parents int
				if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM parent`).Scan(&parents); err != nil {
					return err
				}
				res, err := tx.ExecContext(ctx, `INSERT INTO parent DEFAULT VALUES`)
				if err != nil {
					return err
				}
				id, err := res.LastInsertId()
				if err != nil {
					return err
				}
				_, err = tx.ExecContext(ctx, `INSERT INTO child (name, n, parent_id) VALUES (?, ?, ?)`, name, parents+1, id)
				return err
			})
		}
	}
	trips("a write of a read and two inserts", 4, addChild("a")) // BEGIN+read, insert, insert, COMMIT

	var names []string
	var parents int
	read := func() error {
		tx, err := db.BeginTx(libsqldb.ReadAhead(ctx, "family"), &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM parent WHERE id > ?`, 0).Scan(&parents); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT name FROM child ORDER BY name`)
		if err != nil {
			return err
		}
		names = names[:0]
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				return err
			}
			names = append(names, s)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		var one int
		return tx.QueryRowContext(ctx, `SELECT 1`).Scan(&one)
	}
	trips("a first read of three queries", 3, read) // BEGIN+query, query, query; no ROLLBACK
	trips("the write of a second child", 4, addChild("b"))
	trips("the same read again, read ahead", 1, read)
	if parents != 2 || strings.Join(names, ",") != "a,b" {
		t.Errorf("read ahead: %d parents and children %v, want 2 and [a b]", parents, names)
	}
}

// TestFailedFirstStatement: when the statement sent with a transaction's
// BEGIN fails, the transaction is still open for what follows, as it would
// be had the BEGIN gone alone: a write after it is undone with the rest
// when the transaction rolls back, and kept when it commits.
func TestFailedFirstStatement(t *testing.T) {
	db, _ := counted(t)
	w := libsqldb.NewWriter(db)
	ctx := context.Background()
	errStop := errors.New("stop")
	write := func(keep bool) error {
		return w.Write(ctx, func(tx *sql.Tx) error {
			var x int
			if err := tx.QueryRowContext(ctx, `SELECT x FROM no_such_table`).Scan(&x); err == nil {
				return errors.New("a query on a missing table worked")
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO parent DEFAULT VALUES`); err != nil {
				return err
			}
			if !keep {
				return errStop
			}
			return nil
		})
	}
	count := func() int {
		t.Helper()
		var n int
		if err := db.QueryRow(`SELECT COUNT(*) FROM parent`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := write(false); !errors.Is(err, errStop) {
		t.Fatalf("write rolled back: %v", err)
	}
	if got := count(); got != 0 {
		t.Errorf("after a rolled-back write, %d parents, want 0: its insert ran outside the transaction", got)
	}
	if err := write(true); err != nil {
		t.Fatal(err)
	}
	if got := count(); got != 1 {
		t.Errorf("after a committed write, %d parents, want 1", got)
	}
}

// TestStreamsAfterServerRestart: the pool keeps each connection's stream
// for its next use; after the server restarts, those streams are gone, and
// reads, read transactions and writes still work at once, with no error.
func TestStreamsAfterServerRestart(t *testing.T) {
	srv, db := open(t)
	w := libsqldb.NewWriter(db)
	ctx := context.Background()
	write := func() error {
		return w.Write(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM parent`).Scan(&n); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO parent DEFAULT VALUES`)
			return err
		})
	}
	readTx := func() error {
		tx, err := db.BeginTx(libsqldb.ReadAhead(ctx, "count"), &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return err
		}
		defer tx.Rollback()
		var n int
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM parent`).Scan(&n)
	}
	read := func() error {
		var n int
		return db.QueryRow(`SELECT COUNT(*) FROM child`).Scan(&n)
	}
	// Several connections in the pool, each with a stream of its own.
	var conns []*sql.Conn
	for range 3 {
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var one int
		if err := c.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for _, c := range conns {
		c.Close()
	}
	srv.Stop()
	srv.Restart()
	for i, fn := range []func() error{readTx, readTx, readTx, write, read} {
		if err := fn(); err != nil {
			t.Errorf("use %d after the restart: %v", i+1, err)
		}
	}
}

// TestWriteReadsAhead: a write under ReadAhead gets, with its BEGIN, the
// queries the last such write asked before it wrote, and a query asked
// again before it writes is answered without a request; after its first
// write every query is sent, so it sees what it wrote.
func TestWriteReadsAhead(t *testing.T) {
	db, n := counted(t)
	w := libsqldb.NewWriter(db)
	ctx := libsqldb.ReadAhead(context.Background(), "add a parent")
	count := func(tx *sql.Tx, table string) int {
		t.Helper()
		var c int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	for run, want := range []int64{5, 4, 4} {
		before := n.Load()
		err := w.Write(ctx, func(tx *sql.Tx) error {
			parents, children := count(tx, "parent"), count(tx, "child")
			if again := count(tx, "parent"); again != parents || children != 0 {
				t.Errorf("run %d: parents %d then %d, children %d", run+1, parents, again, children)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO parent DEFAULT VALUES`); err != nil {
				return err
			}
			if after := count(tx, "parent"); after != parents+1 {
				t.Errorf("run %d: after adding a parent to %d, %d", run+1, parents, after)
			}
			if parents != run {
				t.Errorf("run %d: %d parents before adding one, want %d", run+1, parents, run)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := n.Load() - before; got != want {
			t.Errorf("run %d: %d round trips, want %d", run+1, got, want)
		}
	}
}

// TestLastCarriesTheCommit: a write's last statement under Last goes with
// the COMMIT, in the same request; what it wrote is kept, and when it
// fails, the whole transaction is undone, with the constraint it broke
// told apart as usual.
func TestLastCarriesTheCommit(t *testing.T) {
	db, n := counted(t)
	w := libsqldb.NewWriter(db)
	ctx := context.Background()
	addFamily := func(name string) (int64, error) {
		var id int64
		err := w.Write(ctx, func(tx *sql.Tx) error {
			var parents int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM parent`).Scan(&parents); err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO parent DEFAULT VALUES`)
			if err != nil {
				return err
			}
			parent, err := res.LastInsertId()
			if err != nil {
				return err
			}
			return tx.QueryRowContext(libsqldb.Last(ctx), `INSERT INTO child (name, n, parent_id) VALUES (?, 1, ?) RETURNING id`, name, parent).Scan(&id)
		})
		return id, err
	}
	before := n.Load()
	if _, err := addFamily("a"); err != nil {
		t.Fatal(err)
	}
	if got := n.Load() - before; got != 3 {
		t.Errorf("a write of three statements, the last with the COMMIT: %d round trips, want 3", got)
	}
	_, err := addFamily("a")
	if got := sqlitedb.Violated(err); got != sqlitedb.Unique {
		t.Errorf("a last statement breaking a unique constraint: %v, Violated %v", err, got)
	}
	before = n.Load()
	err = w.Write(ctx, func(tx *sql.Tx) error {
		var id int64
		return tx.QueryRowContext(libsqldb.Last(ctx), `INSERT INTO parent DEFAULT VALUES RETURNING id`).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := n.Load() - before; got != 1 {
		t.Errorf("a write of one statement under Last: %d round trips, want 1", got)
	}
	err = w.Write(ctx, func(tx *sql.Tx) error {
		var id int64
		if err := tx.QueryRowContext(libsqldb.Last(ctx), `INSERT INTO parent DEFAULT VALUES RETURNING id`).Scan(&id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO parent DEFAULT VALUES`)
		return err
	})
	if err == nil {
		t.Errorf("a statement after the last was accepted")
	}
	var parents, children int
	if err := db.QueryRow(`SELECT (SELECT COUNT(*) FROM parent), (SELECT COUNT(*) FROM child)`).Scan(&parents, &children); err != nil {
		t.Fatal(err)
	}
	// a, the failed second a (undone whole), the one-statement write, and
	// the write that went on after its last (committed at its last).
	if parents != 3 || children != 1 {
		t.Errorf("%d parents and %d children, want 3 and 1", parents, children)
	}
}
