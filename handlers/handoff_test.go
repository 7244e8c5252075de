package handlers_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/handlers"
)

// handoffOf asks the page's handoff address for the browser's handoff, as
// push.js does, and returns it.
func handoffOf(t *testing.T, b *browser, page string) string {
	t.Helper()
	at := b.get(page).testid("push-offer").AttrOr("data-handoff", "")
	if !strings.HasSuffix(at, "/handoff") {
		t.Fatalf("the push offer's data-handoff is %q", at)
	}
	r := b.get(at)
	if r.status != http.StatusOK || r.header.Get("Cache-Control") != "no-store" ||
		!strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET %s: status %d, Cache-Control %q, Content-Type %q", at, r.status,
			r.header.Get("Cache-Control"), r.header.Get("Content-Type"))
	}
	var got struct{ Handoff string }
	if err := json.Unmarshal([]byte(r.body), &got); err != nil || got.Handoff == "" {
		t.Fatalf("GET %s answered %q", at, r.body)
	}
	return got.Handoff
}

// opens sends b to page with the handoff, checks that it is sent on to
// page's clean address with no Referer, and follows it there.
func opens(t *testing.T, b *browser, page, handoff string) response {
	t.Helper()
	r := b.get(page + "?" + url.Values{"handoff": {handoff}}.Encode())
	if r.status != http.StatusSeeOther || r.location != page {
		t.Fatalf("opening the handoff: status %d to %q, want 303 to %s", r.status, r.location, page)
	}
	if r.header.Get("Referrer-Policy") != "no-referrer" || r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("the handoff's redirect has Referrer-Policy %q, Cache-Control %q",
			r.header.Get("Referrer-Policy"), r.header.Get("Cache-Control"))
	}
	return b.get(r.location)
}

// TestHandoffMakesTheHomeScreenAppTheSameGuest: a browser with no cookie
// (an iPhone's Home Screen app, started from the address Safari had)
// opening the guest's handoff becomes that guest, with their songs, on the
// page's clean address; a browser already a guest of the night stays who
// it is.
func TestHandoffMakesTheHomeScreenAppTheSameGuest(t *testing.T) {
	a, _, _ := pushApp(t)
	host, dash, code := a.hostNight()
	page := host.joinLink(dash)
	ann := a.guest(code, "Ann", "Valerie", "Jolene")
	bob := a.guest(code, "Bob", "Zombie")
	handoff := handoffOf(t, ann, page)

	app := a.browser() // the Home Screen app: no cookies at all
	got := opens(t, app, page, handoff)
	if songs := strings.Join(strings.Fields(got.testid("my-requests").Text()), " "); !strings.Contains(songs, "Valerie") || !strings.Contains(songs, "Jolene") {
		t.Errorf("the Home Screen app's page shows songs %q, want Ann's Valerie and Jolene", songs)
	}
	if got.testid("join-form").Length() != 0 {
		t.Error("the Home Screen app was shown the join form")
	}
	// Its later launches open the same address: it stays Ann, and adds as Ann.
	opens(t, app, page, handoff)
	if r := app.request(code, "Hallelujah", ""); r.status != http.StatusSeeOther {
		t.Fatalf("the Home Screen app's request: status %d", r.status)
	}
	if songs := ann.get(page).testid("my-requests").Text(); !strings.Contains(songs, "Hallelujah") {
		t.Errorf("Ann's Safari does not show the song her Home Screen app added: %q", songs)
	}

	// Bob opening Ann's handoff stays Bob.
	mine := opens(t, bob, page, handoff)
	if songs := mine.testid("my-requests").Text(); !strings.Contains(songs, "Zombie") || strings.Contains(songs, "Valerie") {
		t.Errorf("Bob, opening Ann's handoff, sees songs %q: he was switched", songs)
	}
}

// TestHandoffOpensNothingElse: a handoff made up, changed, for another
// night, past its lifetime, after its night ended or for a removed guest
// gets the ordinary page (the join form) with no cookie and no word of
// why; the handoff address gives nothing (403) to a browser that is no
// present guest, nor to another site.
func TestHandoffOpensNothingElse(t *testing.T) {
	a, _, _ := pushApp(t)
	host, dash, code := a.hostNight()
	page := host.joinLink(dash)
	ann := a.guest(code, "Ann", "Valerie")
	handoff := handoffOf(t, ann, page)
	other, otherDash, otherCode := a.hostNight()
	otherPage := other.joinLink(otherDash)
	a.guest(otherCode, "Ann", "Toxic") // the same name, another night

	nothing := func(what, page, handoff string) {
		t.Helper()
		b := a.browser()
		got := opens(t, b, page, handoff)
		if got.testid("join-form").Length() != 1 || got.testid("my-requests").Length() != 0 {
			t.Errorf("%s: the page is not the join form", what)
		}
		if cookies := b.client.Jar.Cookies(mustURL(t, a.server.URL)); len(cookies) != 0 {
			t.Errorf("%s: the browser was given cookies %v", what, cookies)
		}
		if strings.Contains(strings.ToLower(got.body), "handoff") {
			t.Errorf("%s: the page speaks of the handoff", what)
		}
	}
	changed := []byte(handoff)
	changed[len(changed)-3] ^= 1
	nothing("a changed handoff", page, string(changed))
	nothing("a made-up handoff", page, "abc.def")
	nothing("an empty handoff", page, "")
	nothing("another night's handoff", otherPage, handoff)

	if r := a.browser().get(page + "/handoff"); r.status != http.StatusForbidden {
		t.Errorf("a stranger's handoff: status %d, want 403", r.status)
	}
	ann.header = http.Header{"Sec-Fetch-Site": {"cross-site"}}
	if r := ann.get(page + "/handoff"); r.status != http.StatusForbidden {
		t.Errorf("a handoff asked for by another site: status %d", r.status)
	}
	ann.header = nil

	now := time.Now()
	a.store.Now = func() time.Time { return now.Add(db.HandoffLifetime + time.Minute) }
	nothing("a handoff past its lifetime", page, handoff)
	a.store.Now = time.Now

	ben := a.guest(code, "Ben", "Zombie")
	bens := handoffOf(t, ben, page)
	removeGuest(t, host, dash, "Ben")
	nothing("a removed guest's handoff", page, bens)
	if r := ben.get(page + "/handoff"); r.status != http.StatusForbidden {
		t.Errorf("a removed guest's handoff address: status %d, want 403", r.status)
	}

	if r := host.post(dash + "/end"); r.status >= 400 {
		t.Fatalf("end: status %d", r.status)
	}
	b := a.browser()
	opens(t, b, page, handoff)
	if cookies := b.client.Jar.Cookies(mustURL(t, a.server.URL)); len(cookies) != 0 {
		t.Errorf("an ended night's handoff gave cookies %v", cookies)
	}
}

// TestMadeUpHandoffsCountAsWrongCodes: made-up handoffs from one address
// use up its allowance of wrong codes like wrong codes do, and then its
// code look-ups wait; genuine handoffs past their time do not count.
func TestMadeUpHandoffsCountAsWrongCodes(t *testing.T) {
	a, rate := codesApp(t)
	host, dash, code := a.hostNight()
	page := host.joinLink(dash)
	ann := a.guest(code, "Ann")
	var got struct{ Handoff string }
	if r := ann.get(page + "/handoff"); json.Unmarshal([]byte(r.body), &got) != nil || got.Handoff == "" {
		t.Fatalf("the handoff address answered %d %q", r.status, r.body)
	}

	now := time.Now()
	a.store.Now = func() time.Time { return now.Add(db.HandoffLifetime + time.Minute) }
	for range rate.Requests + 1 {
		if status, _ := a.from("10.0.0.1", "GET", page+"?handoff="+url.QueryEscape(got.Handoff)); status != http.StatusSeeOther {
			t.Fatalf("an old handoff: status %d", status)
		}
	}
	a.store.Now = time.Now
	if status, _ := a.from("10.0.0.1", "GET", "/j/"+code); status != http.StatusOK {
		t.Errorf("after %d old handoffs the right code answers %d, want 200", rate.Requests+1, status)
	}

	for i := range rate.Requests + 1 {
		forged := strings.Replace(got.Handoff, ".", ".A", 1) + strings.Repeat("B", i)
		if status, _ := a.from("10.0.0.2", "GET", page+"?handoff="+url.QueryEscape(forged)); status != http.StatusSeeOther {
			t.Fatalf("a made-up handoff: status %d", status)
		}
	}
	if status, _ := a.from("10.0.0.2", "GET", "/j/"+code); status != http.StatusTooManyRequests {
		t.Errorf("after %d made-up handoffs the code answers %d, want 429", rate.Requests+1, status)
	}
}

// TestHandoffIsNeverLogged: the app's log, at its most talkative, never
// holds a handoff: not when it is given, opened, made up, sent on as the
// Referer of the page's later requests, nor when the database fails.
func TestHandoffIsNeverLogged(t *testing.T) {
	var logged strings.Builder
	log := slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a := newTestAppWith(t, handlers.Config{Log: log})
	host, dash, code := a.hostNight()
	page := host.joinLink(dash)
	ann := a.guest(code, "Ann", "Valerie")
	var got struct{ Handoff string }
	if r := ann.get(page + "/handoff"); json.Unmarshal([]byte(r.body), &got) != nil || got.Handoff == "" {
		t.Fatalf("the handoff address answered %d %q", r.status, r.body)
	}
	with := page + "?" + url.Values{"handoff": {got.Handoff}}.Encode()
	opens(t, a.browser(), page, got.Handoff)
	opens(t, a.browser(), page, got.Handoff+"x")
	ann.header = http.Header{"Referer": {a.server.URL + with}}
	ann.request(code, "", "") // refused: 422, with the handoff in its Referer
	a.store.Close()
	if r := a.browser().get(with); r.status < 500 {
		t.Fatalf("with the database closed, the handoff got %d", r.status)
	}
	if r := ann.get(page + "/handoff"); r.status < 500 {
		t.Fatalf("with the database closed, the handoff address answered %d", r.status)
	}
	if !strings.Contains(logged.String(), "request failed") {
		t.Fatalf("nothing failed, so the test proves nothing; the log: %s", logged.String())
	}
	secret := strings.SplitN(got.Handoff, ".", 2)[1]
	if strings.Contains(logged.String(), secret[:16]) || strings.Contains(logged.String(), "handoff=") {
		t.Errorf("the log holds the handoff: %s", logged.String())
	}
}
