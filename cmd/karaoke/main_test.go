package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/karaoke-night/karaoke/qr/qrtest"
)

// TestKillNineLosesNothingAcknowledged writes through HTTP while the process
// is killed with SIGKILL at different moments; after a restart on the same
// DATA_DIR every request that was answered 303 is in the queue.
func TestKillNineLosesNothingAcknowledged(t *testing.T) {
	dataDir := t.TempDir()
	srv := startServer(t, dataDir)
	host, dash, code, phones := night(t, srv.base, "Ann", "Bob", "Cat", "Dan")
	srv, acked := killWhileWriting(t, srv, dataDir, nil, code, phones, 0, 7*time.Millisecond, 23*time.Millisecond, 61*time.Millisecond)

	page := host.doc(srv.base, dash)
	inQueue := map[string]bool{}
	page.Find(`[data-testid="queue-item"] .title`).Each(func(_ int, s *goquery.Selection) { inQueue[s.Text()] = true })
	for _, title := range acked {
		if !inQueue[title] {
			t.Errorf("request %s was acknowledged but is gone after kill -9", title)
		}
	}
	t.Logf("%d acknowledged requests survived 4 kills", len(acked))

	src, _ := page.Find(`[data-testid="join-qr"]`).Attr("src")
	resp, png := host.get(srv.base, src)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("QR after restart: status %d", resp.StatusCode)
	}
	// The QR code carries the session's join token, not its code.
	link := page.Find(`[data-testid="join-url"]`).Text()
	if text, err := qrtest.Decode(png); err != nil || text != link || !strings.Contains(link, "/j/") || strings.HasSuffix(link, "/j/"+code) {
		t.Errorf("QR after restart decodes to %q, %v; the join link is %q", text, err, link)
	}
}

func TestSIGTERMStopsCleanly(t *testing.T) {
	dataDir := t.TempDir()
	srv := startServer(t, dataDir)
	_, _, code, phones := night(t, srv.base, "Ann")
	for i := range 5 {
		phones[0].post(srv.base, "/j/"+code+"/requests", url.Values{"title": {fmt.Sprintf("song %d", i)}})
	}
	exit, took := srv.stop(syscall.SIGTERM)
	if exit != 0 {
		t.Errorf("exit code after SIGTERM = %d, want 0\n%s", exit, srv.log())
	}
	if took > 5*time.Second {
		t.Errorf("SIGTERM took %v to stop", took)
	}
	if info, err := os.Stat(filepath.Join(dataDir, "karaoke.db-wal")); err == nil && info.Size() > 0 {
		t.Errorf("karaoke.db-wal holds %d bytes after a clean stop", info.Size())
	}
	t.Logf("SIGTERM to exit: %v", took)
}

func TestBackupAndRestoreCommands(t *testing.T) {
	srv, dataDir, path, host, dash := backupMidNight(t, "Before the backup", "After the backup")

	if out, err := command(dataDir, "restore", path); err == nil || !strings.Contains(out, "server is running") {
		t.Fatalf("restore beside a running server: %v\n%s", err, out)
	}
	if exit, _ := srv.stop(syscall.SIGTERM); exit != 0 {
		t.Fatalf("stop: exit %d", exit)
	}
	if out, err := command(dataDir, "restore", path); err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	} else if !strings.Contains(out, "saved in") {
		t.Errorf("restore does not say where the replaced database went:\n%s", out)
	}
	srv = startServer(t, dataDir)
	titles := host.doc(srv.base, dash).Find(`[data-testid="queue-item"] .title`).Text()
	if !strings.Contains(titles, "Before the backup") || strings.Contains(titles, "After the backup") {
		t.Errorf("queue after restore = %q, want the backup's state", titles)
	}
}

func TestRefusesEphemeralDataOnFly(t *testing.T) {
	dataDir := t.TempDir() // on the same device as /, as a Fly machine without a volume
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary)
	cmd.Env = append(os.Environ(), "PORT=0", "DATA_DIR="+dataDir, "FLY_APP_NAME=karaoke-test")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "not a mounted volume") {
		t.Fatalf("on Fly without a volume: err %v, output:\n%s", err, out)
	}
	srv := startServer(t, dataDir, "FLY_APP_NAME=karaoke-test", "ALLOW_EPHEMERAL_DATA=1")
	if !strings.Contains(srv.log(), "ALLOW_EPHEMERAL_DATA=1") {
		t.Errorf("no loud warning when running on ephemeral data:\n%s", srv.log())
	}
}

// TestRestoreOnRestart is how an operator restores on Fly.io, where the
// server always runs: ask for it, then restart.
func TestRestoreOnRestart(t *testing.T) {
	srv, dataDir, path, host, dash := backupMidNight(t, "Kept", "Undone")
	if out, err := command(dataDir, "restore", "--on-restart", path); err != nil {
		t.Fatalf("restore --on-restart: %v\n%s", err, out)
	}
	if exit, _ := srv.stop(syscall.SIGTERM); exit != 0 {
		t.Fatalf("stop: exit %d", exit)
	}
	srv = startServer(t, dataDir)
	titles := host.doc(srv.base, dash).Find(`[data-testid="queue-item"] .title`).Text()
	if titles != "Kept" {
		t.Errorf("queue after restore on restart = %q, want only Kept", titles)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "restore-on-start")); !os.IsNotExist(err) {
		t.Errorf("the restore request is still there: %v", err)
	}
}
