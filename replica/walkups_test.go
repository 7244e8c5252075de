package replica_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/internal/tursotest"
)

// TestWalkupsAndHeldRequestsReplicate: migration 0009's columns and table
// reach Turso, and so do a walk-up (with the hash the store made for it,
// not the migration) and requests held, approved and declined.
func TestWalkupsAndHeldRequestsReplicate(t *testing.T) {
	ctx := context.Background()
	s := newSetup(t)
	sess := night(t, s.store)
	if _, err := s.store.AddWalkup(ctx, db.NewWalkup{NewRequest: db.NewRequest{SessionID: sess.ID, Title: "Valerie"}, Name: "Wanda"}); err != nil {
		t.Fatal(err)
	}
	if err := s.store.SetSettings(ctx, sess.ID, db.Settings{SingerCap: db.MaxSingerCap, Approval: true}); err != nil {
		t.Fatal(err)
	}
	g, err := s.store.JoinSession(ctx, sess.ID, signedDevice(t, s.store), "Ann")
	if err != nil {
		t.Fatal(err)
	}
	var held []int64
	for _, title := range []string{"Halo", "Creep"} {
		if _, err := s.store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: g.ID, Title: title}); err != nil {
			t.Fatal(err)
		}
	}
	night, err := s.store.Night(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range night.Pending {
		held = append(held, h.ID)
	}
	if len(held) != 2 {
		t.Fatalf("held = %v, want 2", held)
	}
	if _, err := s.store.ApproveRequest(ctx, sess.ID, held[0]); err != nil {
		t.Fatal(err)
	}
	if err := s.store.DeclineRequest(ctx, sess.ID, held[1]); err != nil {
		t.Fatal(err)
	}
	s.ship()
	tables := []string{"sessions", "guests", "requests", "held_requests"}
	local := tursotest.Dump(t, tursotest.Open(t, s.dbURL), tables...)
	remote := tursotest.Dump(t, tursotest.Open(t, s.server.URL), tables...)
	if !reflect.DeepEqual(local, remote) || len(remote["held_requests"]) != 2 {
		t.Fatalf("the remote differs:\nlocal:  %v\nremote: %v", local, remote)
	}
	if n := remoteInt(t, s.server.URL, `SELECT COUNT(*) FROM guests WHERE added_by_host = 1`); n != 1 {
		t.Errorf("the remote has %d walk-ups, want 1", n)
	}
}
