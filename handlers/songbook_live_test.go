package handlers_test

import (
	"context"
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
