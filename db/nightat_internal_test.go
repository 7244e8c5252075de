package db

import (
	"context"
	"testing"
)

// TestNightAtIsTheNightOfTheLookUp: NightAt answers with the Night at the
// version the session was looked up at, never an older one: after this
// store's own write, after another process's write once the look-up has
// seen it, and for a session looked up before a write (the Night now).
func TestNightAtIsTheNightOfTheLookUp(t *testing.T) {
	ctx := context.Background()
	n := newStillNight(t)
	s, sess := n.s, n.sess
	_, guest := n.join(t, "Ana")
	request := func(store *Store, title string) {
		t.Helper()
		if _, err := store.CreateRequest(ctx, NewRequest{SessionID: sess.ID, GuestID: guest.ID, Title: title}); err != nil {
			t.Fatal(err)
		}
	}
	// check looks the session up as a guest page does and wants NightAt to
	// show the queue the database holds, at the version looked up.
	check := func(step string, waiting int) Session {
		t.Helper()
		found, err := s.SessionByCode(ctx, sess.Code)
		if err != nil {
			t.Fatal(err)
		}
		night, err := s.NightAt(ctx, found)
		if err != nil {
			t.Fatal(err)
		}
		if night.Session.Version != found.Version || night.QueueLen() != waiting {
			t.Errorf("%s: NightAt gave version %d with %d waiting, want version %d with %d", step, night.Session.Version, night.QueueLen(), found.Version, waiting)
		}
		return found
	}
	request(s, "One")
	if _, err := s.Night(ctx, sess.ID); err != nil { // kept from here on
		t.Fatal(err)
	}
	first := check("kept", 1)
	request(s, "Two")
	check("after this store's write", 2)

	// Another process's write tells this store nothing: the look-up sees
	// it once versionFresh has passed, and NightAt must not serve the
	// Night this store kept before it.
	request(OpenForTest(t, n.url), "Three")
	n.clock = n.clock.Add(versionFresh)
	now := check("after another process's write", 3)

	// A session looked up before the writes: the Night now, not then.
	night, err := s.NightAt(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	if night.Session.Version != now.Version || night.QueueLen() != 3 {
		t.Errorf("for a look-up from before: version %d with %d waiting, want %d with 3", night.Session.Version, night.QueueLen(), now.Version)
	}
}
