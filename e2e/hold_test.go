package e2e_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

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
	p := startParty(t, startServer(t), startBrowser(t), "Hold night")
	request(t, p.ann, "Dancing Queen", "ABBA")
	request(t, p.bob, "Africa", "Toto")
	waitText(t, p.laptop, "the host's queue", hostQueue, "Dancing Queen | Africa")
	for who, ctx := range map[string]context.Context{"the host": p.laptop, "the TV": p.tv, "Bob": p.bob} {
		markNotReloaded(t, ctx)
		defer checkNotReloaded(t, ctx, who)
	}

	do(t, p.ann, "Ann holds her spot", chromedp.Click(chromedp.CSS(annHoldSpot)))
	waitFor(t, p.ann, "Ann's page offers I'm back", `document.querySelector('`+annImBack+`') !== null`)
	waitFor(t, p.ann, "Ann's song marked on hold on her page", `document.querySelector('[data-testid="my-request"] [data-testid="on-hold"]') !== null`)
	waitFor(t, p.laptop, "the dashboard marks Ann's song on hold", `document.querySelector('#host-queue [data-testid="on-hold"]') !== null`)
	waitFor(t, p.tv, "the TV marks Ann's song on hold", `document.querySelector('#display-next [data-testid="on-hold"]') !== null`)
	waitText(t, p.laptop, "the host is told whom Start next passes over", `[data-testid="passed-over"]`, "Start next passes over Ann (on hold).")
	waitFor(t, p.laptop, "Start next names Bob", nextButton+` === "Start next: Bob"`)
	axeJS, err := os.ReadFile(filepath.Join(npmtest.Install(t, "axe-core", axeVersion), "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	axeCheck(t, p.ann, string(axeJS), "guest page on hold")
	if w := eval[int](t, p.ann, `Math.max(window.innerWidth, document.documentElement.scrollWidth)`); w != 390 {
		t.Errorf("Ann's page on hold is %d px wide, not 390", w)
	}

	startTurn(t, p.laptop)
	waitText(t, p.tv, "Bob on the TV", tvNow, "Bob")
	waitFor(t, p.bob, "Bob told he's on", `document.querySelector('[data-testid="your-turn"]') !== null`)
	waitText(t, p.laptop, "Ann's song holds at the head", hostQueue, "Dancing Queen")
	waitFor(t, p.ann, "Ann told her turn came", `document.querySelector('[data-testid="on-hold-status"]').textContent.indexOf("Your turn came") >= 0`)

	do(t, p.ann, "Ann is back", chromedp.Click(chromedp.CSS(annImBack)))
	waitFor(t, p.ann, "Ann is up next", `document.querySelector('[data-testid="up-next"]') !== null`)
	waitFor(t, p.ann, "no hold left on Ann's page", `document.querySelector('[data-testid="on-hold"]') === null && document.querySelector('`+annHoldSpot+`') !== null`)
	waitFor(t, p.laptop, "Start next names Ann", nextButton+` === "Start next: Ann"`)
	waitFor(t, p.tv, "the TV's mark gone", `document.querySelector('#display-next [data-testid="on-hold"]') === null`)

	startTurn(t, p.laptop)
	waitText(t, p.tv, "Ann on the TV", tvNow, "Ann")
	waitFor(t, p.ann, "Ann told she's on", `document.querySelector('[data-testid="your-turn"]') !== null`)
}
