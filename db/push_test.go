package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
)

func TestPushSubscriptionsKeptOncePerEndpoint(t *testing.T) {
	store := openTestStore(t)
	ctx := context.Background()
	sess, _, _ := store.CreateSession(ctx, "Friday Night Mics")
	ana, _ := store.JoinSession(ctx, sess.ID, db.SignedDevice(t, store), "Ana")
	ben, _ := store.JoinSession(ctx, sess.ID, db.SignedDevice(t, store), "Ben")
	const ep = "https://fcm.googleapis.com/fcm/send/a"
	for range 2 { // a repeated subscribe
		if err := store.SavePushSubscription(ctx, sess.ID, ana.ID, ep, "key1", "auth1", "es"); err != nil {
			t.Fatal(err)
		}
	}
	subs, err := store.PushSubscriptions(ctx, ana.ID)
	if err != nil || len(subs) != 1 || subs[0].Endpoint != ep || subs[0].P256dh != "key1" || subs[0].Auth != "auth1" || subs[0].Language != "es" {
		t.Fatalf("Ana's subscriptions = %+v, %v; want one", subs, err)
	}
	// What it was told survives a repeated subscribe, not a move.
	if err := store.SetPushTold(ctx, subs[0].ID, 5, 0); err != nil {
		t.Fatal(err)
	}
	store.SetPushTold(ctx, subs[0].ID, 0, 7)
	store.SavePushSubscription(ctx, sess.ID, ana.ID, ep, "key1", "auth1", "")
	if subs, _ := store.PushSubscriptions(ctx, ana.ID); subs[0].ToldNext != 5 || subs[0].ToldTurn != 7 {
		t.Errorf("told = %d, %d; want 5, 7", subs[0].ToldNext, subs[0].ToldTurn)
	}
	// The same browser, now Ben's, with new keys: the row moves.
	if err := store.SavePushSubscription(ctx, sess.ID, ben.ID, ep, "key2", "auth2", ""); err != nil {
		t.Fatal(err)
	}
	if subs, _ := store.PushSubscriptions(ctx, ana.ID); len(subs) != 0 {
		t.Errorf("Ana still has %+v", subs)
	}
	if subs, _ := store.PushSubscriptions(ctx, ben.ID); len(subs) != 1 || subs[0].P256dh != "key2" || subs[0].ToldNext != 0 || subs[0].ToldTurn != 0 {
		t.Errorf("Ben's subscriptions = %+v", subs)
	}
	if err := store.DeletePushSubscription(ctx, ep); err != nil {
		t.Fatal(err)
	}
	if subs, _ := store.PushSubscriptions(ctx, ben.ID); len(subs) != 0 {
		t.Errorf("deleted, yet Ben has %+v", subs)
	}
	if err := store.DeletePushSubscription(ctx, ep); err != nil {
		t.Errorf("deleting again: %v", err)
	}

	store.RemoveGuest(ctx, sess.ID, ben.ID)
	if err := store.SavePushSubscription(ctx, sess.ID, ben.ID, ep, "k", "a", ""); db.ErrorCode(err) != db.ECONFLICT {
		t.Errorf("a removed guest subscribed: %v", err)
	}
	store.EndSession(ctx, sess.ID)
	if err := store.SavePushSubscription(ctx, sess.ID, ana.ID, ep, "k", "a", ""); db.ErrorCode(err) != db.ECONFLICT {
		t.Errorf("subscribed after the night ended: %v", err)
	}
}

func TestPushSubscriptionsPurgedWithTheirSession(t *testing.T) {
	store := openTestStore(t)
	c := newClock()
	store.Now = c.Now
	ctx := context.Background()
	old, _, _ := store.CreateSession(ctx, "long ago")
	g, _ := store.JoinSession(ctx, old.ID, db.SignedDevice(t, store), "Old Name")
	if err := store.SavePushSubscription(ctx, old.ID, g.ID, "https://web.push.apple.com/x", "k", "a", ""); err != nil {
		t.Fatal(err)
	}
	tonight, _, _ := store.CreateSession(ctx, "tonight")
	h, _ := store.JoinSession(ctx, tonight.ID, db.SignedDevice(t, store), "New Name")
	store.SavePushSubscription(ctx, tonight.ID, h.ID, "https://web.push.apple.com/y", "k", "a", "")
	store.EndSession(ctx, old.ID)
	c.Advance(40 * 24 * time.Hour)
	if n, err := store.PurgeEnded(ctx, c.Now().Add(-30*24*time.Hour)); err != nil || n != 1 {
		t.Fatalf("PurgeEnded = %d, %v", n, err)
	}
	if subs, _ := store.PushSubscriptions(ctx, g.ID); len(subs) != 0 {
		t.Errorf("purged session's subscriptions left: %+v", subs)
	}
	if subs, _ := store.PushSubscriptions(ctx, h.ID); len(subs) != 1 {
		t.Errorf("tonight's subscription = %+v, want kept", subs)
	}
}
