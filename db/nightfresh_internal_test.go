package db

import (
	"context"
	"testing"
)

// TestNightTrustsAFreshVersion: right after this store's own request, the
// Night is the patched one without reading the version again, by the kept
// look-ups' rule; so a write by another process on the file is seen once
// versionFresh has passed, as the look-ups see it, and not before.
func TestNightTrustsAFreshVersion(t *testing.T) {
	ctx := context.Background()
	n := newStillNight(t)
	s, sess := n.s, n.sess
	_, ana := n.join(t, "Ana")
	if _, err := s.SessionByCode(ctx, sess.Code); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Night(ctx, sess.ID); err != nil { // kept from here on
		t.Fatal(err)
	}
	if _, err := s.CreateRequest(ctx, NewRequest{SessionID: sess.ID, GuestID: ana.ID, Title: "Zombie"}); err != nil {
		t.Fatal(err)
	}
	other := OpenForTest(t, n.url)
	if err := other.SetRequestsPaused(ctx, sess.ID, true); err != nil {
		t.Fatal(err)
	}
	mine, err := s.Night(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if mine.QueueLen() != 1 || mine.Session.RequestsPaused {
		t.Errorf("right after the request: %d waiting, paused %v; want the request's own Night (1 waiting, not paused)",
			mine.QueueLen(), mine.Session.RequestsPaused)
	}
	n.clock = n.clock.Add(versionFresh)
	later, err := s.Night(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if later.QueueLen() != 1 || !later.Session.RequestsPaused {
		t.Errorf("once versionFresh has passed: %d waiting, paused %v; want the other process's pause seen",
			later.QueueLen(), later.Session.RequestsPaused)
	}
}
