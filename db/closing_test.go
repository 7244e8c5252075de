package db_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestNextClosing: a closing time of day is the next moment the venue's
// clock shows it, after midnight when it is earlier than now, and DST days
// count their real hours.
func TestNextClosing(t *testing.T) {
	london, berlin, newYork := zone(t, "Europe/London"), zone(t, "Europe/Berlin"), zone(t, "America/New_York")
	tests := []struct {
		name  string
		loc   *time.Location
		now   time.Time
		clock string
		want  time.Time // in UTC
		hours float64   // how far from now
	}{
		{"later tonight", london, time.Date(2026, 12, 4, 22, 0, 0, 0, london), "23:30",
			time.Date(2026, 12, 4, 23, 30, 0, 0, time.UTC), 1.5},
		{"after midnight", london, time.Date(2026, 12, 4, 22, 0, 0, 0, london), "01:30",
			time.Date(2026, 12, 5, 1, 30, 0, 0, time.UTC), 3.5},
		{"now itself is tomorrow's", london, time.Date(2026, 12, 4, 22, 0, 0, 0, london), "22:00",
			time.Date(2026, 12, 5, 22, 0, 0, 0, time.UTC), 24},
		{"summer time in London", london, time.Date(2026, 7, 4, 22, 0, 0, 0, london), "01:30",
			time.Date(2026, 7, 5, 0, 30, 0, 0, time.UTC), 3.5},
		{"clocks go forward in the night: 22:00 to 03:00 is 4 hours", berlin, time.Date(2026, 3, 28, 22, 0, 0, 0, berlin), "03:00",
			time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC), 4},
		{"a time the clocks skip is read on the old clock", berlin, time.Date(2026, 3, 28, 22, 0, 0, 0, berlin), "02:30",
			time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC), 4.5},
		{"clocks go back in the night: 22:00 to 02:00 is 5 hours", newYork, time.Date(2026, 10, 31, 22, 0, 0, 0, newYork), "02:00",
			time.Date(2026, 11, 1, 7, 0, 0, 0, time.UTC), 5},
		{"a time the clocks show twice is the first", newYork, time.Date(2026, 10, 31, 22, 0, 0, 0, newYork), "01:30",
			time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC), 3.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.NextClosing(tt.clock, tt.loc, tt.now)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("NextClosing(%s) = %v, want %v", tt.clock, got.UTC(), tt.want)
			}
			if h := got.Sub(tt.now).Hours(); h != tt.hours {
				t.Errorf("closing is %v hours away, want %v", h, tt.hours)
			}
		})
	}
	for _, bad := range []string{"", "1am", "25:00", "12:60", "12.30", "<b>"} {
		if _, err := db.NextClosing(bad, london, time.Now()); db.ErrorCode(err) != db.EINVALID || db.ErrorField(err) != "closing" {
			t.Errorf("NextClosing(%q) = %v, want EINVALID on closing", bad, err)
		}
	}
}

// TestClosingSettings: the settings form sets the zone and the closing
// moment; a bad zone or time writes nothing; a form sent back unchanged
// keeps the moment, though its time of day has come round again.
func TestClosingSettings(t *testing.T) {
	ctx := context.Background()
	n := newNight(t) // 2026-11-26 20:00 UTC
	set := func(rule db.ClosingRule) error {
		return n.store.SetSettings(ctx, n.session.ID, db.Settings{SingerCap: 3, Closing: rule})
	}
	if err := set(db.ClosingRule{Zone: "Europe/Helsinki", Time: "01:30"}); err != nil {
		t.Fatal(err)
	}
	sess := n.state().Session
	// 20:00 UTC is 22:00 in Helsinki: 01:30 there is 23:30 UTC.
	if want := time.Date(2026, 11, 26, 23, 30, 0, 0, time.UTC); !sess.ClosingAt.Equal(want) || sess.TimeZone != "Europe/Helsinki" {
		t.Fatalf("closing %v in %q, want %v in Europe/Helsinki", sess.ClosingAt, sess.TimeZone, want)
	}
	if got := sess.ClosingClock(); got != "01:30" {
		t.Errorf("ClosingClock = %q, want 01:30", got)
	}

	for _, tt := range []struct {
		rule  db.ClosingRule
		field string
	}{
		{db.ClosingRule{Zone: "Mars/Olympus_Mons", Time: "02:00"}, "time_zone"},
		{db.ClosingRule{Zone: "Local", Time: "02:00"}, "time_zone"},
		{db.ClosingRule{Zone: "../../etc/passwd", Time: "02:00"}, "time_zone"},
		{db.ClosingRule{Zone: "UTC", Time: "late"}, "closing"},
	} {
		err := set(tt.rule)
		if db.ErrorCode(err) != db.EINVALID || db.ErrorField(err) != tt.field {
			t.Errorf("%+v: %v, want EINVALID on %s", tt.rule, err, tt.field)
		}
	}
	if after := n.state().Session; after.Version != sess.Version || !after.ClosingAt.Equal(sess.ClosingAt) {
		t.Errorf("refused settings wrote: version %d → %d, closing %v", sess.Version, after.Version, after.ClosingAt)
	}

	// Past closing, the host saves the form (the cap) as it was loaded:
	// closing stays tonight's 01:30, not tomorrow's.
	n.clock.Advance(4 * time.Hour)
	if err := set(db.ClosingRule{Zone: "Europe/Helsinki", Time: "01:30", Shown: "01:30"}); err != nil {
		t.Fatal(err)
	}
	if got := n.state().Session.ClosingAt; !got.Equal(sess.ClosingAt) {
		t.Errorf("an unchanged form moved closing to %v", got)
	}
	// Typed again, it is the next 01:30.
	if err := set(db.ClosingRule{Zone: "Europe/Helsinki", Time: "01:30"}); err != nil {
		t.Fatal(err)
	}
	if got, want := n.state().Session.ClosingAt, sess.ClosingAt.Add(24*time.Hour); !got.Equal(want) {
		t.Errorf("closing typed again = %v, want %v", got, want)
	}
	if err := set(db.ClosingRule{Zone: "", Time: ""}); err != nil {
		t.Fatal(err)
	}
	if got := n.state().Session; !got.ClosingAt.IsZero() || got.TimeZone != "" {
		t.Errorf("cleared: closing %v in %q", got.ClosingAt, got.TimeZone)
	}
}

// TestClosingRefusesRequests: a request whose estimated start (5 min a
// song until turns are timed) falls after closing is refused with the
// closing time; those already waiting stay; extending lets the next in.
func TestClosingRefusesRequests(t *testing.T) {
	ctx := context.Background()
	n := newNight(t)
	if err := n.store.SetSettings(ctx, n.session.ID, db.Settings{SingerCap: 3, Closing: db.ClosingRule{Zone: "UTC", Time: "20:12"}}); err != nil {
		t.Fatal(err)
	}
	n.run("A a1", "next", "B b1", "C c1") // a1 singing; b1 starts in 5 min, c1 in 10
	_, err := n.store.CreateRequest(ctx, db.NewRequest{SessionID: n.session.ID, GuestID: n.guest("D").ID, Title: "d1"})
	if got, want := db.ErrorMessage(err), "No more songs fit before closing at 20:12."; db.ErrorCode(err) != db.ECONFLICT || got != want {
		t.Fatalf("a request starting at 20:15 = %v, want ECONFLICT %q", err, want)
	}
	if got, want := n.queue(), "[a1] b1 c1"; got != want {
		t.Errorf("queue = %q, want %q", got, want)
	}
	night := n.state()
	now := n.clock.Now()
	for i, want := range []bool{false, false} {
		if got := night.StartsAfterClosing(night.PlaceOf(i), now); got != want {
			t.Errorf("request %d after closing = %v, want %v", i, got, want)
		}
	}

	if err := n.store.ExtendClosing(ctx, n.session.ID, 15*time.Minute); err != nil {
		t.Fatal(err)
	}
	if got := n.state().Session.ClosingClock(); got != "20:27" {
		t.Errorf("extended closing = %s, want 20:27", got)
	}
	n.run("D d1")
	// Turns that run long: the queue as it stands now ends after closing,
	// and the host sees which songs.
	n.clock.Advance(13 * time.Minute)
	night, now = n.state(), n.clock.Now()
	var after []string
	for i, r := range night.Queue() {
		if night.StartsAfterClosing(night.PlaceOf(i), now) {
			after = append(after, r.Title)
		}
	}
	if len(after) != 1 || after[0] != "d1" {
		t.Errorf("after closing: %v, want [d1]", after)
	}

	for _, tt := range []struct {
		by   time.Duration
		code string
	}{{0, db.EINVALID}, {4 * time.Hour, db.EINVALID}} {
		if err := n.store.ExtendClosing(ctx, n.session.ID, tt.by); db.ErrorCode(err) != tt.code {
			t.Errorf("extend by %v: %v, want %s", tt.by, err, tt.code)
		}
	}
	if err := n.store.SetSettings(ctx, n.session.ID, db.Settings{SingerCap: 3, Closing: db.ClosingRule{}}); err != nil {
		t.Fatal(err)
	}
	if err := n.store.ExtendClosing(ctx, n.session.ID, 15*time.Minute); db.ErrorCode(err) != db.ECONFLICT {
		t.Errorf("extend with no closing time: %v, want ECONFLICT", err)
	}
}

// TestClockTimesInTheVenueZone: the clock times the store writes into a
// message ("sung at 05:00") are the venue's, not the server's.
func TestClockTimesInTheVenueZone(t *testing.T) {
	ctx := context.Background()
	n := newNight(t) // 20:00 UTC is 05:00 in Tokyo
	if err := n.store.SetSettings(ctx, n.session.ID, db.Settings{SingerCap: 3, Closing: db.ClosingRule{Zone: "Asia/Tokyo"}}); err != nil {
		t.Fatal(err)
	}
	n.run("A Zombie", "next", "next")
	_, err := n.store.CreateRequest(ctx, db.NewRequest{SessionID: n.session.ID, GuestID: n.guest("B").ID, Title: "Zombie"})
	if msg := db.ErrorMessage(err); db.ErrorCode(err) != db.EDUPLICATE || !strings.Contains(msg, "sung at 05:00") {
		t.Errorf("duplicate: %v, want the time on Tokyo's clock", err)
	}
}
