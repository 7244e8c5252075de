package e2etest

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/browsertest"
	"github.com/karaoke-night/karaoke/internal/wait"
	"github.com/karaoke-night/karaoke/qr/qrtest"
)

// HostCreates makes the laptop create a session and returns the dashboard's
// URL and the join URL read from the QR code in a screenshot of it.
func HostCreates(t *testing.T, s *Server, laptop context.Context, name string) (dashURL, joinURL string) {
	t.Helper()
	HostStarts(t, s, laptop, name)
	WaitFor(t, laptop, "the QR code to load", `(function(){var i=document.querySelector('[data-testid="join-qr"]');return i.complete && i.naturalWidth>0})()`)
	dashURL = Eval[string](t, laptop, `location.href`)
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

// GuestJoins opens the join URL on a phone and joins as name.
func GuestJoins(t *testing.T, phone context.Context, joinURL, name string) {
	t.Helper()
	Do(t, phone, name+" opens the join link", chromedp.Navigate(joinURL))
	Do(t, phone, name+" joins",
		chromedp.SendKeys(chromedp.CSS("#singer-name"), name),
		chromedp.Click(chromedp.CSS(`[data-testid="join-form"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="request-form"]`)),
	)
}

// OpenTV opens the session's TV page in a 1080p window.
func OpenTV(t *testing.T, b *browsertest.Browser, joinURL string) context.Context {
	t.Helper()
	tv := b.Person(1920, 1080)
	Do(t, tv, "open the TV", chromedp.Navigate(strings.Replace(joinURL, "/j/", "/d/", 1)))
	return tv
}

// Party is a night under way in the browser: the host's laptop, the TV,
// and the phones of Ann and Bob, who have joined.
type Party struct {
	JoinURL              string
	Laptop, TV, Ann, Bob context.Context
}

// StartParty has the host create a session named name on a laptop, opens
// the TV, and has Ann and Bob join on their phones.
func StartParty(t *testing.T, s *Server, b *browsertest.Browser, name string) Party {
	t.Helper()
	p := Party{Laptop: b.Person(1366, 900)}
	_, p.JoinURL = HostCreates(t, s, p.Laptop, name)
	p.TV = OpenTV(t, b, p.JoinURL)
	p.Ann, p.Bob = b.Phone(), b.Phone()
	GuestJoins(t, p.Ann, p.JoinURL, "Ann")
	GuestJoins(t, p.Bob, p.JoinURL, "Bob")
	return p
}

// StartTurn has the host start the next turn from the dashboard.
func StartTurn(t *testing.T, laptop context.Context) {
	t.Helper()
	Do(t, laptop, "start the next turn", chromedp.Click(chromedp.CSS(`[data-testid="next-singer"] button`)))
}

// Request fills in and sends the request form on a guest's phone.
func Request(t *testing.T, phone context.Context, title, artist string) {
	t.Helper()
	added := Eval[int](t, phone, `document.querySelectorAll('[data-testid="my-request"]').length`)
	Do(t, phone, "request "+title,
		chromedp.SendKeys(chromedp.CSS("#title"), title),
		chromedp.SendKeys(chromedp.CSS("#artist"), artist),
		chromedp.Click(chromedp.CSS(`#request-form button[type="submit"]`)),
	)
	WaitFor(t, phone, title+" in the guest's songs", fmt.Sprintf(`document.querySelectorAll('[data-testid="my-request"]').length === %d`, added+1))
	// The live stream may show the song before the post's own answer has
	// swapped in the fresh form: typing the next song before then would
	// type into the form about to be replaced.
	WaitFor(t, phone, "the request form answered", `!document.querySelector('#request-form.htmx-request, .htmx-swapping, .htmx-settling')`)
}

// The selectors of what a page lists, as the tests read them: the queue's
// titles on the dashboard, the TV and the guest page, the guest's own
// songs, and who sings now on the TV.
const (
	HostQueue  = `#host-queue [data-testid="queue-item"] .title`
	TVQueue    = `#display-next [data-testid="queue-item"] .title`
	GuestQueue = `#guest-queue [data-testid="queue-item"] .title`
	MyRequests = `[data-testid="my-request"] .title`
	TVNow      = `#display-now .display-singer`
)

// HostStarts has the browser create a session from the home page and
// returns its dashboard's URL; unlike HostCreates it reads no QR code, for
// the tests that need no guest.
func HostStarts(t *testing.T, s *Server, host context.Context, name string) string {
	t.Helper()
	Do(t, host, "open the home page", chromedp.Navigate(s.Base+"/"))
	Do(t, host, "create a session",
		chromedp.SendKeys(chromedp.CSS("#session-name"), name),
		chromedp.Click(chromedp.CSS(`[data-testid="create-session"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="next-singer"]`)),
	)
	return Eval[string](t, host, `location.href`)
}

// HostOnPhone turns the host's window into a 390×844 touch phone: the host
// creates the night on a laptop-sized window (HostCreates reads the QR code
// from its first screen) and runs it from a phone.
func HostOnPhone(t *testing.T, host context.Context) {
	t.Helper()
	Do(t, host, "turn the host's window into a phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Reload())
}
