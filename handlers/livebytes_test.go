package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/handlers"
	"github.com/karaoke-night/karaoke/live"
)

// TestGuestBytesPerLiveUpdate measures what a guest's page is sent when one
// more song joins a queue of 60 (40 guests): the fragments that changed for
// a guest with a song at #39 and for one with none, as the broker sends
// them. A guest's queue shows their neighbourhood, not the whole queue, so
// the figure stays small at any queue length.
//
//	go test ./handlers -run GuestBytesPerLiveUpdate -v
func TestGuestBytesPerLiveUpdate(t *testing.T) {
	ctx := context.Background()
	store, _ := newRoutes(t, handlers.Config{})
	sess, _, err := store.CreateSession(ctx, "Busy night")
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SetSingerCap(ctx, sess.ID, 2); err != nil {
		t.Fatal(err)
	}
	guests := make([]int64, 41)
	for i := range guests {
		g, err := store.JoinSession(ctx, sess.ID, signedDevice(t, store), fmt.Sprintf("Singer %d", i))
		if err != nil {
			t.Fatal(err)
		}
		guests[i] = g.ID
	}
	for i := range 60 {
		if _, err := store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: guests[i%40],
			Title: fmt.Sprintf("A song of a usual length %d", i), Artist: "Some Artist"}); err != nil {
			t.Fatal(err)
		}
	}
	src := handlers.LiveSource(store)
	before, err := src.Frame(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The 41st guest's first song goes in at the end of the first round.
	if _, err := store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: guests[40], Title: "One more", Artist: "Band"}); err != nil {
		t.Fatal(err)
	}
	after, err := src.Frame(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		guest int64
	}{{"a guest with a song at #39", guests[38]}, {"a guest with no song", guests[40]}} {
		sent := 0
		old, err := before.Events(live.Listener{SessionID: sess.ID, Page: live.PageGuest, GuestID: tt.guest})
		if err != nil {
			t.Fatal(err)
		}
		now, err := after.Events(live.Listener{SessionID: sess.ID, Page: live.PageGuest, GuestID: tt.guest})
		if err != nil {
			t.Fatal(err)
		}
		last := map[string][]byte{}
		for _, e := range old {
			last[e.Name] = e.HTML
		}
		for _, e := range now {
			if !bytes.Equal(last[e.Name], e.HTML) {
				sent += len(e.HTML)
			}
		}
		t.Logf("%s, 60 songs → 61: %d bytes of changed fragments", tt.name, sent)
		// The budget: the queue around them (about 2,750 bytes, however
		// long the queue) and, for the guest who just asked, their status,
		// their songs, the forecast and the songs sung tonight.
		if sent > 5000 {
			t.Errorf("%s is sent %d bytes for one more song; a guest's view should not grow with the queue", tt.name, sent)
		}
	}
}
