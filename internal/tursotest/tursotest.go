// Package tursotest runs the real Turso server for tests: the tursodb binary
// from the npm package turso, answering Hrana over HTTP on a free loopback
// port, with its database in a temporary file. A machine without it gets it
// installed into the tests' cache folder (package npmtest); a machine that
// cannot install it fails the test with a clear message, never skips it.
package tursotest

import (
	"bytes"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tursodatabase/libsql-client-go/libsql"

	"github.com/karaoke-night/karaoke/internal/npmtest"
	"github.com/karaoke-night/karaoke/internal/wait"
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
	// URL is the server's address, such as http://127.0.0.1:41234.
	URL  string
	File string // the database file it serves

	t    testing.TB
	addr string
	cmd  *exec.Cmd
	out  *bytes.Buffer
	done chan struct{}
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
	bin := Binary(s.t)
	if s.addr == "" {
		s.addr = freeAddr(s.t)
		s.URL = "http://" + s.addr
	}
	s.out = &bytes.Buffer{}
	s.cmd = exec.Command(bin, "--sync-server", s.addr, s.File)
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("start tursodb: %v", err)
	}
	s.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { cmd.Wait(); close(done) }(s.cmd, s.done)
	wait.Eventually(s.t, 15*time.Second, func() bool {
		select {
		case <-s.done:
			s.t.Fatalf("tursodb exited at start:\n%s", s.out)
		default:
		}
		resp, err := http.Post(s.URL+"/v2/pipeline", "application/json",
			strings.NewReader(`{"requests":[{"type":"execute","stmt":{"sql":"SELECT 1"}}]}`))
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, "tursodb did not answer on %s; it said:\n%s", s.addr, s.out)
}

// Stop kills the server by its process id and waits for it to exit. The
// database file stays for a Restart.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	select {
	case <-s.done:
	default:
		s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd = nil
}

func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
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
