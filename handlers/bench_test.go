package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/handlers"
)

// BenchmarkGuestPage serves a joined guest's page (GET /j/CODE with the
// device cookie) on a queue of 10, through the real router and store, with
// no network in between: the server's own cost of the page.
//
//	go test ./handlers -run '^$' -bench GuestPage -cpuprofile cpu.prof
func BenchmarkGuestPage(b *testing.B) {
	ctx := context.Background()
	store, routes := newRoutes(b, handlers.Config{})
	sess, _, _ := store.CreateSession(ctx, "Bench night")
	var device string
	for i := range 10 {
		token := signedDevice(b, store)
		g, err := store.JoinSession(ctx, sess.ID, token, fmt.Sprintf("Singer %d", i))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: g.ID, Title: fmt.Sprintf("Song %d", i), Artist: "Artist"}); err != nil {
			b.Fatal(err)
		}
		device = token
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("GET", "/j/"+sess.Code, nil)
			req.AddCookie(&http.Cookie{Name: "karaoke_device", Value: device})
			rec := httptest.NewRecorder()
			routes.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
}
