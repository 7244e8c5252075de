package handlers_test

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/karaoke-night/karaoke/views"
)

// browserEncodings is what a browser's Accept-Encoding names.
const browserEncodings = "gzip, deflate, br, zstd"

// BenchmarkNoJSRequest is BenchmarkRequestTen for a phone without
// JavaScript: the form's plain POST (no HX-Request), its 303 to the guest
// page, and that page asked for with the same cookie as a browser asks
// (Accept-Encoding: gzip, deflate, br, zstd) and read whole, 10 at a time,
// each from the next of 1,000 singers. Besides cpu-ms/op and p99-ms (the
// POST and the GET together) it reports the page's bytes on the wire
// (page-B/op) and the allocations of the whole process.
//
//	go test ./handlers -run '^$' -bench NoJSRequest -benchtime 2000x -benchmem -cpuprofile cpu.prof
func BenchmarkNoJSRequest(b *testing.B) {
	for _, queue := range []int{100, 2000, 10000} {
		b.Run(fmt.Sprintf("queue=%d", queue), func(b *testing.B) {
			n := newRequestNight(b, queue)
			b.ReportAllocs()
			n.timeSlices(b, func() time.Duration { return n.requestNoJS(b) }, func() { n.readSent(b) })
			b.ReportMetric(float64(n.answered.Load())/float64(b.N), "page-B/op")
		})
	}
}

// readSent reads the pages sent as the browser reads them, outside the
// process's time that counts (the client's work is not the server's), and
// notes the song each guest added.
func (n *requestNight) readSent(b *testing.B) {
	for _, p := range n.sent {
		n.noteNewest(p.read(b), p.guest)
	}
	n.sent = nil
}

// sentPage is a guest page as it was sent, and whose it is.
type sentPage struct {
	guest    int64
	body     []byte
	encoding string
}

// read is the page as the browser reads it.
func (p sentPage) read(b *testing.B) []byte {
	switch p.encoding {
	case "":
		return p.body
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(p.body))
		if err != nil {
			b.Fatal(err)
		}
		page, err := io.ReadAll(zr)
		if err != nil {
			b.Fatal(err)
		}
		return page
	}
	b.Fatalf("GET: encoding %q", p.encoding)
	return nil
}

// requestNoJS sends the next singer's request as a browser without
// JavaScript does, follows its redirect, and returns how long both took;
// it keeps the page it was sent, for readSent.
func (n *requestNight) requestNoJS(b *testing.B) time.Duration {
	k := n.seq.Add(1)
	sent := sentPage{guest: n.guests[k%1000]}
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
	sent.body, sent.encoding = rec.Body.Bytes(), rec.Header().Get("Content-Encoding")
	n.mu.Lock()
	n.sent = append(n.sent, sent)
	n.mu.Unlock()
	return took
}
