package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/npmtest"
)

// axeVersion is the axe-core the accessibility checks run; the test installs
// it from npm into its cache and injects it into each page. The app never
// serves it.
const axeVersion = "4.14.1"

type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// axeCheck runs axe-core on the page open in ctx and fails the test for any
// serious or critical violation; it logs the lesser ones.
func axeCheck(t *testing.T, ctx context.Context, script, page string) {
	t.Helper()
	eval[chromedp.Void](t, ctx, script)
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ['violations']}).then(function (r) {
		return JSON.stringify(r.violations.map(function (v) {
			return {id: v.id, impact: v.impact, help: v.help,
				targets: v.nodes.slice(0, 3).map(function (n) { return n.target.join(' ') })};
		}));
	})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe on %s: %v", page, err)
	}
	var violations []axeViolation
	if err := json.Unmarshal([]byte(out), &violations); err != nil {
		t.Fatalf("axe on %s: %v", page, err)
	}
	for _, v := range violations {
		line := fmt.Sprintf("%s: %s (%s) %s at %s", page, v.ID, v.Impact, v.Help, strings.Join(v.Targets, ", "))
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Error(line)
		} else {
			t.Log(line)
		}
	}
}

// TestAccessibility checks every page with axe-core, that the guest page
// works at 200% zoom, and that keyboard focus is visible.
func TestAccessibility(t *testing.T) {
	axeJS, err := os.ReadFile(filepath.Join(npmtest.Install(t, "axe-core", axeVersion), "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	script := string(axeJS)
	s := startServer(t)
	b := startBrowser(t)
	laptop := b.Person(1366, 900)
	do(t, laptop, "open the home page", chromedp.Navigate(s.base+"/"))
	axeCheck(t, laptop, script, "home")
	dashURL, joinURL := hostCreates(t, s, laptop, "Accessible night")
	do(t, laptop, "the home page lists the host's night", chromedp.Navigate(s.base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="hosted-night"]`)))
	axeCheck(t, laptop, script, "home with the host's nights")
	do(t, laptop, "back to the dashboard", chromedp.Navigate(dashURL))

	phone := b.Phone()
	do(t, phone, "open the join page", chromedp.Navigate(joinURL))
	axeCheck(t, phone, script, "join")
	guestJoins(t, phone, joinURL, "Ann")
	request(t, phone, "Dancing Queen", "ABBA")
	other := b.Phone()
	guestJoins(t, other, joinURL, "Bob")
	request(t, other, "Africa", "Toto")
	waitText(t, phone, "the queue", guestQueue, "Dancing Queen | Africa")
	axeCheck(t, phone, script, "guest")

	waitText(t, laptop, "the dashboard's queue", hostQueue, "Dancing Queen | Africa")
	axeCheck(t, laptop, script, "dashboard")

	tv := openTV(t, b, joinURL)
	waitText(t, tv, "the TV's queue", tvQueue, "Dancing Queen | Africa")
	axeCheck(t, tv, script, "display")
	pairing := b.Person(1920, 1080)
	do(t, pairing, "open a TV's pairing screen", chromedp.Navigate(s.base+"/tv"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="pair-code"]`)))
	axeCheck(t, pairing, script, "TV pairing")

	// Keyboard focus is visible: tab to the first control of the request form.
	do(t, phone, "focus the title field by keyboard",
		chromedp.Focus(chromedp.CSS("#artist")),
		chromedp.KeyEvent("\t"),
	)
	if !eval[bool](t, phone, `(function(){var s = getComputedStyle(document.activeElement);
		return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2})()`) {
		t.Errorf("keyboard focus on %s has no visible outline", eval[string](t, phone, `document.activeElement.outerHTML.slice(0, 80)`))
	}

	// 200% zoom on a phone: half the CSS pixels. Nothing scrolls sideways, and
	// a request can still be made.
	do(t, phone, "zoom to 200%", chromedp.EmulateViewport(195, 422, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Reload())
	do(t, phone, "wait for the form", chromedp.WaitVisible(chromedp.CSS(`#request-form`)))
	if eval[bool](t, phone, `document.documentElement.scrollWidth > window.innerWidth + 1`) {
		t.Errorf("at 200%% zoom the guest page scrolls sideways (%d px wide in a %d px window)",
			eval[int](t, phone, `document.documentElement.scrollWidth`), eval[int](t, phone, `window.innerWidth`))
	}
	request(t, phone, "Valerie", "Amy Winehouse")
}
