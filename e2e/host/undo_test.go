package host_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/e2etest"
	"github.com/karaoke-night/karaoke/internal/npmtest"
)

// nightAsSeen is what the host, the TV and Bob see of the queue.
type nightAsSeen struct{ host, tv, bob, bobPlace string }

func seeNight(t *testing.T, p e2etest.Party) nightAsSeen {
	t.Helper()
	return nightAsSeen{
		host:     e2etest.Eval[string](t, p.Laptop, e2etest.Texts(e2etest.HostQueue)),
		tv:       e2etest.Eval[string](t, p.TV, e2etest.Texts(e2etest.TVQueue)),
		bob:      e2etest.Eval[string](t, p.Bob, e2etest.Texts(e2etest.GuestQueue)),
		bobPlace: e2etest.Eval[string](t, p.Bob, e2etest.Texts(`[data-testid="status-place"], [data-testid="up-next"]`)),
	}
}

// skipFirstInLine has the host skip the first song in line (what), through
// the row's menu and its confirmation.
func skipFirstInLine(t *testing.T, host context.Context, what string) {
	t.Helper()
	row := `#host-queue > li:first-child`
	e2etest.Do(t, host, "skip "+what,
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
	p := e2etest.StartParty(t, e2etest.StartServer(t), e2etest.StartBrowser(t), "Undo night")
	e2etest.Request(t, p.Ann, "Dancing Queen", "ABBA")
	e2etest.Request(t, p.Bob, "Africa", "Toto")
	e2etest.Request(t, p.Ann, "Jolene", "Dolly Parton")
	e2etest.Request(t, p.Bob, "Valerie", "Amy Winehouse")
	e2etest.HostOnPhone(t, p.Laptop)
	e2etest.StartTurn(t, p.Laptop)
	const queue = "Africa | Jolene | Valerie"
	e2etest.WaitText(t, p.Laptop, "the host's queue", e2etest.HostQueue, queue)
	e2etest.WaitText(t, p.TV, "the TV's queue", e2etest.TVQueue, queue)
	e2etest.WaitText(t, p.Bob, "Bob's queue", e2etest.GuestQueue, queue)
	before := seeNight(t, p)
	for who, ctx := range map[string]context.Context{"the host": p.Laptop, "the TV": p.TV, "Bob": p.Bob} {
		e2etest.MarkNotReloaded(t, ctx)
		defer e2etest.CheckNotReloaded(t, ctx, who)
	}

	skipFirstInLine(t, p.Laptop, "Bob's Africa")
	const skipped = "Jolene | Valerie"
	e2etest.WaitText(t, p.Laptop, "the skip on the dashboard", e2etest.HostQueue, skipped)
	e2etest.WaitText(t, p.TV, "the skip on the TV", e2etest.TVQueue, skipped)
	e2etest.WaitText(t, p.Bob, "the skip on Bob's page", `[data-testid="host-did"]`, "The host skipped your song “Africa”.")
	e2etest.WaitFor(t, p.Laptop, "the skip first in the log", `document.querySelector('[data-testid="audit-item"] .audit-what').textContent === "Skipped Bob's “Africa”: 1st in line → skipped"`)
	if got := e2etest.Eval[string](t, p.Laptop, `document.querySelector('[data-testid="undo"]').getAttribute('aria-label')`); got != "Undo: Skipped Bob's “Africa”: 1st in line → skipped" {
		t.Errorf("Undo's accessible name = %q", got)
	}
	axeJS, err := os.ReadFile(filepath.Join(npmtest.Install(t, "axe-core", e2etest.AxeVersion), "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	e2etest.AxeCheck(t, p.Laptop, string(axeJS), "dashboard with the host log and Undo")
	e2etest.AxeCheck(t, p.Bob, string(axeJS), "guest page telling of a skip")

	e2etest.Do(t, p.Laptop, "tab from Start next to Undo",
		chromedp.Focus(chromedp.CSS(`[data-testid="next-singer"] button`)),
		chromedp.KeyEvent("\t"), chromedp.KeyEvent("\t"))
	if got := e2etest.Eval[string](t, p.Laptop, `document.activeElement.getAttribute('data-testid') || document.activeElement.textContent.trim()`); got != "undo" {
		t.Fatalf("two tabs from Start next reach %q, want Undo (Stop is between them)", got)
	}
	if !e2etest.Eval[bool](t, p.Laptop, focusRing) {
		t.Error("Undo focused by keyboard shows no focus ring")
	}
	e2etest.Do(t, p.Laptop, "press Enter on Undo", chromedp.KeyEvent("\r"))
	e2etest.WaitText(t, p.Laptop, "the queue back on the dashboard", e2etest.HostQueue, queue)
	e2etest.WaitText(t, p.TV, "the queue back on the TV", e2etest.TVQueue, queue)
	e2etest.WaitText(t, p.Bob, "the queue back on Bob's page", e2etest.GuestQueue, queue)
	e2etest.WaitText(t, p.Bob, "Bob told of the undo", `[data-testid="host-did"]`, "The host undid that: your song is back as it was.")
	if got := seeNight(t, p); got != before {
		t.Errorf("after the undo the night reads %+v, want %+v, as before the skip", got, before)
	}
	e2etest.WaitFor(t, p.Laptop, "the undo first in the log", `document.querySelector('[data-testid="audit-item"] .audit-what').textContent === "Undid: Skipped Bob's “Africa”: 1st in line → skipped"`)
	// Undo now offers the action before the skip: Start next.
	e2etest.WaitFor(t, p.Laptop, "Undo offers Start next", `document.querySelector('[data-testid="undo"]').getAttribute('aria-label').indexOf("Undo: Start next") === 0`)
	// Space presses Start next, as Enter pressed Undo.
	e2etest.Do(t, p.Laptop, "press Space on Start next",
		chromedp.Focus(chromedp.CSS(`[data-testid="next-singer"] button`)), chromedp.KeyEvent(" "))
	e2etest.WaitText(t, p.Laptop, "Bob on stage", `#host-live [data-testid="now-singing"] .singer`, "Bob")
	if w := e2etest.Eval[int](t, p.Laptop, `Math.max(window.innerWidth, document.documentElement.scrollWidth)`); w != 390 {
		t.Errorf("the phone dashboard is %d px wide, not 390", w)
	}
}
