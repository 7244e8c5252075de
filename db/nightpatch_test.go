package db_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/karaoke-night/karaoke/db"
)

// samePatchedNight checks, just after a request, that the Night the store
// keeps, when the request's write patched it in place, is the Night read
// afresh, and counts it.
func (n *night) samePatchedNight() {
	n.t.Helper()
	if n.patchedNight("the request") {
		n.patched++
	}
}

// patchedNight checks, just after a write (what), that the Night the store
// keeps, when the write patched it in place, is the Night read afresh, and
// reports whether it was patched.
func (n *night) patchedNight(what string) bool {
	n.t.Helper()
	kept, ok := n.store.CachedNight(n.session.ID)
	read, err := n.store.ReadNight(context.Background(), n.session.ID)
	if err != nil {
		n.t.Fatal(err)
	}
	if !ok || kept.Session.Version != read.Session.Version {
		return false // not patched: Night reads it again
	}
	if diff := db.NightDiff(kept, read); diff != "" {
		n.t.Fatalf("the Night patched by %s is not the Night read:\n%s", what, diff)
	}
	return true
}

// TestPatchedNightIsTheNightRead: on a night of many singers, some on hold,
// with turns sung and the host's moves, each request patches the Night the
// store keeps instead of having it read again, and the patched Night is
// the one a read gives. TestForecastProperty checks the same after every
// request of its random nights (approval, standby, holds running out).
func TestPatchedNightIsTheNightRead(t *testing.T) {
	n := newNight(t)
	ctx := context.Background()
	if err := n.store.SetSingerCap(ctx, n.session.ID, db.MaxSingerCap); err != nil {
		t.Fatal(err)
	}
	singers := []string{"A", "B", "C", "D", "E", "F", "G", "H"}
	asked, nexts, nextsPatched := 0, 0, 0
	next := func() {
		nexts++
		if n.startNext() {
			nextsPatched++
		}
	}
	for i := range 60 {
		singer := singers[(i*5)%len(singers)]
		switch i {
		case 10:
			next()
		case 20:
			n.checked("hold B")
		case 30:
			next()
			next()
		case 40:
			n.checked("back B")
		}
		if i%7 == 5 {
			next()
		}
		if i%13 == 7 {
			// The host's move changes positions the next request is placed among.
			st := n.state()
			if err := n.store.MoveRequest(ctx, n.session.ID, st.Queue()[len(st.Queue())/2].ID, db.MoveTop); err != nil {
				t.Fatal(err)
			}
		}
		n.state() // the Night kept, as a page just showed it
		n.ask(singer, fmt.Sprint("song ", i))
		asked++
	}
	if n.patched != asked {
		t.Errorf("%d of %d requests patched the Night kept, want all", n.patched, asked)
	}
	if nextsPatched != nexts && !n.store.IsRemote() {
		t.Errorf("%d of %d Start next patched the Night kept, want all", nextsPatched, nexts)
	}
}

// TestPatchedNightUnderConcurrentRequests: requests from many guests at
// once commit in groups and report in any order; each guest's Night read
// just after their request shows it, and the Night kept at the end is the
// one a read gives.
func TestPatchedNightUnderConcurrentRequests(t *testing.T) {
	n := newNight(t)
	ctx := context.Background()
	if err := n.store.SetSingerCap(ctx, n.session.ID, db.MaxSingerCap); err != nil {
		t.Fatal(err)
	}
	const guests, each = 10, 15
	ids := make([]int64, guests)
	for g := range ids {
		ids[g] = n.guest(fmt.Sprint("G", g)).ID
	}
	n.state()
	errs := make(chan error, guests)
	for g := range guests {
		go func() {
			for i := range each {
				r, err := n.store.CreateRequest(ctx, db.NewRequest{SessionID: n.session.ID, GuestID: ids[g], Title: fmt.Sprint("song ", g, " ", i)})
				if err != nil {
					errs <- err
					return
				}
				st, err := n.store.Night(ctx, n.session.ID)
				if err != nil {
					errs <- err
					return
				}
				if !slices.ContainsFunc(st.Queue(), func(q db.Request) bool { return q.ID == r.ID }) {
					errs <- fmt.Errorf("the Night read after request %d (version %d) does not show it", r.ID, st.Session.Version)
					return
				}
			}
			errs <- nil
		}()
	}
	for range guests {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	kept := n.state()
	read, err := n.store.ReadNight(ctx, n.session.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := db.NightDiff(kept, read); diff != "" {
		t.Fatalf("the Night kept is not the Night read:\n%s", diff)
	}
	if got, want := len(read.Queue()), guests*each; got != want {
		t.Errorf("%d songs waiting, want %d", got, want)
	}
}
