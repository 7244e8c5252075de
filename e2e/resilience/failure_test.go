package resilience_test

import (
	"context"
	"database/sql"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	_ "modernc.org/sqlite"

	"github.com/karaoke-night/karaoke/app"
	"github.com/karaoke-night/karaoke/internal/browsertest"
	"github.com/karaoke-night/karaoke/internal/e2etest"
	"github.com/karaoke-night/karaoke/static"
	"github.com/karaoke-night/karaoke/views"
)

// TestGuestIsToldWhenTheServerFails: mid-night the server first fails the
// guest's request (its database refuses the write: 500), then stops, then
// its address takes connections and never answers. Each time the guest taps
// the button, the form says what happened, the title they typed is still in
// the field, and no stale "Added …" stays.
func TestGuestIsToldWhenTheServerFails(t *testing.T) {
	s := e2etest.StartServer(t)
	// What this test causes on purpose: the browser logs the 500 and the
	// refused, emptied or reset connections (the request's and the live
	// streams' retries, the held ones closed at the end), htmx logs the
	// failed send and the SSE extension each failed retry. A CSP violation,
	// or any other error, still fails it.
	b := e2etest.StartBrowser(t, func(e string) bool {
		return strings.Contains(e, "status of 500") || strings.Contains(e, "ERR_CONNECTION_REFUSED") ||
			strings.Contains(e, "ERR_EMPTY_RESPONSE") || strings.Contains(e, "ERR_CONNECTION_RESET") || strings.Contains(e, "status of 503") ||
			(strings.Contains(e, static.Path("htmx.min.js")) && !strings.Contains(e, "Content Security Policy"))
	})
	laptop := b.Person(1366, 900)
	_, joinURL := e2etest.HostCreates(t, s, laptop, "Stormy night")
	phone := b.Phone()
	e2etest.GuestJoins(t, phone, joinURL, "Ann")
	e2etest.Request(t, phone, "Waterloo", "ABBA")
	e2etest.WaitFor(t, phone, `the "Added" line`, `!!document.querySelector('[data-testid="request-added"]')`)

	// The database refuses the next write: another connection renames the
	// table away, as a broken disk would fail it.
	raw, err := sql.Open("sqlite", filepath.Join(s.Cfg.DataDir, app.DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`ALTER TABLE requests RENAME TO requests_broken`); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	e2etest.Do(t, phone, "request while the database fails",
		chromedp.SendKeys(chromedp.CSS("#title"), "Dancing Queen"),
		chromedp.Click(chromedp.CSS(`#request-form button[type="submit"]`)),
	)
	toldAndKept(t, phone, views.MessageServerFailed)

	s.Stop()
	e2etest.Do(t, phone, "request again while the server is down",
		chromedp.Click(chromedp.CSS(`#request-form button[type="submit"]`)),
	)
	toldAndKept(t, phone, views.MessageNoAnswer)

	// Flaky Wi-Fi: the connection opens and no answer ever comes. htmx's
	// timeout ends the request and the form says so.
	hang, err := net.Listen("tcp", s.Cfg.Addr)
	if err != nil {
		t.Fatal(err)
	}
	var held []net.Conn // open, never answered
	accepted := make(chan struct{})
	go func() {
		defer close(accepted)
		for {
			c, err := hang.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	t.Cleanup(func() {
		hang.Close()
		<-accepted
		for _, c := range held {
			c.Close()
		}
	})
	e2etest.Eval[chromedp.Void](t, phone, `document.querySelector('#request-form [data-testid="form-error"]').textContent = ''`)
	e2etest.Do(t, phone, "request again while no answer comes",
		chromedp.Click(chromedp.CSS(`#request-form button[type="submit"]`)),
	)
	toldAndKept(t, phone, views.MessageNoAnswer)
}

// toldAndKept waits for the request form to say msg, then checks that the
// title typed is still in the field and no "Added …" line is left.
func toldAndKept(t *testing.T, phone context.Context, msg string) {
	t.Helper()
	e2etest.WaitText(t, phone, "the form's message", `#request-form [data-testid="form-error"]`, msg)
	if got := e2etest.Eval[string](t, phone, `document.querySelector('#title').value`); got != "Dancing Queen" {
		t.Errorf("title field = %q, want what was typed", got)
	}
	if n := e2etest.Eval[int](t, phone, `document.querySelectorAll('[data-testid="request-added"]').length`); n != 0 {
		t.Error(`the stale "Added …" line is still shown`)
	}
	if got := e2etest.Eval[string](t, phone, e2etest.Texts(e2etest.MyRequests)); got != "Waterloo" {
		t.Errorf("the guest's songs = %q, want only Waterloo", got)
	}
	if *e2etest.Screenshots {
		e2etest.Eval[chromedp.Void](t, phone, `document.querySelector('#request-form').scrollIntoView()`)
		name := "guest-phone-server-failed"
		if msg == views.MessageNoAnswer {
			name = "guest-phone-no-answer"
		}
		t.Logf("%s", browsertest.Screenshot(t, phone, name))
	}
}
