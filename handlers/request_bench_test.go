package handlers_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/handlers"
	"github.com/karaoke-night/karaoke/views"
)

// BenchmarkRequestCreate serves a guest's request as htmx sends it (POST
// /j/CODE/requests with HX-Request and the form's one-time key), each from
// the next of 1,000 singers (cap 20), one at a time, at three queue
// lengths, through the real router and store: the server's own cost of the
// request and its fragment, and the fragment's size (answer-B/op, before
// compression). The figure a phone sees is `go run ./cmd/loadtest
// -requests`; BenchmarkRequestTen is that in process.
//
//	go test ./handlers -run '^$' -bench RequestCreate -benchtime 400x -cpuprofile cpu.prof
func BenchmarkRequestCreate(b *testing.B) {
	for _, queue := range []int{100, 2000, 10000} {
		b.Run(fmt.Sprintf("queue=%d", queue), func(b *testing.B) {
			n := newRequestNight(b, queue)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				n.request(b)
			}
			b.ReportMetric(float64(n.answered.Load())/float64(b.N), "answer-B/op")
		})
	}
}

// BenchmarkRequestTen is `go run ./cmd/loadtest -requests` in process: a
// guest's htmx request through the real router and store, 10 at a time,
// each from the next of 1,000 singers (cap 20), in 200-request slices, each
// slice's songs withdrawn (untimed) so the queue stays near its length. It
// reports the process's CPU a request (cpu-ms/op, all goroutines: the
// writer's, the kept answers' and the collector's too) and the slowest 1 %
// (p99-ms). Without a network and a client sharing the cores these are the
// server's own, steadier than the load test's rates on a shared machine.
//
//	go test ./handlers -run '^$' -bench RequestTen -benchtime 2000x -trace trace.out
func BenchmarkRequestTen(b *testing.B) {
	for _, queue := range []int{100, 2000, 10000} {
		b.Run(fmt.Sprintf("queue=%d", queue), func(b *testing.B) {
			n := newRequestNight(b, queue)
			n.timeSlices(b, func() time.Duration { return n.request(b) }, nil)
		})
	}
}

// timeSlices sends b.N requests with send, 10 at a time, in 200-request
// slices; after each slice, untimed, it calls between (when not nil) and
// withdraws the songs the slice added. It reports the process's CPU a
// request (cpu-ms/op) and the slowest 1 % (p99-ms).
func (n *requestNight) timeSlices(b *testing.B, send func() time.Duration, between func()) {
	var (
		cpu       time.Duration
		latencies []time.Duration
	)
	b.ResetTimer()
	for done := 0; done < b.N; {
		slice := min(200, b.N-done)
		cpu0 := processCPU()
		took := make([]time.Duration, slice)
		tenAtATime(slice, func(i int) { took[i] = send() })
		latencies = append(latencies, took...)
		cpu += processCPU() - cpu0
		b.StopTimer()
		if between != nil {
			between()
		}
		n.withdrawAdded(b)
		b.StartTimer()
		done += slice
	}
	slices.Sort(latencies)
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
}

// requestNight is a night of 1,000 joined singers and a queue, and the
// songs its timed requests added.
type requestNight struct {
	store   *db.Store
	routes  http.Handler
	sess    db.Session
	devices []string
	guests  []int64
	seq     atomic.Int64
	// answered is the bytes of the fragments answered, before compression.
	answered atomic.Int64
	mu       sync.Mutex
	added    [][2]int64 // guest, request
	sent     []sentPage // the pages of no-JS requests, not yet read
}

func newRequestNight(b *testing.B, queue int) *requestNight {
	ctx := context.Background()
	store, routes := newRoutes(b, handlers.Config{})
	sess, _, _ := store.CreateSession(ctx, "Bench night")
	if err := store.SetSingerCap(ctx, sess.ID, db.MaxSingerCap); err != nil {
		b.Fatal(err)
	}
	n := &requestNight{store: store, routes: routes, sess: sess}
	for i := range 1000 {
		device := signedDevice(b, store)
		g, err := store.JoinSession(ctx, sess.ID, device, fmt.Sprintf("Singer %d", i))
		if err != nil {
			b.Fatal(err)
		}
		n.devices, n.guests = append(n.devices, device), append(n.guests, g.ID)
	}
	// The queue fills as the load test fills it, singer after singer, ten
	// at a time so that the writes share their commits.
	tenAtATime(queue, func(int) {
		k := n.seq.Add(1)
		in := db.NewRequest{SessionID: sess.ID, GuestID: n.guests[k%1000], Title: fmt.Sprintf("Song %d", k), Artist: "Load"}
		if _, err := store.CreateRequest(ctx, in); err != nil {
			b.Error(err)
		}
	})
	// A running server keeps the Night patched from its first read on.
	if _, err := store.Night(ctx, sess.ID); err != nil {
		b.Fatal(err)
	}
	return n
}

// tenAtATime calls fn(i) for i below count, 10 at a time.
func tenAtATime(count int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < count; i = int(next.Add(1)) - 1 {
				fn(i)
			}
		})
	}
	wg.Wait()
}

var withdrawButton = regexp.MustCompile(`/requests/(\d+)/withdraw"`)

// request sends the next singer's request as htmx sends it and returns
// how long it took; it notes the song added, for withdrawAdded.
func (n *requestNight) request(b *testing.B) time.Duration {
	k := n.seq.Add(1)
	form := url.Values{"title": {"New " + strconv.FormatInt(k, 10)}, "artist": {"Load"}, "note": {""}, views.RetapField: {rand.Text()}}
	req := httptest.NewRequest("POST", "/j/"+n.sess.Code+"/requests", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(handlers.HTMXHeader, "true")
	req.AddCookie(&http.Cookie{Name: "karaoke_device", Value: n.devices[k%1000]})
	rec := httptest.NewRecorder()
	start := time.Now()
	n.routes.ServeHTTP(rec, req)
	took := time.Since(start)
	n.answered.Add(int64(rec.Body.Len()))
	if rec.Code != http.StatusOK {
		b.Errorf("status %d: %.500s", rec.Code, rec.Body)
		return took
	}
	n.noteNewest(rec.Body.Bytes(), n.guests[k%1000])
	return took
}

// noteNewest notes the song the guest just added, for withdrawAdded: the
// guest's newest, the highest id among the withdraw buttons of answer.
func (n *requestNight) noteNewest(answer []byte, guest int64) {
	var newest int64
	for _, m := range withdrawButton.FindAllSubmatch(answer, -1) {
		id, _ := strconv.ParseInt(string(m[1]), 10, 64)
		newest = max(newest, id)
	}
	n.mu.Lock()
	n.added = append(n.added, [2]int64{guest, newest})
	n.mu.Unlock()
}

// withdrawAdded takes back the songs the timed requests added.
func (n *requestNight) withdrawAdded(b *testing.B) {
	added := n.added
	n.added = nil
	tenAtATime(len(added), func(i int) {
		if err := n.store.WithdrawRequest(context.Background(), n.sess.ID, added[i][0], added[i][1]); err != nil {
			b.Error(err)
		}
	})
}

// processCPU is the CPU time this process has used, user and system.
func processCPU() time.Duration {
	var u syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &u)
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
