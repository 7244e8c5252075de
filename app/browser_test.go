package app_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/browsertest"
)

// TestGuestPageFollowsTheNightInABrowser opens a guest's page and the TV in
// headless Chromium and changes the night from other devices: the guest's
// page follows without a reload, says "you're up next" (in the title too)
// and then "you're on", and the TV changes singer. It saves screenshots of
// the TV at 1080p and 720p in test-artifacts/.
func TestGuestPageFollowsTheNightInABrowser(t *testing.T) {
	base, _ := startServer(t, testConfig(t))
	browser := browsertest.Start(t)
	const wait = 10 * time.Second

	host := newPhone(t, base)
	dash, dashURL := host.open("POST", "/sessions", url.Values{"name": {"Browser night"}})
	code := dash.Find(`[data-testid="join-code"]`).Text()

	// Ann joins on a phone-sized screen, in the browser.
	ann := browser.Person(390, 844)
	browsertest.Do(t, ann, wait, "Ann joins",
		chromedp.Navigate(base+"/j/"+code),
		chromedp.SendKeys(chromedp.CSS("#singer-name"), "Ann"),
		chromedp.Click(chromedp.CSS(`[data-testid="join-form"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="request-form"]`)),
	)
	// A mark in the page's memory: a reload would wipe it.
	browsertest.Eval[chromedp.Void](t, ann, `window.notReloaded = true`)

	// Bob requests from his own phone (plain HTTP); Ann's page shows it.
	bob := newPhone(t, base)
	bob.open("POST", "/j/"+code+"/join", url.Values{"name": {"Bob"}})
	bob.open("POST", "/j/"+code+"/requests", url.Values{"title": {"Total Eclipse of the Heart"}, "artist": {"Bonnie Tyler"}})
	browsertest.WaitFor(t, ann, wait, "Bob's song in Ann's queue",
		`document.querySelector('#guest-queue').textContent.includes('Total Eclipse of the Heart')`)

	// Ann requests through the form; her song goes after Bob's.
	browsertest.Do(t, ann, wait, "Ann requests",
		chromedp.SendKeys(chromedp.CSS("#title"), "Dancing Queen"),
		chromedp.SendKeys(chromedp.CSS("#artist"), "ABBA"),
		chromedp.Click(chromedp.CSS(`#request-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="my-request"]`)),
	)
	if got := browsertest.Eval[string](t, ann, `document.querySelector('[data-testid="my-request"] [data-testid="place"]').textContent`); got != "2nd in line" {
		t.Errorf("Ann's place = %q, want 2nd in line", got)
	}
	if browsertest.Eval[int](t, ann, `document.querySelectorAll('[data-testid="up-next"]').length`) != 0 {
		t.Error("Ann is told she is up next while Bob is")
	}

	// The TV, at 1080p.
	tv := browser.Person(1920, 1080)
	browsertest.Do(t, tv, wait, "open the TV", chromedp.Navigate(base+"/d/"+code))

	// The host starts Bob's turn: Ann is up next, and the title says so.
	host.startNext(dashURL.Path)
	browsertest.WaitFor(t, ann, wait, `"you're up next" on Ann's page`,
		`document.querySelectorAll('[data-testid="up-next"]').length === 1`)
	if title := browsertest.Eval[string](t, ann, `document.title`); !strings.HasPrefix(title, "You're up next!") {
		t.Errorf("Ann's page title = %q, want it to start with You're up next!", title)
	}
	browsertest.WaitFor(t, tv, wait, "Bob on the TV",
		`document.querySelector('#display-now').textContent.includes('Bob')`)

	// Ann's turn: the banner changes, the TV follows.
	host.startNext(dashURL.Path)
	browsertest.WaitFor(t, ann, wait, `"you're on" on Ann's page`,
		`document.querySelectorAll('[data-testid="your-turn"]').length === 1`)
	if title := browsertest.Eval[string](t, ann, `document.title`); !strings.HasPrefix(title, "You're on!") {
		t.Errorf("Ann's page title = %q, want it to start with You're on!", title)
	}
	if !browsertest.Eval[bool](t, ann, `window.notReloaded === true`) {
		t.Error("Ann's page was reloaded; it should have been updated in place")
	}
	browsertest.WaitFor(t, tv, wait, "Ann on the TV",
		`document.querySelector('#display-now').textContent.includes('Ann')`)

	// The TV fits its screen, QR code and all, at 1080p and 720p.
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"display-1080p", 1920, 1080}, {"display-720p", 1280, 720}} {
		browsertest.Do(t, tv, wait, "resize the TV", chromedp.EmulateViewport(size.width, size.height))
		browsertest.WaitFor(t, tv, wait, "the QR code to load", `document.querySelector('[data-testid="join-qr"]').complete`)
		if browsertest.Eval[bool](t, tv, `document.documentElement.scrollHeight > window.innerHeight || document.documentElement.scrollWidth > window.innerWidth`) {
			t.Errorf("%s: the TV page scrolls", size.name)
		}
		if !browsertest.Eval[bool](t, tv, `(function(){ var r = document.querySelector('[data-testid="join-qr"]').getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth; })()`) {
			t.Errorf("%s: the QR code is not wholly on screen", size.name)
		}
		t.Logf("screenshot: %s", browsertest.Screenshot(t, tv, size.name))
	}
	if errs := browser.ConsoleErrors(); len(errs) > 0 {
		t.Errorf("the pages logged errors:\n%s", strings.Join(errs, "\n"))
	}
}
