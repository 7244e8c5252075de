package main

// The karaoke binary as its tests run it: built once, started as a server
// on a random port, driven over HTTP by clients with their own cookies,
// killed, and asked to run its subcommands.

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/karaoke-night/karaoke/internal/wait"
)

// binary is the karaoke command, built once for these tests exactly as the
// Dockerfile builds it.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "karaoke-bin-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "karaoke")
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-X main.version=test", "-o", binary, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build karaoke: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// process is the karaoke binary running as a server.
type process struct {
	t    *testing.T
	cmd  *exec.Cmd
	base string
	done chan error
	logs *strings.Builder
	mu   *sync.Mutex
}

var listening = regexp.MustCompile(`msg="karaoke is listening".* addr=\S*:(\d+)`)

// startServer runs the binary on a random port with DATA_DIR=dataDir.
func startServer(t *testing.T, dataDir string, env ...string) *process {
	t.Helper()
	cmd := exec.Command(binary)
	cmd.Env = append(os.Environ(), append([]string{"PORT=0", "DATA_DIR=" + dataDir}, env...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{t: t, cmd: cmd, done: make(chan error, 1), logs: &strings.Builder{}, mu: &sync.Mutex{}}
	port := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.mu.Lock()
			p.logs.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				port <- m[1]
			}
		}
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-p.done
		}
	})
	select {
	case pt := <-port:
		p.base = "http://127.0.0.1:" + pt
	case err := <-p.done:
		t.Fatalf("server exited at start (%v):\n%s", err, p.log())
	case <-time.After(20 * time.Second):
		t.Fatalf("server did not start:\n%s", p.log())
	}
	return p
}

func (p *process) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

// stop sends sig and waits for the exit, returning the exit code and how long it took.
func (p *process) stop(sig syscall.Signal) (int, time.Duration) {
	p.t.Helper()
	start := time.Now()
	p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		p.t.Fatalf("server did not exit after %v", sig)
	}
	return p.cmd.ProcessState.ExitCode(), time.Since(start)
}

// client is one browser's cookies against whatever server runs now.
type client struct {
	t    *testing.T
	http *http.Client
}

func newClient(t *testing.T) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, http: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// post sends a form and returns the status; err is a transport error.
func (c *client) post(base, path string, form url.Values) (int, string, error) {
	resp, err := c.http.PostForm(base+path, form)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), nil
}

func (c *client) get(base, path string) (*http.Response, []byte) {
	c.t.Helper()
	resp, err := c.http.Get(base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

func (c *client) doc(base, path string) *goquery.Document {
	c.t.Helper()
	resp, body := c.get(base, path)
	if resp.StatusCode != http.StatusOK {
		c.t.Fatalf("GET %s: status %d", path, resp.StatusCode)
	}
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(string(body)))
	return doc
}

// night sets up a session with a host and one guest per name.
func night(t *testing.T, base string, guests ...string) (host *client, dash, code string, phones []*client) {
	t.Helper()
	host = newClient(t)
	status, loc, err := host.post(base, "/sessions", url.Values{"name": {"Crash test night"}})
	if err != nil || status != http.StatusSeeOther {
		t.Fatalf("create session: %d %v", status, err)
	}
	dash = loc
	code = host.doc(base, dash).Find(`[data-testid="join-code"]`).Text()
	for _, name := range guests {
		g := newClient(t)
		if status, _, err := g.post(base, "/j/"+code+"/join", url.Values{"name": {name}}); err != nil || status != http.StatusSeeOther {
			t.Fatalf("join %s: %d %v", name, status, err)
		}
		phones = append(phones, g)
	}
	host.post(base, dash+"/settings", url.Values{"singer_cap": {"20"}})
	return host, dash, code, phones
}

// killWhileWriting kills the server with SIGKILL (no shutdown, no
// checkpoint) once per delay, while every phone sends requests, and starts
// it again on the same DATA_DIR, with env added. Each kill comes delay after
// the round's first acknowledged request, so every round kills a server
// that has just said yes to a write, with others on their way. It returns
// the server now running and the titles that were acknowledged (303).
func killWhileWriting(t *testing.T, srv *process, dataDir string, env []string, code string, phones []*client, delays ...time.Duration) (*process, []string) {
	t.Helper()
	var mu sync.Mutex
	var acked []string
	for round, delay := range delays {
		before := len(acked)
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for i, phone := range phones {
			wg.Go(func() {
				for n := range 4 { // 16 a phone in four rounds: under the singer cap of 20
					select {
					case <-stop:
						return
					default:
					}
					title := fmt.Sprintf("r%d-g%d-%d", round, i, n)
					status, _, err := phone.post(srv.base, "/j/"+code+"/requests", url.Values{"title": {title}})
					if err != nil {
						return // the server is gone
					}
					if status == http.StatusSeeOther {
						mu.Lock()
						acked = append(acked, title)
						mu.Unlock()
					}
				}
			})
		}
		wait.Eventually(t, 20*time.Second, func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(acked) > before
		}, "round %d: no request was acknowledged", round)
		time.Sleep(delay) // not a poll: each round kills at another moment of the writes
		srv.cmd.Process.Kill()
		<-srv.done
		close(stop)
		wg.Wait()
		srv = startServer(t, dataDir, env...)
	}
	return srv, acked
}

// backupMidNight starts the server on a new DATA_DIR, where Ann requests
// before; runs `karaoke backup` beside the running server; then Ann
// requests after. It returns the server, still running, its DATA_DIR, the
// backup's path (in DATA_DIR/backups), and the host with their dashboard.
func backupMidNight(t *testing.T, before, after string) (srv *process, dataDir, path string, host *client, dash string) {
	t.Helper()
	dataDir = t.TempDir()
	srv = startServer(t, dataDir)
	host, dash, code, phones := night(t, srv.base, "Ann")
	phones[0].post(srv.base, "/j/"+code+"/requests", url.Values{"title": {before}})
	out, err := command(dataDir, "backup")
	if err != nil {
		t.Fatalf("karaoke backup beside a running server: %v\n%s", err, out)
	}
	path = strings.TrimSpace(strings.TrimPrefix(out, "backup written:"))
	if filepath.Dir(path) != filepath.Join(dataDir, "backups") {
		t.Fatalf("backup written to %q", path)
	}
	phones[0].post(srv.base, "/j/"+code+"/requests", url.Values{"title": {after}})
	return srv, dataDir, path, host, dash
}

// command runs the binary with a subcommand on dataDir.
func command(dataDir string, args ...string) (string, error) {
	return commandEnv(dataDir, nil, args...)
}

// commandEnv runs the binary with a subcommand on dataDir, with env added.
func commandEnv(dataDir string, env []string, args ...string) (string, error) {
	cmd := exec.Command(binary, args...)
	cmd.Env = append(append(os.Environ(), "DATA_DIR="+dataDir), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}
