package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestCreateSession(t *testing.T) {
	app := newTestApp(t)
	tests := []struct {
		name       string
		htmx       bool
		sessName   string
		wantStatus int
		wantPage   bool
	}{
		{"plain post redirects to the dashboard", false, "Friday", http.StatusSeeOther, false},
		{"htmx post is told where to go", true, "Friday", http.StatusOK, false},
		{"empty name re-renders the page", false, "  ", http.StatusUnprocessableEntity, true},
		{"empty name via htmx re-renders the form", true, "", http.StatusUnprocessableEntity, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := app.browser()
			b.htmx = tt.htmx
			resp := b.post("/sessions", "name", tt.sessName)
			if resp.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d", resp.status, tt.wantStatus)
			}
			if resp.isPage() != tt.wantPage {
				t.Errorf("whole page = %v, want %v", resp.isPage(), tt.wantPage)
			}
			switch resp.status {
			case http.StatusSeeOther:
				if !strings.HasPrefix(resp.location, "/host/") {
					t.Errorf("Location = %q", resp.location)
				}
			case http.StatusOK:
				if !strings.HasPrefix(resp.header.Get("HX-Redirect"), "/host/") {
					t.Errorf("HX-Redirect = %q", resp.header.Get("HX-Redirect"))
				}
			case http.StatusUnprocessableEntity:
				if msg := resp.testid("error-name").Text(); msg == "" {
					t.Error("no message beside the name field")
				}
				if resp.testid("create-session").Length() != 1 {
					t.Error("the form is not re-rendered")
				}
			}
		})
	}
}

func TestGuestJoinAndRequest(t *testing.T) {
	app := newTestApp(t)
	_, code := app.browser().hostSession("Friday")
	guest := app.browser()

	page := guest.get("/j/" + code)
	if page.status != http.StatusOK || page.testid("join-form").Length() != 1 {
		t.Fatalf("join page: status %d, join form %d", page.status, page.testid("join-form").Length())
	}
	if !strings.Contains(page.doc.Find("h1").Text(), "Friday") {
		t.Errorf("join page does not name the session")
	}
	if resp := guest.post("/j/"+code+"/join", "name", strings.Repeat("x", 41)); resp.status != http.StatusUnprocessableEntity || resp.testid("error-name").Text() == "" {
		t.Errorf("long name: status %d, message %q", resp.status, resp.testid("error-name").Text())
	}
	guest.join(code, "John")
	page = guest.get("/j/" + code)
	if page.testid("request-form").Length() != 1 {
		t.Fatal("no request form after joining")
	}
	if resp := guest.request(code, "Bohemian Rhapsody", "Queen"); resp.status != http.StatusSeeOther {
		t.Fatalf("request: status %d", resp.status)
	}
	page = guest.get("/j/" + code)
	mine := page.testid("my-request")
	if mine.Length() != 1 || !strings.Contains(mine.Text(), "Bohemian Rhapsody") {
		t.Fatalf("my requests = %q", mine.Text())
	}
	if got := mine.Find(`[data-testid="wait"]`).Text(); got != "next" {
		t.Errorf("wait of the first request = %q, want next", got)
	}

	// A second John is told apart.
	other := app.guest(code, "john")
	if got := other.get("/j/" + code).testid("singer-name").Text(); got != "john (2)" {
		t.Errorf("second John is called %q", got)
	}
}

func TestRequestFormErrors(t *testing.T) {
	tests := []struct {
		name       string
		title      string
		artist     string
		setup      func(host *browser, dash, code string, guest *browser)
		wantField  string // testid of the message: error-title, form-error…
		wantInText string
	}{
		{name: "empty title", title: "  ", wantField: "error-title", wantInText: "song title"},
		{name: "title too long", title: strings.Repeat("t", 121), wantField: "error-title", wantInText: "at most 120"},
		{name: "artist too long", title: "ok", artist: strings.Repeat("a", 121), wantField: "error-artist", wantInText: "at most 120"},
		{name: "requests paused", title: "ok", wantField: "form-error", wantInText: "paused",
			setup: func(host *browser, dash, _ string, _ *browser) { host.post(dash + "/pause") }},
		{name: "at the cap", title: "fourth", wantField: "form-error", wantInText: "3 songs waiting",
			setup: func(_ *browser, _, code string, guest *browser) {
				for _, title := range []string{"one", "two", "three"} {
					guest.request(code, title, "")
				}
			}},
		{name: "already waiting", title: "Africa", artist: "toto", wantField: "error-title", wantInText: "Bob already requested",
			setup: func(_ *browser, _, code string, _ *browser) {
				bob := bobBrowser
				bob.join(code, "Bob")
				bob.request(code, "Africa", "Toto")
			}},
	}
	for _, htmx := range []bool{false, true} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/htmx=%v", tt.name, htmx), func(t *testing.T) {
				app := newTestApp(t)
				host, dash, code := app.hostNight()
				guest := app.guest(code, "Ann")
				bobBrowser = app.browser()
				if tt.setup != nil {
					tt.setup(host, dash, code, guest)
				}
				before := len(queueTitles(host.get(dash)))
				guest.htmx = htmx
				resp := guest.request(code, tt.title, tt.artist)
				if resp.status != http.StatusUnprocessableEntity {
					t.Fatalf("status = %d, want 422", resp.status)
				}
				if resp.isPage() == htmx {
					t.Errorf("whole page = %v with htmx = %v", resp.isPage(), htmx)
				}
				if msg := resp.testid(tt.wantField).Text(); !strings.Contains(msg, tt.wantInText) {
					t.Errorf("%s = %q, want it to say %q", tt.wantField, msg, tt.wantInText)
				}
				if got, _ := resp.doc.Find(`[data-testid="request-form"] input[name="title"]`).Attr("value"); got != tt.title {
					t.Errorf("title field = %q, want what was typed, %q", got, tt.title)
				}
				if after := len(queueTitles(host.get(dash))); after != before {
					t.Errorf("queue went from %d to %d songs: something was added", before, after)
				}
			})
		}
	}
}

// bobBrowser is the other guest of TestRequestFormErrors' set-ups.
var bobBrowser *browser

func TestDuplicateCanBeConfirmed(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	ann, bob := app.guest(code, "Ann"), app.guest(code, "Bob")
	ann.request(code, "Africa", "Toto")
	resp := bob.request(code, "Africa", "Toto")
	if resp.testid("confirm-duplicate").Length() != 1 {
		t.Fatalf("no confirmation offered (status %d)", resp.status)
	}
	resp = bob.post("/j/"+code+"/requests", "title", "Africa", "artist", "Toto", "duplicate_ok", "1")
	if resp.status != http.StatusSeeOther {
		t.Fatalf("confirmed duplicate: status %d", resp.status)
	}
	if got := queueTitles(host.get(dash)); len(got) != 2 {
		t.Errorf("queue = %v, want the song twice", got)
	}
}

func TestWithdraw(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	ann, bob := app.guest(code, "Ann"), app.guest(code, "Bob")
	ann.request(code, "a1", "")
	form := ann.get("/j/" + code).doc.Find(`[data-testid="my-request"] form`)
	action, _ := form.Attr("action")
	if resp := bob.post(action); resp.status != http.StatusNotFound {
		t.Errorf("someone else withdrawing: status %d, want 404", resp.status)
	}
	if len(queueTitles(host.get(dash))) != 1 {
		t.Fatal("someone else's withdrawal took the song out")
	}
	if resp := ann.post(action); resp.status != http.StatusSeeOther {
		t.Errorf("withdraw: status %d", resp.status)
	}
	if got := queueTitles(host.get(dash)); len(got) != 0 {
		t.Errorf("queue after withdrawal = %v", got)
	}
}

func TestHTMXAnswersWithFragments(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	guest := app.htmxBrowser()
	guest.join(code, "Ann")

	resp := guest.request(code, "Africa", "Toto")
	if resp.status != http.StatusOK || resp.isPage() {
		t.Fatalf("htmx request: status %d, page %v", resp.status, resp.isPage())
	}
	if resp.testid("request-added").Length() != 1 {
		t.Error("no confirmation in the returned form")
	}
	if v, _ := resp.doc.Find(`#guest-live`).Attr("hx-swap-oob"); v == "" {
		t.Error("the guest's list is not sent out of band beside the form")
	}
	if got, _ := resp.doc.Find(`[data-testid="request-form"] input[name="title"]`).Attr("value"); got != "" {
		t.Errorf("form not cleared after adding: title = %q", got)
	}

	for _, path := range []string{"/j/" + code, "/d/" + code} {
		frag := guest.get(path)
		if frag.status != http.StatusOK || frag.isPage() || frag.testid("queue").Length() != 1 {
			t.Errorf("htmx GET %s: status %d, page %v, queue %d", path, frag.status, frag.isPage(), frag.testid("queue").Length())
		}
		page := app.browser().get(path)
		if !page.isPage() {
			t.Errorf("plain GET %s is not a whole page", path)
		}
	}
	host.htmx = true
	frag := host.post(dash + "/next")
	if frag.status != http.StatusOK || frag.isPage() || !strings.Contains(frag.testid("now-singing").Text(), "Africa") {
		t.Errorf("htmx next: status %d, page %v, now singing %q", frag.status, frag.isPage(), frag.testid("now-singing").Text())
	}
	if up := guest.get("/j/" + code); up.testid("your-turn").Length() != 1 {
		t.Error("the singer's page does not say it is their turn")
	}
}
