package e2e_test

import (
	"context"
	"flag"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/browsertest"
)

// screenshots turns TestScreenshots on: it makes pictures, checks nothing
// the other tests do not, and starts Chromium for a minute, so plain
// `go test ./...` leaves it out.
var screenshots = flag.Bool("screenshots", false, "save every page at phone, laptop and TV sizes in test-artifacts/ (the README's pictures)")

// TestScreenshots saves every page at phone, laptop, 1080p and portrait TV
// sizes in test-artifacts/ (git-ignored), mid-night: a song being sung, a
// queue, a guest up next; then a busy night (40 guests, 60 songs) on a
// guest's phone and the TV, and both once it has ended. The README's
// pictures are picked from these:
//
//	go test ./e2e -run Screenshots -screenshots
func TestScreenshots(t *testing.T) {
	if !*screenshots {
		t.Skip("makes the README's screenshots only when asked: go test ./e2e -run Screenshots -screenshots")
	}
	s := startServer(t)
	b := startBrowser(t)
	laptop := b.Person(1366, 900)
	_, joinURL := hostCreates(t, s, laptop, "Friday at The Crown")
	joiner := b.Phone()
	do(t, joiner, "open the join page", chromedp.Navigate(joinURL))

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
			guestJoins(t, p, joinURL, sg.name)
			phones[sg.name] = p
		}
		request(t, p, sg.title, sg.artist)
	}
	startTurn(t, laptop)
	sam := phones["Sam"]
	waitFor(t, sam, "Sam up next", `!!document.querySelector('[data-testid="up-next"]')`)
	tv := openTV(t, b, joinURL)
	waitText(t, tv, "Maya on the TV", tvNow, "Maya")
	do(t, laptop, "reload the dashboard", chromedp.Reload())
	home := b.Person(1366, 900)
	do(t, home, "open the home page", chromedp.Navigate(s.base+"/"))

	pages := []struct {
		name string
		ctx  context.Context
	}{{"home", home}, {"dashboard", laptop}, {"join", joiner}, {"guest", sam}, {"display", tv}}
	sizes := []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"phone", 390, 844, true}, {"laptop", 1366, 900, false}, {"tv-1080p", 1920, 1080, false}, {"tv-portrait", 1080, 1920, false}}
	shoot := func(name string, ctx context.Context, width, height int64, mobile bool) {
		t.Helper()
		opts := []chromedp.EmulateViewportOption{}
		if mobile {
			opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
		}
		do(t, ctx, "resize "+name, chromedp.EmulateViewport(width, height, opts...))
		waitFor(t, ctx, "images to load", `Array.from(document.images).every(function(i){return i.complete})`)
		// The picture of a page at rest, not mid-glow.
		waitFor(t, ctx, "animations to end", `document.getAnimations().length === 0`)
		eval[chromedp.Void](t, ctx, `window.scrollTo(0, 0)`)
		t.Logf("%s", browsertest.Screenshot(t, ctx, name))
	}
	for _, p := range pages {
		for _, size := range sizes {
			shoot(p.name+"-"+size.name, p.ctx, size.width, size.height, size.mobile)
		}
	}

	// A bar night: 40 guests, 60 songs, a newcomer's song at the end of
	// the first round; then the same pages once the host has ended it.
	busyDash, busyJoin := hostCreates(t, s, laptop, "Saturday at The Anchor")
	seedBusyNight(t, s, busyDash, 40, 60)
	newcomer := b.Phone()
	guestJoins(t, newcomer, busyJoin, "Newcomer")
	request(t, newcomer, "Don't Stop Me Now", "Queen")
	busyTV := openTV(t, b, busyJoin)
	startTurn(t, laptop)
	waitFor(t, busyTV, "the first singer on the TV", `document.querySelector('#display-now .display-singer').textContent === 'Ana'`)
	waitFor(t, newcomer, "the newcomer's place", `!!document.querySelector('#guest-queue li.mine')`)
	shoot("busy-guest-phone", newcomer, 390, 844, true)
	eval[chromedp.Void](t, newcomer, `document.querySelector('#guest-queue li.mine').scrollIntoView({block: 'center'})`)
	t.Logf("%s", browsertest.Screenshot(t, newcomer, "busy-guest-phone-queue"))
	shoot("busy-display-tv-1080p", busyTV, 1920, 1080, false)
	shoot("busy-display-tv-portrait", busyTV, 1080, 1920, false)
	do(t, laptop, "end the night", chromedp.Navigate(busyDash+"/end"),
		chromedp.Click(chromedp.CSS(`[data-testid="end-confirm"] button[type="submit"]`)))
	waitFor(t, newcomer, "the end on the guest's phone", `!!document.querySelector('[data-testid="ended"]')`)
	waitFor(t, busyTV, "the end on the TV", `!!document.querySelector('[data-testid="display-thanks"]')`)
	shoot("ended-guest-phone", newcomer, 390, 844, true)
	shoot("ended-display-tv-1080p", busyTV, 1920, 1080, false)
	shoot("ended-display-tv-portrait", busyTV, 1080, 1920, false)
}
