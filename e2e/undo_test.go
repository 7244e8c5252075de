package e2e_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/npmtest"
)

// nightAsSeen is what the host, the TV and Bob see of the queue.
type nightAsSeen struct{ host, tv, bob, bobPlace string }

func seeNight(t *testing.T, p party) nightAsSeen {
	t.Helper()
	return nightAsSeen{
		host:     eval[string](t, p.laptop, texts(hostQueue)),
		tv:       eval[string](t, p.tv, texts(tvQueue)),
		bob:      eval[string](t, p.bob, texts(guestQueue)),
		bobPlace: eval[string](t, p.bob, texts(`[data-testid="status-place"], [data-testid="up-next"]`)),
	}
}

// skipFirstInLine has the host skip the first song in line (what), through
// the row's menu and its confirmation.
func skipFirstInLine(t *testing.T, host context.Context, what string) {
	t.Helper()
	row := `#host-queue > li:first-child`
	do(t, host, "skip "+what,
		chromedp.Click(chromedp.CSS(row+` > details > summary`)),
		chromedp.Click(chromedp.CSS(row+` .confirm > summary`)),
		chromedp.Click(chromedp.CSS(row+` .confirm > button`)))
}

// focusRing is JavaScript: whether the focused element shows an outline.
const focusRing = `(function(){var s = getComputedStyle(document.activeElement);
	return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2})()`

// TestHostSkipsASingerAndUndoes: the host, on a 390-px phone, skips Bob's
// song by mistake; Bob's page says so and the log names it. The host
// reaches Undo by keyboard (Tab from Start next, a visible focus ring) and
// presses Enter: the queue is back exactly as before on the dashboard, the
// TV and Bob's page, live, and the undo is in the log. Space presses Start
// next. The phone never scrolls sideways.
func TestHostSkipsASingerAndUndoes(t *testing.T) {
	p := startParty(t, startServer(t), startBrowser(t), "Undo night")
	request(t, p.ann, "Dancing Queen", "ABBA")
	request(t, p.bob, "Africa", "Toto")
	request(t, p.ann, "Jolene", "Dolly Parton")
	request(t, p.bob, "Valerie", "Amy Winehouse")
	hostOnPhone(t, p.laptop)
	startTurn(t, p.laptop)
	const queue = "Africa | Jolene | Valerie"
	waitText(t, p.laptop, "the host's queue", hostQueue, queue)
	waitText(t, p.tv, "the TV's queue", tvQueue, queue)
	waitText(t, p.bob, "Bob's queue", guestQueue, queue)
	before := seeNight(t, p)
	for who, ctx := range map[string]context.Context{"the host": p.laptop, "the TV": p.tv, "Bob": p.bob} {
		markNotReloaded(t, ctx)
		defer checkNotReloaded(t, ctx, who)
	}

	skipFirstInLine(t, p.laptop, "Bob's Africa")
	const skipped = "Jolene | Valerie"
	waitText(t, p.laptop, "the skip on the dashboard", hostQueue, skipped)
	waitText(t, p.tv, "the skip on the TV", tvQueue, skipped)
	waitText(t, p.bob, "the skip on Bob's page", `[data-testid="host-did"]`, "The host skipped your song “Africa”.")
	waitFor(t, p.laptop, "the skip first in the log", `document.querySelector('[data-testid="audit-item"] .audit-what').textContent === "Skipped Bob's “Africa”: 1st in line → skipped"`)
	if got := eval[string](t, p.laptop, `document.querySelector('[data-testid="undo"]').getAttribute('aria-label')`); got != "Undo: Skipped Bob's “Africa”: 1st in line → skipped" {
		t.Errorf("Undo's accessible name = %q", got)
	}
	axeJS, err := os.ReadFile(filepath.Join(npmtest.Install(t, "axe-core", axeVersion), "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	axeCheck(t, p.laptop, string(axeJS), "dashboard with the host log and Undo")
	axeCheck(t, p.bob, string(axeJS), "guest page telling of a skip")

	do(t, p.laptop, "tab from Start next to Undo",
		chromedp.Focus(chromedp.CSS(`[data-testid="next-singer"] button`)),
		chromedp.KeyEvent("\t"), chromedp.KeyEvent("\t"))
	if got := eval[string](t, p.laptop, `document.activeElement.getAttribute('data-testid') || document.activeElement.textContent.trim()`); got != "undo" {
		t.Fatalf("two tabs from Start next reach %q, want Undo (Stop is between them)", got)
	}
	if !eval[bool](t, p.laptop, focusRing) {
		t.Error("Undo focused by keyboard shows no focus ring")
	}
	do(t, p.laptop, "press Enter on Undo", chromedp.KeyEvent("\r"))
	waitText(t, p.laptop, "the queue back on the dashboard", hostQueue, queue)
	waitText(t, p.tv, "the queue back on the TV", tvQueue, queue)
	waitText(t, p.bob, "the queue back on Bob's page", guestQueue, queue)
	waitText(t, p.bob, "Bob told of the undo", `[data-testid="host-did"]`, "The host undid that: your song is back as it was.")
	if got := seeNight(t, p); got != before {
		t.Errorf("after the undo the night reads %+v, want %+v, as before the skip", got, before)
	}
	waitFor(t, p.laptop, "the undo first in the log", `document.querySelector('[data-testid="audit-item"] .audit-what').textContent === "Undid: Skipped Bob's “Africa”: 1st in line → skipped"`)
	// Undo now offers the action before the skip: Start next.
	waitFor(t, p.laptop, "Undo offers Start next", `document.querySelector('[data-testid="undo"]').getAttribute('aria-label').indexOf("Undo: Start next") === 0`)
	// Space presses Start next, as Enter pressed Undo.
	do(t, p.laptop, "press Space on Start next",
		chromedp.Focus(chromedp.CSS(`[data-testid="next-singer"] button`)), chromedp.KeyEvent(" "))
	waitText(t, p.laptop, "Bob on stage", `#host-live [data-testid="now-singing"] .singer`, "Bob")
	if w := eval[int](t, p.laptop, `Math.max(window.innerWidth, document.documentElement.scrollWidth)`); w != 390 {
		t.Errorf("the phone dashboard is %d px wide, not 390", w)
	}
}
