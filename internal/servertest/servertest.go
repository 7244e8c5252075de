// Package servertest runs the real karaoke server in a test, through the
// same app.Open and Server.Run as cmd/karaoke, so that the tests of app and
// the browser tests start it one way.
package servertest

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/app"
)

// Start opens the server with cfg (Addr 127.0.0.1:0 for a free port) and
// runs it until stop is called or the test ends, with its log discarded.
// stop waits for Run to return, at most 20 seconds, and fails the test if
// Run returned an error or did not return; calling it again does nothing.
func Start(t testing.TB, cfg app.Config) (srv *app.Server, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(20 * time.Second):
				t.Error("server did not stop")
			}
		})
	}
	t.Cleanup(stop)
	return srv, stop
}
