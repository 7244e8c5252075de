package guest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/browsertest"
	"github.com/karaoke-night/karaoke/internal/e2etest"
)

// bottomOf is JavaScript for the bottom edge, in CSS pixels from the top of
// the window, of the element sel matches (-1 if none), with the page
// scrolled to the top.
func bottomOf(sel string) string {
	return fmt.Sprintf(`(function(){window.scrollTo(0,0);var e=document.querySelector(%q);return e?Math.round(e.getBoundingClientRect().bottom):-1})()`, sel)
}

// TestGuestPageOnABusyNight: on a bar night of 40 guests and 60 songs, a
// guest who joins on a phone sees their status and the request form on the
// first screen, before and after requesting; their song, near the end of
// the queue, is marked with the songs around it, and the rest is counted;
// their later songs add no rows, only a count in the gap that holds them.
func TestGuestPageOnABusyNight(t *testing.T) {
	s := e2etest.StartServer(t)
	b := e2etest.StartBrowser(t)
	host := b.Person(1366, 900)
	dashURL, joinURL := e2etest.HostCreates(t, s, host, "Busy night")
	e2etest.SeedBusyNight(t, s, dashURL, 40, 60)
	phone := b.Phone()
	e2etest.GuestJoins(t, phone, joinURL, "Newcomer")
	e2etest.WaitFor(t, phone, "the seeded queue", `/^60 songs waiting/.test(document.querySelector('[data-testid="queue-summary"]').textContent.trim())`)

	firstScreen := func(when string) {
		t.Helper()
		for _, sel := range []string{"#guest-status", `#request-form button[type="submit"]`} {
			bottom := e2etest.Eval[int](t, phone, bottomOf(sel))
			t.Logf("%s: %s ends %d px down", when, sel, bottom)
			if bottom < 0 || bottom > 844 {
				t.Errorf("%s: %s ends %d px down, below a 390×844 phone's first screen", when, sel, bottom)
			}
		}
	}
	if got := e2etest.Eval[string](t, phone, e2etest.Texts(`[data-testid="not-in-line"]`)); !strings.Contains(got, "not in line yet") {
		t.Errorf("before requesting, the status reads %q", got)
	}
	firstScreen("before requesting")

	e2etest.Request(t, phone, "Don't Stop Me Now", "Queen")
	e2etest.WaitFor(t, phone, "the guest's song marked in the queue", `!!document.querySelector('#guest-queue li.mine [data-testid="you"]')`)
	firstScreen("after requesting")
	place := e2etest.Eval[string](t, phone, e2etest.Texts(`[data-testid="status-position"]`))
	pos := e2etest.Eval[string](t, phone, e2etest.Texts(`#guest-queue li.mine .pos`))
	t.Logf("status: %s; marked row #%s", e2etest.Eval[string](t, phone, e2etest.Texts(`[data-testid="status-place"]`)), pos)
	if !strings.HasPrefix(place, pos) || pos == "" {
		t.Errorf("the status says %q, the marked row is #%s", place, pos)
	}
	// The song's neighbours are shown, not collapsed, and every song of the
	// 61 is either a row or counted in a gap.
	if !e2etest.Eval[bool](t, phone, `(function(){var m=document.querySelector('#guest-queue li.mine');
		var p=m.previousElementSibling;return !!p && p.dataset.testid==='queue-item'})()`) {
		t.Error("the song before the guest's is not shown")
	}
	rows := e2etest.Eval[int](t, phone, `document.querySelectorAll('#guest-queue [data-testid="queue-item"]').length`)
	gaps := e2etest.Eval[string](t, phone, e2etest.Texts(`#guest-queue [data-testid="queue-gap"]`))
	counted := e2etest.Eval[int](t, phone, `Array.from(document.querySelectorAll('#guest-queue [data-testid="queue-gap"]')).reduce(function(s,e){return s+parseInt(e.dataset.count,10)},0)`)
	t.Logf("queue: %d rows shown, gaps %q; page %d px tall", rows, gaps, e2etest.Eval[int](t, phone, `document.documentElement.scrollHeight`))
	if rows+counted != 61 {
		t.Errorf("%d rows and %d songs in gaps; want 61 songs in all", rows, counted)
	}
	if rows > 15 {
		t.Errorf("%d rows shown: the neighbourhood should be short", rows)
	}
	if !strings.Contains(gaps, "more songs") {
		t.Errorf("no collapsed run says how many songs it holds: %q", gaps)
	}
	// Screen readers hear it too: the marked row's text says "you".
	if got := e2etest.Eval[string](t, phone, e2etest.Texts(`#guest-queue li.mine`)); !strings.Contains(got, "you") || !strings.Contains(got, "Don't Stop Me Now") {
		t.Errorf("the guest's row reads %q", got)
	}

	// Two more songs land in later rounds, far down the queue: "Your songs"
	// lists them with their places, and the queue stays as short as with
	// one song, its last gap saying how many of the songs it holds are theirs.
	e2etest.Request(t, phone, "Vienna", "Ultravox")
	e2etest.Request(t, phone, "Dreams", "Fleetwood Mac")
	e2etest.WaitFor(t, phone, "the later songs counted in the queue", `/2 of them yours/.test(document.querySelector('#guest-queue').textContent)`)
	t.Logf("places: %s; gaps %q", e2etest.Eval[string](t, phone, e2etest.Texts(`[data-testid="my-request"] [data-testid="place"]`)),
		e2etest.Eval[string](t, phone, e2etest.Texts(`#guest-queue [data-testid="queue-gap"]`)))
	if got := e2etest.Eval[int](t, phone, `document.querySelectorAll('#guest-queue [data-testid="queue-item"]').length`); got != rows {
		t.Errorf("with three songs the queue shows %d rows, with one %d: it should not grow with the guest's songs", got, rows)
	}
	if wide := e2etest.Eval[int](t, phone, `document.documentElement.scrollWidth`); wide > 390 {
		t.Errorf("the page is %d px wide on a 390 px phone", wide)
	}
	for _, part := range []string{"my-requests", "guest-queue"} {
		e2etest.Eval[chromedp.Void](t, phone, fmt.Sprintf(`document.getElementById(%q).scrollIntoView({block: 'start'})`, part))
		t.Logf("%s", browsertest.Screenshot(t, phone, "busy-guest-three-songs-"+part))
	}
}

// TestEndOfTheNightOnEveryPage: when the host ends the night, a guest's
// phone, a phone on the join page and the TV each say so, live, and drop
// what no longer applies: places, waits, Withdraw, the request and join
// forms, the QR code and "Scan to sing"; no image is left broken, and a
// reload shows the same.
func TestEndOfTheNightOnEveryPage(t *testing.T) {
	b := e2etest.StartBrowser(t)
	p := e2etest.StartParty(t, e2etest.StartServer(t), b, "Last orders")
	e2etest.Request(t, p.Ann, "Dancing Queen", "ABBA")
	e2etest.Request(t, p.Ann, "Africa", "Toto")
	e2etest.Request(t, p.Bob, "Valerie", "Amy Winehouse")
	e2etest.StartTurn(t, p.Laptop)
	e2etest.WaitFor(t, p.Ann, "Ann's place", `!!document.querySelector('[data-testid="place"]')`)
	joiner := b.Phone()
	e2etest.Do(t, joiner, "open the join page", chromedp.Navigate(p.JoinURL))
	e2etest.MarkNotReloaded(t, p.Ann)
	e2etest.MarkNotReloaded(t, p.Bob)
	e2etest.MarkNotReloaded(t, p.TV)
	e2etest.MarkNotReloaded(t, joiner)

	e2etest.Do(t, p.Laptop, "end the night",
		chromedp.Navigate(strings.TrimSuffix(e2etest.Eval[string](t, p.Laptop, `location.href`), "/")+"/end"),
		chromedp.Click(chromedp.CSS(`[data-testid="end-confirm"] button[type="submit"]`)))

	pages := map[string]context.Context{"Ann": p.Ann, "Bob": p.Bob, "the TV": p.TV, "the join page": joiner}
	checkEnded := func(when string) {
		t.Helper()
		for who, ctx := range pages {
			if who == "the TV" {
				e2etest.WaitFor(t, ctx, who+" ended "+when, `!!document.querySelector('[data-testid="display-ended"]') && !!document.querySelector('[data-testid="display-thanks"]')`)
			} else {
				e2etest.WaitFor(t, ctx, who+" ended "+when, `!!document.querySelector('[data-testid="ended"]')`)
			}
			text := e2etest.Eval[string](t, ctx, `document.body.innerText`)
			for _, gone := range []string{"in line", " min", "Withdraw", "Scan to sing", "Up next", "Request a song", "Your songs"} {
				if strings.Contains(text, gone) {
					t.Errorf("%s %s still reads %q:\n%s", who, when, gone, text)
				}
			}
			// The language switcher stays: it is every page's, ended or not.
			if n := e2etest.Eval[int](t, ctx, `document.querySelectorAll('form:not([data-testid="lang-switch"]), input:not([data-testid="lang-switch"] input), img').length`); n != 0 {
				t.Errorf("%s %s still has %d forms, inputs or images", who, when, n)
			}
			if bad := e2etest.Eval[int](t, ctx, `Array.from(document.images).filter(function(i){return !i.complete || i.naturalWidth===0}).length`); bad != 0 {
				t.Errorf("%s %s has %d broken images", who, when, bad)
			}
		}
	}
	checkEnded("live")
	for who, ctx := range pages {
		e2etest.CheckNotReloaded(t, ctx, who)
	}
	for _, ctx := range pages {
		e2etest.Do(t, ctx, "reload", chromedp.Reload())
	}
	checkEnded("after a reload")
}
