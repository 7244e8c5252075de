package host_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/internal/e2etest"
)

// TestDashboardRowMenuLoadsWhenOpened: at 60 songs a queue row carries
// only its line; opening it fetches its menu and moves focus into it, and
// Escape closes it and gives focus back to the row. When the open row
// changes (another device puts its singer on hold), the menu is fetched
// again in place: it stays open, and its controls are the row's now.
func TestDashboardRowMenuLoadsWhenOpened(t *testing.T) {
	s, host, dashURL := busyDashboard(t)
	if n := e2etest.Eval[int](t, host, `document.querySelectorAll('#host-queue form').length`); n != 0 {
		t.Errorf("the closed queue carries %d forms", n)
	}
	first := "#" + e2etest.Eval[string](t, host, `document.querySelector('#host-queue > li').id`) + " > details"
	e2etest.Do(t, host, "open the first row", chromedp.Click(chromedp.CSS(first+" > summary")))
	e2etest.WaitFor(t, host, "the row's menu loaded, focus in it",
		`(function(){ var m = document.querySelector('`+first+` > [data-testid="row-menu"]');
			return !!m && m.contains(document.activeElement) && !!m.querySelector('.moves button'); })()`)
	e2etest.Do(t, host, "press Escape", chromedp.KeyEvent(kb.Escape))
	e2etest.WaitFor(t, host, "the row closed, focus on its line",
		`!document.querySelector('`+first+`').open && document.activeElement === document.querySelector('`+first+` > summary')`)

	e2etest.Do(t, host, "open the first row again", chromedp.Click(chromedp.CSS(first+" > summary")))
	e2etest.WaitFor(t, host, "the row's menu loaded", `(function(){
		var m = document.querySelector('`+first+` > [data-testid="row-menu"]');
		if (!m) { return false; } window.seenMenu = m; return !m.querySelector('[data-testid="release-hold"]'); })()`)
	asOtherDevice(t, s, dashURL, func(ctx context.Context, store *db.Store, sessionID int64) error {
		n, err := store.Night(ctx, sessionID)
		if err != nil {
			return err
		}
		return store.HoldSpot(ctx, sessionID, n.Queue()[0].GuestID)
	})
	e2etest.WaitFor(t, host, "the open menu fetched again, with Release hold", `(function(){
		var d = document.querySelector('`+first+`'), m = d.querySelector(':scope > [data-testid="row-menu"]');
		return d.open && !!m && m !== window.seenMenu && !!m.querySelector('[data-testid="release-hold"]'); })()`)
	e2etest.Do(t, host, "close the row", chromedp.Click(chromedp.CSS(first+" > summary")))
	e2etest.WaitFor(t, host, "the row's line shows the hold once closed", `!!document.querySelector('`+first+` > summary [data-testid="on-hold"]')`)
}
