package db_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
)

// runHolds runs steps as night.run does, and also:
//
//	"hold A"     singer A taps Hold my spot
//	"back A"     singer A taps I'm back
//	"release A"  the host releases A's hold
//	"wait 21m"   the clock moves on
//	"expire"     the live streams' timer ends holds that ran out
func (n *night) runHolds(steps ...string) {
	n.t.Helper()
	ctx := context.Background()
	for _, step := range steps {
		f := strings.Fields(step)
		var err error
		switch f[0] {
		case "hold":
			err = n.store.HoldSpot(ctx, n.session.ID, n.guest(f[1]).ID)
		case "back":
			err = n.store.ImBack(ctx, n.session.ID, n.guest(f[1]).ID)
		case "release":
			err = n.store.ReleaseHold(ctx, n.session.ID, n.guest(f[1]).ID)
		case "wait":
			d, perr := time.ParseDuration(f[1])
			if perr != nil {
				n.t.Fatal(perr)
			}
			n.clock.Advance(d)
		case "expire":
			err = n.store.ExpireHolds(ctx, n.session.ID)
		default:
			n.run(step)
		}
		if err != nil {
			n.t.Fatalf("step %q: %v", step, err)
		}
	}
}

// holdQueue is queue with each song on hold starred: "[b1] a1* c1".
func (n *night) holdQueue() string {
	state := n.state()
	var out []string
	if state.NowSinging != nil {
		out = append(out, "["+state.NowSinging.Title+"]")
	}
	for _, r := range state.Queue() {
		if state.OnHold(r.GuestID) {
			out = append(out, r.Title+"*")
		} else {
			out = append(out, r.Title)
		}
	}
	return strings.Join(out, " ")
}

func TestHolds(t *testing.T) {
	abc := []string{"A a1", "B b1", "C c1"}
	tests := []struct {
		name  string
		steps []string
		want  string
	}{
		{"start next passes over a singer on hold; their song stays at the head",
			[]string{"hold A", "next"}, "[b1] a1* c1"},
		{"I'm back after the turn came: the held singer is next",
			[]string{"hold A", "next", "back A", "next"}, "[a1] c1"},
		{"I'm back before the turn came: the song keeps its place",
			[]string{"hold C", "next", "back C"}, "[a1] b1 c1"},
		{"on hold while the turn has not come: nothing changes",
			[]string{"hold C", "next", "next"}, "[b1] c1*"},
		{"only songs on hold waiting: start next ends the turn and starts nobody",
			[]string{"next", "hold B", "hold C", "next"}, "b1* c1*"},
		{"a hold that runs out sends the passed-over song to the back (timer)",
			[]string{"A a2", "hold A", "next", "wait 21m", "expire"}, "[b1] c1 a2 a1"},
		{"a hold that runs out is ended by the next Start next first",
			[]string{"hold A", "next", "wait 21m", "next"}, "[c1] a1"},
		{"a hold that runs out is ended by any write, a request too",
			[]string{"hold A", "next", "wait 21m", "D d1"}, "[b1] c1 a1 d1"},
		{"a hold not yet run out stays",
			[]string{"hold A", "next", "wait 19m", "expire", "next"}, "[c1] a1*"},
		{"a hold that runs out before the turn came leaves the song in place",
			[]string{"hold C", "wait 21m", "expire"}, "a1 b1 c1"},
		{"the host releases a hold: the singer is next",
			[]string{"hold A", "next", "release A", "next"}, "[a1] c1"},
		{"the host moves a held song to the top: it is still passed over",
			[]string{"hold C", "top c1", "next"}, "[a1] c1* b1"},
		{"the host moves another song above a passed-over one",
			[]string{"hold A", "next", "top c1", "back A", "next"}, "[c1] a1"},
		{"a held singer with two songs: both passed over, both back at the head",
			[]string{"A a2", "hold A", "next", "next", "next", "back A", "next"}, "[a1] a2"},
		{"a held singer with two songs: a run-out hold sends only those passed over back",
			[]string{"A a2", "B b2", "hold A", "next", "wait 21m", "expire"}, "[b1] c1 a2 b2 a1"},
		{"holding twice, and I'm back twice, change nothing more",
			[]string{"hold A", "hold A", "next", "back A", "back A", "next"}, "[a1] c1"},
		{"a newcomer during a hold joins the round of the singers who are here",
			[]string{"B b2", "C c2", "hold A", "next", "next", "next", "D d1"}, "[b2] a1* c2 d1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newNight(t)
			n.runHolds(abc...)
			n.runHolds(tt.steps...)
			if got := n.holdQueue(); got != tt.want {
				t.Errorf("queue = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestHoldingCostsNobodyATurn plays one night twice, with and without A's
// hold, and checks the promise in holds.go: every other singer's song that
// was waiting when the hold began has ahead of it the same songs of others
// and, of the held singer's, only those that stood ahead of it then; so
// it starts no later than without the hold.
func TestHoldingCostsNobodyATurn(t *testing.T) {
	setup := []string{"A a1", "B b1", "C c1", "D d1", "A a2", "B b2", "C c2", "D d2"}
	play := func(hold bool, steps []string) []string {
		n := newNight(t)
		n.runHolds(setup...)
		var order []string
		for _, step := range steps {
			if !hold && (strings.HasPrefix(step, "hold") || strings.HasPrefix(step, "back")) {
				continue
			}
			n.runHolds(step)
			if step == "next" && n.state().NowSinging != nil {
				order = append(order, n.state().NowSinging.Title)
			}
		}
		return order
	}
	for _, steps := range [][]string{
		{"hold A", "next", "next", "back A", "next", "next", "next", "next", "next", "next"},
		{"next", "hold B", "next", "next", "next", "back B", "next", "next", "next", "next", "next"},
		{"hold A", "next", "next", "next", "next", "next", "back A", "next", "next", "next"},
		{"hold C", "next", "back C", "next", "next", "next", "next", "next", "next", "next"},
	} {
		with, without := play(true, steps), play(false, steps)
		if len(with) != len(setup) || len(without) != len(setup) {
			t.Fatalf("%v: sung %v and %v, want every song", steps, with, without)
		}
		held := strings.ToLower(strings.Fields(steps[slices.IndexFunc(steps, func(s string) bool { return strings.HasPrefix(s, "hold") })])[1])
		for _, song := range without {
			if strings.HasPrefix(song, held) {
				continue
			}
			if w, wo := slices.Index(with, song), slices.Index(without, song); w > wo {
				t.Errorf("%v: %s sung %dth with the hold, %dth without (%v vs %v)", steps, song, w+1, wo+1, with, without)
			}
		}
	}
}

// TestHoldReleaseIsLoggedAndUndone: the host's release is in the log and
// Undo puts the hold back; the guest is told.
func TestHoldReleaseIsLoggedAndUndone(t *testing.T) {
	n := newNight(t)
	n.runHolds("A a1", "B b1", "C c1", "hold A", "next", "release A")
	st := n.state()
	if got, want := st.Actions[0].Summary, "Released A's hold: on hold → in line"; got != want {
		t.Errorf("log = %q, want %q", got, want)
	}
	if got, want := st.Actions[1].Summary, "Start next: nobody → B's “b1” (passed over A, on hold)"; got != want {
		t.Errorf("log = %q, want %q", got, want)
	}
	if got := st.GuestNotices[n.guests["A"].ID].GuestNotice; !strings.Contains(got, "released your hold") {
		t.Errorf("A is told %q", got)
	}
	n.undoLatest()
	if got, want := n.holdQueue(), "[b1] a1* c1"; got != want {
		t.Errorf("after undo queue = %q, want %q", got, want)
	}
	if err := n.store.ReleaseHold(context.Background(), n.session.ID, n.guests["B"].ID); db.ErrorCode(err) != db.ECONFLICT {
		t.Errorf("releasing one not on hold: %v, want a conflict", err)
	}
}

// TestHoldLapseIsTold: a hold that ran out is on the night for the guest's
// page, with how many songs went back, until they hold again.
func TestHoldLapseIsTold(t *testing.T) {
	n := newNight(t)
	n.runHolds("A a1", "B b1", "hold A", "next", "wait 20m", "expire")
	lapse, ok := n.state().HoldLapses[n.guests["A"].ID]
	if !ok || lapse.Moved != 1 || n.state().OnHold(n.guests["A"].ID) {
		t.Fatalf("lapse = %+v, %v; on hold %v", lapse, ok, n.state().OnHold(n.guests["A"].ID))
	}
	n.runHolds("hold A")
	if _, ok := n.state().HoldLapses[n.guests["A"].ID]; ok {
		t.Error("holding again still tells of the old lapse")
	}
	if err := n.store.HoldSpot(context.Background(), n.session.ID, n.guest("E").ID); db.ErrorCode(err) != db.ECONFLICT {
		t.Errorf("holding with no song waiting: %v, want a conflict", err)
	}
}

// TestHoldMinutesRule: the length of a hold is one of the host's rules,
// checked, logged, and 0 leaves it as it was.
func TestHoldMinutesRule(t *testing.T) {
	ctx := context.Background()
	n := newNight(t)
	if got := n.state().Session.HoldMinutes; got != db.DefaultHoldMinutes {
		t.Fatalf("default hold = %d", got)
	}
	set := db.Settings{SingerCap: 3, HoldMinutes: 5}
	if err := n.store.SetSettings(ctx, n.session.ID, set); err != nil {
		t.Fatal(err)
	}
	if got := n.state().Actions[0].Summary; !strings.Contains(got, "longest hold 20 → 5 min") {
		t.Errorf("log = %q", got)
	}
	n.runHolds("A a1", "B b1", "hold A", "next", "wait 6m", "expire")
	if got, want := n.holdQueue(), "[b1] a1"; got != want {
		t.Errorf("queue = %q, want %q", got, want)
	}
	if err := n.store.SetSettings(ctx, n.session.ID, db.Settings{SingerCap: 3}); err != nil || n.state().Session.HoldMinutes != 5 {
		t.Errorf("settings without a hold length: %v, hold %d", err, n.state().Session.HoldMinutes)
	}
	set.HoldMinutes = db.MaxHoldMinutes + 1
	if err := n.store.SetSettings(ctx, n.session.ID, set); db.ErrorCode(err) != db.EINVALID {
		t.Errorf("hold of %d min: %v", set.HoldMinutes, err)
	}
}
