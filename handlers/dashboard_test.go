package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestKeptDashboardIsEachHostDevicesOwn: the dashboard is kept once per
// version, and each host device still reads its own name in the log's
// card and the host link its cookie holds, filled in as the page leaves;
// a TV paired, which the night's version need not follow, shows at once.
func TestKeptDashboardIsEachHostDevicesOwn(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	app.guest(code, "Ana", "Dancing Queen")
	first := host.get(dash)
	link, _ := first.testid("host-link").Attr("value")
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	tablet := app.browser()
	tablet.get(u.Path)
	for _, b := range []*browser{host, tablet} {
		b.get(dash) // the host device's cookie is set by its first visit
	}
	names := map[string]bool{}
	for _, b := range []*browser{host, tablet, host} {
		resp := b.get(dash)
		if resp.status != http.StatusOK {
			t.Fatalf("dashboard: status %d", resp.status)
		}
		if got, _ := resp.testid("host-link").Attr("value"); got != link {
			t.Errorf("host link %q, want %q", got, link)
		}
		names[resp.testid("this-device").Text()] = true
	}
	if len(names) != 2 {
		t.Errorf("two host devices read the names %v", names)
	}
	if n := host.get(dash).testid("tv-screen").Length(); n != 0 {
		t.Fatalf("%d TVs before pairing", n)
	}
	if paired := pairForm(t, host, dash, pairCode(t, app.browser().get("/tv"))); paired.status >= http.StatusBadRequest {
		t.Fatalf("pairing: status %d", paired.status)
	}
	if n := host.get(dash).testid("tv-screen").Length(); n != 1 {
		t.Errorf("%d TVs listed after pairing one", n)
	}
}

// TestKeptDashboardShowsGuestsAsTheyCome: the guests and their songs
// waiting are not read for a kept dashboard, only for one rendered at a
// new version, and every change to them moves the version: a guest who
// joins, and a song requested, show on the next load.
func TestKeptDashboardShowsGuestsAsTheyCome(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	app.guest(code, "Ana", "Dancing Queen")
	if n := host.get(dash).testid("guest").Length(); n != 1 {
		t.Fatalf("%d guests listed, want 1", n)
	}
	host.get(dash) // kept now
	bo := app.guest(code, "Bo")
	guests := host.get(dash).testid("guest")
	if guests.Length() != 2 || !strings.Contains(guests.Last().Text(), "Bo") {
		t.Fatalf("after Bo joined the dashboard lists %q", guests.Text())
	}
	if got := guests.Last().Text(); !strings.Contains(got, "0 waiting") {
		t.Fatalf("Bo's line before his request reads %q, want 0 waiting", got)
	}
	if resp := bo.request(code, "Waterloo", ""); resp.status != http.StatusSeeOther {
		t.Fatalf("Bo's request: status %d", resp.status)
	}
	if got := host.get(dash).testid("guest").Last().Text(); !strings.Contains(got, "1 waiting") {
		t.Errorf("Bo's line after his request reads %q, want 1 waiting", got)
	}
}
