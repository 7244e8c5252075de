package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/karaoke-night/karaoke/db"
)

func TestHostCookieIsHttpOnlyAndUnguessable(t *testing.T) {
	app := newTestApp(t)
	resp := app.browser().post("/sessions", "name", "Friday")
	var host *http.Cookie
	for _, c := range (&http.Response{Header: resp.header}).Cookies() {
		if strings.HasPrefix(c.Name, "karaoke_host_") {
			host = c
		}
	}
	if host == nil {
		t.Fatal("no host cookie set")
	}
	if !host.HttpOnly || host.SameSite != http.SameSiteLaxMode {
		t.Errorf("host cookie HttpOnly=%v SameSite=%v, want HttpOnly and Lax", host.HttpOnly, host.SameSite)
	}
	if len(host.Value) < 22 {
		t.Errorf("host key %q has under 128 bits", host.Value)
	}
}

func TestDashboardIsTheHostsOnly(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	stranger := app.guest(code, "Eve")
	for _, path := range []string{dash} {
		resp := stranger.get(path)
		if resp.status != http.StatusForbidden {
			t.Errorf("stranger GET %s: status %d, want 403", path, resp.status)
		}
		if resp.testid("next-singer").Length() != 0 || resp.testid("queue").Length() != 0 {
			t.Errorf("stranger sees host controls")
		}
	}
	if resp := stranger.post(dash + "/next"); resp.status != http.StatusForbidden {
		t.Errorf("stranger POST next: status %d, want 403", resp.status)
	}
	// The host link makes another device a host.
	link, _ := host.get(dash).testid("host-link").Attr("value")
	u, err := url.Parse(link)
	if err != nil || !strings.Contains(u.Path, "/claim/") {
		t.Fatalf("host link = %q", link)
	}
	tablet := app.browser()
	if resp := tablet.get(u.Path); resp.status != http.StatusSeeOther || resp.location != dash {
		t.Fatalf("host link: status %d to %q", resp.status, resp.location)
	}
	if resp := tablet.get(dash); resp.status != http.StatusOK || resp.testid("next-singer").Length() != 1 {
		t.Errorf("after the host link: status %d", resp.status)
	}
	if resp := app.browser().get(dash + "/claim/not-the-key"); resp.status != http.StatusForbidden {
		t.Errorf("wrong key: status %d, want 403", resp.status)
	}
}

func TestGuestReplayingHostFormsIsRefused(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	ann, eve := app.guest(code, "Ann"), app.guest(code, "Eve")
	ann.request(code, "a1", "")
	eve.request(code, "e1", "")
	host.post(dash + "/next")
	ann.request(code, "a2", "")

	// Every POST form the host has: the dashboard's, and those of the pages
	// that ask before ending the night or removing a guest.
	page := host.get(dash)
	forms := postForms(page)
	forms = append(forms, postForms(host.get(dash+"/end"))...)
	removeURL, _ := page.testid("remove-singer").First().Attr("href")
	forms = append(forms, postForms(host.get(removeURL))...)
	if len(forms) < 10 {
		t.Fatalf("found only %d host forms", len(forms))
	}
	before := hostView(host, dash)
	for _, f := range forms {
		for _, htmx := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/htmx=%v", f.action, htmx), func(t *testing.T) {
				eve.htmx = htmx
				resp := eve.do("POST", f.action, f.values)
				if resp.status != http.StatusForbidden {
					t.Errorf("status = %d, want 403", resp.status)
				}
				if after := hostView(host, dash); after != before {
					t.Errorf("the night changed:\n before %s\n after  %s", before, after)
				}
			})
		}
	}
	eve.htmx = false
	if resp := eve.request(code, "still here", ""); resp.status != http.StatusSeeOther {
		t.Errorf("Eve can no longer request: status %d", resp.status)
	}
}

func TestStrangerSeesNoHostControls(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	guest := app.guest(code, "Ann", "a1")
	removeURL, _ := host.get(dash).testid("remove-singer").Attr("href")

	for _, path := range []string{dash, dash + "/end", removeURL, dash + "/claim/guessed-key"} {
		for _, who := range []struct {
			name string
			b    *browser
		}{{"stranger", app.browser()}, {"guest", guest}, {"stranger via htmx", app.htmxBrowser()}} {
			t.Run(who.name+" "+path, func(t *testing.T) {
				resp := who.b.get(path)
				if resp.status != http.StatusForbidden {
					t.Errorf("status = %d, want 403", resp.status)
				}
				if n := resp.doc.Find(`form[action^="/host/"], [data-testid="host-link"], [data-testid="queue"]`).Length(); n != 0 {
					t.Errorf("%d host controls shown", n)
				}
				if who.b.htmx && path == dash && resp.header.Get("HX-Refresh") != "true" {
					t.Error("an htmx refresh of a dashboard whose key is gone does not reload the page")
				}
			})
		}
	}
}

func TestNewHostLinkSignsOutOtherHosts(t *testing.T) {
	app := newTestApp(t)
	host := app.browser()
	dash, _ := host.hostSession("Friday")
	oldLink, _ := host.get(dash).testid("host-link").Attr("value")
	oldPath := mustURL(t, oldLink).Path
	tablet := app.browser()
	if resp := tablet.get(oldPath); resp.status != http.StatusSeeOther {
		t.Fatalf("claim: status %d", resp.status)
	}
	if resp := tablet.get(dash); resp.status != http.StatusOK {
		t.Fatalf("tablet dashboard: status %d", resp.status)
	}

	// The tablet makes a new link: the laptop is signed out.
	if resp := tablet.post(dash + "/host-link"); resp.status != http.StatusSeeOther || resp.location != dash {
		t.Fatalf("new host link: status %d to %q", resp.status, resp.location)
	}
	newLink, _ := tablet.get(dash).testid("host-link").Attr("value")
	if newLink == oldLink || newLink == "" {
		t.Fatalf("the host link did not change: %q", newLink)
	}
	if resp := host.get(dash); resp.status != http.StatusForbidden {
		t.Errorf("the other host device: status %d, want 403", resp.status)
	}
	if resp := host.post(dash + "/next"); resp.status != http.StatusForbidden {
		t.Errorf("the other host device's action: status %d, want 403", resp.status)
	}
	if resp := app.browser().get(oldPath); resp.status != http.StatusForbidden {
		t.Errorf("the old host link: status %d, want 403", resp.status)
	}
	if resp := host.get(mustURL(t, newLink).Path); resp.status != http.StatusSeeOther {
		t.Errorf("the new host link: status %d", resp.status)
	}
	if resp := host.get(dash); resp.status != http.StatusOK {
		t.Errorf("after the new link: status %d", resp.status)
	}
}

// TestStrangerCannotTellSessionsApart probes host pages as a stranger would
// to count sessions: a session that exists and one that does not give
// byte-identical answers, on every kind of host route and on the host link
// with a wrong key.
func TestStrangerCannotTellSessionsApart(t *testing.T) {
	app := newTestApp(t)
	_, dash, _ := app.hostNight()
	var id int64
	if _, err := fmt.Sscanf(dash, "/host/%d", &id); err != nil {
		t.Fatalf("dashboard path %q: %v", dash, err)
	}
	missing := id + 1
	if _, err := app.store.Session(t.Context(), missing); db.ErrorCode(err) != db.ENOTFOUND {
		t.Fatalf("session %d: %v, want none", missing, err)
	}
	for _, b := range []*browser{app.browser(), app.htmxBrowser()} {
		for _, probe := range []struct {
			method, path string
		}{
			{"GET", "/host/%d"},
			{"GET", "/host/%d/events"},
			{"GET", "/host/%d/end"},
			{"POST", "/host/%d/next"},
			{"POST", "/host/%d/requests/1/skip"},
			{"GET", "/host/%d/claim/not-the-key"},
		} {
			exists := b.do(probe.method, fmt.Sprintf(probe.path, id), url.Values{})
			absent := b.do(probe.method, fmt.Sprintf(probe.path, missing), url.Values{})
			if exists.status != absent.status || exists.body != absent.body {
				t.Errorf("%s %s (htmx %v): session %d answers %d, missing %d answers %d; want the same answer",
					probe.method, probe.path, b.htmx, id, exists.status, missing, absent.status)
			}
			if exists.status != http.StatusForbidden {
				t.Errorf("%s %s: status %d, want 403", probe.method, probe.path, exists.status)
			}
			for _, h := range []string{"HX-Refresh", "Content-Length", "Content-Type"} {
				if exists.header.Get(h) != absent.header.Get(h) {
					t.Errorf("%s %s: %s %q for a session, %q for none", probe.method, probe.path, h, exists.header.Get(h), absent.header.Get(h))
				}
			}
		}
	}
}
