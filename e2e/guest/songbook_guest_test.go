package guest_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/app"
	"github.com/karaoke-night/karaoke/internal/e2etest"
	"github.com/karaoke-night/karaoke/internal/npmtest"
)

// songbookServer is a server whose new sessions get a small house songbook.
func songbookServer(t *testing.T) *e2etest.Server {
	t.Helper()
	s := e2etest.StartServer(t)
	file := filepath.Join(t.TempDir(), "house.csv")
	list := "Title,Artist\nBohemian Rhapsody,Queen\nHalo,Beyoncé\nDon't Stop Believin',Journey\nZombie,The Cranberries\n"
	if err := os.WriteFile(file, []byte(list), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := app.ImportHouseSongbook(context.Background(), s.Cfg, file, "House", nil); err != nil {
		t.Fatal(err)
	}
	return s
}

const songResults = `[data-testid="song-result"] .title`

// TestGuestSearchesTheSongbook: a guest types three letters, the results
// come without a reload, a tap requests the song, and the host's queue and
// the TV show it; axe-core finds nothing on the page with results.
func TestGuestSearchesTheSongbook(t *testing.T) {
	axeJS, err := os.ReadFile(filepath.Join(npmtest.Install(t, "axe-core", e2etest.AxeVersion), "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	s := songbookServer(t)
	b := e2etest.StartBrowser(t)
	p := e2etest.StartParty(t, s, b, "Songbook night")
	e2etest.MarkNotReloaded(t, p.Ann)
	e2etest.Do(t, p.Ann, "Ann types three letters", chromedp.SendKeys(chromedp.CSS("#song-q"), "boh"))
	e2etest.WaitText(t, p.Ann, "the results", songResults, "Bohemian Rhapsody")
	e2etest.CheckNotReloaded(t, p.Ann, "Ann")
	e2etest.AxeCheck(t, p.Ann, string(axeJS), "guest with song results")
	e2etest.Do(t, p.Ann, "Ann taps the song", chromedp.Click(chromedp.CSS(`[data-testid="song-result"] button`)))
	e2etest.WaitText(t, p.Ann, "the song in Ann's songs", e2etest.MyRequests, "Bohemian Rhapsody")
	e2etest.CheckNotReloaded(t, p.Ann, "Ann")
	e2etest.WaitText(t, p.Laptop, "the song in the host's queue", e2etest.HostQueue, "Bohemian Rhapsody")
	e2etest.WaitText(t, p.TV, "the song on the TV", e2etest.TVQueue, "Bohemian Rhapsody")

	// Bob finds it by the artist, without the accent, and sees it waiting.
	e2etest.Do(t, p.Bob, "Bob types", chromedp.SendKeys(chromedp.CSS("#song-q"), "queen"))
	e2etest.WaitFor(t, p.Bob, "the song flagged waiting", `!!document.querySelector('[data-testid="song-result"] [data-testid="song-waiting"]')`)

	// Bob browses: tonight's popular songs, then the artists A to Z.
	e2etest.MarkNotReloaded(t, p.Bob)
	e2etest.Do(t, p.Bob, "Bob opens Popular tonight", chromedp.Click(chromedp.CSS(`[data-testid="browse-popular"]`)))
	e2etest.WaitText(t, p.Bob, "popular tonight", "#song-results h3", "Popular tonight")
	e2etest.WaitText(t, p.Bob, "popular tonight's songs", songResults, "Bohemian Rhapsody")
	e2etest.Do(t, p.Bob, "Bob opens Browse by artist", chromedp.Click(chromedp.CSS(`[data-testid="browse-artists"]`)))
	e2etest.WaitText(t, p.Bob, "the artists", `[data-testid="artist"] a`, "Beyoncé | Journey | Queen | The Cranberries")
	e2etest.CheckNotReloaded(t, p.Bob, "Bob")
	e2etest.AxeCheck(t, p.Bob, string(axeJS), "guest browsing artists")
}

// TestSongbookWithoutJavaScript: the search is a plain GET and the result a
// plain POST, so a phone without JavaScript requests from the songbook too.
func TestSongbookWithoutJavaScript(t *testing.T) {
	s := songbookServer(t)
	b := e2etest.StartBrowser(t)
	laptop := b.Person(1366, 900)
	_, joinURL := e2etest.HostCreates(t, s, laptop, "Plain songbook night")
	phone := b.Phone()
	e2etest.Do(t, phone, "turn JavaScript off", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	e2etest.GuestJoins(t, phone, joinURL, "Nojs")
	e2etest.Do(t, phone, "search without JavaScript",
		chromedp.SendKeys(chromedp.CSS("#song-q"), "beyonce"),
		chromedp.Click(chromedp.CSS(`#song-search button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="song-result"]`)),
	)
	if got := e2etest.Eval[string](t, phone, e2etest.Texts(songResults)); got != "Halo" {
		t.Errorf("results = %q, want Halo", got)
	}
	e2etest.Do(t, phone, "tap the result",
		chromedp.Click(chromedp.CSS(`[data-testid="song-result"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="my-request"]`)),
	)
	if e2etest.Eval[bool](t, phone, `typeof window.htmx !== 'undefined'`) {
		t.Error("htmx ran: JavaScript was not off")
	}
	e2etest.WaitText(t, laptop, "the host sees the request", e2etest.HostQueue, "Halo")
}
