package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
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
// the queue, is marked with the songs around it, and the rest is counted.
func TestGuestPageOnABusyNight(t *testing.T) {
	s := startServer(t)
	b := startBrowser(t)
	host := b.Person(1366, 900)
	dashURL, joinURL := hostCreates(t, s, host, "Busy night")
	seedBusyNight(t, s, dashURL, 40, 60)
	phone := b.Phone()
	guestJoins(t, phone, joinURL, "Newcomer")
	waitFor(t, phone, "the seeded queue", `/^60 songs waiting/.test(document.querySelector('[data-testid="queue-summary"]').textContent.trim())`)

	firstScreen := func(when string) {
		t.Helper()
		for _, sel := range []string{"#guest-status", `#request-form button[type="submit"]`} {
			bottom := eval[int](t, phone, bottomOf(sel))
			t.Logf("%s: %s ends %d px down", when, sel, bottom)
			if bottom < 0 || bottom > 844 {
				t.Errorf("%s: %s ends %d px down, below a 390×844 phone's first screen", when, sel, bottom)
			}
		}
	}
	if got := eval[string](t, phone, texts(`[data-testid="not-in-line"]`)); !strings.Contains(got, "not in line yet") {
		t.Errorf("before requesting, the status reads %q", got)
	}
	firstScreen("before requesting")

	request(t, phone, "Don't Stop Me Now", "Queen")
	waitFor(t, phone, "the guest's song marked in the queue", `!!document.querySelector('#guest-queue li.mine [data-testid="you"]')`)
	firstScreen("after requesting")
	place := eval[string](t, phone, texts(`[data-testid="status-position"]`))
	pos := eval[string](t, phone, texts(`#guest-queue li.mine .pos`))
	t.Logf("status: %s; marked row #%s", eval[string](t, phone, texts(`[data-testid="status-place"]`)), pos)
	if !strings.HasPrefix(place, pos) || pos == "" {
		t.Errorf("the status says %q, the marked row is #%s", place, pos)
	}
	// The song's neighbours are shown, not collapsed, and every song of the
	// 61 is either a row or counted in a gap.
	if !eval[bool](t, phone, `(function(){var m=document.querySelector('#guest-queue li.mine');
		var p=m.previousElementSibling;return !!p && p.dataset.testid==='queue-item'})()`) {
		t.Error("the song before the guest's is not shown")
	}
	rows := eval[int](t, phone, `document.querySelectorAll('#guest-queue [data-testid="queue-item"]').length`)
	gaps := eval[string](t, phone, texts(`#guest-queue [data-testid="queue-gap"]`))
	counted := eval[int](t, phone, `Array.from(document.querySelectorAll('#guest-queue [data-testid="queue-gap"]')).reduce(function(s,e){return s+parseInt(e.dataset.count,10)},0)`)
	t.Logf("queue: %d rows shown, gaps %q; page %d px tall", rows, gaps, eval[int](t, phone, `document.documentElement.scrollHeight`))
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
	if got := eval[string](t, phone, texts(`#guest-queue li.mine`)); !strings.Contains(got, "you") || !strings.Contains(got, "Don't Stop Me Now") {
		t.Errorf("the guest's row reads %q", got)
	}
}

// TestEndOfTheNightOnEveryPage: when the host ends the night, a guest's
// phone, a phone on the join page and the TV each say so, live, and drop
// what no longer applies: places, waits, Withdraw, the request and join
// forms, the QR code and "Scan to sing"; no image is left broken, and a
// reload shows the same.
func TestEndOfTheNightOnEveryPage(t *testing.T) {
	b := startBrowser(t)
	p := startParty(t, startServer(t), b, "Last orders")
	request(t, p.ann, "Dancing Queen", "ABBA")
	request(t, p.ann, "Africa", "Toto")
	request(t, p.bob, "Valerie", "Amy Winehouse")
	startTurn(t, p.laptop)
	waitFor(t, p.ann, "Ann's place", `!!document.querySelector('[data-testid="place"]')`)
	joiner := b.Phone()
	do(t, joiner, "open the join page", chromedp.Navigate(p.joinURL))
	markNotReloaded(t, p.ann)
	markNotReloaded(t, p.bob)
	markNotReloaded(t, p.tv)
	markNotReloaded(t, joiner)

	do(t, p.laptop, "end the night",
		chromedp.Navigate(strings.TrimSuffix(eval[string](t, p.laptop, `location.href`), "/")+"/end"),
		chromedp.Click(chromedp.CSS(`[data-testid="end-confirm"] button[type="submit"]`)))

	pages := map[string]context.Context{"Ann": p.ann, "Bob": p.bob, "the TV": p.tv, "the join page": joiner}
	checkEnded := func(when string) {
		t.Helper()
		for who, ctx := range pages {
			if who == "the TV" {
				waitFor(t, ctx, who+" ended "+when, `!!document.querySelector('[data-testid="display-ended"]') && !!document.querySelector('[data-testid="display-thanks"]')`)
			} else {
				waitFor(t, ctx, who+" ended "+when, `!!document.querySelector('[data-testid="ended"]')`)
			}
			text := eval[string](t, ctx, `document.body.innerText`)
			for _, gone := range []string{"in line", " min", "Withdraw", "Scan to sing", "Up next", "Request a song", "Your songs"} {
				if strings.Contains(text, gone) {
					t.Errorf("%s %s still reads %q:\n%s", who, when, gone, text)
				}
			}
			// The language switcher stays: it is every page's, ended or not.
			if n := eval[int](t, ctx, `document.querySelectorAll('form:not([data-testid="lang-switch"]), input:not([data-testid="lang-switch"] input), img').length`); n != 0 {
				t.Errorf("%s %s still has %d forms, inputs or images", who, when, n)
			}
			if bad := eval[int](t, ctx, `Array.from(document.images).filter(function(i){return !i.complete || i.naturalWidth===0}).length`); bad != 0 {
				t.Errorf("%s %s has %d broken images", who, when, bad)
			}
		}
	}
	checkEnded("live")
	for who, ctx := range pages {
		checkNotReloaded(t, ctx, who)
	}
	for _, ctx := range pages {
		do(t, ctx, "reload", chromedp.Reload())
	}
	checkEnded("after a reload")
}
