package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// hostedOnHome is the nights the home page lists for a browser: "name
// (open|ended) → dashboard".
func hostedOnHome(b *browser) []string {
	var out []string
	b.get("/").testid("hosted-night").Each(func(_ int, s *goquery.Selection) {
		href, _ := s.Find("a").Attr("href")
		out = append(out, strings.TrimSpace(s.Find(".singer").Text())+" ("+strings.TrimSpace(s.Find(".hint").Text())+") → "+href)
	})
	return out
}

// TestHomeListsTheNightsThisBrowserHosts: a host who closed the tab finds
// the dashboard again from the home page: the nights this browser hosts,
// newest first, open or ended, while its host key still works; without any
// host key reaching the home page.
func TestHomeListsTheNightsThisBrowserHosts(t *testing.T) {
	app := newTestApp(t)
	host := app.browser()
	if got := hostedOnHome(host); len(got) != 0 {
		t.Fatalf("before hosting: %v", got)
	}
	create := host.post("/sessions", "name", "Friday")
	friday := create.location
	// The host key's cookie stays on its own /host/ pages; the list's
	// cookie, sent everywhere, holds no key.
	var key string
	for _, c := range (&http.Response{Header: create.header}).Cookies() {
		switch {
		case strings.HasPrefix(c.Name, "karaoke_host_"):
			key = c.Value
			if c.Path != friday || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
				t.Errorf("host cookie: path %q, HttpOnly %v, SameSite %v", c.Path, c.HttpOnly, c.SameSite)
			}
		case c.Name == "karaoke_hosting":
			if c.Path != "/" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || key == "" || strings.Contains(c.Value, key) {
				t.Errorf("hosting cookie %q: path %q, HttpOnly %v, SameSite %v", c.Value, c.Path, c.HttpOnly, c.SameSite)
			}
		}
	}
	saturday, _ := host.hostSession("Saturday")
	if got, want := strings.Join(hostedOnHome(host), " | "), "Saturday (open) → "+saturday+" | Friday (open) → "+friday; got != want {
		t.Errorf("home lists %q, want %q", got, want)
	}
	if resp := host.get(friday); resp.status != http.StatusOK || resp.testid("queue").Length() != 1 {
		t.Errorf("the listed link: status %d", resp.status)
	}

	// Ended, it stays listed, as ended: the dashboard keeps the night's history.
	host.post(friday + "/end")
	if got := strings.Join(hostedOnHome(host), " | "); !strings.Contains(got, "Friday (ended)") {
		t.Errorf("after the end: %q", got)
	}

	// A second device made a host by the link lists it too; when it makes a
	// new host link, the first browser's key stops working and the night
	// drops out of its list.
	other := secondHost(t, app, host, saturday)
	if got := hostedOnHome(other); len(got) != 1 || !strings.HasPrefix(got[0], "Saturday (open)") {
		t.Errorf("the second host's home: %v", got)
	}
	other.post(saturday + "/host-link")
	if got, want := strings.Join(hostedOnHome(host), " | "), "Friday (ended) → "+friday; got != want {
		t.Errorf("after another device's new host link: %q, want %q", got, want)
	}
	if got := hostedOnHome(other); len(got) != 1 {
		t.Errorf("the device that made the new link: %v", got)
	}

	// A made-up list opens nothing: a guest naming the session, with or
	// without a mark, sees no night of anyone's.
	guest := app.browser()
	for _, forged := range []string{"1-0000000000000000", "1-", "2", "1-" + strings.Repeat("a", 16) + ".2-x"} {
		req, _ := http.NewRequest("GET", app.server.URL+"/", nil)
		req.AddCookie(&http.Cookie{Name: "karaoke_hosting", Value: forged})
		if resp := guest.send(req); resp.testid("hosted-night").Length() != 0 {
			t.Errorf("forged list %q shows nights", forged)
		}
	}
}
