package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
)

// Remote mode (-remote URL): the server under test runs on the libSQL
// server at URL (a sqld on loopback, say) instead of a local file, through
// a proxy that counts the round trips (Hrana pipeline requests) it makes,
// so each phase says how many a request cost: the figure that, times a
// real network's round trip, estimates Turso.

// roundTrips counts the server's requests to the database.
type roundTrips struct {
	trips, begins atomic.Int64
	// held counts the requests that carry a stream's baton: the store
	// opens a fresh stream for each use of a connection, so these are the
	// statements of a transaction after its BEGIN, up to its COMMIT or
	// ROLLBACK. In a write transaction every machine's writes wait for
	// them.
	held atomic.Int64
}

// snapshot is the counts so far.
func (r *roundTrips) snapshot() [3]int64 {
	if r == nil {
		return [3]int64{}
	}
	return [3]int64{r.trips.Load(), r.begins.Load(), r.held.Load()}
}

// print says what ops requests cost since before.
func (r *roundTrips) print(ops int, before [3]int64) {
	if r == nil || ops == 0 {
		return
	}
	now := r.snapshot()
	trips, begins, held := now[0]-before[0], now[1]-before[1], now[2]-before[2]
	fmt.Printf("  database round trips %d: %.1f per op, %.1f of them inside a transaction after its BEGIN; %.2f write transactions per op\n",
		trips, float64(trips)/float64(ops), float64(held)/float64(ops), float64(begins)/float64(ops))
}

// startRemote starts the counting proxy in front of the libSQL server at
// target and points DATABASE_URL, which the server started next inherits,
// at it.
func startRemote(target string) (*roundTrips, func(), error) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, nil, fmt.Errorf("-remote must be a libSQL server's http(s):// URL, not %q", target)
	}
	counts := &roundTrips{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/pipeline") {
			counts.trips.Add(1)
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			if bytes.Contains(body, []byte(`"BEGIN IMMEDIATE"`)) {
				counts.begins.Add(1)
			}
			if bytes.Contains(body, []byte(`"baton":"`)) {
				counts.held.Add(1)
			}
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
	fmt.Printf("remote mode: the server's database is %s, through a counting proxy on %s\n", target, ln.Addr())
	return counts, func() { srv.Close() }, nil
}
