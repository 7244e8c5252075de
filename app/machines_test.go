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

	"github.com/karaoke-night/karaoke/internal/sqldtest"
	"github.com/karaoke-night/karaoke/internal/wait"
)

// Remote mode's helpers: the karaoke binary running as several machines,
// each its own process with its own DATA_DIR, all on one sqld.

// machine is one karaoke process in remote mode.
type machine struct {
	t      *testing.T
	name   string
	base   string
	cmd    *exec.Cmd
	exited chan error
}

// buildKaraoke builds the karaoke binary for the test.
func buildKaraoke(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "karaoke")
	build := exec.Command("go", "build", "-o", bin, "../cmd/karaoke")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// remoteMachines starts sqld and n machines on it, the second and later
// ones at the same moment as the first (their migrations race).
func remoteMachines(t *testing.T, n int, env ...string) (*sqldtest.Server, []*machine) {
	t.Helper()
	srv := sqldtest.Start(t)
	bin := buildKaraoke(t)
	ms := make([]*machine, n)
	for i := range ms {
		ms[i] = launchMachine(t, bin, string(rune('A'+i)), srv.URL, env...)
	}
	for _, m := range ms {
		m.waitHealthy(20 * time.Second)
	}
	return srv, ms
}

// launchMachine starts the binary in remote mode on databaseURL.
func launchMachine(t *testing.T, bin, name, databaseURL string, env ...string) *machine {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), append([]string{"DATA_DIR=" + t.TempDir(), "PORT=" + strconv.Itoa(port),
		"DATABASE_URL=" + databaseURL}, env...)...)
	logFile, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	m := &machine{t: t, name: name, base: "http://127.0.0.1:" + strconv.Itoa(port), cmd: cmd, exited: make(chan error, 1)}
	go func() { m.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		m.stop()
		if t.Failed() {
			log, _ := os.ReadFile(logFile.Name())
			t.Logf("the log of machine %s:\n%s", name, log)
		}
	})
	return m
}

// waitHealthy waits for /healthz to answer 200.
func (m *machine) waitHealthy(within time.Duration) {
	m.t.Helper()
	wait.Eventually(m.t, within, func() bool { return m.health() == http.StatusOK },
		"machine %s did not answer /healthz with 200 within %v", m.name, within)
}

// health is /healthz's status, 0 when the machine does not answer.
func (m *machine) health() int {
	resp, err := http.Get(m.base + "/healthz")
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// stop ends the process with SIGTERM, if it still runs.
func (m *machine) stop() {
	select {
	case <-m.exited:
		return
	default:
	}
	m.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-m.exited:
		if err != nil {
			m.t.Errorf("machine %s: %v", m.name, err)
		}
	case <-time.After(15 * time.Second):
		m.cmd.Process.Kill()
		m.t.Errorf("machine %s did not stop within 15 s of SIGTERM", m.name)
	}
	m.exited <- nil // for a second stop
}

// kill ends the process with SIGKILL: no shutdown at all.
func (m *machine) kill() {
	m.cmd.Process.Kill()
	<-m.exited
	m.exited <- nil
}

// on is the same phone (its cookies) talking to another machine, as a
// load balancer would send it.
func (p *phone) on(m *machine) *phone {
	return &phone{t: p.t, base: m.base, client: p.client}
}

// post sends a form without following a redirect and returns the status,
// 0 when the machine did not answer.
func (p *phone) post(path string, form url.Values) int {
	c := &http.Client{Jar: p.client.Jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(p.base+path, form)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}
