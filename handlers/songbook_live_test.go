package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/karaoke-night/karaoke/handlers"
	"github.com/karaoke-night/karaoke/live"
	"github.com/karaoke-night/karaoke/views"
)

// The host's stream carries the night's songbook and its size, so an
// import finished on one device shows on every host page.
func TestHostStreamSendsTheSongbookSize(t *testing.T) {
	app := newTestApp(t)
	host, dash, _ := app.hostNight()
	id, err := strconv.ParseInt(strings.TrimPrefix(dash, "/host/"), 10, 64)
	if err != nil {
		t.Fatalf("dashboard path %q: %v", dash, err)
	}
	sizeEvent := func() string {
		t.Helper()
		frame, err := handlers.LiveSource(app.store).Frame(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		events, err := frame.Events(live.Listener{SessionID: id, Page: live.PageHost})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			if e.Name == views.EventHostSongbook {
				return string(e.HTML)
			}
		}
		t.Fatalf("the host's events have no %q", views.EventHostSongbook)
		return ""
	}
	if got := sizeEvent(); !strings.Contains(got, `data-testid="songbook-none"`) {
		t.Errorf("before an import the songbook event is %s, want no songbook", got)
	}
	if resp := host.upload(dash+"/songbook", "Friday", "list.csv", []byte(songCSV)); resp.status != 200 {
		t.Fatalf("import: %d", resp.status)
	}
	if got := sizeEvent(); !strings.Contains(got, "Friday") || !strings.Contains(got, `<strong data-testid="songbook-count">3 songs</strong>`) {
		t.Errorf("after an import the songbook event is %s, want Friday: 3 songs", got)
	}
}

// The song results shown follow the night: they carry the address that
// asks for them again, which the page calls when the guests' stream sends
// EventGuestSongs, and that event changes when a request is added.
func TestSongResultsFollowTheNight(t *testing.T) {
	app := newTestApp(t)
	_, dash, code := app.hostNight()
	app.withSongbook(dash, testSongbook)
	id, _ := strconv.ParseInt(strings.TrimPrefix(dash, "/host/"), 10, 64)
	guest := app.htmxBrowser()
	guest.join(code, "Ana")

	results := guest.get(searchPath(code, "halo"))
	refresh := results.testid("song-refresh")
	url, _ := refresh.Attr("hx-get")
	trigger, _ := refresh.Attr("hx-trigger")
	if !strings.HasSuffix(url, "/songs?q=halo") || trigger != views.SSETrigger(views.EventGuestSongs) {
		t.Fatalf("results refresh by %q on %q, want the same search on the songs event", url, trigger)
	}
	if resp := guest.get(url); resp.testid("song-waiting").Length() != 0 {
		t.Fatal("Halo is waiting before anyone asked for it")
	}

	mark := func() string {
		t.Helper()
		frame, err := handlers.LiveSource(app.store).Frame(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		events, err := frame.Events(live.Listener{SessionID: id, Page: live.PageGuest, GuestID: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			if e.Name == views.EventGuestSongs {
				return string(e.HTML)
			}
		}
		t.Fatalf("the guests' events have no %q", views.EventGuestSongs)
		return ""
	}
	before := mark()
	bob := app.guest(code, "Bob")
	if resp := bob.post("/j/"+code+"/requests", "song_id", songIDOf(t, bob.get(searchPath(code, "halo")), "Halo")); resp.status != http.StatusSeeOther {
		t.Fatalf("Bob's request: %d", resp.status)
	}
	if after := mark(); after == before {
		t.Error("the songs event did not change when a song was requested")
	}
	if resp := guest.get(url); resp.testid("song-waiting").Length() != 1 {
		t.Error("asked again, Halo is not flagged waiting")
	}
}
