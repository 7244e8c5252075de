package db_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/karaoke-night/karaoke/db"
)

// TestWithdrawalPatchesTheNight: a guest's withdrawal patches the Night the
// store keeps, as a request does, instead of having it read again, and the
// patched Night is the one a read gives: a song ahead of the singer's
// others (which move up a round), their last, the only song of a singer,
// a song of a singer on hold, one while a turn is sung, and a song moved in
// from the singer's standby list.
func TestWithdrawalPatchesTheNight(t *testing.T) {
	n := newNight(t)
	ctx := context.Background()
	n.setCap(db.MaxSingerCap)
	singers := []string{"A", "B", "C", "D", "E"}
	for i := range 15 {
		n.run(fmt.Sprintf("%s %s%d", singers[i%len(singers)], singers[i%len(singers)], i))
	}
	withdrawals := 0
	withdraw := func(pick func(st db.Night) db.Request) {
		t.Helper()
		st := n.state() // the Night kept, as a page just showed it
		r := pick(st)
		if err := n.store.WithdrawRequest(ctx, n.session.ID, r.GuestID, r.ID); err != nil {
			t.Fatalf("withdraw %s: %v", r.Title, err)
		}
		withdrawals++
		n.samePatchedNight()
	}
	first := func(st db.Night) db.Request { return st.Queue()[0] }
	middle := func(st db.Night) db.Request { return st.Queue()[len(st.Queue())/2] }
	last := func(st db.Night) db.Request { return st.Queue()[len(st.Queue())-1] }
	withdraw(first)
	withdraw(middle)
	withdraw(last)
	next := func() {
		t.Helper()
		n.state()
		if !n.startNext() && !n.store.IsRemote() {
			t.Errorf("Start next (queue %s) did not patch the Night kept", n.queue())
		}
	}
	next()
	withdraw(first)
	n.runHolds("hold B")
	withdraw(func(st db.Night) db.Request {
		for _, r := range st.Queue() {
			if st.OnHold(r.GuestID) {
				return r
			}
		}
		t.Fatal("no song on hold")
		return db.Request{}
	})
	next()
	n.run("F f1")
	withdraw(func(st db.Night) db.Request { return st.Queue()[len(st.Queue())-1] }) // F's only song
	next()
	next()
	for range 3 {
		withdraw(middle)
	}
	if n.patched != withdrawals {
		t.Errorf("%d of %d withdrawals patched the Night kept, want all", n.patched, withdrawals)
	}

	// G at the cap with a song on standby: the withdrawal that moves it in
	// reads the Night again (a standby song moved); withdrawing the moved
	// song, with the list empty, patches it out of Moved.
	n.setCap(2)
	n.run("G g1", "G g2")
	n.standby("G", "s1")
	n.run("-G g1")
	st := n.state()
	if len(st.Moved[n.guest("G").ID]) != 1 {
		t.Fatalf("G's moved songs = %+v, want s1", st.Moved[n.guest("G").ID])
	}
	before := n.patched
	withdraw(func(st db.Night) db.Request {
		for _, r := range st.Queue() {
			if r.Title == "s1" {
				return r
			}
		}
		t.Fatal("s1 is not waiting")
		return db.Request{}
	})
	if n.patched != before+1 {
		t.Error("withdrawing the song moved from standby did not patch the Night kept")
	}
}
