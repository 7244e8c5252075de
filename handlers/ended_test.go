package handlers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/karaoke-night/karaoke/handlers"
	"github.com/karaoke-night/karaoke/live"
)

// TestShowNotesSetting: the rules form's show_notes box, off by default,
// is saved with the cap, and an unticked box turns it off again.
func TestShowNotesSetting(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	if box := host.get(dash).testid("settings-form").Find(`input[name="show_notes"]`); box.Length() != 1 || box.Is(":checked") {
		t.Fatal("notes on the TV are on before the host asked")
	}
	for _, on := range []bool{true, false} {
		form := []string{"singer_cap", "3"}
		if on {
			form = append(form, "show_notes", "1")
		}
		if resp := host.post(dash+"/settings", form...); resp.status >= 400 {
			t.Fatalf("save: status %d", resp.status)
		}
		sess, err := app.store.SessionByCode(context.Background(), code)
		if err != nil {
			t.Fatal(err)
		}
		if sess.ShowNotes != on {
			t.Errorf("after saving show_notes=%v the session has %v", on, sess.ShowNotes)
		}
	}
}

// TestStreamsLastEventsLeavePagesEnded: the events the stream sends once the
// night has ended take the forms and the QR code off the open pages.
func TestStreamsLastEventsLeavePagesEnded(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	app.guest(code, "Ann", "Valerie")
	ctx := context.Background()
	sess, err := app.store.SessionByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if resp := host.post(dash + "/end"); resp.status >= 400 {
		t.Fatalf("end: status %d", resp.status)
	}
	frame, err := handlers.LiveSource(app.store).Frame(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !frame.Ended() {
		t.Fatal("the frame of an ended night is not ended")
	}
	guests, err := app.store.Guests(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		page  string
		guest int64
		want  string // what an event must carry
	}{
		{live.PageGuest, guests[0].ID, `<div id="request-area" hx-swap-oob="outerHTML">`},
		{live.PageDisplay, 0, `<aside id="display-join" class="display-join ended" data-testid="display-thanks" hx-swap-oob="outerHTML">`},
		{live.PageJoin, 0, `<div id="join-area" hx-swap-oob="outerHTML">`},
	}
	for _, tt := range tests {
		events, err := frame.Events(live.Listener{SessionID: sess.ID, Page: tt.page, GuestID: tt.guest})
		if err != nil {
			t.Fatal(err)
		}
		var all strings.Builder
		for _, e := range events {
			all.Write(e.HTML)
		}
		if !strings.Contains(all.String(), tt.want) {
			t.Errorf("%s page's last events lack %s:\n%s", tt.page, tt.want, all.String())
		}
		for _, gone := range []string{"Withdraw", "in line", "<img", "<form"} {
			if strings.Contains(all.String(), gone) {
				t.Errorf("%s page's last events still carry %q", tt.page, gone)
			}
		}
	}
}
