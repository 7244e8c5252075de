// Package hranatest runs, for tests, a database server that answers Hrana
// over HTTP (tursodb, sqld): started on a free loopback port by its process
// id, asked until it answers a SELECT 1, and stopped by its process id. The
// packages tursotest and sqldtest say which binary and arguments.
package hranatest

import (
	"bytes"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/internal/wait"
)

// Process is one server binary, run and run again on the same port.
type Process struct {
	// URL is the server's address, such as http://127.0.0.1:41234.
	URL string

	name string // the binary's name, for messages
	addr string
	cmd  *exec.Cmd
	out  *bytes.Buffer
	done chan struct{}
}

// Run starts the binary bin with the arguments args gives for its listening
// address (a free loopback port the first time, the same one after), and
// waits up to within for it to answer. It fails the test when the binary
// exits or never answers, with what it said.
func (p *Process) Run(t testing.TB, name, bin string, within time.Duration, args func(addr string) []string) {
	t.Helper()
	p.name = name
	if p.addr == "" {
		p.addr = freeAddr(t)
		p.URL = "http://" + p.addr
	}
	p.out = &bytes.Buffer{}
	p.cmd = exec.Command(bin, args(p.addr)...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	p.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { cmd.Wait(); close(done) }(p.cmd, p.done)
	wait.Eventually(t, within, func() bool {
		select {
		case <-p.done:
			t.Fatalf("%s exited at start:\n%s", name, p.out)
		default:
		}
		resp, err := http.Post(p.URL+"/v2/pipeline", "application/json",
			strings.NewReader(`{"requests":[{"type":"execute","stmt":{"sql":"SELECT 1"}}]}`))
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, "%s did not answer on %s; it said:\n%s", name, p.addr, p.out)
}

// Stop kills the server by its process id and waits for it to exit. Its
// database stays for the next Run.
func (p *Process) Stop() {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	select {
	case <-p.done:
	default:
		p.cmd.Process.Kill()
		<-p.done
	}
	p.cmd = nil
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
