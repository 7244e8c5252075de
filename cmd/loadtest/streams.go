package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync/atomic"
	"time"

	"github.com/karaoke-night/karaoke/internal/sse"
)

// Live streams: the fan-out phase and the memory of many open streams.

// listener is one open stream, timing the arrival of events.
type listener struct {
	resp    *http.Response
	arrived chan time.Time // when an event named want arrives
	bytes   atomic.Int64
	events  atomic.Int64
}

// listen opens the stream at path with the cookie, timing events named
// want. from, when set, is the client address the stream claims in
// X-Forwarded-For, which a server that trusts 127.0.0.1 as its proxy
// believes: the live broker's fair shares then count each such stream as
// its own phone or TV, as they would be in a bar.
func (lt *loadTest) listen(path, cookie, want, from string) (*listener, error) {
	req, _ := http.NewRequest("GET", lt.cfg.target+path, nil)
	req.Header.Set("Accept", "text/event-stream") // as a browser's EventSource asks
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	if from != "" {
		req.Header.Set("X-Forwarded-For", from)
	}
	resp, err := (&http.Client{Transport: lt.client.Transport}).Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		resp.Body.Close()
		return nil, fmt.Errorf("GET %s: 429, past a fair share of streams: with -url, run the server with TRUST_PROXY=127.0.0.1 "+
			"(each stream then counts as its own address), or ask for fewer streams", path)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("GET %s: %d", path, resp.StatusCode)
	}
	l := &listener{resp: resp, arrived: make(chan time.Time, 64)}
	go func() {
		r := sse.NewReader(resp.Body)
		for {
			ev, err := r.Next()
			if err != nil {
				return
			}
			l.events.Add(1)
			l.bytes.Add(int64(len(ev.Data)))
			if ev.Name == want {
				select {
				case l.arrived <- time.Now():
				default:
				}
			}
		}
	}()
	return l, nil
}

func (l *listener) close() { l.resp.Body.Close() }

// fanOut opens guest streams and a TV on a fresh session, makes changes one
// at a time, and times each change until every listener has its event.
func (lt *loadTest) fanOut(ctx context.Context) error {
	cfg := lt.cfg
	_, _, code, err := lt.createSession("Fan-out night")
	if err != nil {
		return err
	}
	guests := lt.joinMany(ctx, code, cfg.fanGuests, cfg.writers)
	var listeners []*listener
	defer func() {
		for _, l := range listeners {
			l.close()
		}
	}()
	for _, g := range guests {
		// One address for the whole fan-out, as a bar's phones behind
		// its NAT: within the fair shares.
		l, err := lt.listen("/j/"+code+"/events", g, "queue", "")
		if err != nil {
			return err
		}
		listeners = append(listeners, l)
	}
	tv, err := lt.listen("/d/"+code+"/events", "", "display-next", "")
	if err != nil {
		return err
	}
	listeners = append(listeners, tv)
	time.Sleep(time.Second) // let the initial state arrive
	for _, l := range listeners {
		for len(l.arrived) > 0 {
			<-l.arrived
		}
	}
	var events0, bytes0 int64
	for _, l := range listeners {
		events0 += l.events.Load()
		bytes0 += l.bytes.Load()
	}
	cpu0, start := cpuTime(cfg.pid), time.Now()
	var lat []time.Duration
	var postLat []time.Duration
	missed := 0
	for i := range cfg.fanChanges {
		t0 := time.Now()
		if err := lt.enqueue(code, guests[i%len(guests)], fmt.Sprintf("Fan %d", i)); err != nil {
			return err
		}
		postLat = append(postLat, time.Since(t0))
		deadline := time.After(5 * time.Second)
		for _, l := range listeners {
			select {
			case at := <-l.arrived:
				lat = append(lat, at.Sub(t0))
			case <-deadline:
				missed++
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	wall, cpu := time.Since(start), cpuTime(cfg.pid)-cpu0
	var events1, bytes1 int64
	for _, l := range listeners {
		events1 += l.events.Load()
		bytes1 += l.bytes.Load()
	}
	slices.Sort(lat)
	slices.Sort(postLat)
	n := float64(cfg.fanChanges * len(listeners))
	fmt.Printf("\nfan-out, %d guest streams + 1 TV, %d changes (a guest requests a song)\n", len(guests), cfg.fanChanges)
	fmt.Printf("  change -> every listener has it: p50 %s, p99 %s, max %s, missed %d (the POST itself: p50 %s)\n",
		pct(lat, 50), pct(lat, 99), pct(lat, 100), missed, pct(postLat, 50))
	fmt.Printf("  per listener per change: %.2f events, %.0f bytes of HTML\n", float64(events1-events0)/n, float64(bytes1-bytes0)/n)
	if cfg.pid != 0 {
		fmt.Printf("  server CPU %.0f%% of one core over the phase\n", 100*cpu.Seconds()/wall.Seconds())
	}
	return nil
}

// openStreams holds many streams open and reads the server's memory.
func (lt *loadTest) openStreams(ctx context.Context, when string) error {
	cfg := lt.cfg
	_, _, code, err := lt.createSession("Many screens")
	if err != nil {
		return err
	}
	guests := lt.joinMany(ctx, code, 100, cfg.writers)
	var listeners []*listener
	defer func() {
		for _, l := range listeners {
			l.close()
		}
	}()
	for i := range cfg.idleStreams {
		path, cookie := "/d/"+code+"/events", ""
		if i%2 == 0 {
			path, cookie = "/j/"+code+"/events", guests[i%len(guests)]
		}
		// Each stream from its own address: one address may hold only a
		// few TV pages of a session, and a few tabs of one guest.
		l, err := lt.listen(path, cookie, "", fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
		if err != nil {
			return fmt.Errorf("stream %d: %w", i, err)
		}
		listeners = append(listeners, l)
	}
	time.Sleep(2 * time.Second)
	fmt.Printf("\n%d open streams (half guests, half TVs), %s\n", len(listeners), when)
	if cfg.pid != 0 {
		lt.streamsRSS = rss(cfg.pid)
		fmt.Printf("  server RSS %s%s\n", mib(lt.streamsRSS), rssParts(cfg.pid))
	}
	return nil
}
