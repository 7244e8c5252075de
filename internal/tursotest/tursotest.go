// Package tursotest runs the real Turso server for tests: the tursodb binary
// from the npm package turso, answering Hrana over HTTP on a free loopback
// port, with its database in a temporary file. A machine without it gets it
// installed into the tests' cache folder (package npmtest); a machine that
// cannot install it fails the test with a clear message, never skips it.
package tursotest

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tursodatabase/libsql-client-go/libsql"

	"github.com/karaoke-night/karaoke/internal/hranatest"
	"github.com/karaoke-night/karaoke/internal/npmtest"
	_ "modernc.org/sqlite" // for file: URLs
)

// Version is the npm package version the tests run against.
const Version = "0.6.0"

// platformPackage is the npm package holding this platform's binary. The
// package's own turso command is a Node wrapper that spawns it; the tests
// start the binary directly, so that stopping it by its process id stops
// the server.
func platformPackage() string {
	arch := map[string]string{"amd64": "x64", "arm64": "arm64"}[runtime.GOARCH]
	return fmt.Sprintf("cli-%s-%s-gnu", runtime.GOOS, arch)
}

// Binary returns the path of tursodb, installing the npm package turso
// (through npmtest, into the tests' cache folder) when it is missing. It
// fails the test, saying why, when it cannot.
func Binary(t testing.TB) string {
	t.Helper()
	pkg := npmtest.Install(t, "turso", Version) // …/node_modules/turso
	bin := filepath.Join(filepath.Dir(pkg), "@tursodatabase", platformPackage(), "tursodb")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("turso@%s is installed but its server binary is not there (%v): the replication tests need the real Turso server", Version, err)
	}
	return bin
}

// Server is a running tursodb.
type Server struct {
	hranatest.Process        // its URL, such as http://127.0.0.1:41234
	File              string // the database file it serves

	t testing.TB
}

// Start runs tursodb on a free loopback port with a new database file in a
// temporary folder, and stops it when the test ends. It fails the test when
// the binary cannot be had or does not answer.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, File: filepath.Join(t.TempDir(), "turso.db")}
	t.Cleanup(s.Stop) // first, so that a server that never answers is stopped too
	s.Restart()
	return s
}

// Restart starts the server again after Stop, on the same port and file,
// or starts it the first time.
func (s *Server) Restart() {
	s.t.Helper()
	s.Run(s.t, "tursodb", Binary(s.t), 15*time.Second, func(addr string) []string {
		return []string{"--sync-server", addr, s.File}
	})
}

// Dump returns every row of the named tables in key order (the first
// column), each row printed with its Go types, so that a local database and
// its remote copy compare as equal only when every value and its type are.
func Dump(t testing.TB, q *sql.DB, tables ...string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, table := range tables {
		rows, err := q.Query(`SELECT * FROM "` + table + `" ORDER BY 1`)
		if err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for i, v := range vals {
				fmt.Fprintf(&b, "%s=%#v ", cols[i], v)
			}
			out[table] = append(out[table], b.String())
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// Open returns database/sql on a database: the remote for an http:// URL,
// a local file read-only for a file: URL.
func Open(t testing.TB, url string) *sql.DB {
	t.Helper()
	if strings.HasPrefix(url, "file:") {
		url += "?mode=ro"
	}
	c, err := libsql.NewConnector(url)
	if err != nil {
		t.Fatal(err)
	}
	q := sql.OpenDB(c)
	t.Cleanup(func() { q.Close() })
	return q
}
