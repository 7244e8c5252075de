package views_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"github.com/karaoke-night/karaoke/views"
)

func render(t *testing.T, c templ.Component) *goquery.Document {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	doc, err := goquery.NewDocumentFromReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func testid(doc *goquery.Document, id string) *goquery.Selection {
	return doc.Find(`[data-testid="` + id + `"]`)
}

var session = views.SessionInfo{Name: "Friday", Code: "ABCD", JoinURL: "http://example.test/j/ABCD", QRURL: "/qr/ABCD.png?v=1", DisplayURL: "/d/ABCD"}

func TestDashboardShowsJoinAndQueue(t *testing.T) {
	vm := views.DashboardPage{
		Session:  session,
		HostLink: "http://example.test/host/1/claim/k",
		Live: views.DashboardLive{
			RefreshURL: "/host/1", NextURL: "/host/1/next", NextLabel: "Start next: Ann",
			Now: &views.NowSinging{Singer: "Bob", Title: "Africa", Artist: "Toto"},
			Queue: []views.HostQueueItem{
				{QueueItem: views.QueueItem{Position: 1, Singer: "Ann", Title: "Dancing Queen", Artist: "ABBA", Note: "key +1"},
					Actions: []views.HostAction{{URL: "/host/1/requests/5/up", Label: "Up", Title: "Move up"}}},
			},
		},
		Settings: views.SettingsForm{ActionURL: "/host/1/settings", SingerCap: "3"},
	}
	doc := render(t, views.Dashboard(vm))
	checks := []struct{ testid, want string }{
		{"join-code", "ABCD"},
		{"join-url", "http://example.test/j/ABCD"},
		{"now-singing", "Africa"},
		{"queue-item", "Dancing Queen"},
		{"queue-item", "ABBA"},
		{"queue-item", "key +1"},
		{"next-singer", "Start next: Ann"},
	}
	for _, c := range checks {
		if got := testid(doc, c.testid).Text(); !strings.Contains(got, c.want) {
			t.Errorf("%s text = %q, want it to contain %q", c.testid, got, c.want)
		}
	}
	if got, _ := testid(doc, "join-qr").Attr("src"); got != session.QRURL {
		t.Errorf("join-qr src = %q, want %q", got, session.QRURL)
	}
	if got, _ := testid(doc, "display-link").Attr("href"); got != "/d/ABCD" {
		t.Errorf("display-link href = %q", got)
	}
	if got := doc.Find(`form[action="/host/1/requests/5/up"] button[aria-label="Move up"]`).Length(); got != 1 {
		t.Errorf("found %d move-up buttons with a name, want 1", got)
	}
}

func TestGuestTextIsNeverHTML(t *testing.T) {
	evil := `<script>alert(1)</script><img src=x onerror=alert(2)>`
	item := views.QueueItem{Position: 1, Singer: evil, Title: evil, Artist: evil, Note: evil, Mine: true}
	pages := map[string]templ.Component{
		"guest": views.Guest(views.GuestPage{Session: views.SessionInfo{Name: evil}, Singer: evil,
			Form: views.RequestForm{Title: evil, Errors: views.FieldErrors{"title": evil}},
			Live: views.GuestLive{Now: &views.NowSinging{Singer: evil, Title: evil}, Mine: []views.MyRequest{{QueueItem: item}}, Queue: []views.QueueItem{item}}}),
		"display": views.Display(views.DisplayPage{Session: views.SessionInfo{Name: evil},
			Live: views.DisplayLive{Now: &views.NowSinging{Singer: evil, Title: evil, Artist: evil}, Next: []views.QueueItem{item}}}),
		"dashboard": views.Dashboard(views.DashboardPage{Session: views.SessionInfo{Name: evil},
			Live: views.DashboardLive{Queue: []views.HostQueueItem{{QueueItem: item}}}}),
		"join": views.Join(views.JoinPage{Session: views.SessionInfo{Name: evil}, Form: views.JoinForm{Name: evil}}),
	}
	for name, page := range pages {
		t.Run(name, func(t *testing.T) {
			doc := render(t, page)
			if n := doc.Find("script:not([src])").Length(); n != 0 {
				t.Errorf("%d inline scripts: guest text became HTML", n)
			}
			if n := doc.Find("[onerror]").Length(); n != 0 {
				t.Errorf("%d elements with onerror: guest text became HTML", n)
			}
			if !strings.Contains(doc.Text(), evil) {
				t.Errorf("the text %q is not shown as text", evil)
			}
		})
	}
}

func TestRequestFormKeepsValuesAndShowsErrors(t *testing.T) {
	f := views.RequestForm{ActionURL: "/j/ABCD/requests", Title: "", Artist: "Queen", Note: "duet",
		Errors: views.FieldErrors{"title": "Please enter a song title."}}
	doc := render(t, views.RequestFormView(f))
	form := testid(doc, "request-form")
	if got, _ := form.Find(`input[name="artist"]`).Attr("value"); got != "Queen" {
		t.Errorf("artist value = %q, want it kept", got)
	}
	if got := testid(doc, "error-title").Text(); got != "Please enter a song title." {
		t.Errorf("title error = %q", got)
	}
	if got, _ := form.Find(`input[name="title"]`).Attr("aria-describedby"); got != "title-error" {
		t.Errorf("title input aria-describedby = %q, want the error's id", got)
	}
	if testid(doc, "confirm-duplicate").Length() != 0 {
		t.Error("duplicate confirmation shown for a plain error")
	}
	f.Duplicate = true
	doc = render(t, views.RequestFormView(f))
	if testid(doc, "confirm-duplicate").Length() != 1 || doc.Find(`input[name="duplicate_ok"]`).Length() != 1 {
		t.Error("a duplicate does not ask to confirm")
	}
}

func TestGuestBanners(t *testing.T) {
	tests := []struct {
		name string
		live views.GuestLive
		want string // the testid of the banner, "" for none
	}{
		{"waiting", views.GuestLive{}, ""},
		{"up next", views.GuestLive{UpNext: true}, "up-next"},
		{"singing", views.GuestLive{Now: &views.NowSinging{Mine: true}}, "your-turn"},
		{"someone else singing", views.GuestLive{Now: &views.NowSinging{}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := render(t, views.GuestLiveView(tt.live))
			for _, id := range []string{"up-next", "your-turn"} {
				if got, want := testid(doc, id).Length(), map[bool]int{true: 1}[id == tt.want]; got != want {
					t.Errorf("%s shown %d times, want %d", id, got, want)
				}
			}
		})
	}
}
