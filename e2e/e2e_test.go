// Package e2e_test walks the karaoke night through a real browser: headless
// Chromium, driven with chromedp, against the real server on a random
// loopback port. The host works on a laptop-sized window, guests on phones
// (390×844, touch, a phone's user agent), the TV at 1080p; each person has a
// browser context, and so cookies, of their own.
package e2e_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/app"
	"github.com/karaoke-night/karaoke/internal/browsertest"
	"github.com/karaoke-night/karaoke/internal/servertest"
	"github.com/karaoke-night/karaoke/internal/wait"
	"github.com/karaoke-night/karaoke/qr/qrtest"
)

// patience bounds every wait for a page to change: generous for a shared CI
// machine; a live update normally lands in milliseconds.
const patience = 15 * time.Second

// server is the real karaoke server, restartable on the same address and
// data directory.
type server struct {
	t    *testing.T
	cfg  app.Config
	base string
	srv  *app.Server
	stop func()
	bin  *binary // the karaoke command as its own process (startBinary), or nil
}

// startServer runs the server with the configuration a deployment gets from
// its environment (the real abuse limits included), on 127.0.0.1.
func startServer(t *testing.T) *server {
	t.Helper()
	dir := t.TempDir()
	cfg, err := app.FromEnv(func(k string) string { return map[string]string{"DATA_DIR": dir}[k] })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Addr = "127.0.0.1:0"
	s := &server{t: t, cfg: cfg}
	s.start()
	return s
}

func (s *server) start() {
	s.t.Helper()
	srv, stop := servertest.Start(s.t, s.cfg)
	s.cfg.Addr = srv.Addr() // a restart comes back on the same port
	s.base = "http://" + srv.Addr()
	s.srv, s.stop = srv, stop
}

// restart stops the server and starts it again on the same address and data.
func (s *server) restart() {
	s.t.Helper()
	s.stop()
	s.startAgain()
}

func (s *server) startAgain() {
	s.t.Helper()
	// The port is free again once the listener is closed.
	wait.Eventually(s.t, 5*time.Second, func() bool {
		ln, err := net.Listen("tcp", s.cfg.Addr)
		if err != nil {
			return false
		}
		ln.Close()
		return true
	}, "port %s not free after the stop", s.cfg.Addr)
	s.start()
}

// startBrowser starts Chromium and, at the end of the test, fails it if any
// page logged a console error or a CSP violation, except those allowed.
func startBrowser(t *testing.T, allowed ...func(string) bool) *browsertest.Browser {
	t.Helper()
	b := browsertest.Start(t)
	t.Cleanup(func() {
		var bad []string
	next:
		for _, e := range b.ConsoleErrors() {
			for _, ok := range allowed {
				if ok(e) {
					continue next
				}
			}
			bad = append(bad, e)
		}
		if len(bad) > 0 {
			t.Errorf("pages logged %d console errors or CSP violations:\n%s", len(bad), strings.Join(bad, "\n"))
		}
	})
	return b
}

// texts is JavaScript for the trimmed texts of the elements sel matches,
// joined by " | ".
func texts(sel string) string {
	return fmt.Sprintf(`Array.from(document.querySelectorAll(%q)).map(function(e){return e.textContent.replace(/\s+/g,' ').trim()}).join(' | ')`, sel)
}

func do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	browsertest.Do(t, ctx, patience, what, actions...)
}

func waitFor(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	browsertest.WaitFor(t, ctx, patience, what, expr)
}

// waitText waits until the texts of sel read want.
func waitText(t *testing.T, ctx context.Context, what, sel, want string) {
	t.Helper()
	waitFor(t, ctx, what, fmt.Sprintf(`%s === %q`, texts(sel), want))
}

func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	return browsertest.Eval[T](t, ctx, expr)
}

// markNotReloaded puts a mark in the page's memory that a reload would wipe.
func markNotReloaded(t *testing.T, ctx context.Context) {
	t.Helper()
	eval[chromedp.Void](t, ctx, `window.karaokeNotReloaded = true`)
}

func checkNotReloaded(t *testing.T, ctx context.Context, who string) {
	t.Helper()
	if !eval[bool](t, ctx, `window.karaokeNotReloaded === true`) {
		t.Errorf("%s's page was reloaded; it should have been updated in place", who)
	}
}

// hostCreates makes the laptop create a session and returns the dashboard's
// URL and the join URL read from the QR code in a screenshot of it.
func hostCreates(t *testing.T, s *server, laptop context.Context, name string) (dashURL, joinURL string) {
	t.Helper()
	hostStarts(t, s, laptop, name)
	waitFor(t, laptop, "the QR code to load", `(function(){var i=document.querySelector('[data-testid="join-qr"]');return i.complete && i.naturalWidth>0})()`)
	dashURL = eval[string](t, laptop, `location.href`)
	// Scan the code the way a phone would: from the pixels on the screen,
	// frame after frame until one reads (a frame taken while the live
	// stream swaps a part of the page may catch the code mid-move).
	var last struct{ err error }
	wait.Eventually(t, 10*time.Second, func() bool {
		shot, err := chromedp.Run(laptop, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(shot))
		if err != nil {
			t.Fatal(err)
		}
		joinURL, last.err = qrtest.DecodeImage(img)
		return last.err == nil
	}, "no QR code readable in a screenshot of the dashboard (last: %+v)", &last)
	return dashURL, joinURL
}

// guestJoins opens the join URL on a phone and joins as name.
func guestJoins(t *testing.T, phone context.Context, joinURL, name string) {
	t.Helper()
	do(t, phone, name+" opens the join link", chromedp.Navigate(joinURL))
	do(t, phone, name+" joins",
		chromedp.SendKeys(chromedp.CSS("#singer-name"), name),
		chromedp.Click(chromedp.CSS(`[data-testid="join-form"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="request-form"]`)),
	)
}

// openTV opens the session's TV page in a 1080p window.
func openTV(t *testing.T, b *browsertest.Browser, joinURL string) context.Context {
	t.Helper()
	tv := b.Person(1920, 1080)
	do(t, tv, "open the TV", chromedp.Navigate(strings.Replace(joinURL, "/j/", "/d/", 1)))
	return tv
}

// party is a night under way in the browser: the host's laptop, the TV,
// and the phones of Ann and Bob, who have joined.
type party struct {
	joinURL              string
	laptop, tv, ann, bob context.Context
}

// startParty has the host create a session named name on a laptop, opens
// the TV, and has Ann and Bob join on their phones.
func startParty(t *testing.T, s *server, b *browsertest.Browser, name string) party {
	t.Helper()
	p := party{laptop: b.Person(1366, 900)}
	_, p.joinURL = hostCreates(t, s, p.laptop, name)
	p.tv = openTV(t, b, p.joinURL)
	p.ann, p.bob = b.Phone(), b.Phone()
	guestJoins(t, p.ann, p.joinURL, "Ann")
	guestJoins(t, p.bob, p.joinURL, "Bob")
	return p
}

// startTurn has the host start the next turn from the dashboard.
func startTurn(t *testing.T, laptop context.Context) {
	t.Helper()
	do(t, laptop, "start the next turn", chromedp.Click(chromedp.CSS(`[data-testid="next-singer"] button`)))
}

// request fills in and sends the request form on a guest's phone.
func request(t *testing.T, phone context.Context, title, artist string) {
	t.Helper()
	added := eval[int](t, phone, `document.querySelectorAll('[data-testid="my-request"]').length`)
	do(t, phone, "request "+title,
		chromedp.SendKeys(chromedp.CSS("#title"), title),
		chromedp.SendKeys(chromedp.CSS("#artist"), artist),
		chromedp.Click(chromedp.CSS(`#request-form button[type="submit"]`)),
	)
	waitFor(t, phone, title+" in the guest's songs", fmt.Sprintf(`document.querySelectorAll('[data-testid="my-request"]').length === %d`, added+1))
	// The live stream may show the song before the post's own answer has
	// swapped in the fresh form: typing the next song before then would
	// type into the form about to be replaced.
	waitFor(t, phone, "the request form answered", `!document.querySelector('#request-form.htmx-request, .htmx-swapping, .htmx-settling')`)
}

const (
	hostQueue    = `#host-queue [data-testid="queue-item"] .title`
	tvQueue      = `#display-next [data-testid="queue-item"] .title`
	guestQueue   = `#guest-queue [data-testid="queue-item"] .title`
	myRequests   = `[data-testid="my-request"] .title`
	tvNow        = `#display-now .display-singer`
	guestNowText = `#guest-now`
)
