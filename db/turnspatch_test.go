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
		if got := n.startNext(); got != tt.want {
			t.Errorf("%s: patched = %v, want %v (queue %s)", tt.name, got, tt.want, n.queue())
		}
	}
}
