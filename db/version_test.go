package db_test

import (
	"context"
	"sync"
	"testing"

	"github.com/karaoke-night/karaoke/db"
)

// TestEveryWriteBumpsTheVersion checks that each kind of write to a session
// raises its version by one and tells OnChange, and that a refused write
// does neither.
func TestEveryWriteBumpsTheVersion(t *testing.T) {
	ctx := context.Background()
	store := openTestStore(t)
	var mu sync.Mutex
	var told []int64
	store.OnChange(func(_, version int64) { mu.Lock(); told = append(told, version); mu.Unlock() })

	sess, _, err := store.CreateSession(ctx, "Friday")
	if err != nil {
		t.Fatal(err)
	}
	version := func() int64 {
		t.Helper()
		got, err := store.SessionVersions(ctx, []int64{sess.ID, 999})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := got[999]; ok {
			t.Error("a missing session has a version")
		}
		return got[sess.ID]
	}
	if got := version(); got != sess.Version {
		t.Fatalf("version = %d, created with %d", got, sess.Version)
	}
	ann, err := store.JoinSession(ctx, sess.ID, db.SignedDevice(t, store), "Ann")
	if err != nil {
		t.Fatal(err)
	}
	var req db.Request
	writes := []struct {
		name string
		do   func() error
	}{
		{"join", func() error { _, err := store.JoinSession(ctx, sess.ID, db.SignedDevice(t, store), "Bob"); return err }},
		{"request", func() error {
			var err error
			req, err = store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: ann.ID, Title: "Africa"})
			return err
		}},
		{"second request", func() error {
			_, err := store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: ann.ID, Title: "Rosanna"})
			return err
		}},
		{"move", func() error { return store.MoveRequest(ctx, sess.ID, req.ID, db.MoveBack) }},
		{"pause", func() error { return store.SetRequestsPaused(ctx, sess.ID, true) }},
		{"cap", func() error { return store.SetSingerCap(ctx, sess.ID, 5) }},
		{"next", func() error { _, _, err := store.StartNext(ctx, sess.ID, db.NoTurn); return err }},
		{"skip", func() error { return store.SkipRequest(ctx, sess.ID, req.ID, db.StatusWaiting) }},
		{"end", func() error { return store.EndSession(ctx, sess.ID) }},
	}
	for _, w := range writes {
		t.Run(w.name, func(t *testing.T) {
			before := version()
			if err := w.do(); err != nil {
				t.Fatal(err)
			}
			if got, want := version(), before+1; got != want {
				t.Errorf("version = %d, want %d", got, want)
			}
			mu.Lock()
			last := told[len(told)-1]
			mu.Unlock()
			if last != before+1 {
				t.Errorf("OnChange was told version %d, want %d", last, before+1)
			}
		})
	}
	before := version()
	if err := store.SetSingerCap(ctx, sess.ID, 0); err == nil {
		t.Fatal("a cap of 0 was accepted")
	}
	if _, err := store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: ann.ID, Title: "Late"}); err == nil {
		t.Fatal("a request to an ended session was accepted")
	}
	if got := version(); got != before {
		t.Errorf("refused writes moved the version from %d to %d", before, got)
	}
	night, err := store.Night(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if night.Session.Version != before {
		t.Errorf("Night read version %d, want %d", night.Session.Version, before)
	}
}
