package handlers_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/views"
)

// formTo is the first form on the page that posts to a URL ending in
// suffix (its query left out), as the page offers it.
func formTo(t *testing.T, page response, suffix string) postForm {
	t.Helper()
	for _, f := range postForms(page) {
		if strings.HasSuffix(strings.Split(f.action, "?")[0], suffix) {
			return f
		}
	}
	t.Fatalf("no form on the page posts to …%s", suffix)
	return postForm{}
}

// nightState is what a tap may change, as the store has it: the session's
// switches, the queue, the held and standby songs, the holds, the host's
// latest action, the songbooks and the host link.
func nightState(app *testApp, host *browser, dash string) string {
	app.t.Helper()
	ctx := context.Background()
	id, err := strconv.ParseInt(strings.TrimPrefix(dash, "/host/"), 10, 64)
	if err != nil {
		app.t.Fatal(err)
	}
	n, err := app.store.Night(ctx, id)
	if err != nil {
		app.t.Fatal(err)
	}
	s := n.Session
	var b strings.Builder
	fmt.Fprintf(&b, "paused=%v locked=%v closing=%s songbook=%d now=%v\nqueue:", s.RequestsPaused, s.JoiningLocked,
		s.ClosingAt.Format(time.TimeOnly), s.SongbookID, n.NowSinging != nil)
	for _, r := range n.Queue() {
		fmt.Fprintf(&b, " %s", r.Title)
	}
	fmt.Fprintf(&b, "\nheld: %d, declined %d\nstandby:", len(n.Pending), len(n.Declined))
	for g, songs := range n.Standby {
		for _, song := range songs {
			fmt.Fprintf(&b, " %d:%s", g, song.Title)
		}
	}
	fmt.Fprintf(&b, "\nholds: %d", len(n.Holds))
	if len(n.Actions) > 0 {
		fmt.Fprintf(&b, "\nlatest action: %d %s", n.Actions[0].ID, n.Actions[0].Summary)
	}
	books, err := app.store.AllSongbooks(ctx)
	if err != nil {
		app.t.Fatal(err)
	}
	link, _ := host.get(dash).testid("host-link").Attr("value")
	fmt.Fprintf(&b, "\nsongbooks: %d\nhost link: %s", len(books), link)
	return b.String()
}

// retapCase is a night set up for one tap: who taps, and the page the form
// is on.
type retapCase struct {
	name string
	htmx bool
	// tap sets up a night and returns who taps the form and which form.
	tap func(app *testApp, host *browser, dash, code string) (*browser, postForm)
}

// onDashboard taps the dashboard's form that posts to …suffix.
func onDashboard(suffix string) func(*testApp, *browser, string, string) (*browser, postForm) {
	return func(app *testApp, host *browser, dash, _ string) (*browser, postForm) {
		return host, formTo(app.t, host.get(dash), suffix)
	}
}

// withQueue is a night with four songs of three singers waiting.
func withQueue(app *testApp, code string) {
	app.guest(code, "Ana", "One", "Two")
	app.guest(code, "Bob", "Three")
	app.guest(code, "Cleo", "Four")
}

// TestEveryTapTwiceActsOnce: each form that creates or changes something,
// posted twice with its one-time key (a double tap, a retry after the
// answer was lost), changes the night once, and the second post gets the
// first one's answer, marked as a repeat.
func TestEveryTapTwiceActsOnce(t *testing.T) {
	queued := func(suffix string) func(*testApp, *browser, string, string) (*browser, postForm) {
		return func(app *testApp, host *browser, dash, code string) (*browser, postForm) {
			withQueue(app, code)
			return onDashboard(suffix)(app, host, dash, code)
		}
	}
	closing := func(minutes string) func(*testApp, *browser, string, string) (*browser, postForm) {
		return func(app *testApp, host *browser, dash, code string) (*browser, postForm) {
			host.post(dash+"/settings", "singer_cap", "3", "time_zone", "UTC", "closing", clockIn(app.t, "UTC", time.Hour))
			for _, f := range postForms(host.get(dash)) {
				if strings.HasSuffix(f.action, "/closing/extend") && f.values.Get(views.MinutesField) == minutes {
					return host, f
				}
			}
			app.t.Fatalf("no +%s min", minutes)
			return nil, postForm{}
		}
	}
	held := func(suffix string) func(*testApp, *browser, string, string) (*browser, postForm) {
		return func(app *testApp, host *browser, dash, code string) (*browser, postForm) {
			host.post(dash+"/settings", "singer_cap", "3", "approval", "1")
			withQueue(app, code)
			return onDashboard(suffix)(app, host, dash, code)
		}
	}
	standby := func(suffix string) func(*testApp, *browser, string, string) (*browser, postForm) {
		return func(app *testApp, host *browser, dash, code string) (*browser, postForm) {
			host.post(dash+"/settings", "singer_cap", "1")
			ana := app.guest(code, "Ana", "One")
			for _, title := range []string{"Two", "Three", "Four"} {
				ana.post("/j/"+code+"/requests", "title", title, "to", "standby")
			}
			page := ana.get("/j/" + code)
			if suffix == "/up" { // the second song's: the first's is disabled
				suffix = standbyAction(app.t, page, "Three", "standby-up")
			}
			return ana, formTo(app.t, page, suffix)
		}
	}
	onHold := func(app *testApp, host *browser, dash, code string) (*browser, postForm) {
		withQueue(app, code)
		dan := app.guest(code, "Dan", "Five")
		dan.post("/j/" + code + "/hold")
		return dan, formTo(app.t, dan.get("/j/"+code), "/back")
	}
	released := func(app *testApp, host *browser, dash, code string) (*browser, postForm) {
		withQueue(app, code)
		app.guest(code, "Dan", "Five").post("/j/" + code + "/hold")
		return host, formTo(app.t, host.get(dash), "/release-hold")
	}
	songbook := func(suffix string) func(*testApp, *browser, string, string) (*browser, postForm) {
		return func(app *testApp, host *browser, dash, code string) (*browser, postForm) {
			for _, name := range []string{"First list", "Second list"} {
				host.upload(dash+"/songbook", name, "songs.txt", []byte(songLines))
			}
			return host, formTo(app.t, host.get(dash), suffix)
		}
	}
	var tests []retapCase
	for _, move := range []string{"top", "up", "down", "back", "skip", "remove"} {
		// The third song's row: it can move either way.
		tests = append(tests, retapCase{"host moves a song: " + move, true, func(app *testApp, host *browser, dash, code string) (*browser, postForm) {
			withQueue(app, code)
			return host, formTo(app.t, host.get(dash), "/requests/3/"+move)
		}})
	}
	tests = append(tests,
		retapCase{"host skips a song, without script", false, queued("/requests/2/skip")},
		retapCase{"host moves a song up, without script", false, queued("/requests/2/up")},
		retapCase{"host pauses requests", true, queued("/pause")},
		retapCase{"host resumes requests", true, func(app *testApp, host *browser, dash, code string) (*browser, postForm) {
			host.post(dash + "/pause")
			return onDashboard("/resume")(app, host, dash, code)
		}},
		retapCase{"host moves closing 15 min later", true, closing("15")},
		retapCase{"host moves closing 30 min later, without script", false, closing("30")},
		retapCase{"host approves a song", true, held("/held/1/approve")},
		retapCase{"host declines a song", true, held("/held/2/decline")},
		retapCase{"host approves all", true, held("/held/approve-all")},
		retapCase{"host approves a song, without script", false, held("/held/1/approve")},
		retapCase{"host releases a hold", true, released},
		retapCase{"guest is back", true, onHold},
		retapCase{"guest is back, without script", false, onHold},
		retapCase{"guest moves a standby song up", true, standby("/up")},
		retapCase{"guest moves a standby song down", true, standby("/down")},
		retapCase{"guest removes a standby song", false, standby("/remove")},
		retapCase{"host uses another songbook", true, songbook("/songbook/use")},
		retapCase{"host drops the songbook", true, songbook("/songbook/drop")},
		retapCase{"host makes a new host link", false, onDashboard("/host-link")},
	)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := newTestApp(t)
			host, dash, code := app.hostNight()
			b, form := tt.tap(app, host, dash, code)
			if !views.IsRetapKey(form.values.Get(views.RetapField)) {
				t.Fatal("the form carries no one-time key")
			}
			tapTwice(t, app, host, dash, b, tt.htmx, func() response { return b.do("POST", form.action, form.values) })
		})
	}
	t.Run("host imports a song list", func(t *testing.T) {
		app := newTestApp(t)
		host, dash, _ := app.hostNight()
		form := formTo(t, host.get(dash), "/songbook")
		if !strings.Contains(form.action, "?"+views.RetapField+"=") {
			t.Fatalf("the upload's URL %s carries no one-time key", form.action)
		}
		tapTwice(t, app, host, dash, host, false, func() response {
			return host.upload(form.action, "Friday list", "songs.txt", []byte(songLines))
		})
	})
}

// tapTwice sends a post twice and checks that the night changed once and
// the second answer was the first's, marked as a repeat.
func tapTwice(t *testing.T, app *testApp, host *browser, dash string, b *browser, htmx bool, post func() response) {
	t.Helper()
	tap := func() response {
		b.htmx = htmx
		defer func() { b.htmx = false }()
		return post()
	}
	before := nightState(app, host, dash)
	first := tap()
	once := nightState(app, host, dash)
	if once == before {
		t.Fatalf("the first tap changed nothing (status %d):\n%s", first.status, once)
	}
	second := tap()
	if got := nightState(app, host, dash); got != once {
		t.Errorf("the second tap changed the night:\nonce:\n%s\ntwice:\n%s", once, got)
	}
	if first.status != second.status || first.location != second.location || first.body != second.body {
		t.Errorf("second answer %d %q (%d bytes), want the first's %d %q (%d bytes)",
			second.status, second.location, len(second.body), first.status, first.location, len(first.body))
	}
	if first.status >= 400 {
		t.Errorf("the tap failed: status %d", first.status)
	}
	if got := second.header.Get("Karaoke-Retap"); got != "repeat" {
		t.Errorf("Karaoke-Retap %q on the second answer, want repeat", got)
	}
}
