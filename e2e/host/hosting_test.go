package host_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/browsertest"
	"github.com/karaoke-night/karaoke/internal/e2etest"
)

// TestHostFindsTheNightAgain: a host who left the dashboard opens the home
// page in the same browser, finds tonight's night listed, and
// follows its link back to the dashboard, still the host.
func TestHostFindsTheNightAgain(t *testing.T) {
	s := e2etest.StartServer(t)
	b := e2etest.StartBrowser(t)
	host := b.Person(1366, 900)
	dashURL := e2etest.HostStarts(t, s, host, "Friday at The Crown")
	// The tab leaves the dashboard for another site: nothing of the night
	// is left in it but the browser's cookies. (A second tab of the same
	// browser context hangs chromedp's evaluations, so the same tab comes
	// back, by typing the address: no history to go back through.)
	e2etest.Do(t, host, "the host leaves the dashboard", chromedp.Navigate("about:blank"))
	tab := host
	e2etest.Do(t, tab, "open the home page on a phone-sized window",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(s.Base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="hosted-night"]`)))
	if got := e2etest.Eval[string](t, tab, e2etest.Texts(`[data-testid="hosted-night"]`)); got != "Friday at The Crown open Open the dashboard" {
		t.Errorf("home lists %q", got)
	}
	if h := e2etest.Eval[float64](t, tab, `document.querySelector('[data-testid="hosted-night"] a').getBoundingClientRect().height`); h < 44 {
		t.Errorf("the link back is %.0f px tall, want at least 44", h)
	}
	if top := e2etest.Eval[float64](t, tab, `document.querySelector('[data-testid="hosted-nights"]').getBoundingClientRect().top`); top > 844 {
		t.Errorf("the list starts %.0f px down, below the first screen", top)
	}
	if *e2etest.Screenshots {
		browsertest.Screenshot(t, tab, "home-phone-hosting")
	}
	e2etest.Do(t, tab, "follow the link back", chromedp.Click(chromedp.CSS(`[data-testid="hosted-night"] a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="next-singer"]`)))
	if got := e2etest.Eval[string](t, tab, `location.href`); got != dashURL {
		t.Errorf("the link led to %s, want %s", got, dashURL)
	}
}
