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
