package e2e_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/browsertest"
)

// TestScreenshots saves every page at phone, laptop and 1080p TV sizes in
// test-artifacts/ (git-ignored), mid-night: a song being sung, a queue, a
// guest up next. The README's pictures are picked from these.
func TestScreenshots(t *testing.T) {
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
	do(t, laptop, "start the first turn", chromedp.Click(chromedp.CSS(`[data-testid="next-singer"] button`)))
	sam := phones["Sam"]
	waitFor(t, sam, "Sam up next", `!!document.querySelector('[data-testid="up-next"]')`)
	tv := b.Person(1920, 1080)
	do(t, tv, "open the TV", chromedp.Navigate(strings.Replace(joinURL, "/j/", "/d/", 1)))
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
	}{{"phone", 390, 844, true}, {"laptop", 1366, 900, false}, {"tv-1080p", 1920, 1080, false}}
	for _, p := range pages {
		for _, size := range sizes {
			opts := []chromedp.EmulateViewportOption{}
			if size.mobile {
				opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
			}
			do(t, p.ctx, "resize "+p.name, chromedp.EmulateViewport(size.width, size.height, opts...))
			waitFor(t, p.ctx, "images to load", `Array.from(document.images).every(function(i){return i.complete})`)
			eval[chromedp.Void](t, p.ctx, `window.scrollTo(0, 0)`)
			path := browsertest.Screenshot(t, p.ctx, p.name+"-"+size.name)
			t.Logf("%s", path)
		}
	}
}
