package guest_test

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/browsertest"
	"github.com/karaoke-night/karaoke/internal/e2etest"
)

// speaks makes a tab's browser ask for pages in acceptLanguage, as a phone
// set to that language does.
func speaks(t *testing.T, ctx context.Context, who, acceptLanguage string) {
	t.Helper()
	e2etest.Do(t, ctx, who+" reads "+acceptLanguage, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
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
	s := e2etest.StartServer(t)
	b := e2etest.StartBrowser(t)
	laptop := b.Person(1366, 900)
	speaks(t, laptop, "the host", "en-GB,en")
	_, joinURL := e2etest.HostCreates(t, s, laptop, "Friday")
	e2etest.Do(t, laptop, "the night speaks German",
		chromedp.SetValue(chromedp.CSS("#night-language"), "de"),
		chromedp.Click(chromedp.CSS(`[data-testid="settings-form"] button[type="submit"]`)),
	)
	e2etest.WaitFor(t, laptop, "the rules saved", `/Saved/.test(document.querySelector('[data-testid="settings-form"]').textContent)`)

	tv := b.Person(1920, 1080)
	speaks(t, tv, "the TV's browser", "en-US,en")
	e2etest.Do(t, tv, "open the TV", chromedp.Navigate(s.Base+"/d/"+e2etest.Eval[string](t, laptop, e2etest.Texts(`[data-testid="join-code"]`))))
	e2etest.WaitText(t, tv, "the TV in German", `#display-now .label`, "Jetzt singt")

	phone := b.Phone()
	speaks(t, phone, "Ana's phone", "es-ES,es;q=0.9")
	e2etest.Do(t, phone, "Ana opens the join link", chromedp.Navigate(joinURL))
	e2etest.WaitText(t, phone, "the join button in Spanish", `[data-testid="join-form"] button[type="submit"]`, "Unirme")
	e2etest.Do(t, phone, "Ana joins",
		chromedp.SendKeys(chromedp.CSS("#singer-name"), "Ana"),
		chromedp.Click(chromedp.CSS(`[data-testid="join-form"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="request-form"]`)),
	)
	e2etest.Request(t, phone, "Bailando", "Enrique Iglesias")
	e2etest.WaitText(t, phone, "Spanish on Ana's page", `[data-testid="request-added"]`, "Se añadió «Bailando» a la cola.")
	e2etest.WaitText(t, phone, "her place in Spanish", `[data-testid="my-request"] [data-testid="place"]`, "1.º en la cola")
	if got := e2etest.Eval[string](t, phone, `document.documentElement.lang`); got != "es" {
		t.Errorf("Ana's page: <html lang=%q>", got)
	}
	e2etest.WaitText(t, tv, "the TV's queue in German", `#display-next .label`, "Als Nächstes")
	e2etest.WaitText(t, tv, "Ana's song on the TV", e2etest.TVQueue, "Bailando")
	e2etest.WaitText(t, laptop, "the host's queue", e2etest.HostQueue, "Bailando")

	e2etest.MarkNotReloaded(t, phone)
	e2etest.StartTurn(t, laptop)
	e2etest.WaitText(t, phone, "her turn, live, in Spanish", `[data-testid="your-turn"]`, "¡Te toca! Ve al micro.")
	e2etest.WaitText(t, tv, "Ana on the TV", e2etest.TVNow, "Ana")
	e2etest.CheckNotReloaded(t, phone, "Ana")
	t.Logf("screenshots: %s, %s", browsertest.Screenshot(t, phone, "lang-guest-es"), browsertest.Screenshot(t, tv, "lang-tv-de"))
	if got := e2etest.Eval[string](t, laptop, `document.documentElement.lang`); got != "en" {
		t.Errorf("the host's dashboard: <html lang=%q>, want en", got)
	}
	if got := e2etest.Eval[string](t, laptop, e2etest.Texts(`#settings-form h2`)); got != "Rules" {
		t.Errorf("the host's rules are headed %q, want Rules", got)
	}
}

// TestLanguageSwitchWithoutJavaScript: on a phone whose browser runs no
// script, the switcher's plain form changes the page's language and comes
// back to the same page.
func TestLanguageSwitchWithoutJavaScript(t *testing.T) {
	s := e2etest.StartServer(t)
	b := e2etest.StartBrowser(t)
	laptop := b.Person(1366, 900)
	_, joinURL := e2etest.HostCreates(t, s, laptop, "Plain night")
	phone := b.Phone()
	e2etest.Do(t, phone, "turn JavaScript off", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	e2etest.Do(t, phone, "open the join link", chromedp.Navigate(joinURL))
	e2etest.WaitText(t, phone, "the join page in English", `[data-testid="join-form"] button[type="submit"]`, "Join")
	e2etest.Do(t, phone, "switch to German",
		chromedp.Click(chromedp.CSS(`[data-testid="lang-switch"] button[value="de"]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="de"]`)),
	)
	e2etest.WaitText(t, phone, "the join page in German", `[data-testid="join-form"] button[type="submit"]`, "Mitmachen")
	if got, want := e2etest.Eval[string](t, phone, `location.href`), joinURL; got != want {
		t.Errorf("after the switch the phone is at %s, want %s", got, want)
	}
	if e2etest.Eval[bool](t, phone, `typeof window.htmx !== 'undefined'`) {
		t.Error("htmx ran: JavaScript was not off")
	}
	e2etest.Do(t, phone, "join in German",
		chromedp.SendKeys(chromedp.CSS("#singer-name"), "Nojs"),
		chromedp.Click(chromedp.CSS(`[data-testid="join-form"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="request-form"]`)),
	)
	e2etest.WaitText(t, phone, "the request form in German", `#request-form h2`, "Wünsch dir ein Lied")
}
