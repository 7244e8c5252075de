package handlers_test

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/handlers"
	"github.com/karaoke-night/karaoke/live"
	"github.com/karaoke-night/karaoke/views"
)

// TestForecastInRequestForm: the request form says where a song would
// land before the guest presses the button, the song lands there, and a
// request that would be refused says why instead.
func TestForecastInRequestForm(t *testing.T) {
	ctx := context.Background()
	app := newTestApp(t)
	_, _, code := app.hostNight()
	sess, err := app.store.SessionByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	app.guest(code, "Ana", "a1", "a2")
	app.guest(code, "Bob", "b1")
	cy := app.guest(code, "Cy")

	page := cy.get("/j/" + code)
	got := text(page, "request-forecast")
	// Cy's first song goes after everyone's first and before Ana's second.
	if !regexp.MustCompile(`^You'd be 3rd · on at about \d\d:\d\d$`).MatchString(got) {
		t.Fatalf("forecast = %q, want 3rd and a clock time", got)
	}
	if page.testid("request-form").Find("[data-testid=request-forecast]").Length() != 1 {
		t.Error("the forecast is not in the request form")
	}
	if resp := cy.request(code, "c1", ""); resp.status != http.StatusSeeOther {
		t.Fatalf("request: status %d", resp.status)
	}
	page = cy.get("/j/" + code)
	if got, want := text(page, "place"), "3rd in line"; got != want {
		t.Errorf("the song landed %q, forecast said 3rd", got)
	}
	// The next one: after the round, behind Ana's second.
	if got := text(page, "request-forecast"); !strings.HasPrefix(got, "You'd be 5th · ") {
		t.Errorf("second forecast = %q, want 5th", got)
	}

	// The htmx answer to a request carries the forecast for the next one.
	cy.htmx = true
	resp := cy.request(code, "c2", "")
	if resp.status != http.StatusOK || !strings.HasPrefix(text(resp, "request-forecast"), "You'd be 6th · ") {
		t.Errorf("htmx answer: status %d, forecast %q, want 6th", resp.status, text(resp, "request-forecast"))
	}
	cy.htmx = false

	for _, tt := range []struct {
		name string
		set  func() error
		want string
	}{
		{"at the cap", func() error { return app.store.SetSingerCap(ctx, sess.ID, 2) }, "You have 2 songs waiting, the most allowed."},
		{"paused", func() error { return app.store.SetRequestsPaused(ctx, sess.ID, true) }, "The host has paused requests for now."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.set(); err != nil {
				t.Fatal(err)
			}
			page := cy.get("/j/" + code)
			if got := text(page, "request-forecast"); got != tt.want {
				t.Errorf("forecast = %q, want %q", got, tt.want)
			}
			if !page.testid("request-forecast").HasClass("refused") {
				t.Error("a refusal is not marked as one")
			}
		})
	}
}

// TestFairnessExplainsTheOrder: "why this order" gives the round, why the
// next songs come first, the host's override with its time, and the songs
// each singer has sung, the guest's own marked.
func TestFairnessExplainsTheOrder(t *testing.T) {
	ctx := context.Background()
	app := newTestApp(t)
	_, _, code := app.hostNight()
	sess, err := app.store.SessionByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	ana := app.guest(code, "Ana", "a1", "a2")
	app.guest(code, "Bob", "b1")
	for range 2 {
		if _, _, err := app.store.StartNext(ctx, sess.ID, singing(t, app.store, sess.ID)); err != nil {
			t.Fatal(err)
		}
	}
	app.guest(code, "Dee", "d1")
	app.guest(code, "Eve", "e1")
	night, err := app.store.Night(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	eve := night.Queue()[len(night.Queue())-1]
	if err := app.store.MoveRequest(ctx, sess.ID, eve.ID, db.MoveUp); err != nil {
		t.Fatal(err)
	}
	// Bob sings b1; waiting in round 2: a2, then e1 moved above d1.
	page := ana.get("/j/" + code)
	if got, want := text(page, "fairness-round"), "Round 2:"; !strings.HasPrefix(got, want) {
		t.Errorf("round = %q, want %q…", got, want)
	}
	var next []string
	page.testid("fairness-next").Find("li").Each(func(_ int, s *goquery.Selection) { next = append(next, s.Text()) })
	wantNext := []string{"1st: Ana hasn't sung this round", "2nd: the host moved Eve's song up", "3rd: Dee joined late: first song of the round"}
	if !slices.Equal(next, wantNext) {
		t.Errorf("next = %q, want %q", next, wantNext)
	}
	if got := text(page, "fairness-overrides"); !regexp.MustCompile(`^\d\d:\d\d — the host moved Eve's song up$`).MatchString(got) {
		t.Errorf("overrides = %q", got)
	}
	var singers []string
	page.testid("fairness-singers").Find("li").Each(func(_ int, s *goquery.Selection) {
		singers = append(singers, strings.Join(strings.Fields(s.Text()), " "))
	})
	if got, want := strings.Join(singers, ", "), "Bob 0, Ana you 1, Eve 0, Dee 0"; got != want {
		t.Errorf("singers = %q, want %q", got, want)
	}
	if got := page.testid("fairness-singers").Find("li.you").Length(); got != 1 {
		t.Errorf("%d singers marked as the guest, want 1", got)
	}
	if page.doc.Find("details[data-testid=fairness] > summary").Length() != 1 {
		t.Error("why this order is not folded under a summary")
	}
}

func singing(t *testing.T, store *db.Store, sessionID int64) int64 {
	t.Helper()
	n, err := store.Night(context.Background(), sessionID)
	if err != nil {
		t.Fatal(err)
	}
	if n.NowSinging == nil {
		return db.NoTurn
	}
	return n.NowSinging.ID
}

// TestForecastFollowsTheQueueInOneFrame: when another guest requests, the
// guest's live frame carries the new queue, the new forecast, "why this
// order" and the up-next banner together, at the one version.
func TestForecastFollowsTheQueueInOneFrame(t *testing.T) {
	ctx := context.Background()
	store, _ := newRoutes(t, handlers.Config{})
	sess, _, err := store.CreateSession(ctx, "Friday")
	if err != nil {
		t.Fatal(err)
	}
	join := func(name string) db.Guest {
		g, err := store.JoinSession(ctx, sess.ID, signedDevice(t, store), name)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	ana, bob := join("Ana"), join("Bob")
	events := func() map[string]string {
		f, err := handlers.LiveSource(store).Frame(ctx, sess.ID)
		if err != nil {
			t.Fatal(err)
		}
		list, err := f.Events(live.Listener{SessionID: sess.ID, Page: live.PageGuest, GuestID: ana.ID})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, e := range list {
			out[e.Name] = string(e.HTML)
		}
		return out
	}
	before := events()
	if !strings.Contains(before[views.EventGuestForecast], "You&#39;d be 1st · on right away") {
		t.Fatalf("forecast on an empty night = %q", before[views.EventGuestForecast])
	}
	if _, err := store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: bob.ID, Title: "b1"}); err != nil {
		t.Fatal(err)
	}
	after := events()
	for _, name := range []string{views.EventGuestQueue, views.EventGuestForecast, views.EventGuestFairness} {
		if after[name] == before[name] {
			t.Errorf("event %q did not change with the queue", name)
		}
	}
	if !strings.Contains(after[views.EventGuestForecast], "You&#39;d be 2nd") {
		t.Errorf("forecast after Bob's request = %q, want 2nd", after[views.EventGuestForecast])
	}
	if _, err := store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: ana.ID, Title: "a1"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := store.StartNext(ctx, sess.ID, db.NoTurn); err != nil {
		t.Fatal(err)
	}
	last := events()
	if !strings.Contains(last[views.EventGuestStatus], `data-testid="up-next"`) || !strings.Contains(last[views.EventGuestFairness], "Ana hasn&#39;t sung this round") {
		t.Errorf("the up-next banner and why this order are not in the frame that made Ana next:\n%s\n%s", last[views.EventGuestStatus], last[views.EventGuestFairness])
	}
}

// TestForecastSaysWhatTheRulesDo: in approval mode the forecast is as of
// the host's OK; a song that would start after closing is refused before
// it is asked for; with songbook only the form with no fields still says
// where a song picked from the book would land.
func TestForecastSaysWhatTheRulesDo(t *testing.T) {
	ctx := context.Background()
	app := newTestApp(t)
	_, dash, code := app.hostNight()
	sess, err := app.store.SessionByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	app.guest(code, "Ana", "a1")
	cy := app.guest(code, "Cy")

	if err := app.store.SetSettings(ctx, sess.ID, db.Settings{SingerCap: 3, Approval: true}); err != nil {
		t.Fatal(err)
	}
	if got := text(cy.get("/j/"+code), "request-forecast"); !regexp.MustCompile(`^You'd be 2nd · on at about \d\d:\d\d, after the host's OK$`).MatchString(got) {
		t.Errorf("approval mode: forecast = %q", got)
	}

	// Ana's song ahead takes 5 minutes; closing is at most 2 away.
	closing := time.Now().In(sess.Zone()).Add(2 * time.Minute).Format("15:04")
	if err := app.store.SetSettings(ctx, sess.ID, db.Settings{SingerCap: 3, Closing: db.ClosingRule{Zone: sess.TimeZone, Time: closing}}); err != nil {
		t.Fatal(err)
	}
	page := cy.get("/j/" + code)
	if got, want := text(page, "request-forecast"), "No more songs fit before closing at "+closing+"."; got != want {
		t.Errorf("near closing: forecast = %q, want %q", got, want)
	}

	if err := app.store.SetSettings(ctx, sess.ID, db.Settings{SingerCap: 3, SongbookOnly: true}); err != nil {
		t.Fatal(err)
	}
	app.withSongbook(dash, testSongbook)
	page = cy.get("/j/" + code)
	if got := text(page, "request-forecast"); page.testid("songbook-only").Find("[data-testid=request-forecast]").Length() != 1 || !strings.HasPrefix(got, "You'd be 2nd · ") {
		t.Errorf("songbook only: forecast %q in the form with no fields", got)
	}
}
