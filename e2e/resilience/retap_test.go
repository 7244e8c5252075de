package resilience_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/e2etest"
)

// TestGuestRequestResentLandsOnce: the guest's phone sends the request form
// with htmx, then the very same post again, key and all (what a phone does
// when it retries after a dropped connection): the repeat gets the first
// answer, and the song is in the queue once.
func TestGuestRequestResentLandsOnce(t *testing.T) {
	s := e2etest.StartServer(t)
	b := e2etest.StartBrowser(t)
	laptop := b.Person(1366, 900)
	_, joinURL := e2etest.HostCreates(t, s, laptop, "Retry night")
	phone := b.Phone()
	e2etest.GuestJoins(t, phone, joinURL, "Ann")
	e2etest.Do(t, phone, "type a song", chromedp.SendKeys(chromedp.CSS("#title"), "Waterloo"))
	e2etest.Eval[chromedp.Void](t, phone, `window.sent = new URLSearchParams(new FormData(document.querySelector('#request-form'))).toString()`)
	if !e2etest.Eval[bool](t, phone, `window.sent.indexOf('retap=') >= 0`) {
		t.Fatal("the request form sends no one-time key")
	}
	e2etest.Do(t, phone, "send it", chromedp.Click(chromedp.CSS(`#request-form button[type="submit"]`)))
	e2etest.WaitFor(t, phone, "Waterloo in the guest's songs", `document.querySelectorAll('[data-testid="my-request"]').length === 1`)
	e2etest.Eval[chromedp.Void](t, phone, `fetch(document.querySelector('#request-form').action, {method: 'POST',
		headers: {'Content-Type': 'application/x-www-form-urlencoded', 'HX-Request': 'true'}, body: window.sent})
		.then(function(r) { window.resent = r.status + ' ' + r.headers.get('Karaoke-Retap') })`)
	e2etest.WaitFor(t, phone, "the repeat's answer", `window.resent === '200 repeat'`)
	e2etest.Do(t, laptop, "reload the dashboard", chromedp.Reload())
	if got := e2etest.Eval[string](t, laptop, e2etest.Texts(e2etest.HostQueue)); got != "Waterloo" {
		t.Errorf("the host's queue after the repeat: %q, want one Waterloo", got)
	}
}
