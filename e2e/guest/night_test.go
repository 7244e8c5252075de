package guest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/internal/e2etest"
	"github.com/karaoke-night/karaoke/static"
)

// TestGuestArrivesByScanningTheQRCode: the host creates a session on a
// laptop; the QR code read from a screenshot of the dashboard opens the join
// page on a phone.
func TestGuestArrivesByScanningTheQRCode(t *testing.T) {
	s := e2etest.StartServer(t)
	b := e2etest.StartBrowser(t)
	laptop := b.Person(1366, 900)
	_, joinURL := e2etest.HostCreates(t, s, laptop, "Friday at The Crown")
	shown := e2etest.Eval[string](t, laptop, `document.querySelector('[data-testid="join-url"]').textContent`)
	if joinURL != shown {
		t.Errorf("QR code says %q, the dashboard shows %q", joinURL, shown)
	}
	// The QR code carries the session's join token, which no one can find
	// by trying codes; the code on the screen is for typing.
	if token := joinURL[strings.LastIndex(joinURL, "/")+1:]; !strings.Contains(joinURL, "/j/") || !db.IsJoinToken(token) {
		t.Errorf("QR code says %q: not a join link with a join token", joinURL)
	}
	phone := b.Phone()
	e2etest.Do(t, phone, "open the scanned link", chromedp.Navigate(joinURL))
	if h1 := e2etest.Eval[string](t, phone, `document.querySelector('h1').textContent`); h1 != "Friday at The Crown" {
		t.Errorf("join page heading = %q", h1)
	}
	if ua := e2etest.Eval[string](t, phone, `navigator.userAgent`); !strings.Contains(ua, "iPhone") {
		t.Errorf("the phone's user agent is %q", ua)
	}
	if !e2etest.Eval[bool](t, phone, `navigator.maxTouchPoints > 0 && window.innerWidth === 390`) {
		t.Error("the phone context has no touch or is not 390 px wide")
	}
	if e2etest.Eval[bool](t, phone, `document.documentElement.scrollWidth > window.innerWidth`) {
		t.Error("the join page scrolls sideways on a phone")
	}
}

// TestEveryonesPageFollowsTheQueue: two guests join and request; the host's
// queue and the TV follow without a reload, in rotation order; a guest
// withdraws a song and every page follows.
func TestEveryonesPageFollowsTheQueue(t *testing.T) {
	s := e2etest.StartServer(t)
	b := e2etest.StartBrowser(t)
	laptop := b.Person(1366, 900)
	dashURL, joinURL := e2etest.HostCreates(t, s, laptop, "Rotation night")
	tv := e2etest.OpenTV(t, b, joinURL)
	e2etest.MarkNotReloaded(t, laptop)
	e2etest.MarkNotReloaded(t, tv)

	ann, bob := b.Phone(), b.Phone()
	e2etest.GuestJoins(t, ann, joinURL, "Ann")
	e2etest.GuestJoins(t, bob, joinURL, "Bob")
	e2etest.MarkNotReloaded(t, ann)
	e2etest.MarkNotReloaded(t, bob)
	e2etest.WaitText(t, laptop, "the host's guest list", `[data-testid="guest"] .singer`, "Ann | Bob")

	e2etest.Request(t, ann, "Dancing Queen", "ABBA")
	e2etest.Request(t, ann, "Africa", "Toto")
	e2etest.Request(t, bob, "Total Eclipse of the Heart", "Bonnie Tyler")

	// The rotation: Bob's first song goes before Ann's second.
	const order = "Dancing Queen | Total Eclipse of the Heart | Africa"
	e2etest.WaitText(t, laptop, "the host's queue", e2etest.HostQueue, order)
	e2etest.WaitText(t, tv, "the TV's queue", e2etest.TVQueue, order)
	e2etest.WaitText(t, bob, "Bob's view of the queue", e2etest.GuestQueue, order)
	e2etest.WaitText(t, ann, "Ann's songs", e2etest.MyRequests, "Dancing Queen | Africa")
	if got := e2etest.Eval[string](t, ann, e2etest.Texts(`[data-testid="my-request"] [data-testid="place"]`)); got != "1st in line | 3rd in line" {
		t.Errorf("Ann's places = %q", got)
	}

	// Ann withdraws Africa; everyone's page follows.
	e2etest.Do(t, ann, "Ann withdraws Africa",
		chromedp.Click(chromedp.CSS(`[data-testid="my-request"]:nth-child(2) form button`)))
	const after = "Dancing Queen | Total Eclipse of the Heart"
	e2etest.WaitText(t, ann, "Ann's songs after the withdrawal", e2etest.MyRequests, "Dancing Queen")
	e2etest.WaitText(t, laptop, "the host's queue after the withdrawal", e2etest.HostQueue, after)
	e2etest.WaitText(t, tv, "the TV after the withdrawal", e2etest.TVQueue, after)
	e2etest.WaitText(t, bob, "Bob's queue after the withdrawal", e2etest.GuestQueue, after)
	for who, ctx := range map[string]context.Context{"the host": laptop, "the TV": tv, "Ann": ann, "Bob": bob} {
		e2etest.CheckNotReloaded(t, ctx, who)
	}
	if !strings.Contains(dashURL, "/host/") {
		t.Errorf("the host is at %s", dashURL)
	}
}

// TestTurns: the host starts the next turn; the right guest is told
// "you're up next", then "you're on"; the TV changes singer.
func TestTurns(t *testing.T) {
	p := e2etest.StartParty(t, e2etest.StartServer(t), e2etest.StartBrowser(t), "Turns night")
	laptop, tv, ann, bob := p.Laptop, p.TV, p.Ann, p.Bob
	e2etest.Request(t, ann, "Dancing Queen", "ABBA")
	e2etest.Request(t, bob, "Africa", "Toto")

	banners := `(document.querySelector('[data-testid="up-next"]') ? 'next' : '') + (document.querySelector('[data-testid="your-turn"]') ? 'on' : '')`
	// Ann is first in the queue: up next before anyone sings.
	e2etest.WaitFor(t, ann, "Ann up next", banners+` === 'next'`)
	if got := e2etest.Eval[string](t, bob, banners); got != "" {
		t.Errorf("Bob's banners = %q, want none", got)
	}

	e2etest.StartTurn(t, laptop)
	e2etest.WaitFor(t, ann, `"you're on" for Ann`, banners+` === 'on'`)
	e2etest.WaitFor(t, bob, `"you're up next" for Bob`, banners+` === 'next'`)
	e2etest.WaitFor(t, bob, "Bob's tab title", `document.title.indexOf("You're up next") === 0`)
	e2etest.WaitText(t, tv, "Ann on the TV", e2etest.TVNow, "Ann")
	const dashNow = `#host-live [data-testid="now-singing"] .singer`
	e2etest.WaitText(t, laptop, "Ann on the dashboard", dashNow, "Ann")
	// The dashboard loaded mid-turn, not updated live, shows the same.
	e2etest.Do(t, laptop, "reload the dashboard", chromedp.Reload())
	e2etest.WaitText(t, laptop, "Ann on the reloaded dashboard", dashNow, "Ann")

	e2etest.StartTurn(t, laptop)
	e2etest.WaitFor(t, bob, `"you're on" for Bob`, banners+` === 'on'`)
	e2etest.WaitFor(t, ann, "Ann's banner gone", banners+` === ''`)
	e2etest.WaitText(t, tv, "Bob on the TV", e2etest.TVNow, "Bob")
}

// TestBadInputOnAPhone: an empty title and a 500-character name are refused
// with the message beside the field, what was typed stays, nothing is added.
func TestBadInputOnAPhone(t *testing.T) {
	s := e2etest.StartServer(t)
	// Chromium logs every 4xx answer as "Failed to load resource"; a refused
	// form is answered 422 by design, so those two lines are expected.
	b := e2etest.StartBrowser(t, func(e string) bool {
		return strings.Contains(e, "status of 422") && (strings.Contains(e, "/join") || strings.Contains(e, "/requests"))
	})
	laptop := b.Person(1366, 900)
	_, joinURL := e2etest.HostCreates(t, s, laptop, "Careful night")
	phone := b.Phone()
	e2etest.Do(t, phone, "open the join link", chromedp.Navigate(joinURL))

	long := strings.Repeat("x", 500)
	e2etest.Do(t, phone, "join with a 500-character name",
		chromedp.SetValue(chromedp.CSS("#singer-name"), long),
		chromedp.Click(chromedp.CSS(`[data-testid="join-form"] button[type="submit"]`)),
	)
	e2etest.WaitFor(t, phone, "the name's message", `!!document.querySelector('[data-testid="error-name"]')`)
	if msg := e2etest.Eval[string](t, phone, `document.querySelector('[data-testid="error-name"]').textContent`); !strings.Contains(msg, "at most 40") {
		t.Errorf("name message = %q", msg)
	}
	if !e2etest.Eval[bool](t, phone, `document.querySelector('#singer-name').getAttribute('aria-describedby') === 'name-error'`) {
		t.Error("the name field does not point at its message")
	}
	if got := e2etest.Eval[int](t, phone, `document.querySelector('#singer-name').value.length`); got != 500 {
		t.Errorf("the name field holds %d characters, want what was typed (500)", got)
	}
	// Beside the field: the message comes right after the input.
	if !e2etest.Eval[bool](t, phone, `document.querySelector('#singer-name').nextElementSibling.matches('.hint, [data-testid="error-name"]')`) {
		t.Error("the message is not beside the name field")
	}

	e2etest.Do(t, phone, "join properly",
		chromedp.SetValue(chromedp.CSS("#singer-name"), "Ann"),
		chromedp.Click(chromedp.CSS(`[data-testid="join-form"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="request-form"]`)),
	)
	e2etest.Do(t, phone, "request with an empty title",
		chromedp.SendKeys(chromedp.CSS("#artist"), "ABBA"),
		chromedp.Click(chromedp.CSS(`#request-form button[type="submit"]`)),
	)
	e2etest.WaitFor(t, phone, "the title's message", `!!document.querySelector('[data-testid="error-title"]')`)
	if got := e2etest.Eval[string](t, phone, `document.querySelector('#artist').value`); got != "ABBA" {
		t.Errorf("artist field = %q, want what was typed", got)
	}
	if n := e2etest.Eval[int](t, phone, `document.querySelectorAll('[data-testid="my-request"]').length`); n != 0 {
		t.Errorf("%d songs added by a refused request", n)
	}
	e2etest.WaitText(t, laptop, "the host's queue stays empty", e2etest.HostQueue, "")
}

// TestWithoutJavaScript: a guest whose browser runs no JavaScript joins and
// requests with plain form posts.
func TestWithoutJavaScript(t *testing.T) {
	s := e2etest.StartServer(t)
	b := e2etest.StartBrowser(t)
	laptop := b.Person(1366, 900)
	_, joinURL := e2etest.HostCreates(t, s, laptop, "Plain night")
	phone := b.Phone()
	e2etest.Do(t, phone, "turn JavaScript off", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	e2etest.Do(t, phone, "join without JavaScript",
		chromedp.Navigate(joinURL),
		chromedp.SendKeys(chromedp.CSS("#singer-name"), "Nojs"),
		chromedp.Click(chromedp.CSS(`[data-testid="join-form"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="request-form"]`)),
		chromedp.SendKeys(chromedp.CSS("#title"), "Wonderwall"),
		chromedp.Click(chromedp.CSS(`#request-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="my-request"]`)),
	)
	// Evaluate through DevTools still works with page scripts off.
	if got := e2etest.Eval[string](t, phone, e2etest.Texts(e2etest.MyRequests)); got != "Wonderwall" {
		t.Errorf("the guest's songs = %q", got)
	}
	if e2etest.Eval[bool](t, phone, `typeof window.htmx !== 'undefined'`) {
		t.Error("htmx ran: JavaScript was not off")
	}
	e2etest.WaitText(t, laptop, "the host sees the request", e2etest.HostQueue, "Wonderwall")
}

// TestPagesRecoverFromARestart: the server restarts mid-session; the open
// pages reconnect by themselves, show the same queue, and follow new changes.
func TestPagesRecoverFromARestart(t *testing.T) {
	s := e2etest.StartServer(t)
	// While the server is down the streams' reconnection attempts fail: the
	// browser logs the refused (or, while it closes, refused with 503)
	// connections, and htmx's SSE extension logs
	// each failed attempt (an Event object) as an error. Those are what this
	// test causes on purpose; any other error still fails it.
	b := e2etest.StartBrowser(t, func(e string) bool {
		// A stream that reconnects in the moment the old server is closing
		// its streams is answered 503 (Retry-After) rather than refused.
		// connection.js asks /livez meanwhile, to learn when it is back.
		return ((strings.Contains(e, "/events") || strings.Contains(e, "/livez")) && (strings.Contains(e, "ERR_CONNECTION_REFUSED") ||
			strings.Contains(e, "ERR_EMPTY_RESPONSE") || strings.Contains(e, "status of 503"))) ||
			(strings.HasPrefix(e, "error: [object Event]") && strings.Contains(e, static.Path("htmx.min.js")))
	})
	p := e2etest.StartParty(t, s, b, "Restart night")
	laptop, tv, ann, bob := p.Laptop, p.TV, p.Ann, p.Bob
	e2etest.Request(t, ann, "Dancing Queen", "ABBA")
	e2etest.WaitText(t, tv, "the TV's queue", e2etest.TVQueue, "Dancing Queen")
	for _, ctx := range []context.Context{laptop, tv, ann, bob} {
		e2etest.MarkNotReloaded(t, ctx)
	}

	s.Restart()

	// Bob requests after the restart; every open page shows it by itself.
	e2etest.Request(t, bob, "Africa", "Toto")
	const order = "Dancing Queen | Africa"
	e2etest.WaitText(t, laptop, "the host's queue after the restart", e2etest.HostQueue, order)
	e2etest.WaitText(t, tv, "the TV's queue after the restart", e2etest.TVQueue, order)
	e2etest.WaitText(t, ann, "Ann's queue after the restart", e2etest.GuestQueue, order)
	for who, ctx := range map[string]context.Context{"the host": laptop, "the TV": tv, "Ann": ann} {
		e2etest.CheckNotReloaded(t, ctx, who)
	}
}
