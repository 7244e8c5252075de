package handlers_test

import (
	"net/http"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/karaoke-night/karaoke/views"
)

// conditionalGet is b's GET of path naming etag in If-None-Match.
func (b *browser) conditionalGet(path, etag string) response {
	b.app.t.Helper()
	req, err := http.NewRequest("GET", b.app.server.URL+path, nil)
	if err != nil {
		b.app.t.Fatal(err)
	}
	req.Header.Set("If-None-Match", etag)
	return b.send(req)
}

// TestReloadIsNotModifiedUntilTheNightChanges: the guest's page and the
// TV's carry an ETag; a reload naming it is answered 304 with no body,
// until the night changes, when the page comes whole again. Another guest
// naming the first one's tag, and htmx asking for the fragment, get their
// own answers.
func TestReloadIsNotModifiedUntilTheNightChanges(t *testing.T) {
	app := newTestApp(t)
	_, _, code := app.hostNight()
	ana := app.guest(code, "Ana", "Dancing Queen")
	ben := app.guest(code, "Ben", "Valerie")
	tv := app.browser()
	htmx := app.htmxBrowser()
	htmx.client.Jar = ana.client.Jar

	pages := []struct {
		name string
		b    *browser
		path string
	}{
		{"guest", ana, "/j/" + code + "/"},
		{"display", tv, "/d/" + code + "/"},
	}
	etags := map[string]string{}
	for _, p := range pages {
		first := p.b.get(p.path)
		etag := first.header.Get("ETag")
		if first.status != http.StatusOK || etag == "" || !first.isPage() {
			t.Fatalf("%s: status %d, ETag %q", p.name, first.status, etag)
		}
		if got := first.header.Get("Cache-Control"); got != "private, no-cache" {
			t.Errorf("%s: Cache-Control %q", p.name, got)
		}
		etags[p.name] = etag
		again := p.b.conditionalGet(p.path, etag)
		if again.status != http.StatusNotModified || again.body != "" {
			t.Errorf("%s reload: status %d, %d bytes; want 304 and no body", p.name, again.status, len(again.body))
		}
		if got := again.header.Get("ETag"); got != etag {
			t.Errorf("%s reload: ETag %q, want %q", p.name, got, etag)
		}
	}

	if other := ben.conditionalGet("/j/"+code+"/", etags["guest"]); other.status != http.StatusOK || !other.isPage() {
		t.Errorf("Ben naming Ana's ETag: status %d, want his own page", other.status)
	}
	if frag := htmx.conditionalGet("/j/"+code+"/", etags["guest"]); frag.status != http.StatusOK || frag.isPage() || frag.body == "" {
		t.Errorf("htmx naming the page's ETag: status %d, page %v; want the fragment", frag.status, frag.isPage())
	}

	ben.request(code, "Wonderwall", "")
	for _, p := range pages {
		changed := p.b.conditionalGet(p.path, etags[p.name])
		if changed.status != http.StatusOK || !changed.isPage() {
			t.Fatalf("%s after a change: status %d, want the page", p.name, changed.status)
		}
		if changed.header.Get("ETag") == etags[p.name] {
			t.Errorf("%s after a change: the same ETag", p.name)
		}
		if titles := queueTitles(changed); len(titles) < 2 && p.name == "guest" {
			t.Errorf("%s after a change shows %q", p.name, titles)
		}
	}
}

// TestKeptPagesGetFreshOneTimeKeys: a page sent again from what was kept
// still carries a one-time key of its own in every form, so a song asked
// for from a reloaded page is never taken for a repeat of the last one.
func TestKeptPagesGetFreshOneTimeKeys(t *testing.T) {
	app := newTestApp(t)
	_, _, code := app.hostNight()
	ana := app.guest(code, "Ana", "Dancing Queen")
	seen := map[string]bool{}
	for range 3 {
		page := ana.get("/j/" + code + "/")
		page.doc.Find(`input[name="` + views.RetapField + `"]`).Each(func(_ int, s *goquery.Selection) {
			if k, _ := s.Attr("value"); !views.IsRetapKey(k) || k == views.RetapSlot {
				t.Errorf("key %q: a slot left, or not a key", k)
			}
		})
		// The request form's key is made at each render; the live
		// region's keys follow the state they act on (views.StateKey).
		k, _ := page.doc.Find(`#request-form input[name="` + views.RetapField + `"]`).Attr("value")
		if k == "" || seen[k] {
			t.Errorf("request form key %q: none, or sent before", k)
		}
		seen[k] = true
	}
	// Two songs asked for from two loads of the same version both land.
	first, second := ana.get("/j/"+code+"/"), ana.get("/j/"+code+"/")
	for i, page := range []response{first, second} {
		key, _ := page.doc.Find(`#request-form input[name="` + views.RetapField + `"]`).Attr("value")
		resp := ana.post("/j/"+code+"/requests", "title", []string{"Valerie", "Wonderwall"}[i], "artist", "", views.RetapField, key)
		if resp.status != http.StatusSeeOther || resp.header.Get("Karaoke-Retap") != "" {
			t.Errorf("song %d: status %d, %q", i, resp.status, resp.header.Get("Karaoke-Retap"))
		}
	}
	if got := queueTitles(ana.get("/j/" + code + "/")); len(got) != 3 {
		t.Errorf("queue %q, want three songs", got)
	}
}
