package views_test

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/karaoke-night/karaoke/views"
)

var zoeRow = views.HostQueueItem{
	QueueItem: views.QueueItem{ID: 12, Singer: "Zoe", Title: "I Will Survive", Artist: "Gloria Gaynor", Note: "key -2 https://example.com/x"},
	Requested: "21:40",
	MenuURL:   "/host/1/requests/12",
	Moves: []views.HostAction{
		{URL: "/host/1/requests/12/top", Label: "Top", Title: "Move to the top: I Will Survive (Zoe)"},
		{URL: "/host/1/requests/12/up", Label: "Up", Title: "Move up: I Will Survive (Zoe)"},
	},
	Dangers: []views.HostAction{
		{URL: "/host/1/requests/12/skip", Label: "Skip", Title: "Skip I Will Survive (Zoe)"},
		{URL: "/host/1/requests/12/remove", Label: "Remove", Title: "Remove I Will Survive (Zoe)"},
	},
	RemoveSingerURL: "/host/1/guests/3/remove",
}

// TestHostQueueRowIsOneLineWithAMenu checks a queue row: one line (singer
// and title) that opens a link to its menu, a few elements and no form,
// and nothing that depends on its place.
func TestHostQueueRowIsOneLineWithAMenu(t *testing.T) {
	doc := render(t, views.HostQueueRow(zoeRow))
	li := doc.Find(`li#request-12[data-id="12"][data-testid="queue-item"]`)
	if li.Length() != 1 {
		t.Fatal("no row keyed by the request's id")
	}
	if got := strings.Join(strings.Fields(li.Find("details.row > summary").Text()), " "); got != "Zoe I Will Survive ✎" {
		t.Errorf("the row's line reads %q", got)
	}
	if href := li.Find(`details.row > a[data-testid="row-open"]`).AttrOr("href", ""); href != zoeRow.MenuURL {
		t.Errorf("the row's menu link leads to %q", href)
	}
	if got := li.Find("form, button").Length(); got != 0 {
		t.Errorf("the row carries %d forms and buttons: they load with its menu", got)
	}
	if got := li.Find("*").Length(); got > 8 {
		t.Errorf("the row is %d elements", got)
	}
}

// TestRowMenuHasTheRowsDetailsAndControls checks a row's menu: the details,
// the moves apart from the dangerous actions, each of which confirms with a
// button that names its target.
func TestRowMenuHasTheRowsDetailsAndControls(t *testing.T) {
	doc := render(t, views.RowMenu(zoeRow))
	menu := doc.Find(`.row-menu[data-testid="row-menu"]`)
	for _, want := range []string{"Gloria Gaynor", "key -2", "21:40"} {
		if !strings.Contains(menu.Text(), want) {
			t.Errorf("the row's menu lacks %q", want)
		}
	}
	if href, _ := menu.Find(".note a").Attr("href"); href != "https://example.com/x" {
		t.Errorf("the note's link is %q", href)
	}
	if got := menu.Find(`.moves button[formaction="/host/1/requests/12/up"][aria-label="Move up: I Will Survive (Zoe)"]`).Length(); got != 1 {
		t.Errorf("%d named move-up buttons", got)
	}
	if got := menu.Find(".moves [formaction$=skip], .moves [formaction$=remove]").Length(); got != 0 {
		t.Errorf("%d dangerous actions among the moves", got)
	}
	for _, a := range zoeRow.Dangers {
		confirm := menu.Find(".dangers details.confirm").FilterFunction(func(_ int, s *goquery.Selection) bool {
			return s.Find(`button[formaction="`+a.URL+`"]`).Length() == 1
		})
		if confirm.Length() != 1 {
			t.Errorf("%s is not behind a confirm step", a.Label)
			continue
		}
		if got := confirm.Find("summary").Text(); !strings.Contains(got, a.Label+"…") {
			t.Errorf("%s's first tap reads %q", a.Label, got)
		}
		if got := confirm.Find("button.danger").Text(); got != a.Title {
			t.Errorf("%s's confirm button reads %q, want %q", a.Label, got, a.Title)
		}
	}
	if got := menu.Find(`.dangers a[data-testid="remove-singer"]`).Text(); !strings.Contains(got, "Remove singer Zoe") {
		t.Errorf("remove singer reads %q", got)
	}
}

// TestDashboardStopConfirmsAndShowsTheNote checks the top of the dashboard:
// the note of the song being sung, and Stop behind a confirm step that names
// the song.
func TestDashboardStopConfirmsAndShowsTheNote(t *testing.T) {
	doc := render(t, views.DashboardLiveView(views.DashboardLive{
		Now:        &views.NowSinging{Singer: "Ana", Title: "Valerie", Note: "duet with Cleo, https://example.com/v"},
		NextURL:    "/host/1/next",
		NextLabel:  "Start next: Bob",
		SkipNowURL: "/host/1/stop",
		StopLabel:  "Stop Valerie (Ana)",
	}))
	if got := testid(doc, "now-note").Text(); got != "duet with Cleo, https://example.com/v" {
		t.Errorf("now note = %q", got)
	}
	stop := doc.Find(`details.confirm form[action="/host/1/stop"] button.danger`)
	if stop.Text() != "Stop Valerie (Ana)" {
		t.Errorf("stop's confirm button reads %q", stop.Text())
	}
}

// TestDashboardMenuReachesEverySection checks that each link of the
// dashboard's menu leads to a section of the page.
func TestDashboardMenuReachesEverySection(t *testing.T) {
	doc := render(t, views.Dashboard(views.DashboardPage{Session: session, Live: views.DashboardLive{EndURL: "/host/1/end"}}))
	links := testid(doc, "dash-nav").Find("a")
	if links.Length() < 6 {
		t.Errorf("the menu has %d links", links.Length())
	}
	links.Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		if doc.Find(href).Length() != 1 {
			t.Errorf("menu link %s (%s) leads nowhere", a.Text(), href)
		}
	})
}
