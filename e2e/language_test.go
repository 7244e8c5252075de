package e2e_test

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/browsertest"
)

// speaks makes a tab's browser ask for pages in acceptLanguage, as a phone
// set to that language does.
func speaks(t *testing.T, ctx context.Context, who, acceptLanguage string) {
	t.Helper()
	do(t, ctx, who+" reads "+acceptLanguage, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
			Headers: network.Headers{"Accept-Language": acceptLanguage}})
		return err
	}))
}

// TestASpanishPhoneOnAnEnglishNight: the host runs the night in English and
// sets its language to German in the rules; a phone that reads Spanish joins
// and requests in Spanish and is told its turn in Spanish, live; the TV,
// on a browser that reads English, speaks the night's German.
func TestASpanishPhoneOnAnEnglishNight(t *testing.T) {
	s := startServer(t)
	b := startBrowser(t)
	laptop := b.Person(1366, 900)
	speaks(t, laptop, "the host", "en-GB,en")
	_, joinURL := hostCreates(t, s, laptop, "Friday")
	do(t, laptop, "the night speaks German",
		chromedp.SetValue(chromedp.CSS("#night-language"), "de"),
		chromedp.Click(chromedp.CSS(`[data-testid="settings-form"] button[type="submit"]`)),
	)
	waitFor(t, laptop, "the rules saved", `/Saved/.test(document.querySelector('[data-testid="settings-form"]').textContent)`)

	tv := b.Person(1920, 1080)
	speaks(t, tv, "the TV's browser", "en-US,en")
	do(t, tv, "open the TV", chromedp.Navigate(s.base+"/d/"+eval[string](t, laptop, texts(`[data-testid="join-code"]`))))
	waitText(t, tv, "the TV in German", `#display-now .label`, "Jetzt singt")

	phone := b.Phone()
	speaks(t, phone, "Ana's phone", "es-ES,es;q=0.9")
	do(t, phone, "Ana opens the join link", chromedp.Navigate(joinURL))
	waitText(t, phone, "the join button in Spanish", `[data-testid="join-form"] button[type="submit"]`, "Unirme")
	do(t, phone, "Ana joins",
		chromedp.SendKeys(chromedp.CSS("#singer-name"), "Ana"),
		chromedp.Click(chromedp.CSS(`[data-testid="join-form"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="request-form"]`)),
	)
	request(t, phone, "Bailando", "Enrique Iglesias")
	waitText(t, phone, "Spanish on Ana's page", `[data-testid="request-added"]`, "Se añadió «Bailando» a la cola.")
	waitText(t, phone, "her place in Spanish", `[data-testid="my-request"] [data-testid="place"]`, "1.º en la cola")
	if got := eval[string](t, phone, `document.documentElement.lang`); got != "es" {
		t.Errorf("Ana's page: <html lang=%q>", got)
	}
	waitText(t, tv, "the TV's queue in German", `#display-next .label`, "Als Nächstes")
	waitText(t, tv, "Ana's song on the TV", tvQueue, "Bailando")
	waitText(t, laptop, "the host's queue", hostQueue, "Bailando")

	markNotReloaded(t, phone)
	startTurn(t, laptop)
	waitText(t, phone, "her turn, live, in Spanish", `[data-testid="your-turn"]`, "¡Te toca! Ve al micro.")
	waitText(t, tv, "Ana on the TV", tvNow, "Ana")
	checkNotReloaded(t, phone, "Ana")
	t.Logf("screenshots: %s, %s", browsertest.Screenshot(t, phone, "lang-guest-es"), browsertest.Screenshot(t, tv, "lang-tv-de"))
	if got := eval[string](t, laptop, `document.documentElement.lang`); got != "en" {
		t.Errorf("the host's dashboard: <html lang=%q>, want en", got)
	}
	if got := eval[string](t, laptop, texts(`#settings-form h2`)); got != "Rules" {
		t.Errorf("the host's rules are headed %q, want Rules", got)
	}
}

// TestLanguageSwitchWithoutJavaScript: on a phone whose browser runs no
// script, the switcher's plain form changes the page's language and comes
// back to the same page.
func TestLanguageSwitchWithoutJavaScript(t *testing.T) {
	s := startServer(t)
	b := startBrowser(t)
	laptop := b.Person(1366, 900)
	_, joinURL := hostCreates(t, s, laptop, "Plain night")
	phone := b.Phone()
	do(t, phone, "turn JavaScript off", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	do(t, phone, "open the join link", chromedp.Navigate(joinURL))
	waitText(t, phone, "the join page in English", `[data-testid="join-form"] button[type="submit"]`, "Join")
	do(t, phone, "switch to German",
		chromedp.Click(chromedp.CSS(`[data-testid="lang-switch"] button[value="de"]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="de"]`)),
	)
	waitText(t, phone, "the join page in German", `[data-testid="join-form"] button[type="submit"]`, "Mitmachen")
	if got, want := eval[string](t, phone, `location.href`), joinURL; got != want {
		t.Errorf("after the switch the phone is at %s, want %s", got, want)
	}
	if eval[bool](t, phone, `typeof window.htmx !== 'undefined'`) {
		t.Error("htmx ran: JavaScript was not off")
	}
	do(t, phone, "join in German",
		chromedp.SendKeys(chromedp.CSS("#singer-name"), "Nojs"),
		chromedp.Click(chromedp.CSS(`[data-testid="join-form"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="request-form"]`)),
	)
	waitText(t, phone, "the request form in German", `#request-form h2`, "Wünsch dir ein Lied")
}
