package db_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/karaoke-night/karaoke/db"
)

// TestRequestsAtOnePlacePatchTheNight: each new singer's request lands
// between the same two songs, halving their gap until there is no room and
// songs are moved to make some; the Night each request patches is still
// the Night read, moved songs and all.
func TestRequestsAtOnePlacePatchTheNight(t *testing.T) {
	n := newNight(t)
	n.run("A a1", "A a2")
	var want []string
	for i := range 120 {
		n.state() // the Night kept, as a page just showed it
		title := fmt.Sprint("s", i)
		n.ask(fmt.Sprint("S", i), title)
		want = append(want, title)
	}
	if n.patched != 120 {
		t.Errorf("%d of 120 requests patched the Night kept, want all", n.patched)
	}
	if got, want := n.queue(), "a1 "+strings.Join(want, " ")+" a2"; got != want {
		t.Errorf("queue = %q\nwant    %q", got, want)
	}
}

// TestMakingRoomMovesFewSongs: 300 requests land at one place in a queue
// of 500 songs after it. Room is made by moving a few songs after that
// place, not by renumbering every song in the queue each time the gap runs
// out (about every 40 requests), and the order is the rotation's.
func TestMakingRoomMovesFewSongs(t *testing.T) {
	n := newNight(t)
	ctx := context.Background()
	if err := n.store.SetSingerCap(ctx, n.session.ID, db.MaxSingerCap); err != nil {
		t.Fatal(err)
	}
	// 25 singers with 20 songs each: rounds 0 to 19 of 25 songs.
	for range 20 {
		for s := range 25 {
			if _, err := n.store.CreateRequest(ctx, db.NewRequest{SessionID: n.session.ID, GuestID: n.guest(fmt.Sprint("R", s)).ID, Title: "song", AllowDuplicate: true}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Each new singer's song goes at the end of round 0, after the one
	// before.
	const late = 300
	moved := 0
	before := n.store.QueuePositions(t, n.session.ID)
	for i := range late {
		r, err := n.store.CreateRequest(ctx, db.NewRequest{SessionID: n.session.ID, GuestID: n.guest(fmt.Sprint("L", i)).ID, Title: fmt.Sprint("late ", i)})
		if err != nil {
			t.Fatal(err)
		}
		after := n.store.QueuePositions(t, n.session.ID)
		for id, pos := range before {
			if after[id] != pos {
				moved++
			}
		}
		if _, ok := before[r.ID]; ok {
			t.Fatalf("request %d was waiting before it was made", r.ID)
		}
		before = after
	}
	// Renumbering the queue each time would move about 500 songs every
	// 40 requests (nearly 4,000 in all); making room moves 16 each time.
	if moved > late {
		t.Errorf("%d songs moved to make room for %d requests, want at most %d", moved, late, late)
	}
	queue := n.state().Queue()
	if len(queue) != 500+late {
		t.Fatalf("%d songs waiting, want %d", len(queue), 500+late)
	}
	for i, r := range queue[25 : 25+late] {
		if want := fmt.Sprint("late ", i); r.Title != want {
			t.Fatalf("song %d is %q, want %q: the late singers' songs end round 0 in the order they came", 25+i, r.Title, want)
		}
	}
	t.Logf("%d songs moved to make room for %d requests", moved, late)
}
