// Package e2etest is the harness of the end-to-end suites in e2e/...: the
// real server (in this process, or the karaoke command as its own
// process), headless Chromium that fails a test on a console error, and
// the steps of a night as people take them in the browser (a host
// creates a night, guests join and request, the TV follows). The host
// works on a laptop-sized window, guests on phones (390×844, touch, a
// phone's user agent), the TV at 1080p; each person has a browser context,
// and so cookies, of their own.
package e2etest

import (
	"net"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/app"
	"github.com/karaoke-night/karaoke/internal/servertest"
	"github.com/karaoke-night/karaoke/internal/wait"
)

// Patience bounds every wait for a page to change: generous for a shared CI
// machine; a live update normally lands in milliseconds.
const Patience = 15 * time.Second

// Server is the real karaoke server, restartable on the same address and
// data directory.
type Server struct {
	Cfg  app.Config  // its configuration; Cfg.Addr is where it listens
	Base string      // its URL, http://127.0.0.1:port
	Srv  *app.Server // the server when it runs in this process
	Bin  *Binary     // the karaoke command as its own process (StartBinary), or nil

	t    *testing.T
	stop func()
}

// StartServer runs the server with the configuration a deployment gets from
// its environment (the real abuse limits included), on 127.0.0.1, with a
// data directory of its own.
func StartServer(t *testing.T) *Server {
	t.Helper()
	return StartServerEnv(t, map[string]string{"DATA_DIR": t.TempDir()})
}

// StartServerEnv runs the server as StartServer does, with the
// configuration app.FromEnv reads from env (which names its DATA_DIR).
func StartServerEnv(t *testing.T, env map[string]string) *Server {
	t.Helper()
	cfg, err := app.FromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Addr = "127.0.0.1:0"
	s := &Server{t: t, Cfg: cfg}
	s.start()
	return s
}

func (s *Server) start() {
	s.t.Helper()
	srv, stop := servertest.Start(s.t, s.Cfg)
	s.Cfg.Addr = srv.Addr() // a restart comes back on the same port
	s.Base = "http://" + srv.Addr()
	s.Srv, s.stop = srv, stop
}

// Stop stops the server; StartAgain starts it again.
func (s *Server) Stop() {
	s.t.Helper()
	s.stop()
}

// Restart stops the server and starts it again on the same address and data.
func (s *Server) Restart() {
	s.t.Helper()
	s.stop()
	s.StartAgain()
}

// StartAgain starts the stopped server again on the same address and data,
// once the port is free.
func (s *Server) StartAgain() {
	s.t.Helper()
	// The port is free again once the listener is closed.
	wait.Eventually(s.t, 5*time.Second, func() bool {
		ln, err := net.Listen("tcp", s.Cfg.Addr)
		if err != nil {
			return false
		}
		ln.Close()
		return true
	}, "port %s not free after the stop", s.Cfg.Addr)
	s.start()
}
