package views_test

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"github.com/karaoke-night/karaoke/views"
)

func TestGuestStatusSaysWhereTheGuestIs(t *testing.T) {
	tests := []struct {
		name   string
		status views.GuestStatus
		want   string // the text of the status, spaces folded
	}{
		{"not in line", views.GuestStatus{}, "You're not in line yet: request a song below."},
		{"in line", views.GuestStatus{Place: "39th in line", Wait: "about 78 min"}, "Your next song: 39th in line about 78 min"},
		{"up next: the banner says it", views.GuestStatus{UpNext: true, Place: "1st in line", Wait: "next"}, "You're up next! Get ready."},
		{"singing, another song waiting", views.GuestStatus{OnNow: true, Place: "12th in line", Wait: "about 40 min"},
			"You're on! Head to the mic. Your next song: 12th in line about 40 min"},
		{"ended: nothing else", views.GuestStatus{Ended: true, Paused: true, Place: "3rd in line", Wait: "about 11 min"}, "This session has ended. Thanks for singing!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := render(t, views.GuestStatusView(tt.status))
			if got := strings.Join(strings.Fields(doc.Find("#guest-status").Text()), " "); got != tt.want {
				t.Errorf("status = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestGuestQueueMarksTheGuestsSongsAndCountsTheRest(t *testing.T) {
	q := views.GuestQueue{Rows: []views.GuestQueueRow{
		{QueueItem: views.QueueItem{Position: 1, Singer: "Ana", Title: "Valerie"}},
		{Gap: 1},
		{QueueItem: views.QueueItem{Position: 3, Singer: "Zed", Title: "Africa"}, Mine: true},
		{Gap: 23},
	}}
	doc := render(t, views.GuestQueueView(q))
	if got := testid(doc, "queue-item").Length(); got != 2 {
		t.Errorf("%d songs listed, want 2", got)
	}
	mine := doc.Find("li.mine")
	if mine.Length() != 1 || !strings.Contains(mine.Text(), "Africa") || strings.TrimSpace(mine.Find(`[data-testid="you"]`).Text()) != "you" {
		t.Errorf("the guest's song is not marked \"you\": %q", mine.Text())
	}
	var gaps []string
	testid(doc, "queue-gap").Each(func(_ int, s *goquery.Selection) { gaps = append(gaps, strings.Join(strings.Fields(s.Text()), " ")) })
	if got, want := strings.Join(gaps, " | "), "… 1 more song … | … 23 more songs …"; got != want {
		t.Errorf("gaps = %q, want %q", got, want)
	}
}

func TestEndedGuestPageDropsWhatNoLongerApplies(t *testing.T) {
	ended := views.GuestLive{Status: views.GuestStatus{Ended: true, Title: "Friday"},
		Now:   &views.NowSinging{Singer: "Bob", Title: "Africa"},
		Mine:  []views.MyRequest{{QueueItem: views.QueueItem{Title: "Valerie"}, Place: "3rd in line", WithdrawURL: "/w"}},
		Queue: views.GuestQueue{Ended: true}}
	for name, c := range map[string]templ.Component{
		"page":     views.Guest(views.GuestPage{Session: views.SessionInfo{Name: "Friday", Ended: true}, Live: ended}),
		"fragment": views.GuestLiveView(ended),
		"event":    views.GuestStatusEvent(ended.Status),
	} {
		doc := render(t, c)
		text := doc.Text()
		for _, gone := range []string{"in line", "Withdraw", "Now singing", "Queue", "Request a song"} {
			if strings.Contains(text, gone) {
				t.Errorf("%s: ended, still reads %q", name, gone)
			}
		}
		if doc.Find("#request-form").Length() != 0 {
			t.Errorf("%s: ended, still has the request form", name)
		}
	}
	// The stream's event takes the form away from a page that has it.
	doc := render(t, views.GuestStatusEvent(ended.Status))
	if doc.Find(`#request-area[hx-swap-oob="outerHTML"]`).Length() != 1 {
		t.Error("the ended status event does not empty the request form's place")
	}
}

func TestDisplayNow(t *testing.T) {
	now := &views.NowSinging{Singer: "Ann", Title: "Africa", Artist: "Toto", Note: "key -2 https://example.com"}
	tests := []struct {
		name              string
		live              views.DisplayLive
		glow, note, thank bool
	}{
		{"a page load: no glow, notes off", views.DisplayLive{Now: now}, false, false, false},
		{"a turn just started", views.DisplayLive{Now: now, NewSinger: true}, true, false, false},
		{"notes on", views.DisplayLive{Now: now, ShowNotes: true}, false, true, false},
		{"ended", views.DisplayLive{Ended: true, Now: now, ShowNotes: true, SessionName: "Friday"}, false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := render(t, views.DisplayNowEvent(tt.live))
			if got := doc.Find("#display-now.new-singer").Length() == 1; got != tt.glow {
				t.Errorf("glow = %v, want %v", got, tt.glow)
			}
			note := testid(doc, "display-note")
			if got := note.Length() == 1; got != tt.note {
				t.Errorf("note shown = %v, want %v", got, tt.note)
			}
			if tt.note && (note.Find("a").Length() != 0 || note.Text() != now.Note) {
				t.Errorf("the TV's note is not plain text: %q", note.Text())
			}
			thanks := doc.Find(`#display-join[hx-swap-oob="outerHTML"]`)
			if got := thanks.Length() == 1; got != tt.thank {
				t.Errorf("join box replaced = %v, want %v", got, tt.thank)
			}
			if doc.Find("img").Length() != 0 || strings.Contains(doc.Text(), "Scan to sing") {
				t.Error("now singing shows a QR code")
			}
		})
	}
}

func TestEndedDisplayHasNoQRCode(t *testing.T) {
	ended := session
	ended.Ended = true
	doc := render(t, views.Display(views.DisplayPage{Session: ended, Live: views.DisplayLive{Ended: true, SessionName: "Friday"}}))
	if doc.Find("img").Length() != 0 || strings.Contains(doc.Text(), "Scan to sing") {
		t.Error("the ended TV still shows how to join")
	}
	if testid(doc, "display-thanks").Length() != 1 || testid(doc, "display-ended").Length() != 1 {
		t.Error("the ended TV does not thank the room")
	}
}

// TestDisplayJoinBoxIsTypable: the TV tells the room what a person can type,
// the site and the code, not the join link with its 26-letter token (which
// the QR code carries).
func TestDisplayJoinBoxIsTypable(t *testing.T) {
	link := "https://karaoke.example.com/j/7plll3d4nlcjijatxingzvidhe"
	doc := render(t, views.Display(views.DisplayPage{Session: views.SessionInfo{Name: "Friday", Code: "9F4G",
		JoinURL: link, Site: "karaoke.example.com", QRURL: "/qr/x.png"}}))
	if got := doc.Find(`[data-testid="join-site"]`).Text(); got != "karaoke.example.com" {
		t.Errorf("the TV says go to %q, want the site", got)
	}
	if got := doc.Find(`[data-testid="join-code"]`).Text(); got != "9F4G" {
		t.Errorf("the TV's code is %q", got)
	}
	if html, _ := doc.Html(); strings.Contains(html, link) {
		t.Errorf("the TV shows the join link %s, which nobody types", link)
	}
}
