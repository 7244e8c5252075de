package db_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
)

func (n *night) walkup(id int64, name, title string) (db.Request, error) {
	n.t.Helper()
	n.clock.Advance(time.Second)
	return n.store.AddWalkup(context.Background(), db.NewWalkup{
		NewRequest: db.NewRequest{SessionID: n.session.ID, Title: title}, WalkupID: id, Name: name})
}

func TestWalkupJoinsTheRotation(t *testing.T) {
	ctx := context.Background()
	n := newNight(t)
	n.run("A a1", "A a2", "B b1")
	w1, err := n.walkup(0, "Wanda", "w1")
	if err != nil {
		t.Fatal(err)
	}
	if !w1.AddedByHost || w1.Singer != "Wanda" {
		t.Errorf("walk-up request = %+v, want Wanda, added by the host", w1)
	}
	if got, want := n.queue(), "a1 b1 w1 a2"; got != want {
		t.Fatalf("queue = %q, want %q", got, want)
	}
	// Picked from the list, and typed again: the same singer, whose second
	// song goes after every other singer's next.
	if _, err := n.walkup(w1.GuestID, "", "w2"); err != nil {
		t.Fatal(err)
	}
	w3, err := n.walkup(0, " wanda ", "w3")
	if err != nil {
		t.Fatal(err)
	}
	if w3.GuestID != w1.GuestID {
		t.Errorf("typing Wanda again made guest %d, want %d", w3.GuestID, w1.GuestID)
	}
	if got, want := n.queue(), "a1 b1 w1 a2 w2 w3"; got != want {
		t.Errorf("queue = %q, want %q", got, want)
	}
	walkups, err := n.store.Walkups(ctx, n.session.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(walkups) != 1 || walkups[0].Waiting != 3 || !walkups[0].AddedByHost {
		t.Errorf("walk-ups = %+v, want Wanda with 3 waiting", walkups)
	}
	// The cap is Wanda's as for anyone: 3 by default.
	_, err = n.walkup(w1.GuestID, "", "w4")
	if got, want := db.ErrorCode(err), db.ECONFLICT; got != want {
		t.Errorf("a 4th song: %v, want %s", err, want)
	}
	// The turns go by: Wanda sings in her place, and may ask again.
	n.run("next", "next", "next")
	if _, err := n.walkup(w1.GuestID, "", "w4"); err != nil {
		t.Errorf("after her turn: %v", err)
	}
}

func TestWalkupNamesAsForGuests(t *testing.T) {
	n := newNight(t)
	n.run("Ann a1")
	w, err := n.walkup(0, "ANN", "w1")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := w.Singer, "ANN (2)"; got != want {
		t.Errorf("a walk-up named as a guest: %q, want %q", got, want)
	}
	if w.GuestID == n.guests["Ann"].ID {
		t.Error("the walk-up took the phone guest's place")
	}
	tests := []struct {
		name        string
		id          int64
		typed, song string
		code        string
		field       string
	}{
		{"no name", 0, "  ", "x", db.EINVALID, "name"},
		{"a name too long", 0, strings.Repeat("x", db.MaxSingerName+1), "x", db.EINVALID, "name"},
		{"a walk-up and another name", w.GuestID, "Bob", "x", db.EINVALID, "name"},
		{"a phone guest picked as a walk-up", n.guests["Ann"].ID, "", "x", db.EINVALID, "walkup"},
		{"no title", 0, "Bob", " ", db.EINVALID, "title"},
		{"a song already waiting", 0, "Bob", "a1", db.EDUPLICATE, "title"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := n.walkup(tt.id, tt.typed, tt.song)
			if db.ErrorCode(err) != tt.code || db.ErrorField(err) != tt.field {
				t.Errorf("err = %v (%s, field %q), want %s on %q", err, db.ErrorCode(err), db.ErrorField(err), tt.code, tt.field)
			}
		})
	}
	if got, want := n.queue(), "a1 w1"; got != want {
		t.Errorf("queue = %q, want %q: a refused walk-up wrote nothing", got, want)
	}
}

func TestRemovingRecentJoinersKeepsWalkups(t *testing.T) {
	ctx := context.Background()
	n := newNight(t)
	since := n.clock.Now()
	n.run("A a1")
	if _, err := n.walkup(0, "Wanda", "w1"); err != nil {
		t.Fatal(err)
	}
	if _, err := n.store.RemoveGuestsJoinedSince(ctx, n.session.ID, since); err != nil {
		t.Fatal(err)
	}
	if got, want := n.queue(), "w1"; got != want {
		t.Errorf("queue = %q, want %q", got, want)
	}
}
