package app_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/karaoke-night/karaoke/app"
	"github.com/karaoke-night/karaoke/handlers"
	"github.com/karaoke-night/karaoke/live"
)

// attacker opens streams from addresses of its choosing: the server
// trusts the loopback proxy's X-Forwarded-For, as it trusts Fly's
// Fly-Client-IP, so each request comes from the address the test says.
type attacker struct {
	t      *testing.T
	base   string
	client *http.Client
}

func newAttacker(t *testing.T, base string) *attacker {
	// Refused requests leave their connection idle for the next one; no
	// client timeout, since a stream that opened stays open.
	return &attacker{t: t, base: base, client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 100}}}
}

// stream opens path from addr with the cookies of jar (nil for none). A
// stream that opened stays open until the test ends; any other answer is
// read and closed.
func (a *attacker) stream(path, addr string, jar http.CookieJar) int {
	req, err := http.NewRequest("GET", a.base+path, nil)
	if err != nil {
		a.t.Error(err)
		return 0
	}
	req.Header.Set("X-Forwarded-For", addr)
	client := a.client
	if jar != nil {
		client = &http.Client{Transport: a.client.Transport, Jar: jar}
	}
	resp, err := client.Do(req)
	if err != nil {
		a.t.Error(err)
		return 0
	}
	if resp.StatusCode == http.StatusOK {
		a.t.Cleanup(func() { resp.Body.Close() })
	} else {
		resp.Body.Close()
	}
	return resp.StatusCode
}

// flood opens path n times from addr(i), workers at a time, and counts
// the answers by status.
func (a *attacker) flood(path string, n int, addr func(i int) string) map[int]int {
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	next := make(chan int)
	for range 32 {
		wg.Go(func() {
			for i := range next {
				status := a.stream(path, addr(i), nil)
				mu.Lock()
				statuses[status]++
				mu.Unlock()
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return statuses
}

func streamConfig(t *testing.T) app.Config {
	cfg := testConfig(t)
	var err error
	if cfg.TrustProxy, err = handlers.ParseTrustProxy("127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestOneClientCannotTakeEveryStream is the attack of issue 11: one address
// opens 2,100 streams (more than the default MaxStreams of 2,000) to one
// TV page, its own session's. It gets a TV page's share and 429 for the
// rest, and every other session, and another address on the same one,
// still gets its streams. The same holds for an IPv6 client that changes
// its address within its /64 on every request.
func TestOneClientCannotTakeEveryStream(t *testing.T) {
	base, _ := startServer(t, streamConfig(t))
	own, victim := newNight(t, base, 0), newNight(t, base, 0)
	a := newAttacker(t, base)

	got := a.flood("/d/"+own.code+"/events", 2100, func(int) string { return "198.51.100.7" })
	if want := map[int]int{200: live.DefaultScreenShare, 429: 2100 - live.DefaultScreenShare}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("2,100 streams from one address: answers %v, want %v", got, want)
	}
	got = a.flood("/d/"+own.code+"/events", 100, func(i int) string { return fmt.Sprintf("2001:db8:1:2::%x", i+1) })
	if got[http.StatusOK] != live.DefaultScreenShare {
		t.Errorf("100 streams from one IPv6 /64, a new address each: answers %v, want %d opened", got, live.DefaultScreenShare)
	}
	for _, c := range []struct{ what, path, addr string }{
		{"another session's TV", "/d/" + victim.code + "/events", "203.0.113.1"},
		{"another session's TV, from the attacker's address", "/d/" + victim.code + "/events", "198.51.100.7"},
		{"another address on the attacked session", "/d/" + own.code + "/events", "203.0.113.2"},
	} {
		if got := a.stream(c.path, c.addr, nil); got != http.StatusOK {
			t.Errorf("%s: status %d, want 200", c.what, got)
		}
	}
	if got := a.stream(own.dash+"/events", "203.0.113.3", own.host.client.Jar); got != http.StatusOK {
		t.Errorf("the attacked session's host: status %d, want 200", got)
	}
}

// TestABarBehindOneAddressGetsItsStreams: 300 phones behind one NAT
// address on one session all get their guest streams, with three TVs and
// the host's two devices beside them.
func TestABarBehindOneAddressGetsItsStreams(t *testing.T) {
	base, _ := startServer(t, streamConfig(t))
	bar := newNight(t, base, 300)
	a := newAttacker(t, base)
	const nat = "192.0.2.50"
	for i, g := range bar.guests {
		if got := a.stream("/j/"+bar.code+"/events", nat, g.client.Jar); got != http.StatusOK {
			t.Fatalf("guest %d's stream: status %d, want 200", i+1, got)
		}
	}
	for i := range 3 {
		if got := a.stream("/d/"+bar.code+"/events", nat, nil); got != http.StatusOK {
			t.Errorf("TV %d: status %d, want 200", i+1, got)
		}
	}
	for i := range 2 {
		if got := a.stream(bar.dash+"/events", nat, bar.host.client.Jar); got != http.StatusOK {
			t.Errorf("host device %d: status %d, want 200", i+1, got)
		}
	}
}

// TestFullServerAnswers503: the global cap still holds when the streams
// come from many addresses, each within its shares.
func TestFullServerAnswers503(t *testing.T) {
	cfg := streamConfig(t)
	cfg.MaxStreams = 20 // a session's share is then 10
	base, _ := startServer(t, cfg)
	nights := []*night{newNight(t, base, 0), newNight(t, base, 0), newNight(t, base, 0)}
	a := newAttacker(t, base)
	for i := range cfg.MaxStreams {
		if got := a.stream("/d/"+nights[i%2].code+"/events", fmt.Sprintf("203.0.113.%d", i+1), nil); got != http.StatusOK {
			t.Fatalf("stream %d: status %d, want 200", i+1, got)
		}
	}
	req, _ := http.NewRequest("GET", base+"/d/"+nights[2].code+"/events", nil)
	req.Header.Set("X-Forwarded-For", "198.51.100.99")
	resp, err := a.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("past MaxStreams: status %d, Retry-After %q; want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}
