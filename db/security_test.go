package db_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
)

func TestLookAlikesCompareEqual(t *testing.T) {
	store := openTestStore(t)
	ctx := context.Background()
	sess, _, _ := store.CreateSession(ctx, "night")
	composed, decomposed := "Beyonc\u00e9", "Beyonce\u0301"
	first, _ := store.JoinSession(ctx, sess.ID, db.SignedDevice(t, store), composed)
	second, err := store.JoinSession(ctx, sess.ID, db.SignedDevice(t, store), decomposed)
	if err != nil {
		t.Fatal(err)
	}
	if second.Name != composed || second.DisplayName() != composed+" (2)" {
		t.Errorf("decomposed name stored as %q, shown as %q; want the same name as %q, told apart",
			second.Name, second.DisplayName(), first.Name)
	}
	if _, err := store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: first.ID, Title: "Halo", Artist: composed}); err != nil {
		t.Fatal(err)
	}
	_, err = store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: second.ID, Title: "HALO", Artist: decomposed})
	if db.ErrorCode(err) != db.EDUPLICATE {
		t.Errorf("the same song typed with a decomposed accent: %v, want duplicate", err)
	}
	// The limit counts characters after normalising: 40 accented letters
	// typed as 80 code points fit a 40-character name.
	if _, err := store.JoinSession(ctx, sess.ID, db.SignedDevice(t, store), strings.Repeat("e\u0301", db.MaxSingerName)); err != nil {
		t.Errorf("40 decomposed accented letters: %v", err)
	}
}

func TestRemoveGuest(t *testing.T) {
	store := openTestStore(t)
	ctx := context.Background()
	sess, _, _ := store.CreateSession(ctx, "night")
	device := db.SignedDevice(t, store)
	eve, _ := store.JoinSession(ctx, sess.ID, device, "Eve")
	ann, _ := store.JoinSession(ctx, sess.ID, db.SignedDevice(t, store), "Ann")
	for _, title := range []string{"one", "two"} {
		if _, err := store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: eve.ID, Title: title}); err != nil {
			t.Fatal(err)
		}
	}
	store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: ann.ID, Title: "three"})

	if err := store.RemoveGuest(ctx, sess.ID, eve.ID); err != nil {
		t.Fatal(err)
	}
	night, _ := store.Night(ctx, sess.ID)
	if len(night.Queue()) != 1 || night.Queue()[0].GuestID != ann.ID {
		t.Errorf("queue after removing Eve = %+v, want only Ann's song", night.Queue())
	}
	_, err := store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: eve.ID, Title: "again"})
	if db.ErrorCode(err) != db.ECONFLICT || !strings.Contains(db.ErrorMessage(err), "removed") {
		t.Errorf("request after removal: %v, want a conflict saying so", err)
	}
	if _, err := store.JoinSession(ctx, sess.ID, device, "Eve2"); db.ErrorCode(err) != db.ECONFLICT || db.ErrorField(err) != "name" {
		t.Errorf("rejoin from the removed device: %v, want a conflict on the name", err)
	}
	if g, _ := store.GuestByDevice(ctx, sess.ID, device); !g.Removed() {
		t.Error("the guest is not marked removed")
	}
	guests, err := store.Guests(ctx, sess.ID)
	if err != nil || len(guests) != 2 || !guests[0].Removed() || guests[1].Waiting != 1 {
		t.Errorf("Guests = %+v, %v", guests, err)
	}
	if err := store.RemoveGuest(ctx, sess.ID, eve.ID); err != nil {
		t.Errorf("removing twice: %v", err)
	}
	other, _, _ := store.CreateSession(ctx, "other")
	if err := store.RemoveGuest(ctx, other.ID, ann.ID); db.ErrorCode(err) != db.ENOTFOUND {
		t.Errorf("removing another session's guest: %v, want not found", err)
	}
}

func TestRotateHostKey(t *testing.T) {
	store := openTestStore(t)
	ctx := context.Background()
	sess, old, _ := store.CreateSession(ctx, "night")
	fresh, err := store.RotateHostKey(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if db.ErrorCode(store.CheckHost(ctx, sess.ID, old)) != db.EFORBIDDEN {
		t.Error("the old host key still works")
	}
	if err := store.CheckHost(ctx, sess.ID, fresh); err != nil {
		t.Errorf("the new host key: %v", err)
	}
	if _, err := store.RotateHostKey(ctx, 999); db.ErrorCode(err) != db.ENOTFOUND {
		t.Errorf("unknown session: %v", err)
	}
}

func TestPurgeEnded(t *testing.T) {
	store := openTestStore(t)
	c := newClock()
	store.Now = c.Now
	ctx := context.Background()
	old, _, _ := store.CreateSession(ctx, "long ago")
	g, _ := store.JoinSession(ctx, old.ID, db.SignedDevice(t, store), "Old Name")
	store.CreateRequest(ctx, db.NewRequest{SessionID: old.ID, GuestID: g.ID, Title: "old song"})
	store.EndSession(ctx, old.ID)
	c.Advance(20 * 24 * time.Hour)
	recent, _, _ := store.CreateSession(ctx, "recent")
	store.EndSession(ctx, recent.ID)
	open, _, _ := store.CreateSession(ctx, "tonight")
	c.Advance(15 * 24 * time.Hour)

	n, err := store.PurgeEnded(ctx, c.Now().Add(-30*24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("PurgeEnded = %d, %v; want 1 session", n, err)
	}
	if _, err := store.Session(ctx, old.ID); db.ErrorCode(err) != db.ENOTFOUND {
		t.Errorf("the old session is still there: %v", err)
	}
	if _, err := store.Guest(ctx, old.ID, g.ID); db.ErrorCode(err) != db.ENOTFOUND {
		t.Errorf("the old session's guest is still there: %v", err)
	}
	for _, s := range []db.Session{recent, open} {
		if _, err := store.Session(ctx, s.ID); err != nil {
			t.Errorf("session %q purged too early: %v", s.Name, err)
		}
	}
	codes, err := store.OpenCodes(ctx)
	if err != nil || len(codes) != 1 || codes[0] != open.Code {
		t.Errorf("OpenCodes = %v, %v; want [%s]", codes, err, open.Code)
	}
}
