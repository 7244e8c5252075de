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
	"sync/atomic"
	"testing"

	"github.com/karaoke-night/karaoke/libsqldb"
)

// TestCommitLostOnTheWay: when the answer to a request that carried a
// COMMIT is lost (the server got it and committed), the write is reported
// out of reach and never run again, so what it wrote is there once; a
// write that failed on the way before its COMMIT is run again whole.
func TestCommitLostOnTheWay(t *testing.T) {
	srv, setUp := open(t)
	setUp.Close()
	target, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	// cut names what the next request to lose its answer carries.
	var cut atomic.Pointer[string]
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if c := cut.Load(); c != nil && bytes.Contains(body, []byte(*c)) && cut.CompareAndSwap(c, nil) {
			proxy.ServeHTTP(httptest.NewRecorder(), r) // the server does it
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close() // and the answer never comes
			}
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	db, err := libsqldb.Open(front.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	w := libsqldb.NewWriter(db)
	ctx := context.Background()

	for _, c := range []struct {
		name, cut string
		last      bool // the insert is the last statement, sent with the COMMIT
		runs      int
		rows      int
		reached   bool // the write reports the database out of reach
	}{
		{"COMMIT alone", `"sql":"COMMIT"`, false, 1, 1, true},
		{"COMMIT with the last statement", `COMMIT`, true, 1, 1, true},
		{"an insert before its COMMIT", `INSERT INTO child`, false, 2, 1, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := db.Exec(`DELETE FROM child`); err != nil {
				t.Fatal(err)
			}
			runs := 0
			cut.Store(&c.cut)
			err := w.Write(ctx, func(tx *sql.Tx) error {
				runs++
				var n int
				if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM child`).Scan(&n); err != nil {
					return err
				}
				insert := `INSERT INTO child (name, n) VALUES ('lost', 1) RETURNING id`
				if c.last {
					return tx.QueryRowContext(libsqldb.Last(ctx), insert).Scan(&n)
				}
				return tx.QueryRowContext(ctx, insert).Scan(&n)
			})
			if got := errors.Is(err, libsqldb.ErrUnreachable); got != c.reached {
				t.Errorf("the write's error %v; out of reach: %v, want %v", err, got, c.reached)
			}
			if runs != c.runs {
				t.Errorf("the write ran %d times, want %d", runs, c.runs)
			}
			var rows int
			if err := db.QueryRow(`SELECT COUNT(*) FROM child`).Scan(&rows); err != nil {
				t.Fatal(err)
			}
			if rows != c.rows {
				t.Errorf("%d rows written, want %d", rows, c.rows)
			}
		})
	}
}
