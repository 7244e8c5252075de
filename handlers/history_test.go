package handlers_test

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
)

// Text a spreadsheet would run, or a CSV writer would have to quote.
const (
	formulaName  = `=HYPERLINK("http://evil.example","x")`
	quotedTitle  = `Say "Hi", Bye`
	formulaBand  = `+44, "The Band"`
	newlineTitle = "Line one\nline two, \"quoted\""
)

// historyNight is a night with three turns: the guest named formulaName
// sang quotedTitle by formulaBand; Bob's song, whose title the test gives
// a newline, is being sung; Cleo's was skipped before it started.
func historyNight(t *testing.T) (app *testApp, host *browser, dash string, sessionID int64) {
	t.Helper()
	app, dbPath := newAppWithFile(t)
	host, dash, code := app.hostNight()
	sessionID, err := strconv.ParseInt(path.Base(dash), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []struct{ name, title, artist string }{
		{formulaName, quotedTitle, formulaBand},
		{"Bob", "Plain", "ABBA"},
		{"Cleo", "Skipped one", ""},
	} {
		b := app.browser()
		b.join(code, g.name)
		if resp := b.request(code, g.title, g.artist); resp.status != http.StatusSeeOther {
			t.Fatalf("%s requesting: status %d", g.name, resp.status)
		}
	}
	ctx := context.Background()
	// A turn of a length the test can read: 3 min 25 s on the store's clock.
	start := time.Now()
	app.store.Now = func() time.Time { return start }
	first, _, err := app.store.StartNext(ctx, sessionID, db.NoTurn)
	if err != nil {
		t.Fatal(err)
	}
	app.store.Now = func() time.Time { return start.Add(3*time.Minute + 25*time.Second) }
	second, _, err := app.store.StartNext(ctx, sessionID, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	night, err := app.store.Night(ctx, sessionID)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.store.SkipRequest(ctx, sessionID, night.Queue()[0].ID, db.StatusWaiting); err != nil {
		t.Fatal(err)
	}
	// The store keeps a typed title to one line; the export must not rely
	// on it, so a title gets a newline behind the store's back.
	raw, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE requests SET title = ? WHERE id = ?`, newlineTitle, second.ID); err != nil {
		t.Fatal(err)
	}
	return app, host, dash, sessionID
}

// attachment checks that resp is a download of contentType and returns
// its file name.
func attachment(t *testing.T, resp response, contentType string) string {
	t.Helper()
	if resp.status != http.StatusOK {
		t.Fatalf("status %d, want 200", resp.status)
	}
	if got := resp.header.Get("Content-Type"); got != contentType {
		t.Errorf("Content-Type %q, want %q", got, contentType)
	}
	disposition, params, err := mime.ParseMediaType(resp.header.Get("Content-Disposition"))
	if err != nil || disposition != "attachment" {
		t.Fatalf("Content-Disposition %q: %v", resp.header.Get("Content-Disposition"), err)
	}
	return params["filename"]
}

// TestHistoryCSVParsesBack: the CSV is a header and a row a turn, in
// order, that encoding/csv reads back to what was stored, with a cell a
// spreadsheet would run as a formula made text.
func TestHistoryCSVParsesBack(t *testing.T) {
	_, host, dash, _ := historyNight(t)
	resp := host.get(dash + "/history.csv")
	today := time.Now().Format("2006-01-02")
	if got, want := attachment(t, resp, "text/csv; charset=utf-8"), "karaoke-friday-"+today+".csv"; got != want {
		t.Errorf("file name %q, want %q", got, want)
	}
	body, ok := strings.CutPrefix(resp.body, "\ufeff")
	if !ok {
		t.Error("the CSV does not start with a UTF-8 byte order mark, which Excel needs to read accents")
	}
	if !strings.HasSuffix(body, "\r\n") {
		t.Error("the CSV's lines do not end in CRLF, as RFC 4180 has them")
	}
	r := csv.NewReader(strings.NewReader(body))
	records, err := r.ReadAll()
	if err != nil {
		t.Fatalf("read the CSV back: %v\n%s", err, body)
	}
	want := [][]string{
		{"Started", "Ended", "Singer", "Title", "Artist", "Length (seconds)", "Skipped"},
		{"", "", "'" + formulaName, quotedTitle, "'" + formulaBand, "205", "no"},
		{"", "", "Bob", newlineTitle, "ABBA", "", "no"},
		{"", "", "Cleo", "Skipped one", "", "", "yes"},
	}
	if len(records) != len(want) {
		t.Fatalf("%d records, want %d:\n%q", len(records), len(want), records)
	}
	for i, rec := range records {
		if i > 0 {
			// Times are checked for their shape: the clock starts at the real time.
			for j, cell := range rec[:2] {
				if _, err := time.ParseInLocation("2006-01-02 15:04:05", cell, time.Local); cell != "" && err != nil {
					t.Errorf("row %d, column %d: %q is not a time: %v", i, j, cell, err)
				}
			}
			if (rec[0] == "") != (i == 3) || (rec[1] == "") != (i == 2) {
				t.Errorf("row %d: started %q, ended %q", i, rec[0], rec[1])
			}
			rec[0], rec[1] = "", ""
		}
		if strings.Join(rec, "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d:\n got %q\nwant %q", i, rec, want[i])
		}
	}
}

// historyExport is the JSON export as a reader decodes it.
type historyExport struct {
	Session string     `json:"session"`
	EndedAt *time.Time `json:"ended_at"`
	Numbers struct {
		SongsSung          int   `json:"songs_sung"`
		Singers            int   `json:"singers"`
		Skipped            int   `json:"skipped"`
		AverageTurnSeconds int64 `json:"average_turn_seconds"`
		BusiestHalfHour    *struct {
			Start time.Time `json:"start"`
			Songs int       `json:"songs"`
		} `json:"busiest_half_hour"`
		TopArtists []struct {
			Artist string `json:"artist"`
			Songs  int    `json:"songs"`
		} `json:"top_artists"`
	} `json:"numbers"`
	Turns []struct {
		Singer    string     `json:"singer"`
		Title     string     `json:"title"`
		Artist    string     `json:"artist"`
		StartedAt *time.Time `json:"started_at"`
		EndedAt   *time.Time `json:"ended_at"`
		Seconds   *int64     `json:"seconds"`
		Skipped   bool       `json:"skipped"`
	} `json:"turns"`
}

// TestHistoryJSONParsesBack: the JSON export decodes to the turns as they
// were typed (JSON is data, so a formula stays as it is) and the numbers.
func TestHistoryJSONParsesBack(t *testing.T) {
	_, host, dash, _ := historyNight(t)
	resp := host.get(dash + "/history.json")
	if name := attachment(t, resp, "application/json; charset=utf-8"); !strings.HasSuffix(name, ".json") {
		t.Errorf("file name %q", name)
	}
	var got historyExport
	dec := json.NewDecoder(strings.NewReader(resp.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err == nil {
		t.Error("the test's struct should not know every field (started_at, songs_per_half_hour)")
	}
	if err := json.Unmarshal([]byte(resp.body), &got); err != nil {
		t.Fatalf("decode: %v\n%s", err, resp.body)
	}
	if got.Session != "Friday" || got.EndedAt != nil {
		t.Errorf("session %q ended %v, want Friday, still going", got.Session, got.EndedAt)
	}
	var turns []string
	for _, turn := range got.Turns {
		line := strings.Join([]string{turn.Singer, turn.Title, turn.Artist, strconv.FormatBool(turn.Skipped)}, "|")
		if turn.StartedAt != nil {
			line += "|started"
		}
		if turn.EndedAt != nil {
			line += "|ended"
		}
		if turn.Seconds != nil {
			line += "|" + strconv.FormatInt(*turn.Seconds, 10) + "s"
		}
		turns = append(turns, line)
	}
	want := []string{
		formulaName + "|" + quotedTitle + "|" + formulaBand + "|false|started|ended|205s",
		"Bob|" + newlineTitle + "|ABBA|false|started",
		"Cleo|Skipped one||true|ended",
	}
	if strings.Join(turns, "\n") != strings.Join(want, "\n") {
		t.Errorf("turns:\n%s\nwant:\n%s", strings.Join(turns, "\n"), strings.Join(want, "\n"))
	}
	n := got.Numbers
	if n.SongsSung != 2 || n.Singers != 2 || n.Skipped != 1 || n.AverageTurnSeconds != 205 {
		t.Errorf("numbers %+v, want 2 sung, 2 singers, 1 skipped, average 205 s", n)
	}
	if n.BusiestHalfHour == nil || n.BusiestHalfHour.Songs < 1 {
		t.Errorf("busiest half hour %+v", n.BusiestHalfHour)
	}
	// One song each: in the order of their folded names, "+" before "a".
	if len(n.TopArtists) != 2 || n.TopArtists[0].Artist != formulaBand || n.TopArtists[1].Artist != "ABBA" {
		t.Errorf("top artists %+v, want the band, then ABBA", n.TopArtists)
	}
}
