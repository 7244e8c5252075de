package db_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/karaoke-night/karaoke/db"
)

// standby adds a song to the guest's standby list.
func (n *night) standby(guest, title string) db.StandbySong {
	n.t.Helper()
	s, err := n.store.AddStandby(context.Background(), db.NewRequest{SessionID: n.session.ID, GuestID: n.guest(guest).ID, Title: title})
	if err != nil {
		n.t.Fatalf("standby %s %s: %v", guest, title, err)
	}
	return s
}

// standbyList returns the guest's standby titles in order.
func (n *night) standbyList(guest string) string {
	var out []string
	for _, s := range n.state().Standby[n.guest(guest).ID] {
		out = append(out, s.Title)
	}
	return strings.Join(out, " ")
}

func (n *night) setCap(c int) {
	n.t.Helper()
	if err := n.store.SetSingerCap(context.Background(), n.session.ID, c); err != nil {
		n.t.Fatal(err)
	}
}

// TestStandbyMovesInTheWriteThatMakesRoom: A is at the cap (2) with a1 and
// a2 waiting and s1 on standby; each way of dropping below the cap puts s1
// in the queue (or, in approval mode, with the host) in that one write: the
// session's version moves by one and the Night it leaves has s1 in.
func TestStandbyMovesInTheWriteThatMakesRoom(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		approval bool
		before   func(n *night)
		act      func(n *night) error
		want     string // the queue after; s1 is last
	}{
		{name: "start next", act: func(n *night) error { _, _, err := n.store.StartNext(ctx, n.session.ID, db.NoTurn); return err },
			want: "[a1] b1 a2 s1"},
		{name: "skip", act: func(n *night) error {
			return n.store.SkipRequest(ctx, n.session.ID, n.requests["a2"], db.StatusWaiting)
		},
			want: "a1 b1 s1"},
		{name: "host removes", act: func(n *night) error { return n.store.RemoveRequest(ctx, n.session.ID, n.requests["a2"]) },
			want: "a1 b1 s1"},
		{name: "withdraw", act: func(n *night) error {
			return n.store.WithdrawRequest(ctx, n.session.ID, n.guest("A").ID, n.requests["a1"])
		}, want: "b1 a2 s1"},
		{name: "cap raised", act: func(n *night) error { return n.store.SetSingerCap(ctx, n.session.ID, 3) },
			want: "a1 b1 a2 s1"},
		{name: "requests resumed", before: func(n *night) {
			if err := n.store.SetRequestsPaused(ctx, n.session.ID, true); err != nil {
				t.Fatal(err)
			}
			n.run("-A a2")
			if got := n.standbyList("A"); got != "s1" {
				t.Errorf("while paused the standby list is %q, want s1 kept", got)
			}
		}, act: func(n *night) error { return n.store.SetRequestsPaused(ctx, n.session.ID, false) }, want: "a1 b1 s1"},
		{name: "undo of a lowered cap", before: func(n *night) { n.setCap(3); n.setCap(2) }, act: func(n *night) error {
			return n.store.Undo(ctx, n.session.ID, n.state().Undo.Action.ID)
		}, want: "a1 b1 a2 s1"},
		{name: "host declines", approval: true, act: func(n *night) error {
			return n.store.DeclineRequest(ctx, n.session.ID, n.state().Pending[0].ID)
		}},
		{name: "guest withdraws a held song", approval: true, act: func(n *night) error {
			return n.store.WithdrawHeld(ctx, n.session.ID, n.guest("A").ID, n.state().Pending[0].ID)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := newNight(t)
			n.setCap(2)
			if tc.approval {
				if err := n.store.SetSettings(ctx, n.session.ID, db.Settings{SingerCap: 2, Approval: true}); err != nil {
					t.Fatal(err)
				}
			}
			n.run("A a1", "B b1", "A a2")
			if _, err := n.store.CreateRequest(ctx, db.NewRequest{SessionID: n.session.ID, GuestID: n.guest("A").ID, Title: "a3"}); db.ErrorCode(err) != db.ECONFLICT {
				t.Fatalf("a third song: %v, want refused at the cap", err)
			}
			n.standby("A", "s1")
			if got := n.standbyList("A"); got != "s1" {
				t.Fatalf("standby list = %q, want s1", got)
			}
			if tc.before != nil {
				tc.before(n)
			}
			version := n.state().Session.Version
			if err := tc.act(n); err != nil {
				t.Fatal(err)
			}
			after := n.state()
			if after.Session.Version != version+1 {
				t.Errorf("version %d → %d: want one write", version, after.Session.Version)
			}
			if got := n.standbyList("A"); got != "" {
				t.Errorf("standby list = %q, want s1 moved out", got)
			}
			if len(after.Moved[n.guest("A").ID]) != 1 {
				t.Errorf("moved = %v, want s1", after.Moved[n.guest("A").ID])
			}
			if tc.approval {
				var mine []string
				for _, p := range after.Pending {
					if p.GuestID == n.guest("A").ID {
						mine = append(mine, p.Title)
					}
				}
				if got, want := strings.Join(mine, " "), "a2 s1"; got != want {
					t.Errorf("A's songs held for the host's OK = %q, want %q", got, want)
				}
				return
			}
			if got := n.queue(); got != tc.want {
				t.Errorf("queue = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestStandbyStaysWhileItCannotMove(t *testing.T) {
	ctx := context.Background()
	n := newNight(t)
	n.setCap(1)
	n.run("A a1", "B b1")
	n.standby("A", "s1")
	n.standby("B", "t1")
	// B is removed: their standby song goes nowhere.
	if err := n.store.RemoveGuest(ctx, n.session.ID, n.guest("B").ID); err != nil {
		t.Fatal(err)
	}
	if got, want := n.queue(), "a1"; got != want {
		t.Errorf("queue = %q, want %q", got, want)
	}
	// The night ends: nothing moves.
	if err := n.store.EndSession(ctx, n.session.ID); err != nil {
		t.Fatal(err)
	}
	if got, want := n.standbyList("A"), "s1"; got != want {
		t.Errorf("standby after the end = %q, want %q", got, want)
	}
}

// TestUndoOfAnActionThatMovedAStandbySongIsRefused: the skip made room, the
// standby song took it; putting the skipped song back would leave the guest
// over the cap, so the undo is refused and says why.
func TestUndoOfAnActionThatMovedAStandbySongIsRefused(t *testing.T) {
	ctx := context.Background()
	n := newNight(t)
	n.setCap(1)
	n.run("A a1", "B b1")
	n.standby("A", "Jolene")
	n.run("skip a1")
	st := n.state()
	if !strings.Contains(st.Undo.Cannot, "Jolene") {
		t.Errorf("undo offer says %q, want why (Jolene moved)", st.Undo.Cannot)
	}
	err := n.store.Undo(ctx, n.session.ID, st.Undo.Action.ID)
	if db.ErrorCode(err) != db.ECONFLICT || !strings.Contains(err.Error(), "standby") {
		t.Fatalf("undo: %v, want refused with the standby song named", err)
	}
	if got, want := n.queue(), "b1 Jolene"; got != want {
		t.Errorf("queue = %q, want %q", got, want)
	}
	// Without a standby song the same skip can be undone.
	n.run("skip b1")
	if err := n.store.Undo(ctx, n.session.ID, n.state().Undo.Action.ID); err != nil {
		t.Errorf("undo of a skip that moved nothing: %v", err)
	}
}

// TestRaceForTheFreedSlot: A is at the cap with a song on standby; a
// withdrawal and eight direct requests race. The standby song takes the
// slot in the withdrawal's own write, so every request is refused and A is
// never over the cap.
func TestRaceForTheFreedSlot(t *testing.T) {
	ctx := context.Background()
	n := newNight(t)
	n.setCap(2)
	n.run("A a1", "A a2")
	n.standby("A", "s1")
	a := n.guest("A").ID
	var wg sync.WaitGroup
	errs := make([]error, 9)
	for i := range errs {
		wg.Go(func() {
			if i == 0 {
				errs[i] = n.store.WithdrawRequest(ctx, n.session.ID, a, n.requests["a1"])
				return
			}
			_, errs[i] = n.store.CreateRequest(ctx, db.NewRequest{SessionID: n.session.ID, GuestID: a, Title: "r" + string(rune('a'+i))})
		})
	}
	wg.Wait()
	if errs[0] != nil {
		t.Fatal(errs[0])
	}
	for i, err := range errs[1:] {
		if db.ErrorCode(err) != db.ECONFLICT {
			t.Errorf("request %d: %v, want refused at the cap", i+1, err)
		}
	}
	if got, want := n.queue(), "a2 s1"; got != want {
		t.Errorf("queue = %q, want %q", got, want)
	}
}

func TestStandbyList(t *testing.T) {
	ctx := context.Background()
	n := newNight(t)
	n.setCap(1)
	n.run("A a1", "B b1")
	a := n.guest("A").ID
	add := func(title string) error {
		_, err := n.store.AddStandby(ctx, db.NewRequest{SessionID: n.session.ID, GuestID: a, Title: title})
		return err
	}
	for _, title := range []string{"s1", "s2", "s3"} {
		n.standby("A", title)
	}
	id := func(title string) int64 {
		for _, s := range n.state().Standby[a] {
			if s.Title == title {
				return s.ID
			}
		}
		t.Fatalf("%s is not on the list", title)
		return 0
	}
	steps := []struct {
		do   func() error
		code string
		want string
	}{
		{func() error { return n.store.MoveStandby(ctx, n.session.ID, a, id("s3"), db.StandbyUp) }, "", "s1 s3 s2"},
		{func() error { return n.store.MoveStandby(ctx, n.session.ID, a, id("s3"), db.StandbyUp) }, "", "s3 s1 s2"},
		{func() error { return n.store.MoveStandby(ctx, n.session.ID, a, id("s3"), db.StandbyUp) }, "", "s3 s1 s2"},
		{func() error { return n.store.MoveStandby(ctx, n.session.ID, a, id("s1"), db.StandbyDown) }, "", "s3 s2 s1"},
		{func() error { return n.store.MoveStandby(ctx, n.session.ID, a, id("s1"), "sideways") }, db.EINVALID, "s3 s2 s1"},
		{func() error { return n.store.RemoveStandby(ctx, n.session.ID, n.guest("B").ID, id("s2")) }, db.ENOTFOUND, "s3 s2 s1"},
		{func() error { return n.store.RemoveStandby(ctx, n.session.ID, a, id("s2")) }, "", "s3 s1"},
		{func() error { return add("S1") }, db.EINVALID, "s3 s1"},   // already on the list
		{func() error { return add("b1") }, db.EDUPLICATE, "s3 s1"}, // waiting in the queue
		{func() error { return add(" ") }, db.EINVALID, "s3 s1"},    // no title
		{func() error { return add(strings.Repeat("x", 500)) }, db.EINVALID, "s3 s1"},
	}
	for i, s := range steps {
		if err := s.do(); db.ErrorCode(err) != s.code {
			t.Errorf("step %d: %v, want code %q", i, err, s.code)
		}
		if got := n.standbyList("A"); got != s.want {
			t.Errorf("step %d: list = %q, want %q", i, got, s.want)
		}
	}
	for i := 2; i < db.MaxStandby; i++ {
		n.standby("A", "more"+string(rune('a'+i)))
	}
	if err := add("one too many"); db.ErrorCode(err) != db.ECONFLICT {
		t.Errorf("an 11th standby song: %v, want refused", err)
	}
	// The first in order moves first; a removed song does not move.
	n.run("-A a1")
	if got, want := n.queue(), "b1 s3"; got != want {
		t.Errorf("queue = %q, want %q", got, want)
	}
	// Below the cap, a song added to standby goes straight in.
	n2 := newNight(t)
	if s := n2.standby("C", "c1"); s.MovedAt.IsZero() {
		t.Errorf("added below the cap: %+v, want moved at once", s)
	}
	if got, want := n2.queue(), "c1"; got != want {
		t.Errorf("queue = %q, want %q", got, want)
	}
}
