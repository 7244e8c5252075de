package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// standbyTitles returns the titles on the page's standby list, in order.
func standbyTitles(r response) string {
	var out []string
	r.testid("standby-item").Each(func(_ int, s *goquery.Selection) {
		out = append(out, strings.TrimSpace(s.Find(".title").Text()))
	})
	return strings.Join(out, " ")
}

// standbyAction returns the URL of a standby song's button (standby-up,
// standby-down, standby-remove).
func standbyAction(t *testing.T, page response, title, button string) string {
	t.Helper()
	var url string
	page.testid("standby-item").Each(func(_ int, s *goquery.Selection) {
		if strings.TrimSpace(s.Find(".title").Text()) == title {
			url = s.Find(`[data-testid="`+button+`"]`).Closest("form").AttrOr("action", "")
		}
	})
	if url == "" {
		t.Fatalf("no %s for %q on the page", button, title)
	}
	return url
}

// TestStandbyListWithoutScript: a guest at the cap is offered the standby
// list; with plain posts they add to it, reorder it and remove from it, and
// when their song starts the first one moves into the queue.
func TestStandbyListWithoutScript(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	if resp := host.post(dash+"/settings", "singer_cap", "1"); resp.status != http.StatusSeeOther {
		t.Fatalf("settings: %d", resp.status)
	}
	ana := app.guest(code, "Ana", "Jolene")
	bob := app.guest(code, "Bob", "Africa")

	page := ana.get("/j/" + code)
	if page.testid("add-standby").Length() != 1 {
		t.Fatal("at the cap, the form does not offer the standby list")
	}
	// Asking for the queue anyway: refused, with the offer beside it.
	resp := ana.request(code, "Valerie", "")
	if resp.status != http.StatusUnprocessableEntity || resp.testid("add-standby").Length() != 1 {
		t.Fatalf("a request over the cap: status %d, offer %d", resp.status, resp.testid("add-standby").Length())
	}
	for _, title := range []string{"Valerie", "Toxic", "Dancing Queen"} {
		if resp := ana.post("/j/"+code+"/requests", "title", title, "to", "standby"); resp.status != http.StatusSeeOther {
			t.Fatalf("standby %s: status %d", title, resp.status)
		}
	}
	// Bad input is refused beside its field and writes nothing.
	resp = ana.post("/j/"+code+"/requests", "title", " ", "to", "standby")
	if resp.status != http.StatusUnprocessableEntity || resp.testid("error-title").Length() != 1 {
		t.Errorf("an empty title: status %d", resp.status)
	}
	resp = ana.post("/j/"+code+"/requests", "title", "Africa", "to", "standby")
	if resp.status != http.StatusUnprocessableEntity || resp.testid("confirm-duplicate").AttrOr("value", "") != "standby" {
		t.Errorf("a song already waiting: status %d, want the question, still for the standby list", resp.status)
	}
	page = ana.get("/j/" + code)
	if got, want := standbyTitles(page), "Valerie Toxic Dancing Queen"; got != want {
		t.Fatalf("standby = %q, want %q", got, want)
	}
	// Private: Bob's page shows none of it, and his post at her song is refused.
	if got := standbyTitles(bob.get("/j/" + code)); got != "" {
		t.Errorf("Bob sees standby songs %q", got)
	}
	remove := standbyAction(t, page, "Toxic", "standby-remove")
	if resp := bob.post(remove); resp.status != http.StatusNotFound {
		t.Errorf("Bob removing Ana's song: status %d, want 404", resp.status)
	}
	// Reordered and removed, each tap safe to repeat.
	ana.post(standbyAction(t, page, "Dancing Queen", "standby-up"))
	if got, want := standbyTitles(ana.get("/j/"+code)), "Valerie Dancing Queen Toxic"; got != want {
		t.Errorf("after up: %q, want %q", got, want)
	}
	for range 2 {
		if resp := ana.post(remove); resp.status != http.StatusSeeOther {
			t.Errorf("remove: status %d", resp.status)
		}
	}
	if got, want := standbyTitles(ana.get("/j/"+code)), "Valerie Dancing Queen"; got != want {
		t.Errorf("after remove: %q, want %q", got, want)
	}
	// Her song starts: Valerie moves into the queue, behind Bob.
	host.post(dash+"/next", "ends", "none")
	page = ana.get("/j/" + code)
	if got, want := standbyTitles(page), "Dancing Queen"; got != want {
		t.Errorf("after her turn started: standby %q, want %q", got, want)
	}
	if got, want := page.testid("standby-moved").Text(), "“Valerie” moved from your standby list into the queue."; got != want {
		t.Errorf("notice = %q, want %q", got, want)
	}
	if got, want := strings.Join(queueTitles(page), " "), "Africa Valerie"; got != want {
		t.Errorf("queue = %q, want %q", got, want)
	}
}

// TestStandbyWithHTMX: the form's standby button answers with the cleared
// form and the guest's live part, the song on the list.
func TestStandbyWithHTMX(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	host.post(dash+"/settings", "singer_cap", "1")
	ana := app.guest(code, "Ana", "Jolene")
	ana.htmx = true
	resp := ana.post("/j/"+code+"/requests", "title", "Valerie", "artist", "Amy Winehouse", "to", "standby")
	if resp.status != http.StatusOK || resp.isPage() {
		t.Fatalf("status %d, page %v", resp.status, resp.isPage())
	}
	if got, want := resp.testid("request-added").Text(), "Put “Valerie” on your standby list."; got != want {
		t.Errorf("says %q, want %q", got, want)
	}
	if got := standbyTitles(resp); got != "Valerie" {
		t.Errorf("standby = %q, want Valerie", got)
	}
	if resp.testid("add-standby").Length() != 1 {
		t.Error("the cleared form no longer offers the standby list")
	}
	move := standbyAction(t, resp, "Valerie", "standby-remove")
	resp = ana.post(move)
	if resp.status != http.StatusOK || standbyTitles(resp) != "" {
		t.Errorf("remove: status %d, standby %q", resp.status, standbyTitles(resp))
	}
	// Again: the song is gone; the page says so, and nothing breaks.
	if resp := ana.post(move); resp.status != http.StatusOK {
		t.Errorf("remove again: status %d", resp.status)
	}
	// Her song has started since the form offered the list: the song goes
	// straight into the queue, and the form says so.
	host.post(dash+"/next", "ends", "none")
	resp = ana.post("/j/"+code+"/requests", "title", "Toxic", "to", "standby")
	if got, want := resp.testid("request-added").Text(), "Added “Toxic” to the queue."; got != want {
		t.Errorf("below the cap: says %q, want %q", got, want)
	}
	if got := resp.testid("my-request").Find(".title").Text(); got != "Toxic" {
		t.Errorf("her songs = %q, want Toxic", got)
	}
}
