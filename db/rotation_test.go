package db_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
)

// night drives one session through a script of steps, each a few words:
//
//	"A a1"       singer A requests the song a1 (singers join on first use)
//	"next"       the host starts the next turn
//	"-A a1"      singer A withdraws a1
//	"up a1", "down a1", "top a1", "back a1", "skip a1", "remove a1"
//	             host overrides on the request a1
type night struct {
	t        *testing.T
	store    *db.Store
	clock    *clock
	session  db.Session
	guests   map[string]db.Guest
	requests map[string]int64
	patched  int // requests whose write patched the kept Night (see ask)
	// nextsPatched counts the Start next presses that patched it
	// (startNextAsWaited).
	nextsPatched int
}

func newNight(t *testing.T) *night {
	t.Helper()
	store := openTestStore(t)
	c := newClock()
	store.Now = c.Now
	sess, _, err := store.CreateSession(context.Background(), "test night")
	if err != nil {
		t.Fatal(err)
	}
	return &night{t: t, store: store, clock: c, session: sess, guests: map[string]db.Guest{}, requests: map[string]int64{}}
}

func (n *night) guest(name string) db.Guest {
	g, ok := n.guests[name]
	if !ok {
		var err error
		g, err = n.store.JoinSession(context.Background(), n.session.ID, db.SignedDevice(n.t, n.store), name)
		if err != nil {
			n.t.Fatalf("join %s: %v", name, err)
		}
		n.guests[name] = g
	}
	return g
}

func (n *night) run(steps ...string) {
	n.t.Helper()
	ctx := context.Background()
	for _, step := range steps {
		n.clock.Advance(time.Second)
		f := strings.Fields(step)
		var err error
		switch {
		case f[0] == "next":
			_, _, err = n.store.StartNext(ctx, n.session.ID, n.singing())
		case strings.HasPrefix(f[0], "-"):
			err = n.store.WithdrawRequest(ctx, n.session.ID, n.guest(f[0][1:]).ID, n.requests[f[1]])
		case f[0] == "skip":
			was := db.StatusWaiting
			if n.singing() == n.requests[f[1]] {
				was = db.StatusSinging
			}
			err = n.store.SkipRequest(ctx, n.session.ID, n.requests[f[1]], was)
		case f[0] == "remove":
			err = n.store.RemoveRequest(ctx, n.session.ID, n.requests[f[1]])
		case f[0] == "up" || f[0] == "down" || f[0] == "top" || f[0] == "back":
			err = n.store.MoveRequest(ctx, n.session.ID, n.requests[f[1]], db.Move(f[0]))
		default:
			var r db.Request
			r, err = n.store.CreateRequest(ctx, db.NewRequest{SessionID: n.session.ID, GuestID: n.guest(f[0]).ID, Title: f[1]})
			n.requests[f[1]] = r.ID
		}
		if err != nil {
			n.t.Fatalf("step %q: %v", step, err)
		}
	}
}

// queue returns the titles in queue order, with the one being sung first in
// brackets: "[a1] b1 c1".
func (n *night) queue() string {
	state := n.state()
	var out []string
	if state.NowSinging != nil {
		out = append(out, "["+state.NowSinging.Title+"]")
	}
	for _, r := range state.Queue() {
		out = append(out, r.Title)
	}
	return strings.Join(out, " ")
}

func TestRotation(t *testing.T) {
	tests := []struct {
		name  string
		steps []string
		want  string
	}{
		{"one singer keeps their order", []string{"A a1", "A a2", "A a3"}, "a1 a2 a3"},
		{"a second request goes after every other singer's first",
			[]string{"A a1", "A a2", "B b1", "C c1"}, "a1 b1 c1 a2"},
		{"an enthusiastic table cannot take the night",
			[]string{"A a1", "A a2", "A a3", "B b1", "B b2", "C c1"}, "a1 b1 c1 a2 b2 a3"},
		{"a late singer joins the round in progress",
			[]string{"A a1", "A a2", "B b1", "B b2", "next", "next", "D d1"}, "[b1] a2 b2 d1"},
		{"a singer joining before the round ends sings in it",
			[]string{"A a1", "A a2", "B b1", "B b2", "next", "D d1"}, "[a1] b1 d1 a2 b2"},
		{"a late singer cannot sing several songs in a row",
			[]string{"A a1", "B b1", "next", "next", "A a2", "B b2", "next", "next", "A a3", "B b3", "D d1", "D d2", "D d3"},
			"[b2] a3 b3 d1 d2 d3"},
		{"a singer who just sang goes after those waiting",
			[]string{"A a1", "B b1", "next", "A a2"}, "[a1] b1 a2"},
		{"a singer's request made before their turn keeps its round",
			[]string{"A a1", "A a2", "next", "B b1"}, "[a1] a2 b1"},
		{"withdrawing frees the place",
			[]string{"A a1", "B b1", "C c1", "-B b1"}, "a1 c1"},
		{"withdrawing a first request moves the next one up a round",
			[]string{"A a1", "A a2", "B b1", "-A a1", "C c1"}, "b1 a2 c1"},
		{"a skip counts as the singer's turn",
			[]string{"A a1", "B b1", "skip a1", "A a2", "C c1"}, "b1 c1 a2"},
		{"a removal does not count as a turn",
			[]string{"A a1", "B b1", "remove a1", "A a2"}, "b1 a2"},
		{"host moves a request up", []string{"A a1", "B b1", "C c1", "up c1"}, "a1 c1 b1"},
		{"host moves a request down", []string{"A a1", "B b1", "C c1", "down a1"}, "b1 a1 c1"},
		{"moving the first up does nothing", []string{"A a1", "B b1", "up a1"}, "a1 b1"},
		{"host sends to top", []string{"A a1", "B b1", "C c1", "top c1"}, "c1 a1 b1"},
		{"host sends to back", []string{"A a1", "B b1", "C c1", "back a1"}, "b1 c1 a1"},
		{"an override sticks when new requests come",
			[]string{"A a1", "B b1", "C c1", "top c1", "D d1", "A a2"}, "c1 a1 b1 d1 a2"},
		{"a moved-back request keeps its place after later requests of its round",
			[]string{"A a1", "B b1", "back a1", "C c1", "B b2"}, "b1 a1 c1 b2"},
		{"next starts the first and ends the last turn",
			[]string{"A a1", "B b1", "next", "next"}, "[b1]"},
		{"next on an empty queue ends the turn", []string{"A a1", "next", "next"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newNight(t)
			n.run(tt.steps...)
			if got := n.queue(); got != tt.want {
				t.Errorf("queue = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRotationSurvivesManyInsertsAtOnePlace(t *testing.T) {
	// Each new singer's request lands between the same two neighbours, which
	// halves the gap every time until songs must be moved to make room.
	n := newNight(t)
	n.run("A a1", "A a2")
	var want []string
	for i := range 80 {
		name := fmt.Sprintf("S%d", i)
		title := fmt.Sprintf("s%d", i)
		n.run(name + " " + title)
		want = append(want, title)
	}
	if got, want := n.queue(), "a1 "+strings.Join(want, " ")+" a2"; got != want {
		t.Errorf("queue = %q\nwant    %q", got, want)
	}
}

func TestSingerCap(t *testing.T) {
	n := newNight(t)
	ctx := context.Background()
	n.run("A a1", "A a2", "A a3")
	_, err := n.store.CreateRequest(ctx, db.NewRequest{SessionID: n.session.ID, GuestID: n.guest("A").ID, Title: "a4"})
	if db.ErrorCode(err) != db.ECONFLICT || !strings.Contains(db.ErrorMessage(err), "3 songs waiting") {
		t.Fatalf("fourth request: %v, want a conflict naming the cap", err)
	}
	// A turn frees a slot.
	n.run("next", "A a4")
	// The host raises the cap.
	if err := n.store.SetSingerCap(ctx, n.session.ID, 4); err != nil {
		t.Fatal(err)
	}
	n.run("A a5")
	if got, want := n.queue(), "[a1] a2 a3 a4 a5"; got != want {
		t.Errorf("queue = %q, want %q", got, want)
	}
	for _, bad := range []int{0, -1, db.MaxSingerCap + 1} {
		if err := n.store.SetSingerCap(ctx, n.session.ID, bad); db.ErrorCode(err) != db.EINVALID {
			t.Errorf("SetSingerCap(%d) = %v, want invalid", bad, err)
		}
	}
}

func TestDuplicateSongIsFlagged(t *testing.T) {
	n := newNight(t)
	ctx := context.Background()
	if _, err := n.store.CreateRequest(ctx, db.NewRequest{SessionID: n.session.ID, GuestID: n.guest("Ann").ID, Title: "Bohemian Rhapsody", Artist: "Queen"}); err != nil {
		t.Fatal(err)
	}
	dup := db.NewRequest{SessionID: n.session.ID, GuestID: n.guest("Bob").ID, Title: " bohemian  RHAPSODY", Artist: "queen"}
	_, err := n.store.CreateRequest(ctx, dup)
	if db.ErrorCode(err) != db.EDUPLICATE || !strings.Contains(db.ErrorMessage(err), "Ann") {
		t.Fatalf("duplicate = %v, want a duplicate error naming Ann", err)
	}
	// Same title by another artist is another song.
	other := dup
	other.Artist = "Panic! at the Disco"
	if _, err := n.store.CreateRequest(ctx, other); err != nil {
		t.Errorf("same title, other artist: %v", err)
	}
	dup.AllowDuplicate = true
	if _, err := n.store.CreateRequest(ctx, dup); err != nil {
		t.Errorf("confirmed duplicate: %v", err)
	}
}

func TestRequestRules(t *testing.T) {
	n := newNight(t)
	ctx := context.Background()
	a := n.guest("A")
	tests := []struct {
		name  string
		in    db.NewRequest
		code  string
		field string
	}{
		{"empty title", db.NewRequest{Title: "  "}, db.EINVALID, "title"},
		{"long title", db.NewRequest{Title: strings.Repeat("é", db.MaxTitle+1)}, db.EINVALID, "title"},
		{"long artist", db.NewRequest{Title: "t", Artist: strings.Repeat("a", db.MaxArtist+1)}, db.EINVALID, "artist"},
		{"long note", db.NewRequest{Title: "t", Note: strings.Repeat("n", db.MaxNote+1)}, db.EINVALID, "note"},
		{"title at the limit", db.NewRequest{Title: strings.Repeat("é", db.MaxTitle)}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.SessionID, tt.in.GuestID = n.session.ID, a.ID
			_, err := n.store.CreateRequest(ctx, tt.in)
			if db.ErrorCode(err) != tt.code || db.ErrorField(err) != tt.field {
				t.Errorf("error = %v, want code %q field %q", err, tt.code, tt.field)
			}
		})
	}
	t.Run("paused", func(t *testing.T) {
		n.store.SetRequestsPaused(ctx, n.session.ID, true)
		defer n.store.SetRequestsPaused(ctx, n.session.ID, false)
		_, err := n.store.CreateRequest(ctx, db.NewRequest{SessionID: n.session.ID, GuestID: a.ID, Title: "x"})
		if db.ErrorCode(err) != db.ECONFLICT || !strings.Contains(db.ErrorMessage(err), "paused") {
			t.Errorf("error = %v, want paused conflict", err)
		}
	})
	t.Run("someone else's request cannot be withdrawn", func(t *testing.T) {
		r, err := n.store.CreateRequest(ctx, db.NewRequest{SessionID: n.session.ID, GuestID: a.ID, Title: "mine"})
		if err != nil {
			t.Fatal(err)
		}
		if err := n.store.WithdrawRequest(ctx, n.session.ID, n.guest("B").ID, r.ID); db.ErrorCode(err) != db.ENOTFOUND {
			t.Errorf("withdraw by another guest = %v, want not found", err)
		}
	})
	t.Run("ended session", func(t *testing.T) {
		n.store.EndSession(ctx, n.session.ID)
		_, err := n.store.CreateRequest(ctx, db.NewRequest{SessionID: n.session.ID, GuestID: a.ID, Title: "late"})
		if db.ErrorCode(err) != db.ECONFLICT {
			t.Errorf("error = %v, want conflict", err)
		}
	})
}

func TestSingerCapHoldsUnderParallelRequests(t *testing.T) {
	n := newNight(t)
	a := n.guest("A")
	errs := make(chan error, 40)
	for i := range 40 {
		go func() {
			_, err := n.store.CreateRequest(context.Background(), db.NewRequest{SessionID: n.session.ID, GuestID: a.ID, Title: fmt.Sprintf("song %d", i)})
			errs <- err
		}()
	}
	accepted := 0
	for range 40 {
		err := <-errs
		switch db.ErrorCode(err) {
		case "":
			accepted++
		case db.ECONFLICT:
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if accepted != db.DefaultSingerCap {
		t.Errorf("%d of 40 parallel requests accepted, want the cap, %d", accepted, db.DefaultSingerCap)
	}
}
