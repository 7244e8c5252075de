package e2e_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/browsertest"
)

// TestHostFindsTheNightAgain: a host who left the dashboard opens the home
// page in the same browser, finds tonight's night listed, and
// follows its link back to the dashboard, still the host.
func TestHostFindsTheNightAgain(t *testing.T) {
	s := startServer(t)
	b := startBrowser(t)
	host := b.Person(1366, 900)
	dashURL := hostStarts(t, s, host, "Friday at The Crown")
	// The tab leaves the dashboard for another site: nothing of the night
	// is left in it but the browser's cookies. (A second tab of the same
	// browser context hangs chromedp's evaluations, so the same tab comes
	// back, by typing the address: no history to go back through.)
	do(t, host, "the host leaves the dashboard", chromedp.Navigate("about:blank"))
	tab := host
	do(t, tab, "open the home page on a phone-sized window",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(s.base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="hosted-night"]`)))
	if got := eval[string](t, tab, texts(`[data-testid="hosted-night"]`)); got != "Friday at The Crown open Open the dashboard" {
		t.Errorf("home lists %q", got)
	}
	if h := eval[float64](t, tab, `document.querySelector('[data-testid="hosted-night"] a').getBoundingClientRect().height`); h < 44 {
		t.Errorf("the link back is %.0f px tall, want at least 44", h)
	}
	if top := eval[float64](t, tab, `document.querySelector('[data-testid="hosted-nights"]').getBoundingClientRect().top`); top > 844 {
		t.Errorf("the list starts %.0f px down, below the first screen", top)
	}
	if *screenshots {
		browsertest.Screenshot(t, tab, "home-phone-hosting")
	}
	do(t, tab, "follow the link back", chromedp.Click(chromedp.CSS(`[data-testid="hosted-night"] a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="next-singer"]`)))
	if got := eval[string](t, tab, `location.href`); got != dashURL {
		t.Errorf("the link led to %s, want %s", got, dashURL)
	}
}

// hostStarts has the browser create a session from the home page and
// returns its dashboard's URL; unlike hostCreates it reads no QR code, for
// the tests that need no guest.
func hostStarts(t *testing.T, s *server, host context.Context, name string) string {
	t.Helper()
	do(t, host, "open the home page", chromedp.Navigate(s.base+"/"))
	do(t, host, "create a session",
		chromedp.SendKeys(chromedp.CSS("#session-name"), name),
		chromedp.Click(chromedp.CSS(`[data-testid="create-session"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="next-singer"]`)),
	)
	return eval[string](t, host, `location.href`)
}
