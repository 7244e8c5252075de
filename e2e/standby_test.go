package e2e_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/npmtest"
)

// TestStandbyMovesIntoTheQueueLive: with a cap of one song, Ann's request
// form offers her standby list; she puts two songs on it and moves the
// second up with one tap; when the host starts her song, the first standby
// song moves into the queue and her page says so, live, without a reload.
func TestStandbyMovesIntoTheQueueLive(t *testing.T) {
	axeJS, err := os.ReadFile(filepath.Join(npmtest.Install(t, "axe-core", axeVersion), "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	s := startServer(t)
	b := startBrowser(t)
	p := startParty(t, s, b, "Standby night")
	do(t, p.laptop, "the host sets the cap to one song",
		chromedp.SetValue(chromedp.CSS("#singer-cap"), "1"),
		chromedp.Click(chromedp.CSS(`#settings-form button[type="submit"]`)))
	waitFor(t, p.laptop, "the settings saved", `document.querySelector('#settings-form').textContent.includes('Saved.')`)
	request(t, p.ann, "Valerie", "Amy Winehouse")
	request(t, p.bob, "Africa", "Toto")
	waitFor(t, p.ann, "the form offering the standby list", `document.querySelector('[data-testid="add-standby"]') !== null`)
	markNotReloaded(t, p.ann)

	for _, title := range []string{"Toxic", "Jolene"} {
		do(t, p.ann, "Ann puts "+title+" on her standby list",
			chromedp.SendKeys(chromedp.CSS("#title"), title),
			chromedp.Click(chromedp.CSS(`[data-testid="add-standby"]`)))
		waitText(t, p.ann, "the form's confirmation", `[data-testid="request-added"]`, "Put “"+title+"” on your standby list.")
	}
	const items = `[data-testid="my-standby"] [data-testid="standby-item"] .title`
	waitText(t, p.ann, "her standby list", items, "Toxic | Jolene")
	do(t, p.ann, "Ann moves Jolene up",
		chromedp.Click(chromedp.CSS(`[data-testid="standby-item"]:nth-child(2) [data-testid="standby-up"]`)))
	waitText(t, p.ann, "her standby list reordered", items, "Jolene | Toxic")
	axeCheck(t, p.ann, string(axeJS), "a guest page at the cap with a standby list")
	if got := eval[string](t, p.bob, texts(items)); got != "" {
		t.Errorf("Bob's page shows Ann's standby list: %q", got)
	}

	// Valerie is first in the queue: the host starts it, and Ann drops
	// below the cap.
	startTurn(t, p.laptop)
	waitText(t, p.ann, "the song moved over", `[data-testid="standby-moved"]`, "“Jolene” moved from your standby list into the queue.")
	waitText(t, p.ann, "her standby list after", items, "Toxic")
	waitText(t, p.ann, "Jolene in her songs", myRequests, "Jolene")
	waitText(t, p.ann, "the queue", guestQueue, "Africa | Jolene")
	waitText(t, p.laptop, "the host's queue", hostQueue, "Africa | Jolene")
	checkNotReloaded(t, p.ann, "Ann")
}
