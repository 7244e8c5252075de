package app_test

import (
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/internal/wait"
)

// startProcess runs the karaoke binary as its own process on dataDir and
// a free port, waits until it answers, and stops it (SIGTERM) at the end.
func startProcess(t *testing.T, bin, dataDir string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "DATA_DIR="+dataDir, "PORT="+strconv.Itoa(port))
	logFile, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("server on port %d: %v", port, err)
			}
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			t.Errorf("server on port %d did not stop within 15 s of SIGTERM", port)
		}
		if t.Failed() { // whatever failed, the server's log may say why
			log, _ := os.ReadFile(logFile.Name())
			t.Logf("the log of the server on port %d:\n%s", port, log)
		}
	})
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	wait.Eventually(t, 20*time.Second, func() bool {
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, "server on port %d did not start", port)
	return base
}

// TestTwoProcessesOnOneDatabase runs two server processes on one DATA_DIR:
// a change made through one reaches the streams open on the other within
// two seconds, through the session's version in the database.
func TestTwoProcessesOnOneDatabase(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "karaoke")
	build := exec.Command("go", "build", "-o", bin, "../cmd/karaoke")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dataDir := t.TempDir()
	a := startProcess(t, bin, dataDir)
	b := startProcess(t, bin, dataDir)

	// The host and Ann use process A; Bob and the TV use process B.
	n := newNight(t, a, 1)
	ann := n.guests[0]
	bob := newPhone(t, b)
	bob.open("POST", "/j/"+n.code+"/join", url.Values{"name": {"Bob"}})
	tvOnB := newPhone(t, b)

	annStream := ann.listen("Ann on A", "/j/"+n.code, nil)
	tvStream := tvOnB.listen("TV on B", "/d/"+n.code, nil)

	start := time.Now()
	bob.open("POST", "/j/"+n.code+"/requests", url.Values{"title": {"Africa"}}) // through B
	if !annStream.waitFor("queue", "Africa", 2*time.Second) {
		t.Fatal("Ann's stream on A did not hear Bob's request on B within 2 s")
	}
	t.Logf("A heard B's change after %v", time.Since(start).Round(time.Millisecond))

	start = time.Now()
	n.host.startNext(n.dash) // through A
	if !tvStream.waitFor("display-now", "Bob", 2*time.Second) {
		t.Fatal("the TV on B did not hear the host's next on A within 2 s")
	}
	t.Logf("B heard A's change after %v", time.Since(start).Round(time.Millisecond))
}
