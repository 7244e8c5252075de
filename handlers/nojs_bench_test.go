package handlers_test

import (
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/karaoke-night/karaoke/views"
)

// browserEncodings is what a browser's Accept-Encoding names.
const browserEncodings = "gzip, deflate, br, zstd"

// BenchmarkRequestTenNoJS is BenchmarkRequestTen for a phone without
// JavaScript: the form's plain POST (no HX-Request), its 303 to the guest
// page, and that page asked for with the same cookie as a browser asks
// (Accept-Encoding: gzip, deflate, br, zstd) and read whole, 10 at a time,
// each from the next of 1,000 singers. Besides cpu-ms/op and p99-ms (the
// POST and the GET together) it reports the page's bytes on the wire
// (page-B/op) and the allocations of the whole process.
//
//	go test ./handlers -run '^$' -bench RequestTenNoJS -benchtime 2000x -benchmem -cpuprofile cpu.prof
func BenchmarkRequestTenNoJS(b *testing.B) {
	for _, queue := range []int{100, 2000, 10000} {
		b.Run(fmt.Sprintf("queue=%d", queue), func(b *testing.B) {
			n := newRequestNight(b, queue)
			var (
				cpu       time.Duration
				latencies []time.Duration
			)
			b.ReportAllocs()
			b.ResetTimer()
			for done := 0; done < b.N; {
				slice := min(200, b.N-done)
				cpu0 := processCPU()
				took := make([]time.Duration, slice)
				tenAtATime(slice, func(i int) { took[i] = n.requestNoJS(b) })
				latencies = append(latencies, took...)
				cpu += processCPU() - cpu0
				b.StopTimer()
				n.withdrawAdded(b)
				b.StartTimer()
				done += slice
			}
			slices.Sort(latencies)
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(n.answered.Load())/float64(b.N), "page-B/op")
		})
	}
}

// requestNoJS sends the next singer's request as a browser without
// JavaScript does, follows its redirect and returns how long both took; it
// notes the song added, for withdrawAdded.
func (n *requestNight) requestNoJS(b *testing.B) time.Duration {
	k := n.seq.Add(1)
	cookie := &http.Cookie{Name: "karaoke_device", Value: n.devices[k%1000]}
	form := url.Values{"title": {"New " + strconv.FormatInt(k, 10)}, "artist": {"Load"}, "note": {""}, views.RetapField: {rand.Text()}}
	post := httptest.NewRequest("POST", "/j/"+n.sess.Code+"/requests", strings.NewReader(form.Encode()))
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	post.Header.Set("Accept-Encoding", browserEncodings)
	post.AddCookie(cookie)
	start := time.Now()
	rec := httptest.NewRecorder()
	n.routes.ServeHTTP(rec, post)
	if rec.Code != http.StatusSeeOther {
		b.Errorf("POST: status %d: %.500s", rec.Code, rec.Body)
		return time.Since(start)
	}
	get := httptest.NewRequest("GET", rec.Header().Get("Location"), nil)
	get.Header.Set("Accept-Encoding", browserEncodings)
	get.AddCookie(cookie)
	rec = httptest.NewRecorder()
	n.routes.ServeHTTP(rec, get)
	took := time.Since(start)
	n.answered.Add(int64(rec.Body.Len()))
	if rec.Code != http.StatusOK {
		b.Errorf("GET: status %d: %.500s", rec.Code, rec.Body)
		return took
	}
	page := rec.Body.Bytes()
	if enc := rec.Header().Get("Content-Encoding"); enc != "" {
		// Read as the browser reads it; the time is the server's alone.
		if enc != "gzip" {
			b.Fatalf("GET: encoding %q", enc)
		}
		zr, err := gzip.NewReader(rec.Body)
		if err == nil {
			page, err = io.ReadAll(zr)
		}
		if err != nil {
			b.Fatalf("GET: %v", err)
		}
	}
	n.noteNewest(page, n.guests[k%1000])
	return took
}
