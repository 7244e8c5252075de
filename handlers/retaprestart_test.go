package handlers_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/karaoke-night/karaoke/handlers"
	"github.com/karaoke-night/karaoke/live"
	"github.com/karaoke-night/karaoke/qr"
)

// TestRepeatAfterARestart: a post sent again to a server that did not
// answer it (this one after a restart, or another machine on the same
// database) finds its key claimed by the first post's write, changes
// nothing, and gets the first post's answer as the database kept it.
func TestRepeatAfterARestart(t *testing.T) {
	for _, htmx := range []bool{false, true} {
		t.Run(fmt.Sprintf("htmx=%v", htmx), func(t *testing.T) {
			app := newTestApp(t)
			host, dash, code := app.hostNight()
			ana := app.guest(code, "Ana")
			form := formOn(t, ana.get("/j/"+code), "request-form", "title", "Zombie")
			ana.htmx = htmx
			first := ana.do("POST", form.action, form.values)
			if want := map[bool]int{false: http.StatusSeeOther, true: http.StatusOK}[htmx]; first.status != want {
				t.Fatalf("first post: status %d, want %d", first.status, want)
			}
			other := app.restarted()
			req, err := http.NewRequest("POST", other.server.URL+form.action, strings.NewReader(form.values.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			second := ana.send(req) // the same phone's cookies: the jar ignores the port
			ana.htmx = false
			if second.status != first.status || second.location != first.location || second.body != first.body {
				t.Errorf("the repeat got %d %q (%d bytes), want the first answer %d %q (%d bytes)",
					second.status, second.location, len(second.body), first.status, first.location, len(first.body))
			}
			if got := second.header.Get("Karaoke-Retap"); got != "repeat" {
				t.Errorf("the repeat is marked %q, want repeat", got)
			}
			if got := host.get(dash).testid("queue-item").Length(); got != 1 {
				t.Errorf("%d songs waiting after the repeat, want 1", got)
			}
		})
	}
}

// restarted is a second server over the app's database: the handlers of a
// restarted process, or of another machine, with nothing of this one's
// memory.
func (app *testApp) restarted() *testApp {
	app.t.Helper()
	cache, err := qr.NewCache(filepath.Join(app.t.TempDir(), "qr-codes"))
	if err != nil {
		app.t.Fatal(err)
	}
	streams := live.New(handlers.LiveSource(app.store), live.Config{})
	app.t.Cleanup(streams.Close)
	routes := handlers.New(app.store, streams, handlers.Config{QR: cache}).Routes()
	srv := httptest.NewServer(routes)
	app.t.Cleanup(srv.Close)
	return &testApp{t: app.t, server: srv, store: app.store, routes: routes}
}
