package resilience_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	_ "modernc.org/sqlite"

	"github.com/karaoke-night/karaoke/app"
	"github.com/karaoke-night/karaoke/internal/browsertest"
	"github.com/karaoke-night/karaoke/internal/e2etest"
	"github.com/karaoke-night/karaoke/static"
	"github.com/karaoke-night/karaoke/views"
)

// TestOfflineVisiblyAndBack: Ann's phone loses its network (Chromium's
// own offline emulation, as a bar's Wi-Fi drops) just as she sends a song.
// The page says the connection is lost, keeps what she typed and offers
// "Try again"; a tap while still offline changes nothing. The network
// comes back: the page says so, sends the form again by itself, and the
// song is in the queue once, in the database too. Then the server stops:
// the TV keeps its last queue under a small "reconnecting" mark, never an
// error page, and follows the host's next change once the server is back.
func TestOfflineVisiblyAndBack(t *testing.T) {
	s := e2etest.StartServer(t)
	b := e2etest.StartBrowser(t, func(e string) bool {
		// The requests and streams tried while offline or stopped, and
		// htmx logging each failure.
		return strings.Contains(e, "ERR_INTERNET_DISCONNECTED") || strings.Contains(e, "ERR_CONNECTION_REFUSED") ||
			strings.Contains(e, "ERR_EMPTY_RESPONSE") || strings.Contains(e, "ERR_CONNECTION_RESET") ||
			strings.Contains(e, "ERR_INCOMPLETE_CHUNKED_ENCODING") ||
			(strings.Contains(e, static.Path("htmx.min.js")) && !strings.Contains(e, "Content Security Policy"))
	})
	p := e2etest.StartParty(t, s, b, "Wi-Fi night")
	e2etest.Request(t, p.Bob, "Africa", "Toto")
	e2etest.WaitText(t, p.TV, "Bob's song on the TV", e2etest.TVQueue, "Africa")

	e2etest.Do(t, p.Ann, "type a song",
		chromedp.SendKeys(chromedp.CSS("#title"), "Waterloo"),
		chromedp.SendKeys(chromedp.CSS("#artist"), "ABBA"),
	)
	goOffline(t, p.Ann, true)
	e2etest.Do(t, p.Ann, "send it offline", chromedp.Click(chromedp.CSS(`#request-form button[type="submit"]`)))
	e2etest.WaitFor(t, p.Ann, "the offline notice", shown("offline", "Connection lost — trying again…"))
	e2etest.WaitText(t, p.Ann, "the form's message", `#request-form [data-testid="form-error"]`, views.MessageNoAnswer)
	keptTyped(t, p.Ann)
	if *e2etest.Screenshots {
		t.Logf("%s", browsertest.Screenshot(t, p.Ann, "guest-phone-offline"))
	}
	e2etest.Do(t, p.Ann, "tap Try again, still offline", chromedp.Click(chromedp.CSS(`#request-form [data-testid="try-again"]`)))
	e2etest.WaitFor(t, p.Ann, "Try again offered again", `!!document.querySelector('#request-form [data-testid="try-again"]')`)
	keptTyped(t, p.Ann)
	if n := e2etest.Eval[int](t, p.Ann, `document.querySelectorAll('[data-testid="my-request"]').length`); n != 0 {
		t.Fatalf("%d songs shown as Ann's while offline", n)
	}

	goOffline(t, p.Ann, false)
	e2etest.WaitFor(t, p.Ann, "Back online", shown("back-online", "Back online"))
	e2etest.WaitText(t, p.Ann, "Ann's song, sent again by itself", e2etest.MyRequests, "Waterloo")
	e2etest.WaitFor(t, p.Ann, "the notice gone", `!document.querySelector('#connection').classList.contains('shown')`)
	e2etest.WaitText(t, p.TV, "the TV's queue", e2etest.TVQueue, "Africa | Waterloo")
	if n := requestsTitled(t, s, "Waterloo"); n != 1 {
		t.Errorf("%d requests for Waterloo in the database, want 1", n)
	}

	s.Stop()
	e2etest.WaitFor(t, p.TV, "the TV's reconnecting mark", shown("offline", "Reconnecting…"))
	e2etest.WaitFor(t, p.Ann, "Ann's offline notice", shown("offline", "Connection lost — trying again…"))
	if *e2etest.Screenshots {
		t.Logf("%s", browsertest.Screenshot(t, p.TV, "tv-reconnecting"))
	}
	if got := e2etest.Eval[string](t, p.TV, e2etest.Texts(e2etest.TVQueue)); got != "Africa | Waterloo" {
		t.Errorf("the TV's queue while the server is down: %q, want its last state", got)
	}
	if got := e2etest.Eval[string](t, p.TV, `location.pathname`); !strings.HasPrefix(got, "/d/") {
		t.Errorf("the TV left its page for %q", got)
	}
	s.StartAgain()
	e2etest.Do(t, p.Laptop, "reload the dashboard", chromedp.Reload())
	e2etest.StartTurn(t, p.Laptop)
	e2etest.WaitText(t, p.TV, "the TV after the restart", `#display-now [data-testid="display-title"]`, "Africa")
	e2etest.WaitFor(t, p.TV, "the mark gone", `!document.querySelector('#connection').classList.contains('shown')`)
	e2etest.WaitFor(t, p.Ann, "Ann's notice gone", `!document.querySelector('#connection').classList.contains('shown')`)
}

// goOffline cuts the page's network, or gives it back: every request fails
// as without a connection, and navigator.onLine says so.
func goOffline(t *testing.T, ctx context.Context, offline bool) {
	t.Helper()
	e2etest.Do(t, ctx, fmt.Sprintf("offline %v", offline), chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1}},
		}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{
			Offline: offline, DownloadThroughput: -1, UploadThroughput: -1,
		})
		return err
	}))
}

// shown is JavaScript for whether the connection bar shows the line
// data-testid=id, reading text, on the screen.
func shown(id, text string) string {
	return fmt.Sprintf(`(function(){var e=document.querySelector('#connection [data-testid=%q]');if(!e||e.hidden)return false;`+
		`var r=e.getBoundingClientRect();return r.height>0&&r.width>0&&getComputedStyle(e).visibility!=='hidden'&&e.textContent.trim()===%q})()`, id, text)
}

// keptTyped checks that the request form still holds what Ann typed.
func keptTyped(t *testing.T, ctx context.Context) {
	t.Helper()
	if got := e2etest.Eval[string](t, ctx, `document.querySelector('#title').value + ' / ' + document.querySelector('#artist').value`); got != "Waterloo / ABBA" {
		t.Errorf("the form holds %q, want what was typed", got)
	}
}

// requestsTitled counts the requests titled title in the server's database.
func requestsTitled(t *testing.T, s *e2etest.Server, title string) int {
	t.Helper()
	raw, err := sql.Open("sqlite", filepath.Join(s.Cfg.DataDir, app.DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRow(`SELECT count(*) FROM requests WHERE title = ?`, title).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLostAnswerIsSentAgainOnce: Ann's request reaches the server and is
// added, but its answer is lost on the way back (the connection resets).
// Her page cannot know it went through: it says no answer came and,
// the server answering again, sends the same form again by itself, with
// the same one-time key. The server gives the first answer again, and the
// song is in the queue once.
func TestLostAnswerIsSentAgainOnce(t *testing.T) {
	s := e2etest.StartServer(t)
	b := e2etest.StartBrowser(t, func(e string) bool {
		return strings.Contains(e, "ERR_CONNECTION_RESET") ||
			(strings.Contains(e, static.Path("htmx.min.js")) && !strings.Contains(e, "Content Security Policy"))
	})
	laptop := b.Person(1366, 900)
	_, joinURL := e2etest.HostCreates(t, s, laptop, "Lost answer night")
	ann := b.Phone()
	e2etest.GuestJoins(t, ann, joinURL, "Ann")
	e2etest.Eval[chromedp.Void](t, ann, `window.retaps = [];
	document.addEventListener('htmx:sendError', function () { window.retaps.push('no answer') });
	document.addEventListener('htmx:beforeSwap', function (e) {
		if (e.detail.requestConfig && e.detail.requestConfig.verb === 'post') { window.retaps.push(e.detail.xhr.status + ' ' + e.detail.xhr.getResponseHeader('Karaoke-Retap')) }
	})`)
	e2etest.Do(t, ann, "type a song", chromedp.SendKeys(chromedp.CSS("#title"), "Waterloo"))
	lost := loseAnswers(t, ann, 1)
	e2etest.Do(t, ann, "send it", chromedp.Click(chromedp.CSS(`#request-form button[type="submit"]`)))
	e2etest.WaitFor(t, ann, "the form sent again by itself", `window.retaps.length === 2`)
	e2etest.WaitText(t, ann, "the form's answer", `#request-form [data-testid="request-added"]`, "Added “Waterloo” to the queue.")
	e2etest.WaitText(t, ann, "Ann's songs", e2etest.MyRequests, "Waterloo")
	if got := lost(); got != 1 {
		t.Fatalf("%d answers lost, want 1", got)
	}
	if got := e2etest.Eval[string](t, ann, `window.retaps.join(', ')`); got != "no answer, 200 repeat" {
		t.Errorf("the posts' answers: %s, want the lost one and then the first answer again", got)
	}
	if n := requestsTitled(t, s, "Waterloo"); n != 1 {
		t.Errorf("%d requests for Waterloo in the database, want 1", n)
	}
	e2etest.WaitFor(t, ann, "the notice gone", `!document.querySelector('#connection').classList.contains('shown')`)
}

// loseAnswers has the page's next n POSTs reach the server and their answers
// lost, the connection reset, and returns how many were lost so far.
func loseAnswers(t *testing.T, ctx context.Context, n int) func() int {
	t.Helper()
	var mu sync.Mutex
	lost := 0
	lctx, cancel := context.WithCancel(ctx)
	t.Cleanup(cancel)
	e2etest.Do(t, ctx, "intercept answers", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*", RequestStage: fetch.RequestStageResponse}}})
		return err
	}))
	go func() {
		for ev, err := range chromedp.Events(lctx, fetch.RequestPaused) {
			if err != nil {
				return
			}
			mu.Lock()
			fail := ev.Request.Method == "POST" && lost < n
			if fail {
				lost++
			}
			mu.Unlock()
			if fail {
				_, err = chromedp.Call(lctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonConnectionReset})
			} else {
				_, err = chromedp.Call(lctx, fetch.ContinueResponse, fetch.ContinueResponseParams{RequestID: ev.RequestID})
			}
			if err != nil && lctx.Err() == nil {
				t.Errorf("intercepting %s: %v", ev.Request.URL, err)
			}
		}
	}()
	return func() int {
		mu.Lock()
		defer mu.Unlock()
		return lost
	}
}
