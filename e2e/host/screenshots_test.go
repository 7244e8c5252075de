package host_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/browsertest"
	"github.com/karaoke-night/karaoke/internal/e2etest"
)

// TestScreenshots saves every page at phone, laptop, 1080p and portrait TV
// sizes in test-artifacts/ (git-ignored), mid-night: a song being sung, a
// queue, a guest up next; then a busy night (40 guests, 60 songs) on the
// host's and a guest's phone and the TV, and once it has ended. The
// README's pictures are picked from these:
//
//	go test ./e2e/... -run Screenshots -screenshots
func TestScreenshots(t *testing.T) {
	if !*e2etest.Screenshots {
		t.Skip("makes the README's screenshots only when asked: go test ./e2e/... -run Screenshots -screenshots")
	}
	s := e2etest.StartServer(t)
	b := e2etest.StartBrowser(t)
	laptop := b.Person(1366, 900)
	_, joinURL := e2etest.HostCreates(t, s, laptop, "Friday at The Crown")
	joiner := b.Phone()
	e2etest.Do(t, joiner, "open the join page", chromedp.Navigate(joinURL))

	singers := []struct{ name, title, artist string }{
		{"Maya", "Dancing Queen", "ABBA"},
		{"Sam", "Total Eclipse of the Heart", "Bonnie Tyler"},
		{"Priya", "Valerie", "Amy Winehouse"},
		{"Jonas", "Mr. Brightside", "The Killers"},
		{"Maya", "Africa", "Toto"},
	}
	phones := map[string]context.Context{}
	for _, sg := range singers {
		p, ok := phones[sg.name]
		if !ok {
			p = b.Phone()
			e2etest.GuestJoins(t, p, joinURL, sg.name)
			phones[sg.name] = p
		}
		e2etest.Request(t, p, sg.title, sg.artist)
	}
	e2etest.StartTurn(t, laptop)
	sam := phones["Sam"]
	e2etest.WaitFor(t, sam, "Sam up next", `!!document.querySelector('[data-testid="up-next"]')`)
	tv := e2etest.OpenTV(t, b, joinURL)
	e2etest.WaitText(t, tv, "Maya on the TV", e2etest.TVNow, "Maya")
	e2etest.Do(t, laptop, "reload the dashboard", chromedp.Reload())
	home := b.Person(1366, 900)
	e2etest.Do(t, home, "open the home page", chromedp.Navigate(s.Base+"/"))

	pages := []shotPage{{"home", home}, {"dashboard", laptop}, {"join", joiner}, {"guest", sam}, {"display", tv}}
	sizes := []shotSize{{"phone", 390, 844, true}, {"laptop", 1366, 900, false}, {"tv-1080p", 1920, 1080, false}, {"tv-portrait", 1080, 1920, false}}
	shoot(t, pages, sizes)
	busyScreenshots(t, s, b)
}

type shotSize struct {
	name          string
	width, height int64
	mobile        bool
}

// shoot saves each page at each size.
func shoot(t *testing.T, pages []shotPage, sizes []shotSize) {
	t.Helper()
	for _, p := range pages {
		for _, size := range sizes {
			opts := []chromedp.EmulateViewportOption{}
			if size.mobile {
				opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
			}
			e2etest.Do(t, p.ctx, "resize "+p.name, chromedp.EmulateViewport(size.width, size.height, opts...))
			e2etest.WaitFor(t, p.ctx, "images to load", `Array.from(document.images).every(function(i){return i.complete})`)
			// The picture of a page at rest, not mid-glow.
			e2etest.WaitFor(t, p.ctx, "animations to end", `document.getAnimations().length === 0`)
			e2etest.Eval[chromedp.Void](t, p.ctx, `window.scrollTo(0, 0)`)
			path := browsertest.Screenshot(t, p.ctx, p.name+"-"+size.name)
			t.Logf("%s", path)
		}
	}
}

type shotPage struct {
	name string
	ctx  context.Context
}

// busyScreenshots saves a bar night (40 guests, 60 songs, one being sung,
// a newcomer's song at the end of the first round): the dashboard at phone
// and laptop sizes and on the phone with a row's menu open and Remove about
// to be confirmed, the newcomer's phone, the TV in landscape and portrait;
// then the guest's phone and the TV once the host has ended the night.
func busyScreenshots(t *testing.T, s *e2etest.Server, b *browsertest.Browser) {
	t.Helper()
	host := b.Person(1366, 900)
	dashURL, joinURL := e2etest.HostCreates(t, s, host, "Saturday at The Crown")
	e2etest.SeedBusyNight(t, s, dashURL, 40, 60)
	e2etest.WaitFor(t, host, "the seeded songs", `document.querySelectorAll('#host-queue [data-testid="queue-item"]').length === 60`)
	newcomer := b.Phone()
	e2etest.GuestJoins(t, newcomer, joinURL, "Newcomer")
	e2etest.Request(t, newcomer, "Don't Stop Me Now", "Queen")
	tv := e2etest.OpenTV(t, b, joinURL)
	e2etest.StartTurn(t, host)
	e2etest.WaitFor(t, host, "the first song sung", `document.querySelectorAll('#host-queue [data-testid="queue-item"]').length === 60`)
	e2etest.WaitFor(t, tv, "the first singer on the TV", `document.querySelector('#display-now .display-singer').textContent === 'Ana'`)
	e2etest.WaitFor(t, newcomer, "the newcomer's place", `!!document.querySelector('#guest-queue li.mine')`)
	phone, tvSizes := []shotSize{{"phone", 390, 844, true}}, []shotSize{{"tv-1080p", 1920, 1080, false}, {"tv-portrait", 1080, 1920, false}}
	shoot(t, []shotPage{{"dashboard-busy", host}}, append(phone, shotSize{"laptop", 1366, 900, false}))
	shoot(t, []shotPage{{"busy-guest", newcomer}}, phone)
	e2etest.Eval[chromedp.Void](t, newcomer, `document.querySelector('#guest-queue li.mine').scrollIntoView({block: 'center'})`)
	t.Logf("%s", browsertest.Screenshot(t, newcomer, "busy-guest-phone-queue"))
	shoot(t, []shotPage{{"busy-display", tv}}, tvSizes)
	e2etest.Do(t, host, "open a row's menu and its Remove",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Click(chromedp.CSS(`#host-queue > li:nth-child(3) > details > summary`)),
		chromedp.Click(chromedp.CSS(`#host-queue > li:nth-child(3) .dangers details.confirm:nth-of-type(2) > summary`)))
	t.Logf("%s", browsertest.Screenshot(t, host, "dashboard-busy-menu-phone"))

	e2etest.Do(t, host, "end the night", chromedp.Navigate(dashURL+"/end"),
		chromedp.Click(chromedp.CSS(`[data-testid="end-confirm"] button[type="submit"]`)))
	e2etest.WaitFor(t, newcomer, "the end on the guest's phone", `!!document.querySelector('[data-testid="ended"]')`)
	e2etest.WaitFor(t, tv, "the end on the TV", `!!document.querySelector('[data-testid="display-thanks"]')`)
	shoot(t, []shotPage{{"ended-guest", newcomer}}, phone)
	shoot(t, []shotPage{{"ended-display", tv}}, tvSizes)
}
