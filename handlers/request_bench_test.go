package handlers_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/handlers"
	"github.com/karaoke-night/karaoke/views"
)

// BenchmarkRequestCreate serves a guest's request as htmx sends it (POST
// /j/CODE/requests with HX-Request and the form's one-time key), each from
// the next of 1,000 singers (cap 20), at three queue lengths, through the
// real router and store: the server's own cost of the request and its
// fragment. The figure a phone sees is `go run ./cmd/loadtest -requests`.
//
//	go test ./handlers -run '^$' -bench RequestCreate -benchtime 400x -cpuprofile cpu.prof
func BenchmarkRequestCreate(b *testing.B) {
	for _, queue := range []int{100, 2000, 10000} {
		b.Run(fmt.Sprintf("queue=%d", queue), func(b *testing.B) {
			ctx := context.Background()
			store, routes := newRoutes(b, handlers.Config{})
			sess, _, _ := store.CreateSession(ctx, "Bench night")
			if err := store.SetSingerCap(ctx, sess.ID, db.MaxSingerCap); err != nil {
				b.Fatal(err)
			}
			const singers = 1000
			devices := make([]string, singers)
			for i := range devices {
				devices[i] = signedDevice(b, store)
				g, err := store.JoinSession(ctx, sess.ID, devices[i], fmt.Sprintf("Singer %d", i))
				if err != nil {
					b.Fatal(err)
				}
				for k := i; k < queue; k += singers {
					if _, err := store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: g.ID, Title: fmt.Sprintf("Song %d", k), Artist: "Artist"}); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				form := url.Values{"title": {fmt.Sprintf("New %d", i)}, "artist": {"Load"}, views.RetapField: {rand.Text()}}
				req := httptest.NewRequest("POST", "/j/"+sess.Code+"/requests", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set(handlers.HTMXHeader, "true")
				req.AddCookie(&http.Cookie{Name: "karaoke_device", Value: devices[i%singers]})
				rec := httptest.NewRecorder()
				routes.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %.500s", rec.Code, rec.Body)
				}
			}
		})
	}
}
