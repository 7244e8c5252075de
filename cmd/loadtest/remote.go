package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Remote mode (-remote URL): the server under test runs on the libSQL
// server at URL (a sqld on loopback, say) instead of a local file, through
// a proxy that counts the round trips (Hrana pipeline requests) it makes,
// so each phase says how many a request cost: the figure that, times a
// real network's round trip, estimates Turso.

// roundTrips counts the server's requests to the database.
type roundTrips struct {
	trips, begins atomic.Int64
	// closes counts the requests that only close a stream: the client
	// sends them on a goroutine of their own, off any request's path.
	closes atomic.Int64
	// held counts the requests of a write transaction after the one that
	// carried its BEGIN IMMEDIATE, up to its COMMIT or ROLLBACK: each is a
	// round trip of holding the database's write lock, which every
	// machine's writes wait for.
	held atomic.Int64
	// inWrite holds the batons of the streams in a write transaction: a
	// baton changes with every answer.
	mu      sync.Mutex
	inWrite map[string]bool
	// trace records the statements while on (-trace, trips.go).
	trace *tracer
}

// snapshot is the counts so far.
func (r *roundTrips) snapshot() [4]int64 {
	if r == nil {
		return [4]int64{}
	}
	return [4]int64{r.trips.Load(), r.begins.Load(), r.held.Load(), r.closes.Load()}
}

// print says what ops requests cost since before.
func (r *roundTrips) print(ops int, before [4]int64) {
	if r == nil || ops == 0 {
		return
	}
	now := r.snapshot()
	trips, begins, held, closes := now[0]-before[0], now[1]-before[1], now[2]-before[2], now[3]-before[3]
	fmt.Printf("  database round trips %d: %.1f per op (%.1f of them a stream's close, sent off the request's path), %.1f holding the write lock; %.2f write transactions per op\n",
		trips, float64(trips)/float64(ops), float64(closes)/float64(ops), float64(held)/float64(ops), float64(begins)/float64(ops))
}

// startRemote starts the counting proxy in front of the libSQL server at
// target and points DATABASE_URL, which the server started next inherits,
// at it.
func startRemote(target string, rtt time.Duration) (*roundTrips, func(), error) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, nil, fmt.Errorf("-remote must be a libSQL server's http(s):// URL, not %q", target)
	}
	counts := &roundTrips{trace: &tracer{}, inWrite: map[string]bool{}}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ModifyResponse = counts.seeAnswer
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/pipeline") {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			r = r.WithContext(context.WithValue(r.Context(), openKey{}, counts.seeRequest(body)))
			r.Header.Del("Accept-Encoding") // so that the answer's baton can be read
			time.Sleep(rtt)                 // on purpose: a network's round trip (-rtt)

		}
		proxy.ServeHTTP(w, r)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	srv := &http.Server{Handler: handler}
	go srv.Serve(ln)
	os.Setenv("DATABASE_URL", "http://"+ln.Addr().String())
	fmt.Printf("remote mode: the server's database is %s, through a counting proxy on %s that adds %v to each round trip\n", target, ln.Addr(), rtt)
	return counts, func() { srv.Close() }, nil
}

// openKey marks a request to the database that leaves its stream in a
// write transaction.
type openKey struct{}

// seeRequest counts a request to the database and reports whether its
// stream is in a write transaction after it.
func (r *roundTrips) seeRequest(body []byte) bool {
	r.trips.Add(1)
	r.trace.see(body)
	var msg struct {
		Baton    string
		Requests []struct{ Type string }
	}
	json.Unmarshal(body, &msg)
	if len(msg.Requests) == 1 && msg.Requests[0].Type == "close" {
		r.closes.Add(1)
	}
	r.mu.Lock()
	open := msg.Baton != "" && r.inWrite[msg.Baton]
	delete(r.inWrite, msg.Baton)
	r.mu.Unlock()
	if open {
		r.held.Add(1)
	}
	if bytes.Contains(body, []byte(`"BEGIN IMMEDIATE"`)) {
		r.begins.Add(1)
		open = true
	}
	// The client's batches end in a conditional ROLLBACK; a transaction's
	// own end is a statement of its own.
	if bytes.Contains(body, []byte(`"sql":"COMMIT"`)) || bytes.Contains(body, []byte(`"type":"execute","stmt":{"sql":"ROLLBACK"`)) {
		open = false
	}
	return open
}

// seeAnswer notes the baton of an answer whose stream is in a write
// transaction.
func (r *roundTrips) seeAnswer(resp *http.Response) error {
	if open, _ := resp.Request.Context().Value(openKey{}).(bool); !open {
		return nil
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var msg struct{ Baton string }
	if json.Unmarshal(body, &msg) == nil && msg.Baton != "" {
		r.mu.Lock()
		r.inWrite[msg.Baton] = true
		r.mu.Unlock()
	}
	return nil
}
