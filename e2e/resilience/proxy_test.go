package resilience_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
	"github.com/karaoke-night/karaoke/internal/e2etest"
	"github.com/karaoke-night/karaoke/static"
)

// TestPagesComeBackAfterAProxyRefusedThem: behind a proxy (Fly's), a
// restart that takes a while is answered 502 by the proxy, not refused:
// an answer other than 200 closes the browser's EventSource for good, and
// htmx's SSE extension alone would try again only after waits that double
// up to 64 s. Here the server restarts and, for 20 s, every stream and
// /livez the TV and Ann's phone ask for gets a 502. Within followWithin of
// the proxy letting them through again, both show the host's next turn.
func TestPagesComeBackAfterAProxyRefusedThem(t *testing.T) {
	const outage = 20 * time.Second
	s := e2etest.StartServer(t)
	b := e2etest.StartBrowser(t, func(e string) bool {
		return strings.Contains(e, "status of 502") || strings.Contains(e, "ERR_CONNECTION_REFUSED") ||
			strings.Contains(e, "ERR_EMPTY_RESPONSE") || strings.Contains(e, "ERR_INCOMPLETE_CHUNKED_ENCODING") ||
			(strings.HasPrefix(e, "error: [object Event]") && strings.Contains(e, static.Path("htmx.min.js")))
	})
	p := e2etest.StartParty(t, s, b, "Proxy night")
	e2etest.Request(t, p.Bob, "Africa", "Toto")
	e2etest.WaitText(t, p.TV, "Bob's song on the TV", e2etest.TVQueue, "Africa")

	var refusing atomic.Bool
	refusing.Store(true)
	for _, page := range []context.Context{p.TV, p.Ann} {
		proxyRefuses(t, page, &refusing)
	}
	s.Restart()
	time.Sleep(outage) // the proxy's outage, on purpose
	refusing.Store(false)
	back := time.Now()
	e2etest.Do(t, p.Laptop, "reload the dashboard", chromedp.Reload())
	e2etest.StartTurn(t, p.Laptop)
	deadline := back.Add(followWithin)
	for _, page := range []struct {
		name string
		ctx  context.Context
	}{{"the TV", p.TV}, {"Ann", p.Ann}} {
		if showsWithin(page.ctx, deadline, "Africa") {
			t.Logf("%s showed the next turn %s after the proxy let it through", page.name, time.Since(back).Round(time.Millisecond))
		} else {
			t.Errorf("%s did not show the next turn within %s of the proxy letting it through; its stream: %s", page.name, followWithin,
				e2etest.Eval[string](t, page.ctx, streamState))
		}
	}
}

// proxyRefuses answers the page's streams and /livez with a 502 while
// refusing is set, as a proxy does while no server is up behind it.
func proxyRefuses(t *testing.T, ctx context.Context, refusing *atomic.Bool) {
	t.Helper()
	lctx, cancel := context.WithCancel(ctx)
	t.Cleanup(cancel)
	e2etest.Do(t, ctx, "put a proxy in front", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*/events*"}, {URLPattern: "*/livez*"}}})
		return err
	}))
	go func() {
		for ev, err := range chromedp.Events(lctx, fetch.RequestPaused) {
			if err != nil {
				return
			}
			if refusing.Load() {
				_, err = chromedp.Call(lctx, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: ev.RequestID, ResponseCode: 502,
					ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "text/plain"}}, Body: []byte("Bad gateway")})
			} else {
				_, err = chromedp.Call(lctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
			}
			if err != nil && lctx.Err() == nil {
				t.Errorf("proxying %s: %v", ev.Request.URL, err)
			}
		}
	}()
}
