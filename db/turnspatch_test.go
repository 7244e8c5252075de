package db_test

import (
	"context"
	"testing"

	"github.com/karaoke-night/karaoke/db"
)

// startNext presses Start next on the Night kept, as a host's page just
// showed it, checks that the Night kept after it, when the write patched
// it, is the Night read, and reports whether it was patched.
func (n *night) startNext() bool {
	n.t.Helper()
	if _, _, err := n.store.StartNext(context.Background(), n.session.ID, n.singing()); err != nil {
		n.t.Fatalf("start next: %v", err)
	}
	return n.patchedNight("Start next")
}

// TestStartNextPatchesTheNight: the host's Start next patches the Night the
// store keeps, as a guest's request does, and the patched Night is the one
// a read gives: the first turn of the night, a turn after a turn, a song
// of a singer with more waiting, one passed over for a singer on hold, the
// last song (nobody next), nobody singing and none waiting, and a song moved
// in from the singer's standby list. A Start next that moves a standby
// song in (its singer fell below the cap) reads the Night again.
func TestStartNextPatchesTheNight(t *testing.T) {
	n := newNight(t)
	n.setCap(db.MaxSingerCap)
	n.run("A a1", "B b1", "A a2", "C c1")
	tests := []struct {
		name  string
		setup func()
		want  bool // patched
	}{
		{"the first turn", func() {}, true},
		{"a turn after a turn", func() {}, true},
		{"a singer on hold passed over", func() { n.runHolds("hold A") }, true},
		{"the last song", func() { n.runHolds("back A") }, true},
		{"nobody next", func() {}, true},
		{"nobody singing, none waiting", func() {}, true},
		{"a standby song moved in", func() {
			n.setCap(1)
			n.run("D d1")
			n.standby("D", "d2")
		}, false},
		{"a song moved from standby", func() {
			if len(n.state().Moved) == 0 {
				t.Fatal("d2 did not move in from standby")
			}
		}, true},
	}
	for _, tt := range tests {
		tt.setup()
		n.state()
		if got := n.startNext(); got != (tt.want && !n.store.IsRemote()) {
			t.Errorf("%s: patched = %v, want %v (queue %s)", tt.name, got, tt.want, n.queue())
		}
	}
}

// TestHostEndsPatchTheNight: the host's Stop, Skip and Remove patch the
// Night the store keeps as Start next does, and the patched Night is the
// one a read gives: a turn stopped, a waiting song skipped (first, in the
// middle, a singer's only one), a song removed ahead of its singer's
// others (which move up a round), and a skipped song moved in from the
// singer's standby list.
func TestHostEndsPatchTheNight(t *testing.T) {
	n := newNight(t)
	n.setCap(db.MaxSingerCap)
	n.run("A a1", "B b1", "A a2", "C c1", "A a3", "B b2", "D d1", "E e1", "E e2")
	n.startNext()
	tests := []struct {
		name string
		step string
	}{
		{"a turn stopped", "skip a1"},
		{"the first song skipped", "skip b1"},
		{"a singer's only song skipped", "skip d1"},
		{"a song removed ahead of the singer's others", "remove a2"},
		{"a song in the middle skipped", "skip c1"},
		{"a singer's last song removed", "remove e2"},
	}
	for _, tt := range tests {
		n.state() // the Night kept, as the host's page just showed it
		n.run(tt.step)
		if !n.patchedNight(tt.name) && !n.store.IsRemote() {
			t.Errorf("%s: the Night kept was not patched (queue %s)", tt.name, n.queue())
		}
	}
	n.setCap(1)
	n.run("F f1")
	n.standby("F", "f2")
	n.run("skip f1") // f2 moves in: the Night is read again
	st := n.state()
	if len(st.Moved) == 0 {
		t.Fatal("f2 did not move in from standby")
	}
	f2 := st.QueueAt(st.SongsOf(n.guest("F").ID)[0])
	if err := n.store.SkipRequest(context.Background(), n.session.ID, f2.ID, db.StatusWaiting); err != nil {
		t.Fatal(err)
	}
	if !n.patchedNight("the moved song skipped") && !n.store.IsRemote() {
		t.Errorf("skipping the song moved from standby did not patch the Night kept")
	}
	if len(n.state().Moved) != 0 {
		t.Errorf("Moved = %+v after the moved song was skipped, want none", n.state().Moved)
	}
}
