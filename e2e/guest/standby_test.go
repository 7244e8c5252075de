package guest_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/e2etest"
	"github.com/karaoke-night/karaoke/internal/npmtest"
)

// TestStandbyMovesIntoTheQueueLive: with a cap of one song, Ann's request
// form offers her standby list; she puts two songs on it and moves the
// second up with one tap; when the host starts her song, the first standby
// song moves into the queue and her page says so, live, without a reload.
func TestStandbyMovesIntoTheQueueLive(t *testing.T) {
	axeJS, err := os.ReadFile(filepath.Join(npmtest.Install(t, "axe-core", e2etest.AxeVersion), "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	s := e2etest.StartServer(t)
	b := e2etest.StartBrowser(t)
	p := e2etest.StartParty(t, s, b, "Standby night")
	e2etest.Do(t, p.Laptop, "the host sets the cap to one song",
		chromedp.SetValue(chromedp.CSS("#singer-cap"), "1"),
		chromedp.Click(chromedp.CSS(`#settings-form button[type="submit"]`)))
	e2etest.WaitFor(t, p.Laptop, "the settings saved", `document.querySelector('#settings-form').textContent.includes('Saved.')`)
	e2etest.Request(t, p.Ann, "Valerie", "Amy Winehouse")
	e2etest.Request(t, p.Bob, "Africa", "Toto")
	e2etest.WaitFor(t, p.Ann, "the form offering the standby list", `document.querySelector('[data-testid="add-standby"]') !== null`)
	e2etest.MarkNotReloaded(t, p.Ann)

	for _, title := range []string{"Toxic", "Jolene"} {
		e2etest.Do(t, p.Ann, "Ann puts "+title+" on her standby list",
			chromedp.SendKeys(chromedp.CSS("#title"), title),
			chromedp.Click(chromedp.CSS(`[data-testid="add-standby"]`)))
		e2etest.WaitText(t, p.Ann, "the form's confirmation", `[data-testid="request-added"]`, "Put “"+title+"” on your standby list.")
	}
	const items = `[data-testid="my-standby"] [data-testid="standby-item"] .title`
	e2etest.WaitText(t, p.Ann, "her standby list", items, "Toxic | Jolene")
	e2etest.Do(t, p.Ann, "Ann moves Jolene up",
		chromedp.Click(chromedp.CSS(`[data-testid="standby-item"]:nth-child(2) [data-testid="standby-up"]`)))
	e2etest.WaitText(t, p.Ann, "her standby list reordered", items, "Jolene | Toxic")
	e2etest.AxeCheck(t, p.Ann, string(axeJS), "a guest page at the cap with a standby list")
	if got := e2etest.Eval[string](t, p.Bob, e2etest.Texts(items)); got != "" {
		t.Errorf("Bob's page shows Ann's standby list: %q", got)
	}

	// Valerie is first in the queue: the host starts it, and Ann drops
	// below the cap.
	e2etest.StartTurn(t, p.Laptop)
	e2etest.WaitText(t, p.Ann, "the song moved over", `[data-testid="standby-moved"]`, "“Jolene” moved from your standby list into the queue.")
	e2etest.WaitText(t, p.Ann, "her standby list after", items, "Toxic")
	e2etest.WaitText(t, p.Ann, "Jolene in her songs", e2etest.MyRequests, "Jolene")
	e2etest.WaitText(t, p.Ann, "the queue", e2etest.GuestQueue, "Africa | Jolene")
	e2etest.WaitText(t, p.Laptop, "the host's queue", e2etest.HostQueue, "Africa | Jolene")
	e2etest.CheckNotReloaded(t, p.Ann, "Ann")
}
