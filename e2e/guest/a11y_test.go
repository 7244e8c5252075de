package guest_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/e2etest"
	"github.com/karaoke-night/karaoke/internal/npmtest"
)

// TestAccessibility checks every page with axe-core, that the guest page
// works at 200% zoom, and that keyboard focus is visible.
func TestAccessibility(t *testing.T) {
	axeJS, err := os.ReadFile(filepath.Join(npmtest.Install(t, "axe-core", e2etest.AxeVersion), "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	script := string(axeJS)
	s := e2etest.StartServer(t)
	b := e2etest.StartBrowser(t)
	laptop := b.Person(1366, 900)
	e2etest.Do(t, laptop, "open the home page", chromedp.Navigate(s.Base+"/"))
	e2etest.AxeCheck(t, laptop, script, "home")
	dashURL, joinURL := e2etest.HostCreates(t, s, laptop, "Accessible night")
	e2etest.Do(t, laptop, "the home page lists the host's night", chromedp.Navigate(s.Base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="hosted-night"]`)))
	e2etest.AxeCheck(t, laptop, script, "home with the host's nights")
	e2etest.Do(t, laptop, "back to the dashboard", chromedp.Navigate(dashURL))

	phone := b.Phone()
	e2etest.Do(t, phone, "open the join page", chromedp.Navigate(joinURL))
	e2etest.AxeCheck(t, phone, script, "join")
	e2etest.GuestJoins(t, phone, joinURL, "Ann")
	e2etest.Request(t, phone, "Dancing Queen", "ABBA")
	other := b.Phone()
	e2etest.GuestJoins(t, other, joinURL, "Bob")
	e2etest.Request(t, other, "Africa", "Toto")
	e2etest.WaitText(t, phone, "the queue", e2etest.GuestQueue, "Dancing Queen | Africa")
	e2etest.AxeCheck(t, phone, script, "guest")

	e2etest.WaitText(t, laptop, "the dashboard's queue", e2etest.HostQueue, "Dancing Queen | Africa")
	e2etest.AxeCheck(t, laptop, script, "dashboard")

	tv := e2etest.OpenTV(t, b, joinURL)
	e2etest.WaitText(t, tv, "the TV's queue", e2etest.TVQueue, "Dancing Queen | Africa")
	e2etest.AxeCheck(t, tv, script, "display")
	pairing := b.Person(1920, 1080)
	e2etest.Do(t, pairing, "open a TV's pairing screen", chromedp.Navigate(s.Base+"/tv"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="pair-code"]`)))
	e2etest.AxeCheck(t, pairing, script, "TV pairing")

	// Keyboard focus is visible: tab to the first control of the request form.
	e2etest.Do(t, phone, "focus the title field by keyboard",
		chromedp.Focus(chromedp.CSS("#artist")),
		chromedp.KeyEvent("\t"),
	)
	if !e2etest.Eval[bool](t, phone, `(function(){var s = getComputedStyle(document.activeElement);
		return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2})()`) {
		t.Errorf("keyboard focus on %s has no visible outline", e2etest.Eval[string](t, phone, `document.activeElement.outerHTML.slice(0, 80)`))
	}

	// 200% zoom on a phone: half the CSS pixels. Nothing scrolls sideways, and
	// a request can still be made.
	e2etest.Do(t, phone, "zoom to 200%", chromedp.EmulateViewport(195, 422, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Reload())
	e2etest.Do(t, phone, "wait for the form", chromedp.WaitVisible(chromedp.CSS(`#request-form`)))
	if e2etest.Eval[bool](t, phone, `document.documentElement.scrollWidth > window.innerWidth + 1`) {
		t.Errorf("at 200%% zoom the guest page scrolls sideways (%d px wide in a %d px window)",
			e2etest.Eval[int](t, phone, `document.documentElement.scrollWidth`), e2etest.Eval[int](t, phone, `window.innerWidth`))
	}
	e2etest.Request(t, phone, "Valerie", "Amy Winehouse")
}
