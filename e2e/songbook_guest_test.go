package e2e_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/app"
	"github.com/karaoke-night/karaoke/internal/npmtest"
)

// songbookServer is a server whose new sessions get a small house songbook.
func songbookServer(t *testing.T) *server {
	t.Helper()
	s := startServer(t)
	file := filepath.Join(t.TempDir(), "house.csv")
	list := "Title,Artist\nBohemian Rhapsody,Queen\nHalo,Beyoncé\nDon't Stop Believin',Journey\nZombie,The Cranberries\n"
	if err := os.WriteFile(file, []byte(list), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := app.ImportHouseSongbook(context.Background(), s.cfg, file, "House", nil); err != nil {
		t.Fatal(err)
	}
	return s
}

const songResults = `[data-testid="song-result"] .title`

// TestGuestSearchesTheSongbook: a guest types three letters, the results
// come without a reload, a tap requests the song, and the host's queue and
// the TV show it; axe-core finds nothing on the page with results.
func TestGuestSearchesTheSongbook(t *testing.T) {
	axeJS, err := os.ReadFile(filepath.Join(npmtest.Install(t, "axe-core", axeVersion), "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	s := songbookServer(t)
	b := startBrowser(t)
	p := startParty(t, s, b, "Songbook night")
	markNotReloaded(t, p.ann)
	do(t, p.ann, "Ann types three letters", chromedp.SendKeys(chromedp.CSS("#song-q"), "boh"))
	waitText(t, p.ann, "the results", songResults, "Bohemian Rhapsody")
	checkNotReloaded(t, p.ann, "Ann")
	axeCheck(t, p.ann, string(axeJS), "guest with song results")
	do(t, p.ann, "Ann taps the song", chromedp.Click(chromedp.CSS(`[data-testid="song-result"] button`)))
	waitText(t, p.ann, "the song in Ann's songs", myRequests, "Bohemian Rhapsody")
	checkNotReloaded(t, p.ann, "Ann")
	waitText(t, p.laptop, "the song in the host's queue", hostQueue, "Bohemian Rhapsody")
	waitText(t, p.tv, "the song on the TV", tvQueue, "Bohemian Rhapsody")

	// Bob finds it by the artist, without the accent, and sees it waiting.
	do(t, p.bob, "Bob types", chromedp.SendKeys(chromedp.CSS("#song-q"), "queen"))
	waitFor(t, p.bob, "the song flagged waiting", `!!document.querySelector('[data-testid="song-result"] [data-testid="song-waiting"]')`)

	// Bob browses: tonight's popular songs, then the artists A to Z.
	markNotReloaded(t, p.bob)
	do(t, p.bob, "Bob opens Popular tonight", chromedp.Click(chromedp.CSS(`[data-testid="browse-popular"]`)))
	waitText(t, p.bob, "popular tonight", "#song-results h3", "Popular tonight")
	waitText(t, p.bob, "popular tonight's songs", songResults, "Bohemian Rhapsody")
	do(t, p.bob, "Bob opens Browse by artist", chromedp.Click(chromedp.CSS(`[data-testid="browse-artists"]`)))
	waitText(t, p.bob, "the artists", `[data-testid="artist"] a`, "Beyoncé | Journey | Queen | The Cranberries")
	checkNotReloaded(t, p.bob, "Bob")
	axeCheck(t, p.bob, string(axeJS), "guest browsing artists")
}

// TestSongbookWithoutJavaScript: the search is a plain GET and the result a
// plain POST, so a phone without JavaScript requests from the songbook too.
func TestSongbookWithoutJavaScript(t *testing.T) {
	s := songbookServer(t)
	b := startBrowser(t)
	laptop := b.Person(1366, 900)
	_, joinURL := hostCreates(t, s, laptop, "Plain songbook night")
	phone := b.Phone()
	do(t, phone, "turn JavaScript off", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	guestJoins(t, phone, joinURL, "Nojs")
	do(t, phone, "search without JavaScript",
		chromedp.SendKeys(chromedp.CSS("#song-q"), "beyonce"),
		chromedp.Click(chromedp.CSS(`#song-search button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="song-result"]`)),
	)
	if got := eval[string](t, phone, texts(songResults)); got != "Halo" {
		t.Errorf("results = %q, want Halo", got)
	}
	do(t, phone, "tap the result",
		chromedp.Click(chromedp.CSS(`[data-testid="song-result"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="my-request"]`)),
	)
	if eval[bool](t, phone, `typeof window.htmx !== 'undefined'`) {
		t.Error("htmx ran: JavaScript was not off")
	}
	waitText(t, laptop, "the host sees the request", hostQueue, "Halo")
}
