package e2e_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/static"
)

// TestGuestArrivesByScanningTheQRCode: the host creates a session on a
// laptop; the QR code read from a screenshot of the dashboard opens the join
// page on a phone.
func TestGuestArrivesByScanningTheQRCode(t *testing.T) {
	s := startServer(t)
	b := startBrowser(t)
	laptop := b.Person(1366, 900)
	_, joinURL := hostCreates(t, s, laptop, "Friday at The Crown")
	shown := eval[string](t, laptop, `document.querySelector('[data-testid="join-url"]').textContent`)
	if joinURL != shown {
		t.Errorf("QR code says %q, the dashboard shows %q", joinURL, shown)
	}
	// The QR code carries the session's join token, which no one can find
	// by trying codes; the code on the screen is for typing.
	if token := joinURL[strings.LastIndex(joinURL, "/")+1:]; !strings.Contains(joinURL, "/j/") || !db.IsJoinToken(token) {
		t.Errorf("QR code says %q: not a join link with a join token", joinURL)
	}
	phone := b.Phone()
	do(t, phone, "open the scanned link", chromedp.Navigate(joinURL))
	if h1 := eval[string](t, phone, `document.querySelector('h1').textContent`); h1 != "Friday at The Crown" {
		t.Errorf("join page heading = %q", h1)
	}
	if ua := eval[string](t, phone, `navigator.userAgent`); !strings.Contains(ua, "iPhone") {
		t.Errorf("the phone's user agent is %q", ua)
	}
	if !eval[bool](t, phone, `navigator.maxTouchPoints > 0 && window.innerWidth === 390`) {
		t.Error("the phone context has no touch or is not 390 px wide")
	}
	if eval[bool](t, phone, `document.documentElement.scrollWidth > window.innerWidth`) {
		t.Error("the join page scrolls sideways on a phone")
	}
}

// TestEveryonesPageFollowsTheQueue: two guests join and request; the host's
// queue and the TV follow without a reload, in rotation order; a guest
// withdraws a song and every page follows.
func TestEveryonesPageFollowsTheQueue(t *testing.T) {
	s := startServer(t)
	b := startBrowser(t)
	laptop := b.Person(1366, 900)
	dashURL, joinURL := hostCreates(t, s, laptop, "Rotation night")
	tv := openTV(t, b, joinURL)
	markNotReloaded(t, laptop)
	markNotReloaded(t, tv)

	ann, bob := b.Phone(), b.Phone()
	guestJoins(t, ann, joinURL, "Ann")
	guestJoins(t, bob, joinURL, "Bob")
	markNotReloaded(t, ann)
	markNotReloaded(t, bob)
	waitText(t, laptop, "the host's guest list", `[data-testid="guest"] .singer`, "Ann | Bob")

	request(t, ann, "Dancing Queen", "ABBA")
	request(t, ann, "Africa", "Toto")
	request(t, bob, "Total Eclipse of the Heart", "Bonnie Tyler")

	// The rotation: Bob's first song goes before Ann's second.
	const order = "Dancing Queen | Total Eclipse of the Heart | Africa"
	waitText(t, laptop, "the host's queue", hostQueue, order)
	waitText(t, tv, "the TV's queue", tvQueue, order)
	waitText(t, bob, "Bob's view of the queue", guestQueue, order)
	waitText(t, ann, "Ann's songs", myRequests, "Dancing Queen | Africa")
	if got := eval[string](t, ann, texts(`[data-testid="my-request"] [data-testid="place"]`)); got != "1st in line | 3rd in line" {
		t.Errorf("Ann's places = %q", got)
	}

	// Ann withdraws Africa; everyone's page follows.
	do(t, ann, "Ann withdraws Africa",
		chromedp.Click(chromedp.CSS(`[data-testid="my-request"]:nth-child(2) form button`)))
	const after = "Dancing Queen | Total Eclipse of the Heart"
	waitText(t, ann, "Ann's songs after the withdrawal", myRequests, "Dancing Queen")
	waitText(t, laptop, "the host's queue after the withdrawal", hostQueue, after)
	waitText(t, tv, "the TV after the withdrawal", tvQueue, after)
	waitText(t, bob, "Bob's queue after the withdrawal", guestQueue, after)
	for who, ctx := range map[string]context.Context{"the host": laptop, "the TV": tv, "Ann": ann, "Bob": bob} {
		checkNotReloaded(t, ctx, who)
	}
	if !strings.Contains(dashURL, "/host/") {
		t.Errorf("the host is at %s", dashURL)
	}
}

// TestTurns: the host starts the next turn; the right guest is told
// "you're up next", then "you're on"; the TV changes singer.
func TestTurns(t *testing.T) {
	p := startParty(t, startServer(t), startBrowser(t), "Turns night")
	laptop, tv, ann, bob := p.laptop, p.tv, p.ann, p.bob
	request(t, ann, "Dancing Queen", "ABBA")
	request(t, bob, "Africa", "Toto")

	banners := `(document.querySelector('[data-testid="up-next"]') ? 'next' : '') + (document.querySelector('[data-testid="your-turn"]') ? 'on' : '')`
	// Ann is first in the queue: up next before anyone sings.
	waitFor(t, ann, "Ann up next", banners+` === 'next'`)
	if got := eval[string](t, bob, banners); got != "" {
		t.Errorf("Bob's banners = %q, want none", got)
	}

	startTurn(t, laptop)
	waitFor(t, ann, `"you're on" for Ann`, banners+` === 'on'`)
	waitFor(t, bob, `"you're up next" for Bob`, banners+` === 'next'`)
	waitFor(t, bob, "Bob's tab title", `document.title.indexOf("You're up next") === 0`)
	waitText(t, tv, "Ann on the TV", tvNow, "Ann")
	const dashNow = `#host-live [data-testid="now-singing"] .singer`
	waitText(t, laptop, "Ann on the dashboard", dashNow, "Ann")
	// The dashboard loaded mid-turn, not updated live, shows the same.
	do(t, laptop, "reload the dashboard", chromedp.Reload())
	waitText(t, laptop, "Ann on the reloaded dashboard", dashNow, "Ann")

	startTurn(t, laptop)
	waitFor(t, bob, `"you're on" for Bob`, banners+` === 'on'`)
	waitFor(t, ann, "Ann's banner gone", banners+` === ''`)
	waitText(t, tv, "Bob on the TV", tvNow, "Bob")
}

// TestBadInputOnAPhone: an empty title and a 500-character name are refused
// with the message beside the field, what was typed stays, nothing is added.
func TestBadInputOnAPhone(t *testing.T) {
	s := startServer(t)
	// Chromium logs every 4xx answer as "Failed to load resource"; a refused
	// form is answered 422 by design, so those two lines are expected.
	b := startBrowser(t, func(e string) bool {
		return strings.Contains(e, "status of 422") && (strings.Contains(e, "/join") || strings.Contains(e, "/requests"))
	})
	laptop := b.Person(1366, 900)
	_, joinURL := hostCreates(t, s, laptop, "Careful night")
	phone := b.Phone()
	do(t, phone, "open the join link", chromedp.Navigate(joinURL))

	long := strings.Repeat("x", 500)
	do(t, phone, "join with a 500-character name",
		chromedp.SetValue(chromedp.CSS("#singer-name"), long),
		chromedp.Click(chromedp.CSS(`[data-testid="join-form"] button[type="submit"]`)),
	)
	waitFor(t, phone, "the name's message", `!!document.querySelector('[data-testid="error-name"]')`)
	if msg := eval[string](t, phone, `document.querySelector('[data-testid="error-name"]').textContent`); !strings.Contains(msg, "at most 40") {
		t.Errorf("name message = %q", msg)
	}
	if !eval[bool](t, phone, `document.querySelector('#singer-name').getAttribute('aria-describedby') === 'name-error'`) {
		t.Error("the name field does not point at its message")
	}
	if got := eval[int](t, phone, `document.querySelector('#singer-name').value.length`); got != 500 {
		t.Errorf("the name field holds %d characters, want what was typed (500)", got)
	}
	// Beside the field: the message comes right after the input.
	if !eval[bool](t, phone, `document.querySelector('#singer-name').nextElementSibling.matches('.hint, [data-testid="error-name"]')`) {
		t.Error("the message is not beside the name field")
	}

	do(t, phone, "join properly",
		chromedp.SetValue(chromedp.CSS("#singer-name"), "Ann"),
		chromedp.Click(chromedp.CSS(`[data-testid="join-form"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="request-form"]`)),
	)
	do(t, phone, "request with an empty title",
		chromedp.SendKeys(chromedp.CSS("#artist"), "ABBA"),
		chromedp.Click(chromedp.CSS(`#request-form button[type="submit"]`)),
	)
	waitFor(t, phone, "the title's message", `!!document.querySelector('[data-testid="error-title"]')`)
	if got := eval[string](t, phone, `document.querySelector('#artist').value`); got != "ABBA" {
		t.Errorf("artist field = %q, want what was typed", got)
	}
	if n := eval[int](t, phone, `document.querySelectorAll('[data-testid="my-request"]').length`); n != 0 {
		t.Errorf("%d songs added by a refused request", n)
	}
	waitText(t, laptop, "the host's queue stays empty", hostQueue, "")
}

// TestWithoutJavaScript: a guest whose browser runs no JavaScript joins and
// requests with plain form posts.
func TestWithoutJavaScript(t *testing.T) {
	s := startServer(t)
	b := startBrowser(t)
	laptop := b.Person(1366, 900)
	_, joinURL := hostCreates(t, s, laptop, "Plain night")
	phone := b.Phone()
	do(t, phone, "turn JavaScript off", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	do(t, phone, "join without JavaScript",
		chromedp.Navigate(joinURL),
		chromedp.SendKeys(chromedp.CSS("#singer-name"), "Nojs"),
		chromedp.Click(chromedp.CSS(`[data-testid="join-form"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="request-form"]`)),
		chromedp.SendKeys(chromedp.CSS("#title"), "Wonderwall"),
		chromedp.Click(chromedp.CSS(`#request-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="my-request"]`)),
	)
	// Evaluate through DevTools still works with page scripts off.
	if got := eval[string](t, phone, texts(myRequests)); got != "Wonderwall" {
		t.Errorf("the guest's songs = %q", got)
	}
	if eval[bool](t, phone, `typeof window.htmx !== 'undefined'`) {
		t.Error("htmx ran: JavaScript was not off")
	}
	waitText(t, laptop, "the host sees the request", hostQueue, "Wonderwall")
}

// TestPagesRecoverFromARestart: the server restarts mid-session; the open
// pages reconnect by themselves, show the same queue, and follow new changes.
func TestPagesRecoverFromARestart(t *testing.T) {
	s := startServer(t)
	// While the server is down the streams' reconnection attempts fail: the
	// browser logs the refused (or, while it closes, refused with 503)
	// connections, and htmx's SSE extension logs
	// each failed attempt (an Event object) as an error. Those are what this
	// test causes on purpose; any other error still fails it.
	b := startBrowser(t, func(e string) bool {
		// A stream that reconnects in the moment the old server is closing
		// its streams is answered 503 (Retry-After) rather than refused.
		// connection.js asks /livez meanwhile, to learn when it is back.
		return ((strings.Contains(e, "/events") || strings.Contains(e, "/livez")) && (strings.Contains(e, "ERR_CONNECTION_REFUSED") ||
			strings.Contains(e, "ERR_EMPTY_RESPONSE") || strings.Contains(e, "status of 503"))) ||
			(strings.HasPrefix(e, "error: [object Event]") && strings.Contains(e, static.Path("htmx.min.js")))
	})
	p := startParty(t, s, b, "Restart night")
	laptop, tv, ann, bob := p.laptop, p.tv, p.ann, p.bob
	request(t, ann, "Dancing Queen", "ABBA")
	waitText(t, tv, "the TV's queue", tvQueue, "Dancing Queen")
	for _, ctx := range []context.Context{laptop, tv, ann, bob} {
		markNotReloaded(t, ctx)
	}

	s.restart()

	// Bob requests after the restart; every open page shows it by itself.
	request(t, bob, "Africa", "Toto")
	const order = "Dancing Queen | Africa"
	waitText(t, laptop, "the host's queue after the restart", hostQueue, order)
	waitText(t, tv, "the TV's queue after the restart", tvQueue, order)
	waitText(t, ann, "Ann's queue after the restart", guestQueue, order)
	for who, ctx := range map[string]context.Context{"the host": laptop, "the TV": tv, "Ann": ann} {
		checkNotReloaded(t, ctx, who)
	}
}
