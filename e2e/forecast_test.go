package e2e_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/browsertest"
)

const (
	forecastText = `[data-testid="request-forecast"]`
	fairnessNext = `[data-testid="fairness-next"] li`
)

// TestForecastOnTwoPhones: Bob's request form tells him where a song would
// land before he presses the button; it lands there; when Ann requests on
// her phone his forecast moves at once; and "why this order" follows the
// queue, the up-next banner with it, without closing when it changes.
func TestForecastOnTwoPhones(t *testing.T) {
	s := startServer(t)
	b := startBrowser(t)
	p := startParty(t, s, b, "Forecast night")
	markNotReloaded(t, p.bob)
	starts := func(place string) string {
		return fmt.Sprintf(`%s.indexOf(%q) === 0`, texts(forecastText), "You'd be "+place+" · on")
	}

	waitFor(t, p.bob, "Bob's forecast on an empty night", starts("1st"))
	request(t, p.ann, "Dancing Queen", "ABBA")
	waitFor(t, p.bob, "Bob's forecast after Ann's song", starts("2nd"))
	request(t, p.bob, "Total Eclipse of the Heart", "Bonnie Tyler")
	if got := eval[string](t, p.bob, texts(`[data-testid="my-request"] [data-testid="place"]`)); got != "2nd in line" {
		t.Fatalf("Bob's song landed %q, forecast 2nd", got)
	}
	// His next song would be the second round's first.
	waitFor(t, p.bob, "Bob's forecast for a second song", starts("3rd"))
	// Ann's second song takes the second round's first place: Bob's
	// forecast moves back while he looks at it.
	request(t, p.ann, "Africa", "Toto")
	waitFor(t, p.bob, "Bob's forecast after Ann's second song", starts("4th"))
	request(t, p.bob, "Holding Out for a Hero", "Bonnie Tyler")
	if got := eval[string](t, p.bob, texts(`[data-testid="my-request"] [data-testid="place"]`)); got != "2nd in line | 4th in line" {
		t.Fatalf("Bob's songs are %q, the forecast said 4th for the second", got)
	}

	do(t, p.bob, "Bob opens why this order", chromedp.Click(chromedp.CSS(`[data-testid="fairness"] > summary`)))
	waitText(t, p.bob, "why the next songs come first", fairnessNext,
		"1st: Ann hasn't sung this round | 2nd: Bob hasn't sung this round | 3rd: Ann's song for round 2, after every round 1 song")
	startTurn(t, p.laptop)
	waitFor(t, p.bob, "Bob is up next, and why this order says so", fmt.Sprintf(
		`document.querySelector('[data-testid="up-next"]') !== null && %s.indexOf("1st: Bob hasn't sung this round") === 0`, texts(fairnessNext)))
	if !eval[bool](t, p.bob, `document.querySelector('[data-testid="fairness"]').open`) {
		t.Error("why this order closed when the queue changed")
	}
	if got := eval[string](t, p.bob, texts(`[data-testid="fairness-singers"] li.you`)); got != "Bob you 0" {
		t.Errorf("Bob's own line in the songs sung = %q", got)
	}
	checkNotReloaded(t, p.bob, "Bob")
	// What Bob sees, for the record: the forecast, and why this order.
	for _, shot := range []struct{ name, sel string }{{"guest-forecast-phone", "#request-forecast"}, {"guest-fairness-phone", "#fairness"}} {
		eval[chromedp.Void](t, p.bob, fmt.Sprintf(`document.querySelector(%q).scrollIntoView({block: "center"})`, shot.sel))
		t.Logf("%s", browsertest.Screenshot(t, p.bob, shot.name))
	}
}
