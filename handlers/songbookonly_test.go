package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/karaoke-night/karaoke/db"
)

// TestSongbookOnlyRule: the host ticks "songbook only" in the rules; with a
// songbook the guest's page has the search and no fields to type a song in,
// a song typed in anyway is refused with 422 and the message, and a song
// picked from the book goes in. Without a songbook the rule does nothing.
func TestSongbookOnlyRule(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	guest := app.guest(code, "Ana")

	saved := host.post(dash+"/settings", "singer_cap", "3", "songbook_only", "1")
	if saved.status != http.StatusSeeOther {
		t.Fatalf("save the rules: status %d", saved.status)
	}
	rules := host.get(dash).testid("settings-form")
	if _, on := rules.Find(`input[name="songbook_only"]`).Attr("checked"); !on {
		t.Error("the rules form does not show songbook only ticked")
	}
	if !strings.Contains(rules.Text(), "without one, guests type their songs in") {
		t.Error("the rules form does not say the rule needs a songbook")
	}

	// No songbook yet: the rule does nothing.
	page := guest.get("/j/" + code)
	if page.testid("request-form").Find(`input[name="title"]`).Length() != 1 {
		t.Error("without a songbook the guest has no request form")
	}
	if resp := guest.request(code, "Waterloo", "ABBA"); resp.status != http.StatusSeeOther {
		t.Errorf("a song typed in without a songbook: status %d, want it added", resp.status)
	}

	app.withSongbook(dash, testSongbook)
	page = guest.get("/j/" + code)
	if page.testid("song-search").Length() != 1 {
		t.Error("the guest's page has no song search")
	}
	if n := page.doc.Find(`input[name="title"], input[name="artist"]`).Length(); n != 0 {
		t.Errorf("the guest's page has %d fields to type a song in, want none", n)
	}
	for _, htmx := range []bool{false, true} {
		guest.htmx = htmx
		resp := guest.post("/j/"+code+"/requests", "title", "Made Up", "artist", "Nobody")
		if resp.status != http.StatusUnprocessableEntity {
			t.Errorf("htmx %v: a song typed in: status %d, want 422", htmx, resp.status)
		}
		if got := resp.testid("form-error").Text(); got != db.MessageSongbookOnly {
			t.Errorf("htmx %v: message %q, want %q", htmx, got, db.MessageSongbookOnly)
		}
		if resp.isPage() == htmx {
			t.Errorf("htmx %v: got a page %v", htmx, resp.isPage())
		}
	}
	guest.htmx = false
	if got := strings.Join(queueTitles(host.get(dash)), ","); got != "Waterloo" {
		t.Errorf("queue = %q, want Waterloo alone", got)
	}
	id := songIDOf(t, guest.get(searchPath(code, "zombie")), "Zombie")
	if resp := guest.post("/j/"+code+"/requests", "song_id", id); resp.status != http.StatusSeeOther {
		t.Errorf("a song from the songbook: status %d", resp.status)
	}
	if got := strings.Join(queueTitles(host.get(dash)), ","); got != "Waterloo,Zombie" {
		t.Errorf("queue = %q, want Waterloo,Zombie", got)
	}
}
