package resilience_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/e2etest"
)

// onNewDocument runs script in every page the tab opens from now on,
// before the page's own scripts.
func onNewDocument(t *testing.T, phone context.Context, what, script string) {
	t.Helper()
	e2etest.Do(t, phone, what, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: script})
		return err
	}))
}

// setNotifications sets the phone's notification permission for origin.
func setNotifications(t *testing.T, phone context.Context, origin string, setting browser.PermissionSetting) {
	t.Helper()
	id := chromedp.FromContext(phone).BrowserContextID
	e2etest.Do(t, phone, "set notifications "+string(setting), chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: "notifications"}, Setting: setting, Origin: origin, BrowserContextID: id})
		return err
	}))
}

// noPushManager is a browser without Web Push, as Safari on an iPhone is
// outside a Home Screen web app (navigator.standalone false, which only
// iOS has) or an older phone is (no standalone either).
func noPushManager(iPhone bool) string {
	js := `delete window.PushManager;`
	if iPhone {
		js += ` Object.defineProperty(Navigator.prototype, "standalone", {get: function () { return false; }, configurable: true});`
	}
	return js
}

// countBuzzes replaces navigator.vibrate with one that counts its calls in
// the tab's sessionStorage, across reloads.
const countBuzzes = `navigator.vibrate = function () {
	sessionStorage.setItem("karaokeBuzzes", String(Number(sessionStorage.getItem("karaokeBuzzes") || 0) + 1));
	return true;
};`

const buzzes = `Number(sessionStorage.getItem("karaokeBuzzes") || 0)`

// TestPushWhereNoPushComes: an iPhone's Safari (no PushManager) shows the
// Home Screen hint instead of the button; a phone whose notifications are
// blocked is offered nothing; and a phone that will get no push keeps the
// banner and the title, and buzzes once when its guest becomes next and
// once when their turn starts, not again for other changes or a reload.
func TestPushWhereNoPushComes(t *testing.T) {
	s, _ := startPushServer(t)
	b := e2etest.StartBrowser(t)
	laptop := b.Person(1366, 900)
	e2etest.HostStarts(t, s, laptop, "Friday Night Mics")
	joinURL := e2etest.Eval[string](t, laptop, `document.querySelector('[data-testid="join-url"]').textContent.trim()`)
	shown := func(phone context.Context, testid string) bool {
		t.Helper()
		return e2etest.Eval[bool](t, phone, fmt.Sprintf(`(function(){var e=document.querySelector('[data-testid=%q]');return !!e && e.offsetHeight>0})()`, testid))
	}

	ann := b.Phone()
	onNewDocument(t, ann, "make the phone Safari on an iPhone", noPushManager(true))
	e2etest.GuestJoins(t, ann, joinURL, "Ann")
	e2etest.WaitFor(t, ann, "the Home Screen hint", `(function(){var e=document.querySelector('[data-testid="push-homescreen"]');return !!e && e.offsetHeight>0})()`)
	if got := e2etest.Eval[string](t, ann, e2etest.Texts(`[data-testid="push-homescreen"]`)); got != "Add to Home Screen to get a notification when you're up" {
		t.Errorf("the hint reads %q", got)
	}
	if shown(ann, "push-optin") {
		t.Error("Safari on an iPhone, outside the Home Screen, is offered the button")
	}

	bob := b.Phone()
	setNotifications(t, bob, s.Base, browser.PermissionSettingDenied)
	e2etest.GuestJoins(t, bob, joinURL, "Bob")
	// Let push.js run: the offer would show at once.
	e2etest.WaitFor(t, bob, "push.js to have run", `document.readyState === "complete"`)
	if shown(bob, "push-offer") || shown(bob, "push-optin") {
		t.Error("a phone whose notifications are blocked is offered the button")
	}

	cat := b.Phone()
	onNewDocument(t, cat, "take Web Push away and count the buzzes", noPushManager(false)+countBuzzes)
	e2etest.GuestJoins(t, cat, joinURL, "Cat")
	if shown(cat, "push-offer") {
		t.Error("a phone without Web Push is offered something")
	}
	e2etest.Request(t, cat, "Jolene", "Dolly Parton")
	e2etest.WaitFor(t, cat, "the up-next banner", `!!document.querySelector('[data-testid="up-next"]')`)
	e2etest.WaitFor(t, cat, "one buzz", buzzes+` === 1`)
	// htmx sets the title once the swap settles, a moment after the buzz.
	e2etest.WaitFor(t, cat, "the title saying so", `document.title.indexOf("up next") >= 0`)
	e2etest.Request(t, ann, "Valerie", "") // another change: no buzz
	e2etest.StartTurn(t, laptop)
	e2etest.WaitFor(t, cat, "the your-turn banner", `!!document.querySelector('[data-testid="your-turn"]')`)
	e2etest.WaitFor(t, cat, "a second buzz, for the turn", buzzes+` === 2`)
	e2etest.Do(t, cat, "reload", chromedp.Reload())
	e2etest.WaitFor(t, cat, "the your-turn banner again", `!!document.querySelector('[data-testid="your-turn"]')`)
	e2etest.Request(t, ann, "Zombie", "") // and another
	time.Sleep(300 * time.Millisecond)    // lets a late buzz happen, were one coming
	if n := e2etest.Eval[int](t, cat, buzzes); n != 2 {
		t.Errorf("%d buzzes, want 2: one when up next, one when on", n)
	}
}
