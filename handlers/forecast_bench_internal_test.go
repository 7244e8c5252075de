package handlers

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/live"
)

// BenchmarkGuestFrame is what one change costs the server for 40 guests'
// pages on a queue of 60: every guest's events rendered once (the whole
// frame), and the part of it the forecast and "why this order" add.
//
//	go test ./handlers -run '^$' -bench GuestFrame -benchmem
func BenchmarkGuestFrame(b *testing.B) {
	ctx := context.Background()
	store, err := db.Open(ctx, "file:"+filepath.Join(b.TempDir(), "karaoke.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	sess, _, err := store.CreateSession(ctx, "Busy night")
	if err != nil {
		b.Fatal(err)
	}
	if err := store.SetSingerCap(ctx, sess.ID, 2); err != nil {
		b.Fatal(err)
	}
	guests := make([]int64, 40)
	for i := range guests {
		token, err := store.NewDeviceToken(ctx)
		if err != nil {
			b.Fatal(err)
		}
		g, err := store.JoinSession(ctx, sess.ID, token, fmt.Sprintf("Singer %d", i))
		if err != nil {
			b.Fatal(err)
		}
		guests[i] = g.ID
	}
	for i := range 60 {
		if _, err := store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: guests[i%40],
			Title: fmt.Sprintf("A song of a usual length %d", i), Artist: "Some Artist"}); err != nil {
			b.Fatal(err)
		}
	}
	night, err := store.Night(ctx, sess.ID)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("whole frame", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			f := &liveFrame{store: store, night: night, now: time.Now()}
			for _, g := range guests {
				if _, err := f.Events(live.Listener{SessionID: sess.ID, Page: live.PageGuest, GuestID: g}); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	// The same frame with half the guests reading Spanish, and a TV: each
	// fragment rendered once per language in use, so a second language
	// costs its own shared fragments (now singing, the TV), not its
	// listeners'.
	b.Run("whole frame, two languages", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			f := &liveFrame{store: store, night: night, now: time.Now()}
			for i, g := range guests {
				tag := "en"
				if i%2 == 1 {
					tag = "es"
				}
				if _, err := f.Events(live.Listener{SessionID: sess.ID, Page: live.PageGuest, GuestID: g, Lang: tag}); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := f.Events(live.Listener{SessionID: sess.ID, Page: live.PageDisplay, Lang: "de"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("TV, 40 screens in three languages", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			f := &liveFrame{store: store, night: night, now: time.Now()}
			for i := range 40 {
				if _, err := f.Events(live.Listener{SessionID: sess.ID, Page: live.PageDisplay, Lang: []string{"en", "es", "de"}[i%3]}); err != nil {
					b.Fatal(err)
				}
			}
			if len(f.langs) != 1 {
				b.Fatalf("the TV rendered in %d languages, want the night's one", len(f.langs))
			}
		}
	})
	b.Run("forecast and fairness", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			now := time.Now()
			for _, g := range guests {
				_ = forecast(lang.Lang{}, night, g, now)
				_ = fairness(lang.Lang{}, night, g)
			}
		}
	})
}
