package db_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
)

// venue is a time zone 45 minutes off the hour from UTC, so a half hour of
// its clock is never one of UTC's: numbers counted in UTC would differ.
var venue = time.FixedZone("UTC+05:45", 5*3600+45*60)

// seedHistory plays a night whose times are set by hand (UTC):
//
//	20:00 A, B, C, D request a1 (ABBA), b1 (Queen), c1 (abba), d1 (no
//	      artist), then a2 (Queen), b2 (Toto), c2 (ABBA); E requests e1
//	      and withdraws it, F's f1 is removed by the host
//	20:01 a1 starts; 20:05 b1 starts; 20:09 b1 is stopped and d1 skipped
//	20:16 c1 starts; 20:20 a2; 20:26 b2; 20:29 c2; 20:33 c2 ends
//	21:05 D requests d2 (Toto), which starts and is still being sung
//
// At the venue (UTC+05:45) 20:00 UTC is 01:45, so a1 falls in 01:30–02:00,
// c1 to c2 in 02:00–02:30 and d2 in 02:30–03:00.
func seedHistory(t *testing.T) *night {
	t.Helper()
	n := newNight(t)
	ctx := context.Background()
	at := func(hhmm string) {
		var h, m int
		if _, err := fmt.Sscanf(hhmm, "%d:%d", &h, &m); err != nil {
			t.Fatal(err)
		}
		n.clock.t = time.Date(2026, 11, 26, h, m, 0, 0, time.UTC)
	}
	ask := func(singer, title, artist string) {
		r, err := n.store.CreateRequest(ctx, db.NewRequest{SessionID: n.session.ID, GuestID: n.guest(singer).ID, Title: title, Artist: artist})
		if err != nil {
			t.Fatalf("request %s: %v", title, err)
		}
		n.requests[title] = r.ID
	}
	next := func(hhmm string) {
		at(hhmm)
		n.run("next")
	}
	at("20:00")
	ask("A", "a1", "ABBA")
	ask("B", "b1", "Queen")
	ask("C", "c1", "abba")
	ask("D", "d1", "")
	ask("E", "e1", "ABBA")
	ask("F", "f1", "ABBA")
	ask("A", "a2", "Queen")
	ask("B", "b2", "Toto")
	ask("C", "c2", "ABBA")
	n.run("-E e1", "remove f1")
	next("20:01")
	next("20:05")
	at("20:09")
	n.run("skip b1", "skip d1")
	next("20:16")
	next("20:20")
	next("20:26")
	next("20:29")
	next("20:33")
	at("21:05")
	ask("D", "d2", "Toto")
	next("21:05")
	return n
}

func (n *night) history() db.History {
	n.t.Helper()
	h, err := n.store.History(context.Background(), n.session.ID)
	if err != nil {
		n.t.Fatal(err)
	}
	return h
}

// turnLine is a turn as the test reads it: "20:05 B b1 4m0s skipped".
func turnLine(t db.Turn) string {
	line := t.At().Format("15:04") + " " + t.Singer + " " + t.Title
	switch {
	case t.SingingNow():
		line += " singing"
	case t.Started():
		line += " " + t.Length().String()
	default:
		line += " never started"
	}
	if t.Skipped {
		line += " skipped"
	}
	return line
}

// TestHistoryListsEveryTurn: the history holds every song started and every
// skip, in the order they came; not a withdrawn, removed or waiting one.
func TestHistoryListsEveryTurn(t *testing.T) {
	n := seedHistory(t)
	var got []string
	for _, turn := range n.history().Turns {
		got = append(got, turnLine(turn))
	}
	want := []string{
		"20:01 A a1 4m0s",
		"20:05 B b1 4m0s skipped",
		"20:09 D d1 never started skipped",
		"20:16 C c1 4m0s",
		"20:20 A a2 6m0s",
		"20:26 B b2 3m0s",
		"20:29 C c2 4m0s",
		"21:05 D d2 singing",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("turns:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestNightInNumbers: songs sung, singers, the average turn, the busiest
// half hour of the venue's clock and the top artists of a seeded night.
func TestNightInNumbers(t *testing.T) {
	got := seedHistory(t).history().Numbers(venue)
	if got.Sung != 6 || got.Skipped != 2 || got.Singers != 4 {
		t.Errorf("sung %d, skipped %d, singers %d; want 6, 2, 4", got.Sung, got.Skipped, got.Singers)
	}
	// a1 4 min, c1 4, a2 6, b2 3, c2 4: d2 is still being sung.
	if want := 4*time.Minute + 12*time.Second; got.AverageTurn != want {
		t.Errorf("average turn %v, want %v", got.AverageTurn, want)
	}
	if got, want := got.Busiest.Start.Format("15:04 -0700")+fmt.Sprintf(" %d", got.Busiest.Songs), "02:00 +0545 4"; got != want {
		t.Errorf("busiest half hour %s, want %s", got, want)
	}
	var halves []string
	for _, h := range got.PerHalfHour {
		halves = append(halves, fmt.Sprintf("%s:%d", h.Start.Format("15:04"), h.Songs))
	}
	if got, want := strings.Join(halves, " "), "01:30:1 02:00:4 02:30:1"; got != want {
		t.Errorf("songs per half hour %s, want %s", got, want)
	}
	var artists []string
	for _, a := range got.TopArtists {
		artists = append(artists, fmt.Sprintf("%s:%d", a.Artist, a.Songs))
	}
	// abba is ABBA, spelt as first sung; b1 (Queen) was stopped, not sung.
	if got, want := strings.Join(artists, " "), "ABBA:3 Toto:2 Queen:1"; got != want {
		t.Errorf("top artists %s, want %s", got, want)
	}
}

// TestHistoryOutlivesTheNight: once the night ends, the song being sung
// has its length, and the history stays until the retention purge.
func TestHistoryOutlivesTheNight(t *testing.T) {
	n := seedHistory(t)
	ctx := context.Background()
	n.clock.t = time.Date(2026, 11, 26, 21, 9, 1, 0, time.UTC) // run's "next" started d2 at 21:05:01
	if err := n.store.EndSession(ctx, n.session.ID); err != nil {
		t.Fatal(err)
	}
	turns := n.history().Turns
	if got, want := turnLine(turns[len(turns)-1]), "21:05 D d2 4m0s"; got != want {
		t.Errorf("after the end, the last turn reads %q, want %q", got, want)
	}
	if _, err := n.store.PurgeEnded(ctx, n.clock.t.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := n.store.History(ctx, n.session.ID); db.ErrorCode(err) != db.ENOTFOUND {
		t.Errorf("history after the purge: %v, want ENOTFOUND", err)
	}
}

// TestNumbersOfAQuietNight: nothing sung is zeros and no half hours; a
// night left open for days lists only the half hours with songs.
func TestNumbersOfAQuietNight(t *testing.T) {
	if got := (db.History{}).Numbers(venue); got.Sung != 0 || got.Busiest.Songs != 0 || got.PerHalfHour != nil || got.TopArtists != nil {
		t.Errorf("an empty night's numbers: %+v", got)
	}
	start := time.Date(2026, 11, 26, 20, 0, 0, 0, time.UTC)
	sung := func(at time.Time) db.Turn {
		return db.Turn{GuestID: 1, Title: "x", StartedAt: at, EndedAt: at.Add(3 * time.Minute)}
	}
	cases := []struct {
		name   string
		second time.Time
		want   int
	}{
		{"a day, every half hour", start.Add(23*time.Hour + 30*time.Minute), db.MaxChartHalfHours},
		{"three days, the busy ones", start.Add(72 * time.Hour), 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := db.History{Turns: []db.Turn{sung(start), sung(c.second)}}
			if got := len(h.Numbers(time.UTC).PerHalfHour); got != c.want {
				t.Errorf("%d half hours, want %d", got, c.want)
			}
		})
	}
}
