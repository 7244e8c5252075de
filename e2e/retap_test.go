package e2e_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestGuestRequestResentLandsOnce: the guest's phone sends the request form
// with htmx, then the very same post again, key and all (what a phone does
// when it retries after a dropped connection): the repeat gets the first
// answer, and the song is in the queue once.
func TestGuestRequestResentLandsOnce(t *testing.T) {
	s := startServer(t)
	b := startBrowser(t)
	laptop := b.Person(1366, 900)
	_, joinURL := hostCreates(t, s, laptop, "Retry night")
	phone := b.Phone()
	guestJoins(t, phone, joinURL, "Ann")
	do(t, phone, "type a song", chromedp.SendKeys(chromedp.CSS("#title"), "Waterloo"))
	eval[chromedp.Void](t, phone, `window.sent = new URLSearchParams(new FormData(document.querySelector('#request-form'))).toString()`)
	if !eval[bool](t, phone, `window.sent.indexOf('retap=') >= 0`) {
		t.Fatal("the request form sends no one-time key")
	}
	do(t, phone, "send it", chromedp.Click(chromedp.CSS(`#request-form button[type="submit"]`)))
	waitFor(t, phone, "Waterloo in the guest's songs", `document.querySelectorAll('[data-testid="my-request"]').length === 1`)
	eval[chromedp.Void](t, phone, `fetch(document.querySelector('#request-form').action, {method: 'POST',
		headers: {'Content-Type': 'application/x-www-form-urlencoded', 'HX-Request': 'true'}, body: window.sent})
		.then(function(r) { window.resent = r.status + ' ' + r.headers.get('Karaoke-Retap') })`)
	waitFor(t, phone, "the repeat's answer", `window.resent === '200 repeat'`)
	do(t, laptop, "reload the dashboard", chromedp.Reload())
	if got := eval[string](t, laptop, texts(hostQueue)); got != "Waterloo" {
		t.Errorf("the host's queue after the repeat: %q, want one Waterloo", got)
	}
}
