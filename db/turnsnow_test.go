package db_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/karaoke-night/karaoke/db"
)

// TestTurnsAreTheNightsTurns: through a night of turns, holds, a hold
// running out and withdrawals, Turns names the singer and the next song
// the Night names, both from the Night kept and read from the database.
func TestTurnsAreTheNightsTurns(t *testing.T) {
	n := newNight(t)
	ctx := context.Background()
	id := func(r *db.Request) int64 {
		if r == nil {
			return 0
		}
		return r.ID
	}
	check := func(step string) {
		t.Helper()
		st := n.state()
		want := [2]int64{id(st.NowSinging), 0}
		if r, ok := st.NextUp(); ok {
			want[1] = r.ID
		}
		for _, kept := range []bool{true, false} {
			if !kept {
				n.store.ForgetNight(n.session.ID)
			}
			turns, err := n.store.Turns(ctx, n.session.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got := [2]int64{id(turns.NowSinging), id(turns.NextUp)}; got != want || turns.Session != st.Session {
				t.Errorf("after %q (kept %v): singing, next = %v, want %v (queue %s)", step, kept, got, want, n.holdQueue())
			}
		}
	}
	check("nothing")
	for _, step := range []string{"A a1", "B b1", "C c1", "A a2", "C c2", "next", "hold B", "next", "hold C",
		"D d1", "back B", "next", "-A a2", "A a3", "hold A", "wait 21m", "expire", "next", "next", "next", "next"} {
		n.runHolds(step)
		check(step)
	}
}

// TestPushedNightsAreKnownFromMemory: a session whose guests never
// subscribed has no push subscriptions as far as the nudger asks; one that
// did has them, after a restart too.
func TestPushedNightsAreKnownFromMemory(t *testing.T) {
	ctx := context.Background()
	url := "file:" + filepath.Join(t.TempDir(), "karaoke.db")
	store := db.OpenForTest(t, url)
	quiet, _, _ := store.CreateSession(ctx, "quiet")
	pushed, _, _ := store.CreateSession(ctx, "pushed")
	g, err := store.JoinSession(ctx, pushed.ID, db.SignedDevice(t, store), "Ana")
	if err != nil {
		t.Fatal(err)
	}
	if store.HasPushSubscriptions(pushed.ID) && !store.Remote() {
		t.Fatal("a night without a subscription has one")
	}
	if err := store.SavePushSubscription(ctx, pushed.ID, g.ID, "https://push.example/1", "p", "a", ""); err != nil {
		t.Fatal(err)
	}
	for i, s := range []*db.Store{store, db.OpenForTest(t, url)} {
		if !s.HasPushSubscriptions(pushed.ID) {
			t.Errorf("store %d: the night with a subscription has none", i)
		}
		if s.HasPushSubscriptions(quiet.ID) && !s.Remote() {
			t.Errorf("store %d: the night without one has one", i)
		}
	}
}
