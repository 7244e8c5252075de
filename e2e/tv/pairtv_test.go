package tv_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/browsertest"
	"github.com/karaoke-night/karaoke/internal/e2etest"
	"github.com/karaoke-night/karaoke/internal/wait"
)

const (
	pairCodeSel = `[data-testid="pair-code"]`
	tvNowSel    = `[data-testid="now-singing"]`
)

// waitThroughReload waits until expr is true in the tab, across the
// reloads of a page that follows the night by reloading (a TV's pairing,
// a browser without JavaScript): an evaluation a navigation cuts short
// counts as not yet.
func waitThroughReload(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	wait.Eventually(t, e2etest.Patience, func() bool {
		tctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		ok, err := chromedp.Run(tctx, chromedp.Evaluate[bool](expr))
		return err == nil && ok
	}, "waiting for %s", what)
}

// shownAfter is how long after since the page the tab shows was ready
// (its DOMContentLoaded, by the browser's clock, which is this machine's):
// what the TV's screen shows, without the time this test takes to look.
func shownAfter(t *testing.T, tv context.Context, since time.Time) time.Duration {
	t.Helper()
	ready := e2etest.Eval[float64](t, tv, `performance.timing.domContentLoadedEventEnd`)
	return time.UnixMilli(int64(ready)).Sub(since)
}

// shownPairCode waits for the TV's pairing screen and returns its code.
func shownPairCode(t *testing.T, tv context.Context) string {
	t.Helper()
	waitThroughReload(t, tv, "the pairing code", `!!document.querySelector('`+pairCodeSel+`')`)
	return strings.Join(strings.Fields(e2etest.Eval[string](t, tv, e2etest.Texts(pairCodeSel))), "")
}

// pairTV has the host type code into the dashboard's pairing form, and
// returns when the form was sent.
func pairTV(t *testing.T, laptop context.Context, code string) time.Time {
	t.Helper()
	e2etest.Do(t, laptop, "type the TV's code",
		chromedp.SendKeys(chromedp.CSS(`[data-testid="pair-form"] input[name="code"]`), code))
	sent := time.Now()
	e2etest.Do(t, laptop, "pair the TV", chromedp.Click(chromedp.CSS(`[data-testid="pair-form"] button[type="submit"]`)))
	return sent
}

// TestTVPairsByCode: a TV opens /tv and shows a code; the host types it on
// the dashboard and the TV shows the night within 2 s, and follows it; a
// reload keeps it paired; unpaired, it shows a new code; paired again, and
// the night ends, it shows a new code again.
func TestTVPairsByCode(t *testing.T) {
	s := e2etest.StartServer(t)
	b := e2etest.StartBrowser(t)
	laptop := b.Person(1366, 900)
	dashURL, joinURL := e2etest.HostCreates(t, s, laptop, "Pairing night")
	tv := b.Person(1920, 1080)
	e2etest.Do(t, tv, "open /tv", chromedp.Navigate(s.Base+"/tv"))
	code := shownPairCode(t, tv)
	if len(code) != 6 {
		t.Fatalf("the TV shows code %q", code)
	}
	// Read from across the room: a sixth of the screen high, whole on it.
	if !e2etest.Eval[bool](t, tv, `(function(){var r=document.querySelector('`+pairCodeSel+`').getBoundingClientRect();
		return r.height > innerHeight/6 && r.left >= 0 && r.right <= innerWidth && document.documentElement.scrollHeight <= innerHeight + 1})()`) {
		t.Error("the pairing code is small, or off the screen")
	}

	t.Logf("%s", browsertest.Screenshot(t, tv, "tv-pairing-code"))
	sent := pairTV(t, laptop, code)
	waitThroughReload(t, tv, "the TV shows the night", `!!document.querySelector('`+tvNowSel+`')`)
	took := shownAfter(t, tv, sent)
	t.Logf("the TV showed the night %v after the host sent its code", took)
	if took > 2*time.Second {
		t.Errorf("the TV showed the night %v after the host sent the code, want within 2 s", took)
	}
	e2etest.WaitFor(t, laptop, "the host sees the TV listed", `document.querySelectorAll('[data-testid="tv-screen"]').length === 1`)

	phone := b.Phone()
	e2etest.GuestJoins(t, phone, joinURL, "Ann")
	e2etest.Request(t, phone, "Valerie", "Amy Winehouse")
	waitThroughReload(t, tv, "the request on the paired TV", `/Valerie/.test(document.querySelector('#display-next').textContent)`)

	t.Logf("%s", browsertest.Screenshot(t, tv, "tv-paired"))
	e2etest.Do(t, tv, "reload the TV", chromedp.Reload())
	waitThroughReload(t, tv, "the TV still shows the night", `!!document.querySelector('`+tvNowSel+`') && /Valerie/.test(document.body.textContent)`)

	// Unpaired from the dashboard, the TV shows a new code; paired again.
	e2etest.Do(t, laptop, "unpair the TV", chromedp.Click(chromedp.CSS(`[data-testid="tv-unpair"]`)))
	second := shownPairCode(t, tv)
	if second == code {
		t.Errorf("after unpairing the TV shows its old code %s", code)
	}
	e2etest.WaitFor(t, laptop, "the host's list of TVs empty", `document.querySelectorAll('[data-testid="tv-screen"]').length === 0`)
	pairTV(t, laptop, second)
	waitThroughReload(t, tv, "the TV paired again", `!!document.querySelector('`+tvNowSel+`')`)

	e2etest.Do(t, laptop, "end the night",
		chromedp.Navigate(strings.TrimSuffix(dashURL, "/")+"/end"),
		chromedp.Click(chromedp.CSS(`[data-testid="end-confirm"] button[type="submit"]`)))
	if next := shownPairCode(t, tv); next == second || len(next) != 6 {
		t.Errorf("after the night the TV shows code %q, want a new one (it was %s)", next, second)
	}
}

// TestTVWithoutJavaScript: a TV whose browser runs no JavaScript shows
// /d/CODE and, after a guest requests, the song within its refresh period
// (10 s, and the page's load); at /tv it pairs and shows the night.
func TestTVWithoutJavaScript(t *testing.T) {
	s := e2etest.StartServer(t)
	b := e2etest.StartBrowser(t)
	laptop := b.Person(1366, 900)
	_, joinURL := e2etest.HostCreates(t, s, laptop, "Plain TV night")
	tv := b.Person(1920, 1080)
	e2etest.Do(t, tv, "turn JavaScript off", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	e2etest.Do(t, tv, "open the display", chromedp.Navigate(strings.Replace(joinURL, "/j/", "/d/", 1)))
	waitThroughReload(t, tv, "the display", `!!document.querySelector('`+tvNowSel+`')`)
	if e2etest.Eval[bool](t, tv, `typeof window.htmx !== 'undefined'`) {
		t.Fatal("htmx ran: JavaScript was not off")
	}

	phone := b.Phone()
	e2etest.GuestJoins(t, phone, joinURL, "Ann")
	e2etest.Request(t, phone, "Jolene", "Dolly Parton")
	asked := time.Now()
	waitThroughReload(t, tv, "the song on the TV", `/Jolene/.test(document.querySelector('#display-next').textContent)`)
	took := time.Since(asked)
	t.Logf("the TV without JavaScript showed the song %v after it was requested", took)
	if took > 12*time.Second {
		t.Errorf("the TV without JavaScript showed the song after %v, want within its 10 s refresh and 2 s to load", took)
	}

	e2etest.Do(t, tv, "open /tv", chromedp.Navigate(s.Base+"/tv"))
	code := shownPairCode(t, tv)
	sent := pairTV(t, laptop, code)
	waitThroughReload(t, tv, "the TV shows the night", `!!document.querySelector('`+tvNowSel+`') && /Jolene/.test(document.body.textContent)`)
	took = shownAfter(t, tv, sent)
	t.Logf("the TV without JavaScript showed the night %v after pairing", took)
	if took > 7*time.Second {
		t.Errorf("the TV without JavaScript showed the night %v after pairing, want within its 5 s refresh and 2 s to load", took)
	}
}

// oldTVUserAgent is a 2014 Samsung smart TV's browser (Tizen 2.3, WebKit
// 538): ES5, no fetch, no Promise.
const oldTVUserAgent = "Mozilla/5.0 (SMART-TV; Linux; Tizen 2.3) AppleWebKit/538.1 (KHTML, like Gecko) SamsungBrowser/1.0 TV Safari/538.1"

// oldTV opens a tab that behaves as an ES5-era smart TV's browser would
// with the app: its user agent; fetch, Promise, EventSource and WebSocket
// removed before any page script runs; and htmx and its SSE extension not
// run, as such an engine stops at their first arrow function (the requests
// for them are blocked: the same outcome, a script that defines nothing).
func oldTV(t *testing.T, b *browsertest.Browser) context.Context {
	t.Helper()
	tv := b.Person(1920, 1080)
	e2etest.Do(t, tv, "make the tab an old TV's browser", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: oldTVUserAgent}); err != nil {
			return err
		}
		if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `delete window.fetch; delete window.Promise; delete window.EventSource; delete window.WebSocket;`,
		}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: []*network.BlockPattern{
			{URLPattern: "*://*:*/static/htmx*", Block: true},
		}})
		return err
	}))
	return tv
}

// TestDisplayOnAnOldTV: on an old TV's browser (see oldTV) the display
// follows the night by polling: a request shows within the poll (2 s)
// without a reload; /tv pairs it.
func TestDisplayOnAnOldTV(t *testing.T) {
	s := e2etest.StartServer(t)
	b := e2etest.StartBrowser(t, func(e string) bool { return strings.Contains(e, "ERR_BLOCKED_BY_CLIENT") })
	laptop := b.Person(1366, 900)
	_, joinURL := e2etest.HostCreates(t, s, laptop, "Old TV night")
	tv := oldTV(t, b)
	e2etest.Do(t, tv, "open the display", chromedp.Navigate(strings.Replace(joinURL, "/j/", "/d/", 1)))
	waitThroughReload(t, tv, "the display polls", `document.body.getAttribute('data-poll-mode') === 'page'`)
	if !e2etest.Eval[bool](t, tv, `typeof window.htmx === 'undefined' && typeof window.fetch === 'undefined' && typeof window.EventSource === 'undefined'`) {
		t.Fatal("the tab is not an old TV's browser: htmx, fetch or EventSource is there")
	}
	e2etest.MarkNotReloaded(t, tv)

	phone := b.Phone()
	e2etest.GuestJoins(t, phone, joinURL, "Ann")
	e2etest.Request(t, phone, "Jolene", "Dolly Parton")
	asked := time.Now()
	waitThroughReload(t, tv, "the song on the TV", `/Jolene/.test(document.querySelector('#display-next').textContent)`)
	took := time.Since(asked)
	t.Logf("the old TV showed the song %v after it was requested", took)
	if took > 3*time.Second {
		t.Errorf("the old TV showed the song after %v, want within its 2 s poll and 1 s to load", took)
	}
	e2etest.CheckNotReloaded(t, tv, "the old TV")

	e2etest.Do(t, tv, "open /tv", chromedp.Navigate(s.Base+"/tv"))
	code := shownPairCode(t, tv)
	sent := pairTV(t, laptop, code)
	waitThroughReload(t, tv, "the old TV shows the night", `!!document.querySelector('`+tvNowSel+`') && /Jolene/.test(document.body.textContent)`)
	took = shownAfter(t, tv, sent)
	t.Logf("the old TV showed the night %v after pairing", took)
	if took > 2*time.Second {
		t.Errorf("the old TV showed the night %v after pairing, want within 2 s", took)
	}
}
