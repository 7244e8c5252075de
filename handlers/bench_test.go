package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
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

// BenchmarkSongSearch serves a guest's songbook search as htmx sends it
// while they type (GET /j/CODE/songs?q=bohem, HX-Request) through the real
// router and store: the server's own cost of the results fragment. The
// figure under wrk is `go run ./cmd/loadtest -search` (BENCHMARKS.md).
//
//	go test ./handlers -run '^$' -bench SongSearch -cpuprofile cpu.prof
func BenchmarkSongSearch(b *testing.B) {
	ctx := context.Background()
	store, routes := newRoutes(b, handlers.Config{})
	sess, _, _ := store.CreateSession(ctx, "Bench night")
	device := signedDevice(b, store)
	if _, err := store.JoinSession(ctx, sess.ID, device, "Singer"); err != nil {
		b.Fatal(err)
	}
	var list strings.Builder
	list.WriteString("Queen - Bohemian Rhapsody\n")
	for i := range 2000 {
		fmt.Fprintf(&list, "Artist %d - Song %d\n", i, i)
	}
	book, _, err := store.ImportSongbook(ctx, db.SongbookImport{Name: "house"}, strings.NewReader(list.String()))
	if err != nil {
		b.Fatal(err)
	}
	if err := store.UseSongbook(ctx, sess.ID, book.ID, ""); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("GET", "/j/"+sess.Code+"/songs?q=bohem", nil)
			req.Header.Set("HX-Request", "true")
			req.AddCookie(&http.Cookie{Name: "karaoke_device", Value: device})
			rec := httptest.NewRecorder()
			routes.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Bohemian Rhapsody") {
				b.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
		}
	})
}
