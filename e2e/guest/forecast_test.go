package guest_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/browsertest"
	"github.com/karaoke-night/karaoke/internal/e2etest"
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
	s := e2etest.StartServer(t)
	b := e2etest.StartBrowser(t)
	p := e2etest.StartParty(t, s, b, "Forecast night")
	e2etest.MarkNotReloaded(t, p.Bob)
	starts := func(place string) string {
		return fmt.Sprintf(`%s.indexOf(%q) === 0`, e2etest.Texts(forecastText), "You'd be "+place+" · on")
	}

	e2etest.WaitFor(t, p.Bob, "Bob's forecast on an empty night", starts("1st"))
	e2etest.Request(t, p.Ann, "Dancing Queen", "ABBA")
	e2etest.WaitFor(t, p.Bob, "Bob's forecast after Ann's song", starts("2nd"))
	e2etest.Request(t, p.Bob, "Total Eclipse of the Heart", "Bonnie Tyler")
	if got := e2etest.Eval[string](t, p.Bob, e2etest.Texts(`[data-testid="my-request"] [data-testid="place"]`)); got != "2nd in line" {
		t.Fatalf("Bob's song landed %q, forecast 2nd", got)
	}
	// His next song would be the second round's first.
	e2etest.WaitFor(t, p.Bob, "Bob's forecast for a second song", starts("3rd"))
	// Ann's second song takes the second round's first place: Bob's
	// forecast moves back while he looks at it.
	e2etest.Request(t, p.Ann, "Africa", "Toto")
	e2etest.WaitFor(t, p.Bob, "Bob's forecast after Ann's second song", starts("4th"))
	e2etest.Request(t, p.Bob, "Holding Out for a Hero", "Bonnie Tyler")
	if got := e2etest.Eval[string](t, p.Bob, e2etest.Texts(`[data-testid="my-request"] [data-testid="place"]`)); got != "2nd in line | 4th in line" {
		t.Fatalf("Bob's songs are %q, the forecast said 4th for the second", got)
	}

	e2etest.Do(t, p.Bob, "Bob opens why this order", chromedp.Click(chromedp.CSS(`[data-testid="fairness"] > summary`)))
	e2etest.WaitText(t, p.Bob, "why the next songs come first", fairnessNext,
		"1st: Ann hasn't sung this round | 2nd: Bob hasn't sung this round | 3rd: Ann's song for round 2, after every round 1 song")
	e2etest.StartTurn(t, p.Laptop)
	e2etest.WaitFor(t, p.Bob, "Bob is up next, and why this order says so", fmt.Sprintf(
		`document.querySelector('[data-testid="up-next"]') !== null && %s.indexOf("1st: Bob hasn't sung this round") === 0`, e2etest.Texts(fairnessNext)))
	if !e2etest.Eval[bool](t, p.Bob, `document.querySelector('[data-testid="fairness"]').open`) {
		t.Error("why this order closed when the queue changed")
	}
	if got := e2etest.Eval[string](t, p.Bob, e2etest.Texts(`[data-testid="fairness-singers"] li.you`)); got != "Bob you 0" {
		t.Errorf("Bob's own line in the songs sung = %q", got)
	}
	e2etest.CheckNotReloaded(t, p.Bob, "Bob")
	// What Bob sees, for the record: the forecast, and why this order.
	for _, shot := range []struct{ name, sel string }{{"guest-forecast-phone", "#request-forecast"}, {"guest-fairness-phone", "#fairness"}} {
		e2etest.Eval[chromedp.Void](t, p.Bob, fmt.Sprintf(`document.querySelector(%q).scrollIntoView({block: "center"})`, shot.sel))
		t.Logf("%s", browsertest.Screenshot(t, p.Bob, shot.name))
	}
}
