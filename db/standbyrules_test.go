package db_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
)

// TestStandbyWaitsForClosingRoom: a standby song that would start after
// closing stays on the list, and moves in the write that makes it fit
// (here, the host's +15 min).
func TestStandbyWaitsForClosingRoom(t *testing.T) {
	ctx := context.Background()
	n := newNight(t)
	if err := n.store.SetSettings(ctx, n.session.ID, db.Settings{SingerCap: 1, Closing: db.ClosingRule{Zone: "UTC", Time: "20:12"}}); err != nil {
		t.Fatal(err)
	}
	n.run("A a1", "B b1", "C c1")
	n.standby("A", "s1")
	n.run("next") // a1 sings; s1 would start at 20:15
	if got, want := n.standbyList("A"), "s1"; got != want {
		t.Errorf("standby = %q, want %q kept: it does not fit before closing", got, want)
	}
	if err := n.store.ExtendClosing(ctx, n.session.ID, 15*time.Minute); err != nil {
		t.Fatal(err)
	}
	if got, want := n.queue(), "[a1] b1 c1 s1"; got != want {
		t.Errorf("queue after +15 min = %q, want %q", got, want)
	}
}

// TestRedoOfAnUndoThatMovedAStandbySongIsRefused: the undo that raised the
// cap back moved a standby song in; doing the action again (lowering the
// cap) is refused too, as any action that moved one is.
func TestRedoOfAnUndoThatMovedAStandbySongIsRefused(t *testing.T) {
	ctx := context.Background()
	n := newNight(t)
	n.setCap(2)
	n.run("A a1")
	n.setCap(1)
	n.standby("A", "s1")
	if err := n.store.Undo(ctx, n.session.ID, n.state().Undo.Action.ID); err != nil {
		t.Fatal(err)
	}
	if got, want := n.queue(), "a1 s1"; got != want {
		t.Fatalf("queue after the undo = %q, want %q", got, want)
	}
	undo := n.state().Actions[0]
	if undo.Kind != db.ActionUndo {
		t.Fatalf("latest action = %v, want the undo", undo.Kind)
	}
	err := n.store.Undo(ctx, n.session.ID, undo.ID)
	if db.ErrorCode(err) != db.ECONFLICT || !strings.Contains(db.ErrorMessage(err), "s1") {
		t.Errorf("redo: %v, want refused naming s1", err)
	}
}

// TestRaceOfStandbyAndRequestsForOneSlot: A has one slot free; two songs
// sent to standby and two requests race for it. One takes it; the other
// requests are refused and the other standby song waits on the list.
func TestRaceOfStandbyAndRequestsForOneSlot(t *testing.T) {
	ctx := context.Background()
	n := newNight(t)
	n.setCap(2)
	n.run("A a1")
	a := n.guest("A").ID
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			in := db.NewRequest{SessionID: n.session.ID, GuestID: a, Title: fmt.Sprintf("song%d", i)}
			if i%2 == 0 {
				_, errs[i] = n.store.AddStandby(ctx, in)
				return
			}
			_, errs[i] = n.store.CreateRequest(ctx, in)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil && (i%2 == 0 || db.ErrorCode(err) != db.ECONFLICT) {
			t.Errorf("song%d: %v", i, err)
		}
	}
	st := n.state()
	waiting := 0
	for _, r := range st.Queue() {
		if r.GuestID == a {
			waiting++
		}
	}
	if waiting != 2 {
		t.Errorf("A has %d songs waiting, want the cap, 2 (queue %q)", waiting, n.queue())
	}
	if got := len(st.Standby[a]) + len(st.Moved[a]); got != 2 {
		t.Errorf("standby %d + moved %d, want the two standby songs", len(st.Standby[a]), len(st.Moved[a]))
	}
}
