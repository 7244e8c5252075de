package views_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"github.com/karaoke-night/karaoke/db"
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
			NextURL: "/host/1/next", NextLabel: "Start next: Ann",
			Now: &views.NowSinging{Singer: "Bob", Title: "Africa", Artist: "Toto"},
			Queue: []views.HostQueueItem{
				{QueueItem: views.QueueItem{Position: 1, Singer: "Ann", Title: "Dancing Queen", Artist: "ABBA", Note: "key +1"},
					MenuURL: "/host/1/requests/5", Moves: []views.HostAction{{URL: "/host/1/requests/5/up", Label: "Up", Title: "Move up"}}},
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
	if got := doc.Find(`[data-testid="queue-item"] a[href="/host/1/requests/5"]`).Length(); got != 1 {
		t.Errorf("found %d links to the row's menu, want 1", got)
	}
}

func TestGuestTextIsNeverHTML(t *testing.T) {
	evil := `<script>alert(1)</script><img src=x onerror=alert(2)>`
	item := views.QueueItem{Position: 1, Singer: evil, Title: evil, Artist: evil, Note: evil}
	pages := map[string]templ.Component{
		"guest": views.Guest(views.GuestPage{Session: views.SessionInfo{Name: evil}, Singer: evil,
			Form: views.RequestForm{Title: evil, Errors: views.FieldErrors{"title": evil}},
			Live: views.GuestLive{Status: views.GuestStatus{Title: evil}, Now: &views.NowSinging{Singer: evil, Title: evil}, Mine: []views.MyRequest{{QueueItem: item}}, Queue: views.GuestQueue{Rows: []views.GuestQueueRow{{QueueItem: item, Mine: true}}}}}),
		"guest status event": views.GuestStatusEvent(views.GuestStatus{Title: evil}),
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
		name   string
		status views.GuestStatus
		want   string // the testid of the banner, "" for none
	}{
		{"waiting", views.GuestStatus{}, ""},
		{"up next", views.GuestStatus{UpNext: true}, "up-next"},
		{"singing", views.GuestStatus{OnNow: true}, "your-turn"},
		{"ended", views.GuestStatus{Ended: true, UpNext: true}, "ended"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := render(t, views.GuestLiveView(views.GuestLive{Status: tt.status}))
			for _, id := range []string{"up-next", "your-turn", "ended"} {
				if got, want := testid(doc, id).Length(), map[bool]int{true: 1}[id == tt.want]; got != want {
					t.Errorf("%s shown %d times, want %d", id, got, want)
				}
			}
		})
	}
}

// TestLiveRegionsNameTheirEvents checks that every part a stream swaps
// carries the sse-swap of its event and swaps itself whole, and that a
// page with a stream connects to it (and one without does not).
func TestLiveRegionsNameTheirEvents(t *testing.T) {
	guest := views.GuestPage{Session: session, Stream: "/j/ABCD/events?v=3", Live: views.GuestLive{Status: views.GuestStatus{Title: "You're up next! · Friday"}}}
	display := views.DisplayPage{Session: session, Stream: "/d/ABCD/events?v=3"}
	dash := views.DashboardPage{Session: session, Stream: "/host/1/events?v=3"}
	tests := []struct {
		name   string
		page   templ.Component
		stream string
		swaps  []string
	}{
		{"guest", views.Guest(guest), guest.Stream, []string{"guest-status", "now", "mine", "held", "queue"}},
		{"display", views.Display(display), display.Stream, []string{"display-now", "display-next"}},
		{"dashboard", views.Dashboard(dash), dash.Stream, []string{"host-live", "host-summary", "guests", "host-pending"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := render(t, tt.page)
			conn := doc.Find("[sse-connect]")
			if got, _ := conn.Attr("sse-connect"); got != tt.stream {
				t.Errorf("sse-connect = %q, want %q", got, tt.stream)
			}
			if ext, _ := conn.Attr("hx-ext"); ext != "sse" {
				t.Errorf("hx-ext = %q beside sse-connect", ext)
			}
			if got, _ := conn.Attr("sse-close"); got != "ended" {
				t.Errorf("sse-close = %q", got)
			}
			for _, name := range tt.swaps {
				el := conn.Find(`[sse-swap="` + name + `"]`)
				if el.Length() != 1 {
					t.Errorf("%d elements swap %q, want 1", el.Length(), name)
					continue
				}
				if swap, _ := el.Attr("hx-swap"); swap != "outerHTML" {
					t.Errorf("%q swaps %q, want outerHTML", name, swap)
				}
			}
			if doc.Find("[hx-trigger]").Length() != 0 {
				t.Error("the page still polls")
			}
		})
	}
	if got := render(t, views.Guest(guest)).Find("title").Text(); got != "You're up next! · Friday" {
		t.Errorf("guest page title = %q", got)
	}
	guest.Stream = ""
	if render(t, views.Guest(guest)).Find("[sse-connect]").Length() != 0 {
		t.Error("a page without a stream connects to one")
	}
}

func TestGuestStatusEventCarriesTheTitle(t *testing.T) {
	var buf strings.Builder
	if err := views.GuestStatusEvent(views.GuestStatus{Title: "You're on! · Friday", OnNow: true}).Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "<title>You&#39;re on! · Friday</title>") {
		t.Errorf("event does not start with the title: %q", buf.String())
	}
}

// TestEveryFieldIsLabelledAndTiedToItsMessage checks the fields of every
// form: a label names the input, and a message, when there is one, marks
// the input invalid and describes it.
func TestEveryFieldIsLabelledAndTiedToItsMessage(t *testing.T) {
	forms := []struct {
		name   string
		render func(views.FieldErrors) templ.Component
		fields []string
	}{
		{"new session", func(e views.FieldErrors) templ.Component {
			return views.Home(views.HomePage{Create: views.CreateSessionForm{Errors: e}})
		}, []string{"name"}},
		{"join by code", func(e views.FieldErrors) templ.Component {
			return views.Home(views.HomePage{Join: views.JoinCodeForm{Errors: e}})
		}, []string{"code"}},
		{"join", func(e views.FieldErrors) templ.Component { return views.JoinFormView(views.JoinForm{Errors: e}) }, []string{"name"}},
		{"song request", func(e views.FieldErrors) templ.Component { return views.RequestFormView(views.RequestForm{Errors: e}) },
			[]string{"title", "artist", "note"}},
		{"settings", func(e views.FieldErrors) templ.Component {
			return views.SettingsFormView(views.SettingsForm{Errors: e})
		},
			[]string{"singer_cap"}},
	}
	for _, f := range forms {
		for _, field := range f.fields {
			t.Run(f.name+"/"+field, func(t *testing.T) {
				for _, bad := range []bool{false, true} {
					errs := views.FieldErrors{}
					if bad {
						errs[field] = "Not like that."
					}
					doc := render(t, f.render(errs))
					input := doc.Find(`input[name="` + field + `"]`)
					id, _ := input.Attr("id")
					if input.Length() != 1 || id == "" || doc.Find(`label[for="`+id+`"]`).Length() != 1 {
						t.Fatalf("the %s input (%d) has no label naming its id %q", field, input.Length(), id)
					}
					invalid, _ := input.Attr("aria-invalid")
					describedBy, hasDesc := input.Attr("aria-describedby")
					message := doc.Find("#" + field + "-error")
					if !bad {
						if invalid != "" || hasDesc || message.Length() != 0 {
							t.Errorf("without a message: aria-invalid=%q aria-describedby=%q, %d messages", invalid, describedBy, message.Length())
						}
						continue
					}
					if invalid != "true" || describedBy != field+"-error" || message.Text() != "Not like that." {
						t.Errorf("with a message: aria-invalid=%q aria-describedby=%q message %q", invalid, describedBy, message.Text())
					}
					if role, _ := message.Attr("role"); role != "alert" {
						t.Errorf("message role = %q", role)
					}
				}
			})
		}
	}
	doc := render(t, views.SettingsFormView(views.SettingsForm{}))
	if got, _ := doc.Find(`input[name="singer_cap"]`).Attr("max"); got != strconv.Itoa(db.MaxSingerCap) {
		t.Errorf("singer cap max = %q, want db.MaxSingerCap, %d", got, db.MaxSingerCap)
	}
}
