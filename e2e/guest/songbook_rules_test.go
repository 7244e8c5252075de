package guest_test

import (
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/internal/e2etest"
	"github.com/karaoke-night/karaoke/internal/npmtest"
)

// freeTextPost sends the request form's address a song typed in, as a
// crafted post would, from the guest's page (with their cookies), and
// returns the status and the answer.
const freeTextPost = `(function () {
	var x = new XMLHttpRequest();
	x.open('POST', document.querySelector('#request-form').action, false);
	x.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded');
	x.send('title=Made+Up+Song&artist=Nobody');
	return x.status + ' ' + x.responseText;
})()`

// resultsSettled is true once htmx has taken in the results it swapped
// (it marks new content htmx-added until then): a tap before that would
// post the form without htmx, a page load, which a test of live updates
// must not mistake for one.
const resultsSettled = `!document.querySelector('#song-results.htmx-added, #song-results .htmx-added, #song-results.htmx-settling')`

// TestSongbookOnlyOnAPhone: the host turns on "songbook only"; a guest's
// page then has the search and no form to type a song in, and a song typed
// in anyway (a crafted post) is refused with 422. Results shown follow the
// night: when Bob requests a song, Ann's results flag it waiting without a
// reload, her search text and scroll position kept; her tap on a result
// still requests it.
func TestSongbookOnlyOnAPhone(t *testing.T) {
	axeJS, err := os.ReadFile(filepath.Join(npmtest.Install(t, "axe-core", e2etest.AxeVersion), "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	s := songbookServer(t)
	// Chromium logs the crafted post's 422, by design, without its address.
	b := e2etest.StartBrowser(t, func(e string) bool { return strings.Contains(e, "status of 422") })
	p := e2etest.StartParty(t, s, b, "Songbook only night")
	e2etest.Do(t, p.Laptop, "the host turns on songbook only",
		chromedp.Click(chromedp.CSS(`#songbook-only`)),
		chromedp.Click(chromedp.CSS(`[data-testid="settings-form"] button[type="submit"]`)))
	e2etest.WaitFor(t, p.Laptop, "the rules saved", `(function(){var f=document.querySelector('[data-testid="settings-form"]');
		return /Saved/.test(f.textContent) && f.querySelector('#songbook-only').checked})()`)

	e2etest.Do(t, p.Ann, "Ann opens her page again", chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="song-search"]`)))
	if n := e2etest.Eval[int](t, p.Ann, `document.querySelectorAll('#title, #artist, input[name="title"]').length`); n != 0 {
		t.Errorf("Ann's page has %d fields to type a song in, want none", n)
	}
	e2etest.AxeCheck(t, p.Ann, string(axeJS), "guest page, songbook only")
	e2etest.AxeCheck(t, p.Laptop, string(axeJS), "dashboard with the songbook only rule")
	if got := e2etest.Eval[string](t, p.Ann, freeTextPost); !strings.HasPrefix(got, "422 ") || !strings.Contains(got, html.EscapeString(db.MessageSongbookOnly)) {
		t.Errorf("a crafted free-text request: %.200q, want 422 and the rule's message", got)
	}

	// Ann's results follow the night.
	e2etest.MarkNotReloaded(t, p.Ann)
	e2etest.Do(t, p.Ann, "Ann searches", chromedp.SendKeys(chromedp.CSS("#song-q"), "queen"))
	e2etest.WaitText(t, p.Ann, "Ann's results", songResults, "Bohemian Rhapsody")
	if e2etest.Eval[bool](t, p.Ann, `!!document.querySelector('[data-testid="song-waiting"]')`) {
		t.Fatal("Bohemian Rhapsody is waiting before anyone asked for it")
	}
	scrolled := e2etest.Eval[float64](t, p.Ann, `window.scrollTo(0, 120), window.scrollY`)
	e2etest.Do(t, p.Bob, "Bob opens his page again", chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="song-search"]`)))
	e2etest.Do(t, p.Bob, "Bob searches", chromedp.SendKeys(chromedp.CSS("#song-q"), "boh"))
	e2etest.WaitText(t, p.Bob, "Bob's results", songResults, "Bohemian Rhapsody")
	e2etest.WaitFor(t, p.Bob, "htmx to take the results in", resultsSettled)
	e2etest.Do(t, p.Bob, "Bob taps the song", chromedp.Click(chromedp.CSS(`[data-testid="song-result"] button`)))
	e2etest.WaitText(t, p.Bob, "the song in Bob's songs", e2etest.MyRequests, "Bohemian Rhapsody")
	e2etest.WaitFor(t, p.Ann, "the song flagged waiting on Ann's page", `!!document.querySelector('[data-testid="song-result"] [data-testid="song-waiting"]')`)
	e2etest.CheckNotReloaded(t, p.Ann, "Ann")
	if got := e2etest.Eval[string](t, p.Ann, `document.querySelector('#song-q').value`); got != "queen" {
		t.Errorf("Ann's search reads %q after the update, want what she typed", got)
	}
	if got := e2etest.Eval[float64](t, p.Ann, `window.scrollY`); got != scrolled {
		t.Errorf("Ann's page scrolled from %v to %v", scrolled, got)
	}

	e2etest.Do(t, p.Ann, "Ann searches again", chromedp.SendKeys(chromedp.CSS("#song-q"), "\b\b\b\b\bhalo"))
	e2etest.WaitText(t, p.Ann, "Ann's results", songResults, "Halo")
	e2etest.WaitFor(t, p.Ann, "htmx to take the results in", resultsSettled)
	e2etest.Do(t, p.Ann, "Ann taps Halo", chromedp.Click(chromedp.CSS(`[data-testid="song-result"] button`)))
	e2etest.WaitText(t, p.Ann, "the song in Ann's songs", e2etest.MyRequests, "Halo")
	e2etest.WaitText(t, p.Laptop, "the host's queue", e2etest.HostQueue, "Bohemian Rhapsody | Halo")
	if got := e2etest.Eval[string](t, p.Ann, `document.querySelector('[data-testid="songbook-only"]').textContent`); !strings.Contains(got, "Added “Halo”") {
		t.Errorf("Ann's page says %q, want the song added", got)
	}
}
