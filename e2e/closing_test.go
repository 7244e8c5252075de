package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/browsertest"
)

// TestClosingTimeOnEveryPage: the host, on a phone, sets a closing time
// 3-4 minutes away while a turn is on; the guests' pages and the TV say
// "Last call" without a reload; the next request, which would start in
// about 5 minutes, is refused beside the form with the closing time; the
// host's "+15 min" lets it in.
func TestClosingTimeOnEveryPage(t *testing.T) {
	s := startServer(t)
	// Chromium logs every 4xx answer; the refused request is a 422 by design.
	b := startBrowser(t, func(e string) bool { return strings.Contains(e, "status of 422") && strings.Contains(e, "/requests") })
	p := startParty(t, s, b, "Last orders")
	hostOnPhone(t, p.laptop)
	request(t, p.ann, "Africa", "Toto")
	startTurn(t, p.laptop)
	waitText(t, p.tv, "Ann on the TV", tvNow, "Ann")
	for _, ctx := range []context.Context{p.ann, p.bob, p.tv} {
		markNotReloaded(t, ctx)
	}

	closing := time.Now().UTC().Add(4 * time.Minute).Format("15:04")
	do(t, p.laptop, "set closing at "+closing+" UTC",
		chromedp.SetValue(chromedp.CSS("#time-zone"), "UTC"),
		chromedp.SetValue(chromedp.CSS("#closing"), closing),
		chromedp.Click(chromedp.CSS(`[data-testid="settings-form"] button[type="submit"]`)),
	)
	waitFor(t, p.laptop, "the rules saved", `/Saved/.test(document.querySelector('[data-testid="settings-form"]').textContent)`)
	waitFor(t, p.laptop, "the closing line", fmt.Sprintf(`/Closing at %s|Last call/.test(%s)`, closing, texts(`[data-testid="host-closing"]`)))

	lastCall := fmt.Sprintf("Last call! Songs must start by %s.", closing)
	waitText(t, p.ann, "Ann's last call", `#guest-status [data-testid="last-call"]`, lastCall)
	waitText(t, p.bob, "Bob's last call", `#guest-status [data-testid="last-call"]`, lastCall)
	waitText(t, p.tv, "the TV's last call", `#display-next [data-testid="last-call"]`, "Last call · closing at "+closing)
	checkNotReloaded(t, p.ann, "Ann")
	checkNotReloaded(t, p.tv, "the TV")

	do(t, p.bob, "Bob requests a song that would start after closing",
		chromedp.SendKeys(chromedp.CSS("#title"), "Valerie"),
		chromedp.Click(chromedp.CSS(`#request-form button[type="submit"]`)),
	)
	waitText(t, p.bob, "the refusal beside the form", `#request-form [data-testid="form-error"]`,
		fmt.Sprintf("No more songs fit before closing at %s.", closing))
	if got := eval[string](t, p.bob, `document.querySelector('#title').value`); got != "Valerie" {
		t.Errorf("the title field holds %q, want what Bob typed", got)
	}
	waitText(t, p.laptop, "the host's queue stays empty", hostQueue, "")

	do(t, p.laptop, "the host extends closing by 15 minutes",
		chromedp.Click(chromedp.CSS(`[data-testid="extend-closing"] button`)))
	extended := closingPlus(t, closing, 15)
	waitFor(t, p.laptop, "closing 15 minutes later", fmt.Sprintf(`/%s/.test(%s)`, extended, texts(`[data-testid="host-closing"]`)))
	waitFor(t, p.laptop, "the rules form shows it", fmt.Sprintf(`document.querySelector('#closing').value === %q`, extended))
	do(t, p.bob, "Bob asks again",
		chromedp.Click(chromedp.CSS(`#request-form button[type="submit"]`)))
	waitText(t, p.laptop, "Valerie in the host's queue", hostQueue, "Valerie")
	if wide := eval[bool](t, p.laptop, `document.documentElement.scrollWidth > window.innerWidth`); wide {
		t.Error("the host's phone scrolls sideways")
	}
	if *screenshots {
		eval[chromedp.Void](t, p.laptop, `document.querySelector('#queue').scrollIntoView()`)
		eval[chromedp.Void](t, p.laptop, `document.querySelector('[data-testid="settings-form"]').scrollIntoView()`)
		t.Logf("%s", browsertest.Screenshot(t, p.laptop, "closing-rules-phone"))
		eval[chromedp.Void](t, p.laptop, `window.scrollTo(0, 0)`)
		for name, ctx := range map[string]context.Context{"closing-dashboard-phone": p.laptop, "closing-guest-phone": p.ann, "closing-tv": p.tv} {
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
