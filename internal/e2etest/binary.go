package e2etest

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/app"
)

// Binary is the karaoke command running as its own process, as a
// deployment runs it: built as the Dockerfile builds it, stopped by a
// signal, started again on the same port and DATA_DIR.
type Binary struct {
	path string
	port string
	data string
	cmd  *exec.Cmd
	done chan struct{}
	// Up is when the running process said it listens.
	Up time.Time

	mu   sync.Mutex
	logs strings.Builder
}

// StartBinary builds the karaoke command and runs it on a free port of
// 127.0.0.1 with a DATA_DIR of its own, as s; a test restarts it with
// s.Bin's Signal, WaitExit and Start (s.Restart is for StartServer's).
func StartBinary(t *testing.T) *Server {
	t.Helper()
	dir := t.TempDir()
	bin := &Binary{path: filepath.Join(dir, "karaoke"), data: filepath.Join(dir, "data")}
	build := exec.Command("go", "build", "-trimpath", "-o", bin.path, "github.com/karaoke-night/karaoke/cmd/karaoke")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build karaoke: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	bin.port = strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	cfg, err := app.FromEnv(func(k string) string { return map[string]string{"DATA_DIR": bin.data, "PORT": bin.port}[k] })
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{t: t, Cfg: cfg, Base: "http://127.0.0.1:" + bin.port, Bin: bin}
	t.Cleanup(func() {
		if bin.cmd != nil {
			bin.Signal(syscall.SIGKILL)
			bin.WaitExit(t)
		}
	})
	bin.Start(t)
	return s
}

// Start runs the binary and waits until it says it listens.
func (b *Binary) Start(t *testing.T) {
	t.Helper()
	cmd := exec.Command(b.path)
	cmd.Env = append(os.Environ(), "PORT="+b.port, "DATA_DIR="+b.data)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	b.cmd, b.done = cmd, make(chan struct{})
	listening := make(chan struct{})
	go func(done chan struct{}) {
		sc := bufio.NewScanner(stderr)
		said := false
		for sc.Scan() {
			b.mu.Lock()
			b.logs.WriteString(sc.Text() + "\n")
			b.mu.Unlock()
			if !said && strings.Contains(sc.Text(), `msg="karaoke is listening"`) {
				said = true
				close(listening)
			}
		}
		_ = cmd.Wait()
		close(done)
	}(b.done)
	select {
	case <-listening:
		b.Up = time.Now()
	case <-b.done:
		t.Fatalf("karaoke exited at start:\n%s", b.log())
	case <-time.After(20 * time.Second):
		t.Fatalf("karaoke did not start:\n%s", b.log())
	}
}

// Signal sends sig to the running process.
func (b *Binary) Signal(sig syscall.Signal) {
	_ = b.cmd.Process.Signal(sig)
}

// WaitExit waits for the running process to exit.
func (b *Binary) WaitExit(t *testing.T) {
	t.Helper()
	select {
	case <-b.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("karaoke did not exit:\n%s", b.log())
	}
	b.cmd = nil
}

func (b *Binary) log() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.logs.String()
}
