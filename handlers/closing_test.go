package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
)

// clockIn is the time of day in zone a number of minutes from now.
func clockIn(t *testing.T, zone string, from time.Duration) string {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	return time.Now().Add(from).In(loc).Format("15:04")
}

// TestClosingTimeForm: the rules form sets the zone and the closing time;
// a time or a zone that is not one is refused beside its field with 422,
// and nothing is written.
func TestClosingTimeForm(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	form := host.get(dash).testid("settings-form")
	if form.Find(`select[name="time_zone"] option[value="Europe/Lisbon"]`).Length() != 1 || form.Find(`input[name="closing"][type="time"]`).Length() != 1 {
		t.Fatal("the rules form has no time zone list or closing field")
	}
	session := func() db.Session {
		sess, err := app.store.SessionByCode(context.Background(), code)
		if err != nil {
			t.Fatal(err)
		}
		return sess
	}
	before := session()
	for _, tt := range []struct{ zone, closing, field, says string }{
		{"Atlantis/Capital", "01:30", "time_zone", "Choose a time zone"},
		{"Europe/Lisbon", "half one", "closing", "like 01:30"},
	} {
		resp := host.asHTMX().post(dash+"/settings", "singer_cap", "3", "time_zone", tt.zone, "closing", tt.closing)
		if resp.status != http.StatusUnprocessableEntity || resp.isPage() {
			t.Errorf("%s: status %d (page %v), want a 422 fragment", tt.field, resp.status, resp.isPage())
		}
		if msg := resp.testid("error-" + tt.field).Text(); !strings.Contains(msg, tt.says) {
			t.Errorf("%s: message %q, want %q", tt.field, msg, tt.says)
		}
		if got := resp.doc.Find(`[aria-invalid="true"]`).AttrOr("name", ""); got != tt.field {
			t.Errorf("%s: the field marked invalid is %q", tt.field, got)
		}
	}
	if after := session(); after.Version != before.Version {
		t.Errorf("refused settings wrote: version %d → %d", before.Version, after.Version)
	}

	closing := clockIn(t, "Europe/Lisbon", 2*time.Hour)
	resp := host.post(dash+"/settings", "singer_cap", "3", "time_zone", "Europe/Lisbon", "closing", closing)
	if resp.status != http.StatusSeeOther {
		t.Fatalf("save: status %d", resp.status)
	}
	sess := session()
	if sess.TimeZone != "Europe/Lisbon" || sess.ClosingClock() != closing {
		t.Errorf("saved zone %q closing %q, want Europe/Lisbon %s", sess.TimeZone, sess.ClosingClock(), closing)
	}
	page := host.get(dash)
	if got := page.testid("settings-form").Find(`input[name="closing"]`).AttrOr("value", ""); got != closing {
		t.Errorf("the form shows closing %q, want %s", got, closing)
	}
	if line := page.testid("host-closing").Text(); !strings.Contains(line, "Closing at "+closing) {
		t.Errorf("the dashboard's closing line is %q", line)
	}
}

// TestClosingRefusesLateRequest: a request estimated to start after
// closing is refused beside the form with 422 and the closing time; the
// host's +15 min lets it in.
func TestClosingRefusesLateRequest(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	ann := app.guest(code, "Ann", "Africa")
	if resp := host.post(dash+"/next", "ends", "none"); resp.status >= 400 {
		t.Fatalf("start next: %d", resp.status)
	}
	cat := app.guest(code, "Cat", "Zombie")
	// Ann sings now; Cat's song starts in about 5 minutes (a default turn
	// and changeover), after a closing 3 to 4 minutes away: it stays in
	// the queue, marked for the host.
	closing := clockIn(t, "UTC", 4*time.Minute)
	if resp := host.post(dash+"/settings", "singer_cap", "3", "time_zone", "UTC", "closing", closing); resp.status != http.StatusSeeOther {
		t.Fatalf("save: status %d", resp.status)
	}
	if cat.get("/j/"+code).testid("my-request").Find(`[data-testid="after-closing"]`).Length() != 1 {
		t.Error("Cat's page does not say her song is after closing")
	}
	page := host.get(dash)
	if got := page.testid("after-closing").Closest(`[data-testid="queue-item"]`).Find(".title").Text(); got != "Zombie" {
		t.Errorf("the song marked after closing is %q, want Zombie", got)
	}
	if line := page.testid("host-closing").Text(); !strings.Contains(line, "Last call:") || !strings.Contains(line, "1 song waiting won't fit") {
		t.Errorf("the closing line reads %q", strings.Join(strings.Fields(line), " "))
	}
	bob := app.guest(code, "Bob")
	for _, b := range []*browser{bob, bob.asHTMX()} {
		resp := b.request(code, "Valerie", "")
		if resp.status != http.StatusUnprocessableEntity {
			t.Fatalf("late request: status %d, want 422", resp.status)
		}
		if got, want := resp.testid("form-error").Text(), "No more songs fit before closing at "+closing+"."; got != want {
			t.Errorf("message %q, want %q", got, want)
		}
		if got := resp.testid("request-form").Find(`input[name="title"]`).AttrOr("value", ""); got != "Valerie" {
			t.Errorf("the form lost what was typed: %q", got)
		}
	}
	// Last call, on the guest page and the TV.
	if ann.get("/j/"+code).testid("last-call").Length() != 1 {
		t.Error("the guest page has no last call 4 minutes before closing")
	}
	if host.get("/d/"+code).testid("last-call").Length() != 1 {
		t.Error("the TV has no last call 4 minutes before closing")
	}
	resp := host.asHTMX().post(dash+"/closing/extend", "minutes", "15")
	if resp.status != http.StatusOK || resp.isPage() {
		t.Fatalf("extend: status %d (page %v), want a fragment", resp.status, resp.isPage())
	}
	// The pressing device's rules form shows the new time, out of band.
	at, err := time.Parse("15:04", closing)
	if err != nil {
		t.Fatal(err)
	}
	want := at.Add(15 * time.Minute).Format("15:04")
	if got := resp.doc.Find(`#settings-form[hx-swap-oob] input[name="closing"]`).AttrOr("value", ""); got != want {
		t.Errorf("the form sent with the extension shows %q, want %s", got, want)
	}
	if resp := bob.request(code, "Valerie", ""); resp.status != http.StatusSeeOther {
		t.Errorf("after +15 min the request got %d", resp.status)
	}
	if n := host.get(dash).testid("after-closing").Length(); n != 0 {
		t.Errorf("%d songs marked after closing once it moved 15 minutes later", n)
	}
	if resp := host.post(dash+"/closing/extend", "minutes", "9999"); resp.status < 400 {
		t.Errorf("an extension of 9999 minutes got %d", resp.status)
	}
}

// asHTMX is the same browser (its cookies) sending as htmx does.
func (b *browser) asHTMX() *browser { c := *b; c.htmx = true; return &c }
