package resilience_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/e2etest"
	"github.com/karaoke-night/karaoke/static"
)

// followWithin is how soon after a change every open page must show it,
// counted from the change, once the server answers again.
const followWithin = 5 * time.Second

// restartPage is one open page the restarts test watches.
type restartPage struct {
	name string
	ctx  context.Context
	url  string
	err  error // how its last load ended
}

// TestEveryPageFollowsAfterRestarts: the karaoke command, as its own
// process, is stopped with SIGTERM (a deploy: it shuts down gracefully) or
// SIGKILL (a crash: every connection dropped, no answer at all) and started
// again on the same port and data, -restarts.n times. Before each stop a
// page or two is loaded again at a random moment (a third of the time right
// before the stop, its stream still opening); before some graceful stops a
// page is loaded again just as the signal is sent, so it meets the server
// while it shuts down. Once the server answers again, every open page (two
// TVs, the host's second screen, two guests) must have its stream open
// again within followWithin; then the host starts the next turn, and every
// page must show it within followWithin.
func TestEveryPageFollowsAfterRestarts(t *testing.T) {
	if testing.Short() {
		t.Skip("restarts the server 22 times")
	}
	restarts := *e2etest.RestartsN
	if restarts > len(e2etest.BusySongs)-1 {
		t.Fatalf("-restarts.n %d: at most %d (a seeded song a restart)", restarts, len(e2etest.BusySongs)-1)
	}
	s := e2etest.StartBinary(t)
	b := e2etest.StartBrowser(t, func(e string) bool {
		// The streams' and /livez's attempts while the server is down, those
		// a stop cut off (a SIGKILL can leave a socket the browser finds not
		// connected), and htmx's SSE extension logging each (an Event
		// object). No stream is answered 503 while the server stops.
		return ((strings.Contains(e, "/events") || strings.Contains(e, "/livez")) && (strings.Contains(e, "ERR_CONNECTION_REFUSED") ||
			strings.Contains(e, "ERR_EMPTY_RESPONSE") || strings.Contains(e, "ERR_CONNECTION_RESET") ||
			strings.Contains(e, "ERR_INCOMPLETE_CHUNKED_ENCODING") || strings.Contains(e, "ERR_SOCKET_NOT_CONNECTED"))) ||
			(strings.HasPrefix(e, "error: [object Event]") && strings.Contains(e, static.Path("htmx.min.js")))
	})
	laptop := b.Person(1366, 900)
	dashURL, joinURL := e2etest.HostCreates(t, s, laptop, "Restart night")
	e2etest.SeedBusyNight(t, s, dashURL, 6, restarts+1)
	e2etest.WaitFor(t, laptop, "the seeded queue", fmt.Sprintf(`document.querySelectorAll('#host-queue [data-testid="queue-item"]').length === %d`, restarts+1))

	second := b.Person(1366, 900)
	copyCookies(t, laptop, second) // the host's second screen
	pages := []restartPage{
		{name: "TV 1", ctx: e2etest.OpenTV(t, b, joinURL)},
		{name: "TV 2", ctx: e2etest.OpenTV(t, b, joinURL)},
		{name: "host's second screen", ctx: second, url: dashURL},
		{name: "Ann", ctx: b.Phone()},
		{name: "Bob", ctx: b.Phone()},
	}
	e2etest.Do(t, second, "open the second screen", chromedp.Navigate(dashURL))
	e2etest.GuestJoins(t, pages[3].ctx, joinURL, "Ann")
	e2etest.GuestJoins(t, pages[4].ctx, joinURL, "Bob")
	for i := range pages {
		pages[i].url = e2etest.Eval[string](t, pages[i].ctx, `location.href`)
	}

	rnd := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 16))
	started := time.Now()
	var fig restartFigures
	for round := range restarts {
		for range 1 + rnd.IntN(2) {
			p := pages[rnd.IntN(len(pages))]
			e2etest.Do(t, p.ctx, "reload "+p.name, chromedp.Navigate(p.url))
		}
		if rnd.IntN(3) > 0 {
			time.Sleep(time.Duration(rnd.IntN(1200)) * time.Millisecond) // the random moment, on purpose
		}
		sig := syscall.SIGTERM
		if round%2 == 1 {
			sig = syscall.SIGKILL
		}
		var during *restartPage
		if sig == syscall.SIGTERM && rnd.IntN(2) == 0 {
			// Loaded again as the server shuts down: the signal lands while
			// it loads. It comes from the closing server, or the browser
			// shows its own error page (reloaded once the server is back,
			// as a person would).
			during = &pages[rnd.IntN(len(pages))]
			loaded := make(chan error, 1)
			go func(p *restartPage) {
				_, err := chromedp.Run(p.ctx, chromedp.Navigate(p.url))
				loaded <- err
			}(during)
			time.Sleep(time.Duration(rnd.IntN(80)) * time.Millisecond) // the moment the signal lands, on purpose
			s.Bin.Signal(sig)
			if during.err = <-loaded; during.err != nil {
				fig.refused++
			} else {
				fig.during++
			}
		} else {
			s.Bin.Signal(sig)
		}
		s.Bin.WaitExit(t)
		s.Bin.Start(t)
		if during != nil && !e2etest.Eval[bool](t, during.ctx, `!!window.htmx`) {
			if during.err == nil {
				fig.scriptless++ // its page came, its scripts did not: it could never follow
			}
			e2etest.Do(t, during.ctx, "reload "+during.name+" once the server is back", chromedp.Navigate(during.url))
		}

		for _, p := range pages {
			if !pollWithin(p.ctx, s.Bin.Up.Add(followWithin), streamState+` === 'open'`) {
				fig.misses++
				t.Errorf("restart %d (%v): %s's stream not open again within %s of the server answering; it is %s", round+1, sig, p.name, followWithin,
					e2etest.Eval[string](t, p.ctx, streamState))
				continue
			}
			fig.resume = append(fig.resume, time.Since(s.Bin.Up))
		}

		title := startNextTurn(t, laptop)
		changed := time.Now()
		deadline := changed.Add(followWithin)
		for _, p := range pages {
			if !showsWithin(p.ctx, deadline, title) {
				fig.misses++
				t.Errorf("restart %d (%v): %s did not show %q within %s; its stream: %s", round+1, sig, p.name, title, followWithin,
					e2etest.Eval[string](t, p.ctx, streamState))
				continue
			}
			fig.follow = append(fig.follow, time.Since(changed))
		}
	}
	t.Logf("%d restarts of the binary (half SIGKILL), %d page checks (stream open again, change shown), %d misses, in %s; %d pages loaded as the server shut down (%d without their scripts), %d refused by it",
		restarts, 2*restarts*len(pages), fig.misses, time.Since(started).Round(time.Second), fig.during, fig.scriptless, fig.refused)
	t.Logf("a page's stream open again after the server answered: median %s, 95th %s, max %s", pct(fig.resume, 50), pct(fig.resume, 95), pct(fig.resume, 100))
	t.Logf("a page showed the change after it was made: median %s, 95th %s, max %s", pct(fig.follow, 50), pct(fig.follow, 95), pct(fig.follow, 100))
}

// restartFigures is what TestEveryPageFollowsAfterRestarts measured.
type restartFigures struct {
	misses, during, refused, scriptless int
	follow, resume                      []time.Duration
}

// pct is the p-th percentile of ds, rounded to the millisecond.
func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)*p/100].Round(time.Millisecond)
}

// copyCookies gives the person to the cookies from: the same person on a
// second device.
func copyCookies(t *testing.T, from, to context.Context) {
	t.Helper()
	var cookies []*network.Cookie
	e2etest.Do(t, from, "read the cookies", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{})
		cookies = res.Cookies
		return err
	}))
	params := make([]*network.CookieParam, len(cookies))
	for i, c := range cookies {
		params[i] = &network.CookieParam{Name: c.Name, Value: c.Value, Domain: c.Domain, Path: c.Path, HTTPOnly: c.HTTPOnly, Secure: c.Secure, SameSite: c.SameSite}
	}
	e2etest.Do(t, to, "copy the cookies", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, network.SetCookies, network.SetCookiesParams{Cookies: params})
		return err
	}))
}

// streamState is JavaScript naming the state of the page's EventSource.
const streamState = `(function(){var e=document.querySelector('[sse-connect]');var d=e&&e['htmx-internal-data'];var s=d&&d.sseEventSource;return s?['connecting','open','closed'][s.readyState]:'none'})()`

// startNextTurn has the host start the next turn from the dashboard and
// returns the title of the song now singing.
func startNextTurn(t *testing.T, laptop context.Context) string {
	t.Helper()
	before := e2etest.Eval[string](t, laptop, nowSong)
	e2etest.Do(t, laptop, "reload the dashboard", chromedp.Navigate(e2etest.Eval[string](t, laptop, `location.href`)))
	e2etest.StartTurn(t, laptop)
	e2etest.WaitFor(t, laptop, "the next turn to start", fmt.Sprintf(`%s !== %q && %s !== ""`, nowSong, before, nowSong))
	return e2etest.Eval[string](t, laptop, nowTitle)
}

const (
	nowSong = `(function(){var e=document.querySelector('#host-live .song');return e?e.textContent.replace(/\s+/g,' ').trim():''})()`
	// nowTitle is the title in the dashboard's song line (its first part).
	nowTitle = `(function(){var e=document.querySelector('#host-live .song');var c=e&&e.firstElementChild;return (c||e).textContent.replace(/\s+/g,' ').trim()})()`
)

// showsWithin reports whether the page's Now singing shows title before the
// deadline.
func showsWithin(ctx context.Context, deadline time.Time, title string) bool {
	return pollWithin(ctx, deadline, fmt.Sprintf(`(function(){var e=document.querySelector('[data-testid="now-singing"]');return !!e && e.textContent.replace(/\s+/g,' ').indexOf(%q) >= 0})()`, title))
}

// pollWithin reports whether the JavaScript expr is true on the page before
// the deadline (polled every 50 ms).
func pollWithin(ctx context.Context, deadline time.Time, expr string) bool {
	tctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	_, err := chromedp.Run(tctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(50*time.Millisecond)))
	return err == nil
}
