package app_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/app"
)

// openFiles lists the files under dir this process holds open.
func openFiles(t *testing.T, dir string) []string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/self/fd")
	}
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	var open []string
	for _, fd := range fds {
		target, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name()))
		if err == nil && strings.HasPrefix(target, dir+string(filepath.Separator)) {
			open = append(open, target)
		}
	}
	return open
}

// released checks that nothing of cfg's is held any more: no file of the
// data directory is open, its lock is free (a restore, which must have the
// directory to itself, runs), and the address can be listened on again.
func released(t *testing.T, cfg app.Config, backup, addr string) {
	t.Helper()
	if open := openFiles(t, cfg.DataDir); len(open) > 0 {
		t.Errorf("still open: %v", open)
	}
	if _, err := app.Restore(context.Background(), cfg, backup); err != nil {
		t.Errorf("restore: %v", err)
	}
	if addr != "" {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Errorf("the address is still taken: %v", err)
			return
		}
		ln.Close()
	}
}

func TestCloseReleasesEverythingOnce(t *testing.T) {
	cfg := testConfig(t)
	backup, err := app.Backup(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := app.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if len(openFiles(t, cfg.DataDir)) == 0 {
		t.Fatal("an open server holds no file of its data directory: this test sees nothing")
	}
	if err := srv.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	released(t, cfg, backup, srv.Addr())
}

// TestFailedOpenReleasesWhatItOpened: an Open that fails at its last step,
// the address being taken, has released the lock, the store and the live
// broker it opened before.
func TestFailedOpenReleasesWhatItOpened(t *testing.T) {
	cfg := testConfig(t)
	backup, err := app.Backup(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	cfg.Addr = taken.Addr().String()
	_, err = app.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if opErr := (*net.OpError)(nil); !errors.As(err, &opErr) {
		t.Fatalf("Open on a taken address: err = %v, want a listen error", err)
	}
	released(t, cfg, backup, "")
	// Close waits for the broker's goroutines and the store's writer.
	stacks := make([]byte, 1<<20)
	stacks = stacks[:runtime.Stack(stacks, true)]
	for _, still := range []string{"karaoke/live.", "karaoke/db.(*Store).runWriter"} {
		if bytes.Contains(stacks, []byte(still)) {
			t.Errorf("a goroutine of %s runs on after the failed Open", still)
		}
	}
}

// TestStopEndsOpenStreams: a server stopping with live pages open ends their
// streams (each client reads the end of its stream) and stops well inside
// its shutdown timeout, rather than waiting for the streams until it runs out.
func TestStopEndsOpenStreams(t *testing.T) {
	base, stop := startServer(t, testConfig(t))
	n := newNight(t, base, 3)
	streams := []*stream{n.host.listen("host", n.dash, nil), n.host.listen("tv", "/d/"+n.code, nil)}
	for i, g := range n.guests {
		streams = append(streams, g.listen(fmt.Sprintf("guest %d", i), "/j/"+n.code, nil))
	}

	start := time.Now()
	stop()
	if took := time.Since(start); took > app.ShutdownTimeout/4 {
		t.Errorf("stopping with %d streams open took %v (shutdown timeout %v)", len(streams), took, app.ShutdownTimeout)
	}
	for _, s := range streams {
		select {
		case _, open := <-s.events:
			if open {
				t.Errorf("%s: an event instead of the end of the stream", s.name)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("%s: still open after the server stopped", s.name)
		}
	}
}
