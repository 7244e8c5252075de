package e2e_test

import (
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/db"
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
	axeJS, err := os.ReadFile(filepath.Join(npmtest.Install(t, "axe-core", axeVersion), "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	s := songbookServer(t)
	// Chromium logs the crafted post's 422, by design, without its address.
	b := startBrowser(t, func(e string) bool { return strings.Contains(e, "status of 422") })
	p := startParty(t, s, b, "Songbook only night")
	do(t, p.laptop, "the host turns on songbook only",
		chromedp.Click(chromedp.CSS(`#songbook-only`)),
		chromedp.Click(chromedp.CSS(`[data-testid="settings-form"] button[type="submit"]`)))
	waitFor(t, p.laptop, "the rules saved", `(function(){var f=document.querySelector('[data-testid="settings-form"]');
		return /Saved/.test(f.textContent) && f.querySelector('#songbook-only').checked})()`)

	do(t, p.ann, "Ann opens her page again", chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="song-search"]`)))
	if n := eval[int](t, p.ann, `document.querySelectorAll('#title, #artist, input[name="title"]').length`); n != 0 {
		t.Errorf("Ann's page has %d fields to type a song in, want none", n)
	}
	axeCheck(t, p.ann, string(axeJS), "guest page, songbook only")
	axeCheck(t, p.laptop, string(axeJS), "dashboard with the songbook only rule")
	if got := eval[string](t, p.ann, freeTextPost); !strings.HasPrefix(got, "422 ") || !strings.Contains(got, html.EscapeString(db.MessageSongbookOnly)) {
		t.Errorf("a crafted free-text request: %.200q, want 422 and the rule's message", got)
	}

	// Ann's results follow the night.
	markNotReloaded(t, p.ann)
	do(t, p.ann, "Ann searches", chromedp.SendKeys(chromedp.CSS("#song-q"), "queen"))
	waitText(t, p.ann, "Ann's results", songResults, "Bohemian Rhapsody")
	if eval[bool](t, p.ann, `!!document.querySelector('[data-testid="song-waiting"]')`) {
		t.Fatal("Bohemian Rhapsody is waiting before anyone asked for it")
	}
	scrolled := eval[float64](t, p.ann, `window.scrollTo(0, 120), window.scrollY`)
	do(t, p.bob, "Bob opens his page again", chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="song-search"]`)))
	do(t, p.bob, "Bob searches", chromedp.SendKeys(chromedp.CSS("#song-q"), "boh"))
	waitText(t, p.bob, "Bob's results", songResults, "Bohemian Rhapsody")
	waitFor(t, p.bob, "htmx to take the results in", resultsSettled)
	do(t, p.bob, "Bob taps the song", chromedp.Click(chromedp.CSS(`[data-testid="song-result"] button`)))
	waitText(t, p.bob, "the song in Bob's songs", myRequests, "Bohemian Rhapsody")
	waitFor(t, p.ann, "the song flagged waiting on Ann's page", `!!document.querySelector('[data-testid="song-result"] [data-testid="song-waiting"]')`)
	checkNotReloaded(t, p.ann, "Ann")
	if got := eval[string](t, p.ann, `document.querySelector('#song-q').value`); got != "queen" {
		t.Errorf("Ann's search reads %q after the update, want what she typed", got)
	}
	if got := eval[float64](t, p.ann, `window.scrollY`); got != scrolled {
		t.Errorf("Ann's page scrolled from %v to %v", scrolled, got)
	}

	do(t, p.ann, "Ann searches again", chromedp.SendKeys(chromedp.CSS("#song-q"), "\b\b\b\b\bhalo"))
	waitText(t, p.ann, "Ann's results", songResults, "Halo")
	waitFor(t, p.ann, "htmx to take the results in", resultsSettled)
	do(t, p.ann, "Ann taps Halo", chromedp.Click(chromedp.CSS(`[data-testid="song-result"] button`)))
	waitText(t, p.ann, "the song in Ann's songs", myRequests, "Halo")
	waitText(t, p.laptop, "the host's queue", hostQueue, "Bohemian Rhapsody | Halo")
	if got := eval[string](t, p.ann, `document.querySelector('[data-testid="songbook-only"]').textContent`); !strings.Contains(got, "Added “Halo”") {
		t.Errorf("Ann's page says %q, want the song added", got)
	}
}
