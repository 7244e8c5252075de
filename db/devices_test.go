package db_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
)

func TestOnlySignedDeviceTokensMakeGuests(t *testing.T) {
	ctx := context.Background()
	path := "file:" + filepath.Join(t.TempDir(), "karaoke.db")
	store := db.OpenForTest(t, path)
	other := openTestStore(t) // another database, so another key
	sess, _, _ := store.CreateSession(ctx, "Night")

	signed := db.SignedDevice(t, store)
	random, _, _ := strings.Cut(signed, ".")
	forged := []string{
		"attacker-chosen-1",
		db.NewToken(),    // a random token the server never signed
		random + ".AAAA", // a bad signature
		random + "." + strings.Repeat("A", 43),
		db.SignedDevice(t, other),           // signed, but under another server's key
		"." + strings.Split(signed, ".")[1], // a signature without its random part
	}
	for _, token := range forged {
		if store.DeviceTokenSigned(ctx, token) {
			t.Errorf("%q verifies as signed", token)
		}
		if _, err := store.JoinSession(ctx, sess.ID, token, "Mallory"); !errors.Is(err, db.ErrUnsignedDevice) {
			t.Errorf("join with %q: %v, want ErrUnsignedDevice", token, err)
		}
	}
	if !store.DeviceTokenSigned(ctx, signed) {
		t.Fatal("a token the store issued does not verify")
	}
	if _, err := store.JoinSession(ctx, sess.ID, signed, "Ann"); err != nil {
		t.Fatalf("join with a signed token: %v", err)
	}

	// The key is in the database: a second process on the same file, and
	// the same file after a restart, verify what the first one signed.
	second := db.OpenForTest(t, path)
	if !second.DeviceTokenSigned(ctx, signed) || !second.DeviceTokenSigned(ctx, db.SignedDevice(t, second)) {
		t.Error("a second store on the same file does not share the device key")
	}
	if !store.DeviceTokenSigned(ctx, db.SignedDevice(t, second)) {
		t.Error("the first store does not verify the second's tokens")
	}
}

func TestJoiningLocked(t *testing.T) {
	ctx := context.Background()
	store := openTestStore(t)
	sess, _, _ := store.CreateSession(ctx, "Night")
	ann := db.SignedDevice(t, store)
	if _, err := store.JoinSession(ctx, sess.ID, ann, "Ann"); err != nil {
		t.Fatal(err)
	}
	if err := store.SetJoiningLocked(ctx, sess.ID, true); err != nil {
		t.Fatal(err)
	}
	_, err := store.JoinSession(ctx, sess.ID, db.SignedDevice(t, store), "Bob")
	if db.ErrorCode(err) != db.ECONFLICT || db.ErrorField(err) != "name" || db.ErrorMessage(err) != db.JoiningClosedMessage {
		t.Errorf("a new guest while locked: %v, want the closed message on the name", err)
	}
	if g, err := store.JoinSession(ctx, sess.ID, ann, "Annie"); err != nil || g.Name != "Annie" {
		t.Errorf("a guest already in renames while locked: %v, %v", g, err)
	}
	if err := store.SetJoiningLocked(ctx, sess.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := store.JoinSession(ctx, sess.ID, db.SignedDevice(t, store), "Bob"); err != nil {
		t.Errorf("a new guest once unlocked: %v", err)
	}
}

func TestRemoveGuestsJoinedSince(t *testing.T) {
	ctx := context.Background()
	store := openTestStore(t)
	c := newClock()
	store.Now = c.Now
	sess, _, _ := store.CreateSession(ctx, "Night")
	join := func(name string) db.Guest {
		t.Helper()
		g, err := store.JoinSession(ctx, sess.ID, db.SignedDevice(t, store), name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: g.ID, Title: name + "'s song"}); err != nil {
			t.Fatal(err)
		}
		c.Advance(time.Minute)
		return g
	}
	early := join("Early")
	since := c.Now()
	late1, late2 := join("Late1"), join("Late2")

	n, err := store.RemoveGuestsJoinedSince(ctx, sess.ID, since)
	if err != nil || n != 2 {
		t.Fatalf("removed %d, %v; want 2", n, err)
	}
	for _, tc := range []struct {
		g       db.Guest
		removed bool
	}{{early, false}, {late1, true}, {late2, true}} {
		g, _ := store.Guest(ctx, sess.ID, tc.g.ID)
		if g.Removed() != tc.removed {
			t.Errorf("%s removed = %v, want %v", g.Name, g.Removed(), tc.removed)
		}
	}
	night, err := store.Night(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(night.Queue()) != 1 || night.Queue()[0].GuestID != early.ID {
		t.Errorf("queue = %+v, want only Early's song", night.Queue())
	}
	if !night.Session.JoiningLocked {
		t.Error("joining is not locked after removing the recent joiners")
	}
	if n, err := store.RemoveGuestsJoinedSince(ctx, sess.ID, since); err != nil || n != 0 {
		t.Errorf("again: removed %d, %v; want 0", n, err)
	}
}
