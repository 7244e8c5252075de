package resilience_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/e2etest"
)

// TestHomeScreenAppIsTheSameGuest: on an iPhone's Safari the Home Screen
// hint puts the guest's handoff into the page's address (what Add to Home
// Screen saves), and a browser with no cookies at all (what the Home Screen
// web app starts with: iOS keeps its storage apart from Safari's) opening
// that address lands on the same guest's page, with their song, at the
// page's clean address.
func TestHomeScreenAppIsTheSameGuest(t *testing.T) {
	s, _ := startPushServer(t)
	b := e2etest.StartBrowser(t)
	laptop := b.Person(1366, 900)
	e2etest.HostStarts(t, s, laptop, "Friday Night Mics")
	joinURL := e2etest.Eval[string](t, laptop, `document.querySelector('[data-testid="join-url"]').textContent.trim()`)

	safari := b.Phone()
	onNewDocument(t, safari, "make the phone Safari on an iPhone", noPushManager(true))
	e2etest.GuestJoins(t, safari, joinURL, "Ann")
	e2etest.Request(t, safari, "Valerie", "Amy Winehouse")
	e2etest.WaitFor(t, safari, "the Home Screen hint", `(function(){var e=document.querySelector('[data-testid="push-homescreen"]');return !!e && e.offsetHeight>0})()`)
	e2etest.WaitFor(t, safari, "the handoff in the address", `new URL(location.href).searchParams.has("handoff")`)
	saved := e2etest.Eval[string](t, safari, `location.href`)
	if clean := strings.SplitN(saved, "?", 2)[0]; clean != e2etest.Eval[string](t, safari, `location.origin + location.pathname`) {
		t.Errorf("the address moved to %s", clean)
	}

	app := b.Phone() // a new browser context: no cookies, as a Home Screen app starts
	e2etest.Do(t, app, "open the Home Screen app", chromedp.Navigate(saved))
	e2etest.WaitFor(t, app, "Ann's song on the app's page", `!!document.querySelector('[data-testid="my-request"]') && document.querySelector('[data-testid="my-requests"]').textContent.includes("Valerie")`)
	if n := e2etest.Eval[int](t, app, `document.querySelectorAll('[data-testid="join-form"]').length`); n != 0 {
		t.Error("the Home Screen app shows the join form")
	}
	if href := e2etest.Eval[string](t, app, `location.href`); strings.Contains(href, "handoff") || href != strings.SplitN(saved, "?", 2)[0] {
		t.Errorf("the Home Screen app's address is %s, want the clean guest page", href)
	}
	if errs := b.ConsoleErrors(); len(errs) != 0 {
		t.Errorf("console errors: %q", errs)
	}
}
