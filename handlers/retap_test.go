package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/karaoke-night/karaoke/views"
)

// formOn is the form with the given data-testid on a page, as the page
// offers it (hidden fields included), with some fields filled in.
func formOn(t *testing.T, page response, testid string, fill ...string) postForm {
	t.Helper()
	f := page.testid(testid)
	if f.Length() != 1 {
		t.Fatalf("no form %q on the page", testid)
	}
	action, _ := f.Attr("action")
	values := url.Values{}
	for _, in := range f.Find("input[name]").Nodes {
		var name, value string
		for _, a := range in.Attr {
			switch a.Key {
			case "name":
				name = a.Val
			case "value":
				value = a.Val
			}
		}
		values.Set(name, value)
	}
	for i := 0; i+1 < len(fill); i += 2 {
		values.Set(fill[i], fill[i+1])
	}
	return postForm{action: action, values: values}
}

// TestTapTwiceActsOnce: the same form posted twice with its one-time key
// (a double tap, a retry after the answer was lost) acts once, and the
// second post gets the first one's answer.
func TestTapTwiceActsOnce(t *testing.T) {
	tests := []struct {
		name string
		htmx bool
		// tap sets up a night and returns who taps, the form they tap and
		// what the host sees of what the tap changes.
		tap func(app *testApp) (*browser, postForm, func() string)
	}{
		{"guest requests a song", false, guestRequests},
		{"guest requests a song, htmx", true, guestRequests},
		{"guest joins", false, guestJoins},
		{"guest joins, htmx", true, guestJoins},
		{"host starts the next singer", false, hostStartsNext},
		{"host starts the next singer, htmx", true, hostStartsNext},
		{"guest withdraws a song", false, guestWithdraws},
		{"guest withdraws a song, htmx", true, guestWithdraws},
		{"host adds a walk-up singer", false, hostAddsWalkup},
		{"host adds a walk-up singer, htmx", true, hostAddsWalkup},
		{"host saves the rules, htmx", true, hostSavesRules},
		{"host ends the night", false, hostEnds},
		{"host stops the turn, htmx", true, hostStops},
		{"host undoes, htmx", true, hostUndoes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := newTestApp(t)
			b, form, seen := tt.tap(app)
			tap := func() response {
				b.htmx = tt.htmx
				defer func() { b.htmx = false }()
				return b.do("POST", form.action, form.values)
			}
			if form.values.Get(views.RetapField) == "" {
				t.Fatal("the form carries no one-time key")
			}
			before := seen()
			first := tap()
			once := seen()
			if once == before {
				t.Fatalf("the first tap changed nothing (status %d): %s", first.status, once)
			}
			second := tap()
			if got := seen(); got != once {
				t.Errorf("the second tap changed the night:\nonce  %s\ntwice %s", once, got)
			}
			if first.status != second.status || first.location != second.location || first.body != second.body {
				t.Errorf("second answer %d %q (%d bytes), want the first's %d %q (%d bytes)",
					second.status, second.location, len(second.body), first.status, first.location, len(first.body))
			}
			if first.header.Get("HX-Redirect") != second.header.Get("HX-Redirect") {
				t.Errorf("HX-Redirect %q, then %q", first.header.Get("HX-Redirect"), second.header.Get("HX-Redirect"))
			}
		})
	}
}

func guestRequests(app *testApp) (*browser, postForm, func() string) {
	host, dash, code := app.hostNight()
	ana := app.guest(code, "Ana")
	form := formOn(app.t, ana.get("/j/"+code), "request-form", "title", "Zombie", "artist", "The Cranberries")
	return ana, form, func() string { return hostView(host, dash) }
}

func guestJoins(app *testApp) (*browser, postForm, func() string) {
	host, dash, code := app.hostNight()
	cleo := app.browser()
	form := formOn(app.t, cleo.get("/j/"+code), "join-form", "name", "Cleo")
	return cleo, form, func() string { return hostView(host, dash) }
}

func hostStartsNext(app *testApp) (*browser, postForm, func() string) {
	host, dash, code := app.hostNight()
	app.guest(code, "Ana", "One", "Two")
	form := formOn(app.t, host.get(dash), "next-singer")
	return host, form, func() string { return hostView(host, dash) }
}

func guestWithdraws(app *testApp) (*browser, postForm, func() string) {
	host, dash, code := app.hostNight()
	ana := app.guest(code, "Ana", "One", "Two")
	for _, f := range postForms(ana.get("/j/" + code)) {
		if strings.HasSuffix(f.action, "/withdraw") {
			return ana, f, func() string { return hostView(host, dash) }
		}
	}
	app.t.Fatal("no Withdraw on the guest's page")
	return nil, postForm{}, nil
}

func hostAddsWalkup(app *testApp) (*browser, postForm, func() string) {
	host, dash, _ := app.hostNight()
	form := formOn(app.t, host.get(dash), "walkup-form", "name", "Dan", "title", "Jolene")
	return host, form, func() string { return hostView(host, dash) }
}

func hostSavesRules(app *testApp) (*browser, postForm, func() string) {
	host, dash, _ := app.hostNight()
	form := formOn(app.t, host.get(dash), "settings-form", "singer_cap", "5")
	return host, form, func() string { return hostView(host, dash) }
}

func hostStops(app *testApp) (*browser, postForm, func() string) {
	host, dash, code := app.hostNight()
	app.guest(code, "Ana", "One", "Two")
	host.post(dash+"/next", "ends", "none")
	for _, f := range postForms(host.get(dash)) {
		if strings.HasSuffix(f.action, "/stop") {
			return host, f, func() string { return hostView(host, dash) }
		}
	}
	app.t.Fatal("no Stop on the dashboard")
	return nil, postForm{}, nil
}

func hostUndoes(app *testApp) (*browser, postForm, func() string) {
	host, dash, code := app.hostNight()
	app.guest(code, "Ana", "One", "Two")
	host.post(dash+"/next", "ends", "none")
	form := formOn(app.t, host.get(dash), "undo-form")
	return host, form, func() string { return hostView(host, dash) }
}

func hostEnds(app *testApp) (*browser, postForm, func() string) {
	host, dash, _ := app.hostNight()
	form := formOn(app.t, host.get(dash+"/end"), "end-confirm")
	return host, form, func() string { return hostView(host, dash) }
}

// TestTapsAtOnceActOnce: the same post sent many times at once (a phone
// that retries while the first is still on its way) adds one request, and
// every copy gets the same answer.
func TestTapsAtOnceActOnce(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	ana := app.guest(code, "Ana")
	form := formOn(t, ana.get("/j/"+code), "request-form", "title", "Zombie")
	const taps = 8
	statuses := make([]int, taps)
	var wg sync.WaitGroup
	for i := range taps {
		wg.Go(func() {
			req, _ := http.NewRequest("POST", app.server.URL+form.action, strings.NewReader(form.values.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := ana.client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		})
	}
	wg.Wait()
	for i, s := range statuses {
		if s != http.StatusSeeOther {
			t.Errorf("tap %d: status %d, want %d", i, s, http.StatusSeeOther)
		}
	}
	if got := host.get(dash).testid("queue-item").Length(); got != 1 {
		t.Errorf("%d requests in the queue, want one", got)
	}
}

// TestStartNextKeyNeverComesBack: Start next's key is made from the night's
// state, so that the live dashboard is not sent again for it; after an
// undo the night looks as before, and Start next must still act.
func TestStartNextKeyNeverComesBack(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	app.guest(code, "Ana", "One", "Two")
	first := formOn(t, host.get(dash), "next-singer")
	app.guest(code, "Bob", "Three")
	if again := formOn(t, host.get(dash), "next-singer"); again.values.Get(views.RetapField) != first.values.Get(views.RetapField) {
		t.Error("a guest's request changed Start next's key")
	}
	host.do("POST", first.action, first.values)
	undo := formOn(t, host.get(dash), "undo-form")
	host.do("POST", undo.action, undo.values)
	if got := nowSingingText(host.get(dash)); !strings.Contains(got, "Nobody") {
		t.Fatalf("after the undo: %q", got)
	}
	next := formOn(t, host.get(dash), "next-singer")
	if next.values.Get(views.RetapField) == first.values.Get(views.RetapField) {
		t.Error("after an undo Start next has the key it had before")
	}
	host.do("POST", next.action, next.values)
	if got := nowSingingText(host.get(dash)); !strings.Contains(got, "One") {
		t.Errorf("Start next after an undo: now singing %q, want One", got)
	}
}

// TestJoinRetryAfterLostAnswer: a first join whose answer never arrived
// (so its device cookie was not set) is sent again; the repeat sets the
// same cookie, and the phone is the guest that joined, once.
func TestJoinRetryAfterLostAnswer(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	form := formOn(t, app.browser().get("/j/"+code), "join-form", "name", "Cleo")
	lost := app.browser()
	lost.do("POST", form.action, form.values) // its answer, cookie and all, is lost
	cleo := app.browser()
	resp := cleo.do("POST", form.action, form.values)
	if resp.status != http.StatusSeeOther {
		t.Fatalf("the repeat: status %d", resp.status)
	}
	if got := cleo.get("/j/" + code).testid("singer-name").Text(); got != "Cleo" {
		t.Errorf("after the repeat the phone sings as %q, want Cleo", got)
	}
	if got := host.get(dash).testid("guest").Length(); got != 1 {
		t.Errorf("%d guests, want 1", got)
	}
}

// TestTwoHostPhonesShareNoAnswer: Start next's key is the same on every
// host device; the second phone that presses it is told another device got
// there first, and is not sent the first phone's answer.
func TestTwoHostPhonesShareNoAnswer(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	app.guest(code, "Ana", "One", "Two")
	link, _ := host.get(dash).testid("host-link").Attr("value")
	other := app.browser()
	other.get(mustURL(t, link).Path)
	mine, theirs := formOn(t, host.get(dash), "next-singer"), formOn(t, other.get(dash), "next-singer")
	if mine.values.Get(views.RetapField) != theirs.values.Get(views.RetapField) {
		t.Fatal("the two phones were given different keys for the same state")
	}
	host.htmx, other.htmx = true, true
	first := host.do("POST", mine.action, mine.values)
	second := other.do("POST", theirs.action, theirs.values)
	if first.body == second.body || second.header.Get("Karaoke-Retap") != "" {
		t.Error("the second phone was sent the first phone's answer")
	}
	host.htmx = false
	if got := nowSingingText(host.get(dash)); !strings.Contains(got, "One") {
		t.Errorf("now singing %q, want One", got)
	}
}
