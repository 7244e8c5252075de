package db_test

import (
	"context"
	"errors"
	"testing"

	"github.com/karaoke-night/karaoke/db"
)

// TestRetapKeyIsClaimedOnce: a key is claimed by its post's first write,
// in that write's transaction; a write of another post of the same key
// fails and keeps nothing; a repeat reads the answer kept for it; a
// released key can be claimed again; the purge forgets old keys only.
func TestRetapKeyIsClaimedOnce(t *testing.T) {
	ctx := context.Background()
	store := openTestStore(t)
	c := newClock()
	store.Now = c.Now
	claim := func(id string) (db.Retap, bool) {
		t.Helper()
		post := db.WithRetapClaim(ctx, id)
		before := store.CountRows(t, "sessions")
		_, _, err := store.CreateSession(post, "Night of "+id)
		if err != nil && !errors.Is(err, db.ErrRetapTaken) {
			t.Fatal(err)
		}
		if made := store.CountRows(t, "sessions") - before; made != map[bool]int{true: 1, false: 0}[err == nil] || db.RetapClaimed(post) != (err == nil) {
			t.Fatalf("key %s: write err %v made %d nights, claimed %v", id, err, made, db.RetapClaimed(post))
		}
		got, rerr := store.RetapAnswer(ctx, id)
		if rerr != nil {
			t.Fatal(rerr)
		}
		return got, err == nil
	}
	if _, claimed := claim("a"); !claimed {
		t.Fatal("a new key was not claimed")
	}
	if got, claimed := claim("a"); claimed || got.Status != 0 {
		t.Errorf("repeat while answering: claimed %v, status %d", claimed, got.Status)
	}
	want := db.Retap{Status: 303, Headers: "Location: /j/x\r\n", Body: []byte{}}
	if err := store.SaveRetap(ctx, "a", want); err != nil {
		t.Fatal(err)
	}
	if got, claimed := claim("a"); claimed || got.Status != want.Status || got.Headers != want.Headers {
		t.Errorf("repeat: claimed %v, got %+v, want %+v", claimed, got, want)
	}
	// An answer whose post wrote nothing is kept all the same.
	if err := store.SaveRetap(ctx, "d", want); err != nil {
		t.Fatal(err)
	}
	if got, err := store.RetapAnswer(ctx, "d"); err != nil || got.Status != want.Status {
		t.Errorf("key d kept without a write: %+v, %v", got, err)
	}
	claim("b")
	if err := store.ReleaseRetap(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.RetapAnswer(ctx, "b"); !errors.Is(err, db.ErrNoRetap) {
		t.Errorf("released key: err %v, want ErrNoRetap", err)
	}
	if _, claimed := claim("b"); !claimed {
		t.Error("a released key could not be claimed again")
	}
	c.Advance(db.RetapKeep)
	claim("c")
	if err := store.PurgeRetaps(ctx, c.t.Add(-db.RetapKeep/2)); err != nil {
		t.Fatal(err)
	}
	for id, kept := range map[string]bool{"a": false, "b": false, "d": false, "c": true} {
		if _, err := store.RetapAnswer(ctx, id); (err == nil) != kept {
			t.Errorf("key %s after the purge: err %v, want kept %v", id, err, kept)
		}
	}
}
