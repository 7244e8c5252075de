package handlers_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/handlers"
)

// TestHistoryPage: the dashboard links to the history, which lists every
// turn as text, the night's figures and a chart with its text alternative.
func TestHistoryPage(t *testing.T) {
	_, host, dash, _ := historyNight(t)
	link := host.get(dash).testid("history")
	if href, _ := link.Attr("href"); href != dash+"/history" {
		t.Fatalf("the dashboard's history link goes to %q, want %s/history", href, dash)
	}
	page := host.get(dash + "/history")
	if page.status != http.StatusOK || !page.isPage() {
		t.Fatalf("history: status %d, page %v", page.status, page.isPage())
	}
	if got := page.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q: a host page must not be cached", got)
	}
	var turns []string
	page.testid("turn").Each(func(_ int, s *goquery.Selection) {
		turns = append(turns, s.Find(".singer").Text()+" | "+strings.TrimSpace(s.Find(".song .title").Text())+" | "+s.Find(".outcome").Text())
	})
	want := []string{
		formulaName + " | " + quotedTitle + " | Sung",
		"Bob | " + newlineTitle + " | Singing now",
		"Cleo | Skipped one | Skipped before it started",
	}
	if strings.Join(turns, "\n") != strings.Join(want, "\n") {
		t.Errorf("turns:\n%s\nwant:\n%s", strings.Join(turns, "\n"), strings.Join(want, "\n"))
	}
	for id, want := range map[string]string{"songs-sung": "2", "singers": "2", "average-turn": "3 min 25 s", "skipped": "1"} {
		if got := page.testid(id).Text(); got != want {
			t.Errorf("%s reads %q, want %q", id, got, want)
		}
	}
	svg := page.testid("chart-svg")
	if role, _ := svg.Attr("role"); role != "img" || svg.Find("title").Text() != "Songs per half hour" || svg.Find("desc").Text() == "" {
		t.Errorf("the chart is not an image with a title and a description: %s", page.testid("history-chart").Text())
	}
	bars, rows := page.testid("chart-bar").Length(), page.testid("chart-table").Find("tbody tr").Length()
	if bars < 1 || rows != bars {
		t.Errorf("%d bars and %d rows in the chart's table, want as many, at least 1", bars, rows)
	}
	if got := page.testid("chart-bar").Filter(".busiest").Find(".chart-count").Text(); !strings.Contains(got, "busiest") {
		t.Errorf("the busiest bar's label reads %q: it must say so, not only by its fill", got)
	}
	for id, want := range map[string]string{"history-csv": dash + "/history.csv", "history-json": dash + "/history.json"} {
		if href, _ := page.testid(id).Attr("href"); href != want {
			t.Errorf("%s goes to %q, want %q", id, href, want)
		}
	}
}

// TestHistoryAfterTheNight: the history and its exports stay the host's
// alone, and readable once the night has ended.
func TestHistoryAfterTheNight(t *testing.T) {
	app, host, dash, _ := historyNight(t)
	stranger := app.browser()
	paths := []string{dash + "/history", dash + "/history.csv", dash + "/history.json"}
	for _, p := range paths {
		if resp := stranger.get(p); resp.status != http.StatusForbidden {
			t.Errorf("stranger GET %s: status %d, want 403", p, resp.status)
		}
	}
	if resp := host.post(dash + "/end"); resp.status != http.StatusSeeOther {
		t.Fatalf("end: status %d", resp.status)
	}
	for _, p := range paths {
		if resp := host.get(p); resp.status != http.StatusOK {
			t.Errorf("after the end, GET %s: status %d, want 200", p, resp.status)
		}
	}
	page := host.get(dash + "/history")
	if got := page.testid("history-status").Text(); !strings.Contains(got, "ended") {
		t.Errorf("the ended night's history says %q", got)
	}
	if got := page.testid("turn").Eq(1).Find(".outcome").Text(); got != "Sung" {
		t.Errorf("Bob's song, sung when the night ended, reads %q, want Sung", got)
	}
}

// TestHistoryOfAQuietNight: before anyone sings, the page says so and the
// exports are a header and empty lists.
func TestHistoryOfAQuietNight(t *testing.T) {
	app := newTestApp(t)
	host, dash, _ := app.hostNight()
	page := host.get(dash + "/history")
	if page.status != http.StatusOK || page.testid("chart-svg").Length() != 0 || page.testid("turn").Length() != 0 {
		t.Fatalf("quiet night: status %d, %d charts, %d turns", page.status, page.testid("chart-svg").Length(), page.testid("turn").Length())
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(host.get(dash+"/history.csv").body, "\ufeff"))).ReadAll()
	if err != nil || len(records) != 1 {
		t.Errorf("quiet night's CSV: %q, %v; want the header alone", records, err)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(host.get(dash+"/history.json").body), &got); err != nil {
		t.Fatal(err)
	}
	nums, _ := got["numbers"].(map[string]any)
	if turns, _ := got["turns"].([]any); turns == nil || len(turns) != 0 || nums["busiest_half_hour"] != nil {
		t.Errorf("quiet night's JSON: turns %v, busiest %v; want [] and null", got["turns"], nums["busiest_half_hour"])
	}
}

// BenchmarkHistory serves a busy night's history (40 singers, 60 songs
// sung) as the page, the CSV and the JSON, through the real router and
// store: the server's own cost of each.
//
//	go test ./handlers -run '^$' -bench History
func BenchmarkHistory(b *testing.B) {
	ctx := context.Background()
	store, routes := newRoutes(b, handlers.Config{})
	sess, hostKey, err := store.CreateSession(ctx, "Bench night")
	if err != nil {
		b.Fatal(err)
	}
	guests := make([]int64, 40)
	for i := range guests {
		g, err := store.JoinSession(ctx, sess.ID, signedDevice(b, store), fmt.Sprintf("Singer %d", i))
		if err != nil {
			b.Fatal(err)
		}
		guests[i] = g.ID
	}
	if err := store.SetSingerCap(ctx, sess.ID, 2); err != nil {
		b.Fatal(err)
	}
	for i := range 60 {
		in := db.NewRequest{SessionID: sess.ID, GuestID: guests[i%len(guests)], Title: fmt.Sprintf("Song %d", i), Artist: fmt.Sprintf("Artist %d", i%12)}
		if _, err := store.CreateRequest(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	singing := db.NoTurn
	for range 60 {
		r, _, err := store.StartNext(ctx, sess.ID, singing)
		if err != nil {
			b.Fatal(err)
		}
		singing = r.ID
	}
	base := "/host/" + strconv.FormatInt(sess.ID, 10) + "/history"
	for name, path := range map[string]string{"page": base, "csv": base + ".csv", "json": base + ".json"} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest("GET", path, nil)
				req.AddCookie(&http.Cookie{Name: "karaoke_host_" + strconv.FormatInt(sess.ID, 10), Value: hostKey})
				rec := httptest.NewRecorder()
				routes.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}
				b.SetBytes(int64(rec.Body.Len()))
			}
		})
	}
}
