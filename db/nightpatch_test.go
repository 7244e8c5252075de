package db_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/karaoke-night/karaoke/db"
)

// samePatchedNight checks, just after a request, that the Night the store
// keeps, when the request's write patched it in place, is the Night read
// afresh, and counts it.
func (n *night) samePatchedNight() {
	n.t.Helper()
	kept, ok := n.store.CachedNight(n.session.ID)
	read, err := n.store.ReadNight(context.Background(), n.session.ID)
	if err != nil {
		n.t.Fatal(err)
	}
	if !ok || kept.Session.Version != read.Session.Version {
		return // not patched: Night reads it again
	}
	n.patched++
	if diff := db.NightDiff(kept, read); diff != "" {
		n.t.Fatalf("the Night patched by the request is not the Night read:\n%s", diff)
	}
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
	asked := 0
	for i := range 60 {
		singer := singers[(i*5)%len(singers)]
		switch i {
		case 10:
			n.run("next")
		case 20:
			n.checked("hold B")
		case 30:
			n.run("next", "next")
		case 40:
			n.checked("back B")
		}
		if i%13 == 7 {
			// The host's move changes positions the next request is placed among.
			st := n.state()
			if err := n.store.MoveRequest(ctx, n.session.ID, st.Queue[len(st.Queue)/2].ID, db.MoveTop); err != nil {
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
}
