package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/handlers"
)

// benchNight is a night of guests and songs among them, the first singing,
// served by the real router and store.
type benchNight struct {
	routes  http.Handler
	code    string
	dash    string
	host    []*http.Cookie
	devices []string
}

func newBenchNight(b *testing.B, guests, songs int) benchNight {
	ctx := context.Background()
	store, routes := newRoutes(b, handlers.Config{})
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/sessions", nil)
	req.PostForm = map[string][]string{"name": {"Bench night"}}
	routes.ServeHTTP(rec, req)
	n := benchNight{routes: routes, dash: rec.Header().Get("Location"), host: rec.Result().Cookies()}
	id, _ := strconv.ParseInt(n.dash[len("/host/"):], 10, 64)
	sess, err := store.Session(ctx, id)
	if err != nil {
		b.Fatal(err)
	}
	n.code = sess.Code
	var ids []int64
	for i := range guests {
		token := signedDevice(b, store)
		g, err := store.JoinSession(ctx, sess.ID, token, fmt.Sprintf("Singer %d", i))
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, g.ID)
		n.devices = append(n.devices, token)
	}
	for i := range songs {
		if _, err := store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: ids[i%guests], Title: fmt.Sprintf("Song %d", i), Artist: "Artist"}); err != nil {
			b.Fatal(err)
		}
	}
	if _, _, err := store.StartNext(ctx, sess.ID, db.NoTurn); err != nil {
		b.Fatal(err)
	}
	return n
}

func (n benchNight) serve(b *testing.B, path string, cookies ...*http.Cookie) {
	b.ReportAllocs()
	b.ResetTimer() // the night's setup is not the page's cost
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			req := httptest.NewRequest("GET", path, nil)
			for _, c := range cookies {
				req.AddCookie(c)
			}
			if len(cookies) == 0 && len(n.devices) > 0 && path == "/j/"+n.code+"/" {
				req.AddCookie(&http.Cookie{Name: "karaoke_device", Value: n.devices[i%len(n.devices)]})
			}
			i++
			rec := httptest.NewRecorder()
			n.routes.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
}

// BenchmarkPages serves the pages of issue 18's goal 1 through the real
// router and store, with no network in between: the guest page of a night
// of 40 guests and 100 songs (the guests in turn), its TV, and the
// dashboard at 60 songs. The figures under wrk are
// `go run ./cmd/loadtest -pages`.
//
//	go test ./handlers -run '^$' -bench Pages -cpuprofile cpu.prof
func BenchmarkPages(b *testing.B) {
	b.Run("guest", func(b *testing.B) {
		n := newBenchNight(b, 40, 100)
		n.serve(b, "/j/"+n.code+"/")
	})
	b.Run("display", func(b *testing.B) {
		n := newBenchNight(b, 40, 100)
		n.serve(b, "/d/"+n.code+"/")
	})
	b.Run("dashboard", func(b *testing.B) {
		n := newBenchNight(b, 30, 60)
		n.serve(b, n.dash, n.host...)
	})
}
