package host_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/browsertest"
	"github.com/karaoke-night/karaoke/internal/e2etest"
)

// TestClosingTimeOnEveryPage: the host, on a phone, sets a closing time
// 3-4 minutes away while a turn is on; the guests' pages and the TV say
// "Last call" without a reload; the next request, which would start in
// about 5 minutes, is refused beside the form with the closing time; the
// host's "+15 min" lets it in.
func TestClosingTimeOnEveryPage(t *testing.T) {
	s := e2etest.StartServer(t)
	// Chromium logs every 4xx answer; the refused request is a 422 by design.
	b := e2etest.StartBrowser(t, func(e string) bool { return strings.Contains(e, "status of 422") && strings.Contains(e, "/requests") })
	p := e2etest.StartParty(t, s, b, "Last orders")
	e2etest.HostOnPhone(t, p.Laptop)
	e2etest.Request(t, p.Ann, "Africa", "Toto")
	e2etest.StartTurn(t, p.Laptop)
	e2etest.WaitText(t, p.TV, "Ann on the TV", e2etest.TVNow, "Ann")
	for _, ctx := range []context.Context{p.Ann, p.Bob, p.TV} {
		e2etest.MarkNotReloaded(t, ctx)
	}

	closing := time.Now().UTC().Add(4 * time.Minute).Format("15:04")
	e2etest.Do(t, p.Laptop, "set closing at "+closing+" UTC",
		chromedp.SetValue(chromedp.CSS("#time-zone"), "UTC"),
		chromedp.SetValue(chromedp.CSS("#closing"), closing),
		chromedp.Click(chromedp.CSS(`[data-testid="settings-form"] button[type="submit"]`)),
	)
	e2etest.WaitFor(t, p.Laptop, "the rules saved", `/Saved/.test(document.querySelector('[data-testid="settings-form"]').textContent)`)
	e2etest.WaitFor(t, p.Laptop, "the closing line", fmt.Sprintf(`/Closing at %s|Last call/.test(%s)`, closing, e2etest.Texts(`[data-testid="host-closing"]`)))

	lastCall := fmt.Sprintf("Last call! Songs must start by %s.", closing)
	e2etest.WaitText(t, p.Ann, "Ann's last call", `#guest-status [data-testid="last-call"]`, lastCall)
	e2etest.WaitText(t, p.Bob, "Bob's last call", `#guest-status [data-testid="last-call"]`, lastCall)
	e2etest.WaitText(t, p.TV, "the TV's last call", `#display-next [data-testid="last-call"]`, "Last call · closing at "+closing)
	e2etest.CheckNotReloaded(t, p.Ann, "Ann")
	e2etest.CheckNotReloaded(t, p.TV, "the TV")

	e2etest.Do(t, p.Bob, "Bob requests a song that would start after closing",
		chromedp.SendKeys(chromedp.CSS("#title"), "Valerie"),
		chromedp.Click(chromedp.CSS(`#request-form button[type="submit"]`)),
	)
	e2etest.WaitText(t, p.Bob, "the refusal beside the form", `#request-form [data-testid="form-error"]`,
		fmt.Sprintf("No more songs fit before closing at %s.", closing))
	if got := e2etest.Eval[string](t, p.Bob, `document.querySelector('#title').value`); got != "Valerie" {
		t.Errorf("the title field holds %q, want what Bob typed", got)
	}
	e2etest.WaitText(t, p.Laptop, "the host's queue stays empty", e2etest.HostQueue, "")

	e2etest.Do(t, p.Laptop, "the host extends closing by 15 minutes",
		chromedp.Click(chromedp.CSS(`[data-testid="extend-closing"] button`)))
	extended := closingPlus(t, closing, 15)
	e2etest.WaitFor(t, p.Laptop, "closing 15 minutes later", fmt.Sprintf(`/%s/.test(%s)`, extended, e2etest.Texts(`[data-testid="host-closing"]`)))
	e2etest.WaitFor(t, p.Laptop, "the rules form shows it", fmt.Sprintf(`document.querySelector('#closing').value === %q`, extended))
	e2etest.Do(t, p.Bob, "Bob asks again",
		chromedp.Click(chromedp.CSS(`#request-form button[type="submit"]`)))
	e2etest.WaitText(t, p.Laptop, "Valerie in the host's queue", e2etest.HostQueue, "Valerie")
	if wide := e2etest.Eval[bool](t, p.Laptop, `document.documentElement.scrollWidth > window.innerWidth`); wide {
		t.Error("the host's phone scrolls sideways")
	}
	if *e2etest.Screenshots {
		e2etest.Eval[chromedp.Void](t, p.Laptop, `document.querySelector('#queue').scrollIntoView()`)
		e2etest.Eval[chromedp.Void](t, p.Laptop, `document.querySelector('[data-testid="settings-form"]').scrollIntoView()`)
		t.Logf("%s", browsertest.Screenshot(t, p.Laptop, "closing-rules-phone"))
		e2etest.Eval[chromedp.Void](t, p.Laptop, `window.scrollTo(0, 0)`)
		for name, ctx := range map[string]context.Context{"closing-dashboard-phone": p.Laptop, "closing-guest-phone": p.Ann, "closing-tv": p.TV} {
			t.Logf("%s", browsertest.Screenshot(t, ctx, name))
		}
	}
}

// closingPlus is the clock time clock ("01:30") plus minutes.
func closingPlus(t *testing.T, clock string, minutes int) string {
	t.Helper()
	c, err := time.Parse("15:04", clock)
	if err != nil {
		t.Fatal(err)
	}
	return c.Add(time.Duration(minutes) * time.Minute).Format("15:04")
}
