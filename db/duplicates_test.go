package db_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
)

// TestDuplicateGuard: a request for a song already waiting, being sung or
// sung tonight is flagged with who has it and, for one sung, when; the same
// title with the artist left out on either side is the same song.
func TestDuplicateGuard(t *testing.T) {
	tests := []struct {
		name                string
		title, artist       string // Ann's request
		state               string // what became of it before Bob's
		newTitle, newArtist string // Bob's request
		says                string // part of the message; "" for no duplicate
	}{
		{"same song waiting", "Zombie", "The Cranberries", db.StatusWaiting, " zombie", "THE  CRANBERRIES",
			"Ann already requested “Zombie” by The Cranberries; it is in the queue. Add it anyway?"},
		{"the new request leaves the artist out", "Zombie", "The Cranberries", db.StatusWaiting, "Zombie", "",
			"Ann already requested “Zombie” by The Cranberries"},
		{"the waiting one left the artist out", "Zombie", "", db.StatusWaiting, "Zombie", "The Cranberries",
			"Ann already requested “Zombie”; it is in the queue."},
		{"neither has an artist", "Zombie", "", db.StatusWaiting, "ZOMBIE", "", "Ann already requested “Zombie”"},
		{"another artist is another song", "Zombie", "The Cranberries", db.StatusWaiting, "Zombie", "Bad Wolves", ""},
		{"a longer title is another song", "Zombie Nation", "", db.StatusWaiting, "Zombie", "", ""},
		{"being sung", "Zombie", "The Cranberries", db.StatusSinging, "Zombie", "",
			"Ann is singing “Zombie” by The Cranberries right now. Add it anyway?"},
		{"sung tonight", "Zombie", "The Cranberries", db.StatusDone, "Zombie", "The Cranberries",
			"“Zombie” by The Cranberries was sung at %s by Ann (25 min ago). Add it again anyway?"},
		{"sung tonight, artist left out", "Zombie", "", db.StatusDone, "Zombie", "The Cranberries",
			"“Zombie” was sung at %s by Ann (25 min ago)."},
		{"skipped is not sung", "Zombie", "The Cranberries", db.StatusSkipped, "Zombie", "The Cranberries", ""},
		{"withdrawn", "Zombie", "The Cranberries", db.StatusWithdrawn, "Zombie", "The Cranberries", ""},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newNight(t)
			ann, bob := n.guest("Ann"), n.guest("Bob")
			req, err := n.store.CreateRequest(ctx, db.NewRequest{SessionID: n.session.ID, GuestID: ann.ID, Title: tt.title, Artist: tt.artist})
			if err != nil {
				t.Fatal(err)
			}
			startedAt := n.clock.Now()
			switch tt.state {
			case db.StatusSinging, db.StatusDone, db.StatusSkipped:
				_, _, err = n.store.StartNext(ctx, n.session.ID, db.NoTurn)
				n.clock.Advance(4 * time.Minute)
			}
			switch tt.state {
			case db.StatusDone:
				_, _, err = n.store.StartNext(ctx, n.session.ID, req.ID)
			case db.StatusSkipped:
				err = n.store.SkipRequest(ctx, n.session.ID, req.ID, db.StatusSinging)
			case db.StatusWithdrawn:
				err = n.store.WithdrawRequest(ctx, n.session.ID, ann.ID, req.ID)
			}
			if err != nil {
				t.Fatal(err)
			}
			n.clock.Advance(21 * time.Minute)

			in := db.NewRequest{SessionID: n.session.ID, GuestID: bob.ID, Title: tt.newTitle, Artist: tt.newArtist}
			_, err = n.store.CreateRequest(ctx, in)
			if tt.says == "" {
				if err != nil {
					t.Fatalf("err = %v, want the song added", err)
				}
				return
			}
			want := tt.says
			if strings.Contains(want, "%s") {
				want = strings.Replace(want, "%s", startedAt.Local().Format("15:04"), 1)
			}
			if db.ErrorCode(err) != db.EDUPLICATE || db.ErrorField(err) != "title" || !strings.Contains(db.ErrorMessage(err), want) {
				t.Fatalf("err = %v, want a duplicate on the title saying %q", err, want)
			}
			// The guest may still add it.
			in.AllowDuplicate = true
			if _, err := n.store.CreateRequest(ctx, in); err != nil {
				t.Errorf("confirmed: %v", err)
			}
		})
	}
}
