package guest_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/e2etest"
	"github.com/karaoke-night/karaoke/internal/npmtest"
)

const (
	annHoldSpot = `[data-testid="hold-spot"]`
	annImBack   = `[data-testid="im-back"]`
	nextButton  = `document.querySelector('[data-testid="next-singer"] button').textContent.trim()`
)

// TestGuestHoldsTheirSpot: on two phones, Ann and Bob each have a song, Ann's
// first. Ann steps out and taps Hold my spot: her song is marked on hold on
// the dashboard, the TV and her page, and the host is told Start next
// passes over her. The host starts next and Bob sings; Ann's song holds at
// the head of the line. Ann taps I'm back and is next: the host's next
// press puts her on stage.
func TestGuestHoldsTheirSpot(t *testing.T) {
	p := e2etest.StartParty(t, e2etest.StartServer(t), e2etest.StartBrowser(t), "Hold night")
	e2etest.Request(t, p.Ann, "Dancing Queen", "ABBA")
	e2etest.Request(t, p.Bob, "Africa", "Toto")
	e2etest.WaitText(t, p.Laptop, "the host's queue", e2etest.HostQueue, "Dancing Queen | Africa")
	for who, ctx := range map[string]context.Context{"the host": p.Laptop, "the TV": p.TV, "Bob": p.Bob} {
		e2etest.MarkNotReloaded(t, ctx)
		defer e2etest.CheckNotReloaded(t, ctx, who)
	}

	e2etest.Do(t, p.Ann, "Ann holds her spot", chromedp.Click(chromedp.CSS(annHoldSpot)))
	e2etest.WaitFor(t, p.Ann, "Ann's page offers I'm back", `document.querySelector('`+annImBack+`') !== null`)
	e2etest.WaitFor(t, p.Ann, "Ann's song marked on hold on her page", `document.querySelector('[data-testid="my-request"] [data-testid="on-hold"]') !== null`)
	e2etest.WaitFor(t, p.Laptop, "the dashboard marks Ann's song on hold", `document.querySelector('#host-queue [data-testid="on-hold"]') !== null`)
	e2etest.WaitFor(t, p.TV, "the TV marks Ann's song on hold", `document.querySelector('#display-next [data-testid="on-hold"]') !== null`)
	e2etest.WaitText(t, p.Laptop, "the host is told whom Start next passes over", `[data-testid="passed-over"]`, "Start next passes over Ann (on hold).")
	e2etest.WaitFor(t, p.Laptop, "Start next names Bob", nextButton+` === "Start next: Bob"`)
	axeJS, err := os.ReadFile(filepath.Join(npmtest.Install(t, "axe-core", e2etest.AxeVersion), "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	e2etest.AxeCheck(t, p.Ann, string(axeJS), "guest page on hold")
	if w := e2etest.Eval[int](t, p.Ann, `Math.max(window.innerWidth, document.documentElement.scrollWidth)`); w != 390 {
		t.Errorf("Ann's page on hold is %d px wide, not 390", w)
	}

	e2etest.StartTurn(t, p.Laptop)
	e2etest.WaitText(t, p.TV, "Bob on the TV", e2etest.TVNow, "Bob")
	e2etest.WaitFor(t, p.Bob, "Bob told he's on", `document.querySelector('[data-testid="your-turn"]') !== null`)
	e2etest.WaitText(t, p.Laptop, "Ann's song holds at the head", e2etest.HostQueue, "Dancing Queen")
	e2etest.WaitFor(t, p.Ann, "Ann told her turn came", `document.querySelector('[data-testid="on-hold-status"]').textContent.indexOf("Your turn came") >= 0`)

	e2etest.Do(t, p.Ann, "Ann is back", chromedp.Click(chromedp.CSS(annImBack)))
	e2etest.WaitFor(t, p.Ann, "Ann is up next", `document.querySelector('[data-testid="up-next"]') !== null`)
	e2etest.WaitFor(t, p.Ann, "no hold left on Ann's page", `document.querySelector('[data-testid="on-hold"]') === null && document.querySelector('`+annHoldSpot+`') !== null`)
	e2etest.WaitFor(t, p.Laptop, "Start next names Ann", nextButton+` === "Start next: Ann"`)
	e2etest.WaitFor(t, p.TV, "the TV's mark gone", `document.querySelector('#display-next [data-testid="on-hold"]') === null`)

	e2etest.StartTurn(t, p.Laptop)
	e2etest.WaitText(t, p.TV, "Ann on the TV", e2etest.TVNow, "Ann")
	e2etest.WaitFor(t, p.Ann, "Ann told she's on", `document.querySelector('[data-testid="your-turn"]') !== null`)
}
