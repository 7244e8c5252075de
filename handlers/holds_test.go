package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/handlers"
	"github.com/karaoke-night/karaoke/live"
	"github.com/karaoke-night/karaoke/views"
)

// TestHoldMySpot: a guest holds their spot; the dashboard marks the song on
// hold, names the singer Start next starts past it and whom it passes
// over; the TV and the guest's page mark it; Start next (safe to repeat:
// it names the turn it ends) starts the next singer who is here; I'm back
// makes the held guest next. Each tap is safe to repeat.
func TestHoldMySpot(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	ann := app.guest(code, "Ann", "Jolene")
	app.guest(code, "Bob", "Africa")

	page := ann.get("/j/" + code)
	if page.testid(views.TestIDHoldSpot).Length() != 1 || page.testid(views.TestIDImBack).Length() != 0 {
		t.Fatal("Ann's page offers no Hold my spot")
	}
	for range 2 {
		if resp := ann.asHTMX().post("/j/" + code + "/hold"); resp.status != http.StatusOK || resp.isPage() {
			t.Fatalf("hold: status %d, page %v", resp.status, resp.isPage())
		}
	}
	page = ann.get("/j/" + code)
	if page.testid(views.TestIDImBack).Length() != 1 || page.testid("on-hold").Length() == 0 {
		t.Error("Ann's page on hold offers no I'm back, or marks no song on hold")
	}
	dashboard := host.get(dash)
	if got := strings.TrimSpace(dashboard.testid("next-singer").Find("button").Text()); got != "Start next: Bob" {
		t.Errorf("Start next reads %q", got)
	}
	if got := dashboard.testid("passed-over").Text(); got != "Start next passes over Ann (on hold)." {
		t.Errorf("the host is told %q", got)
	}
	if dashboard.doc.Find(`#host-queue [data-testid="on-hold"]`).Length() != 1 || dashboard.testid("release-hold").Length() != 1 {
		t.Error("the dashboard's queue marks no song on hold, or offers no release")
	}
	if tv := app.browser().get("/d/" + code); tv.testid("on-hold").Length() != 1 {
		t.Error("the TV marks no song on hold")
	}

	// Start next twice from the same page: the second names a turn that
	// has ended, so it changes nothing.
	ends := views.EndsNobody
	for i := range 2 {
		host.asHTMX().post(dash+"/next", views.EndsField, ends)
		if got := strings.Join(strings.Fields(host.get(dash).testid("now-singing").Find(".singer").Text()), " "); got != "Bob" {
			t.Fatalf("press %d: on stage %q, want Bob", i+1, got)
		}
	}
	if got := queueTitles(host.get(dash)); strings.Join(got, "|") != "Jolene" {
		t.Errorf("queue %v, want Jolene holding at its head", got)
	}
	if !strings.Contains(ann.get("/j/"+code).testid("on-hold-status").Text(), "Your turn came") {
		t.Error("Ann is not told her turn came")
	}
	for range 2 {
		if resp := ann.post("/j/" + code + "/back"); resp.status != http.StatusSeeOther {
			t.Fatalf("I'm back: status %d", resp.status)
		}
	}
	if ann.get("/j/"+code).testid("up-next").Length() != 1 {
		t.Error("Ann, back, is not up next")
	}
	if got := strings.TrimSpace(host.get(dash).testid("next-singer").Find("button").Text()); got != "Start next: Ann" {
		t.Errorf("Start next reads %q", got)
	}
}

// TestHostReleasesAHold: the host's release is a host action (logged,
// undoable); releasing again says the guest is no longer on hold.
func TestHostReleasesAHold(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	ann := app.guest(code, "Ann", "Jolene")
	ann.post("/j/" + code + "/hold")
	release, _ := host.get(dash).testid("release-hold").Parent().Attr("action")
	if release == "" {
		t.Fatal("no release form")
	}
	host.asHTMX().post(release)
	if host.get(dash).testid("on-hold").Length() != 0 {
		t.Error("still on hold after the release")
	}
	resp := host.asHTMX().post(release)
	if resp.status != http.StatusOK || !strings.Contains(resp.testid("host-notice").Text(), "Ann is no longer on hold.") {
		t.Errorf("a second release: status %d, notice %q", resp.status, resp.testid("host-notice").Text())
	}
	if !strings.Contains(ann.get("/j/"+code).testid("host-did").Text(), "released your hold") {
		t.Error("Ann is not told of the release")
	}
}

// TestHoldRunsOutAtItsMinute: the rules set how long a hold lasts (refused
// beside its field when out of range); once it has run out, the next write
// (here another guest's request) sends the held song to the back and the
// guest is told.
func TestHoldRunsOutAtItsMinute(t *testing.T) {
	app := newTestApp(t)
	clock := time.Now()
	app.store.Now = func() time.Time { return clock }
	host, dash, code := app.hostNight()
	resp := host.asHTMX().post(dash+"/settings", "singer_cap", "3", views.HoldMinutesField, "500")
	if resp.status != http.StatusUnprocessableEntity || !strings.Contains(resp.testid("error-"+views.HoldMinutesField).Text(), "from 1 to 120") {
		t.Errorf("a hold of 500 min: status %d, %q", resp.status, resp.testid("error-"+views.HoldMinutesField).Text())
	}
	if resp := host.asHTMX().post(dash+"/settings", "singer_cap", "3", views.HoldMinutesField, "5"); resp.status != http.StatusOK {
		t.Fatalf("a hold of 5 min: status %d", resp.status)
	}
	ann := app.guest(code, "Ann", "Jolene")
	app.guest(code, "Bob", "Africa")
	cat := app.guest(code, "Cat", "Zombie")
	ann.post("/j/" + code + "/hold")
	host.post(dash+"/next", views.EndsField, views.EndsNobody)
	clock = clock.Add(5 * time.Minute)
	cat.request(code, "Valerie", "")
	if got := strings.Join(queueTitles(host.get(dash)), "|"); got != "Zombie|Jolene|Valerie" {
		t.Errorf("queue %s, want Jolene sent to the back", got)
	}
	if got := ann.get("/j/" + code).testid("hold-lapsed").Text(); !strings.Contains(got, "went to the back of the line") {
		t.Errorf("Ann is told %q", got)
	}
}

// TestLiveTimerEndsAHoldAtItsMinute: the live frame asks the broker to look
// again when the first hold runs out, and the frame loaded then ends the
// hold with a write of its own, with no tap from anyone: the held song goes
// to the back and the guest's page says so.
func TestLiveTimerEndsAHoldAtItsMinute(t *testing.T) {
	app := newTestApp(t)
	var behind time.Duration
	app.store.Now = func() time.Time { return time.Now().Add(-behind) }
	behind = 10 * time.Minute
	host, dash, code := app.hostNight()
	ann := app.guest(code, "Ann", "Jolene")
	app.guest(code, "Bob", "Africa")
	app.guest(code, "Cat", "Zombie")
	ann.post("/j/" + code + "/hold")
	host.post(dash+"/next", views.EndsField, views.EndsNobody)
	id, err := strconv.ParseInt(strings.TrimPrefix(dash, "/host/"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	frame, err := handlers.LiveSource(app.store).Frame(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	next, _ := frame.(live.Clocked).ClockChange()
	if until := time.Until(next); until < 9*time.Minute || until > 11*time.Minute {
		t.Errorf("the frame looks again in %v, want when the hold runs out, in 10 min", until)
	}

	// Five minutes a hold: Ann's, started 10 minutes ago, has run out.
	host.post(dash+"/settings", "singer_cap", "3", views.HoldMinutesField, "5")
	behind = 0
	before, err := app.store.Night(context.Background(), id)
	if err != nil || !before.OnHold(before.Queue()[0].GuestID) {
		t.Fatalf("before the timer: %v; Ann's hold should stand until a write", err)
	}
	if frame, err = handlers.LiveSource(app.store).Frame(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	if frame.Version() <= before.Session.Version {
		t.Errorf("the frame is at version %d, want past %d: the hold's end is a write", frame.Version(), before.Session.Version)
	}
	if got := strings.Join(queueTitles(host.get(dash)), "|"); got != "Zombie|Jolene" {
		t.Errorf("queue %s, want Jolene sent to the back", got)
	}
	if got := ann.get("/j/" + code).testid("hold-lapsed").Text(); !strings.Contains(got, "went to the back") {
		t.Errorf("Ann is told %q", got)
	}
}

// TestWaitsLeaveOutSongsOnHold: a guest's "your next song" wait counts the
// songs Start next will start before theirs (db.Night.PlaceOf): Ann's song
// on hold at the head is in the line (Cy is 3rd) but not in the others'
// waits; Ann's own wait is as of her return, when she is next.
func TestWaitsLeaveOutSongsOnHold(t *testing.T) {
	app := newTestApp(t)
	_, _, code := app.hostNight()
	ann := app.guest(code, "Ann", "a1")
	bob := app.guest(code, "Bob", "b1")
	cy := app.guest(code, "Cy", "c1")
	ann.post("/j/" + code + "/hold")
	dee := app.guest(code, "Dee", "d1")
	for _, tt := range []struct {
		name        string
		guest       *browser
		place, wait string
	}{
		{"Ann, on hold", ann, "1st in line", "next"},
		{"Bob, behind her, is up next", bob, "", ""},
		{"Cy", cy, "3rd in line", "about 5 min"},
		{"Dee, asking after the hold began", dee, "4th in line", "about 10 min"},
	} {
		page := tt.guest.get("/j/" + code)
		if up := page.testid("up-next").Length() == 1; up != (tt.place == "") {
			t.Errorf("%s: up next %v", tt.name, up)
		}
		if got, got2 := text(page, "status-position"), text(page, "status-wait"); got != tt.place || got2 != tt.wait {
			t.Errorf("%s: %q, %q; want %q, %q", tt.name, got, got2, tt.place, tt.wait)
		}
	}
}
