package app_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/internal/sse"
)

// stream is one open event stream, read into a channel.
type stream struct {
	t      *testing.T
	name   string
	events chan sse.Event
}

// listen opens the event stream of the page at path, as the phone, with
// the URL (and version) the page gives. extra headers are added.
func (p *phone) listen(name, pagePath string, header http.Header) *stream {
	p.t.Helper()
	doc, _ := p.open("GET", pagePath, nil)
	src, ok := doc.Find("[sse-connect]").Attr("sse-connect")
	if !ok {
		p.t.Fatalf("%s: %s has no sse-connect", name, pagePath)
	}
	return p.listenURL(name, src, header)
}

func (p *phone) listenURL(name, src string, header http.Header) *stream {
	p.t.Helper()
	req, err := http.NewRequest("GET", p.base+src, nil)
	if err != nil {
		p.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	// No client timeout: a stream stays open.
	resp, err := (&http.Client{Jar: p.client.Jar}).Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	p.t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		p.t.Fatalf("%s: GET %s: status %d, content type %q", name, src, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	s := &stream{t: p.t, name: name, events: make(chan sse.Event, 1000)}
	go func() {
		defer close(s.events)
		r := sse.NewReader(resp.Body)
		for {
			ev, err := r.Next()
			if err != nil {
				return
			}
			s.events <- ev
		}
	}()
	return s
}

// collect returns the events that arrive within wait, and then until quiet
// passes with none.
func (s *stream) collect(wait, quiet time.Duration) []sse.Event {
	var out []sse.Event
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				return out
			}
			out = append(out, ev)
			timer.Reset(quiet)
		case <-timer.C:
			return out
		}
	}
}

// waitFor reads events until one named name contains text, or within passes.
// It is not a poll, so not wait.Eventually: it returns the moment the event
// arrives, which the timings TestTwoProcessesOnOneDatabase logs rely on.
func (s *stream) waitFor(name, text string, within time.Duration) bool {
	deadline := time.After(within)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				return false
			}
			if ev.Name == name && strings.Contains(ev.Data, text) {
				return true
			}
		case <-deadline:
			return false
		}
	}
}

func names(events []sse.Event) string {
	var n []string
	for _, e := range events {
		n = append(n, e.Name)
	}
	return strings.Join(n, ",")
}

func find(events []sse.Event, name string) (sse.Event, bool) {
	for _, e := range events {
		if e.Name == name {
			return e, true
		}
	}
	return sse.Event{}, false
}

// night is a session with a host, and guests who joined.
type night struct {
	t      *testing.T
	base   string
	host   *phone
	dash   string
	code   string
	guests []*phone
}

func newNight(t *testing.T, base string, guests int) *night {
	t.Helper()
	n := &night{t: t, base: base, host: newPhone(t, base)}
	dash, dashURL := n.host.open("POST", "/sessions", url.Values{"name": {"Live night"}})
	n.dash, n.code = dashURL.Path, dash.Find(`[data-testid="join-code"]`).Text()
	for i := range guests {
		g := newPhone(t, base)
		g.open("POST", "/j/"+n.code+"/join", url.Values{"name": {fmt.Sprintf("Guest %d", i)}})
		n.guests = append(n.guests, g)
	}
	return n
}

func (n *night) request(g *phone, title string) {
	n.t.Helper()
	g.open("POST", "/j/"+n.code+"/requests", url.Values{"title": {title}})
}

// TestEveryListenerHearsAChange opens the dashboard, the TV and many guest
// pages, makes one change, and checks that each hears of it once, with
// only the fragments that changed for it: the guest who requested gets
// their status, songs and queue, the others only the queue, which is the
// same bytes for all who have no song in it.
func TestEveryListenerHearsAChange(t *testing.T) {
	base, _ := startServer(t, testConfig(t))
	const guests = 40
	n := newNight(t, base, guests)
	n.request(n.guests[1], "Africa")

	host := n.host.listen("host", n.dash, nil)
	tv := n.host.listen("tv", "/d/"+n.code, nil)
	var streams []*stream
	for i, g := range n.guests {
		streams = append(streams, g.listen(fmt.Sprintf("guest %d", i), "/j/"+n.code, nil))
	}
	// Each page was rendered at the current version, so nothing is sent on
	// connect; the streams are open once the server has answered.
	n.request(n.guests[0], "Dancing Queen")

	check := func(s *stream, want string) []sse.Event {
		t.Helper()
		got := s.collect(5*time.Second, 300*time.Millisecond)
		if names(got) != want {
			t.Errorf("%s heard %q, want %q", s.name, names(got), want)
		}
		return got
	}
	// The host hears the new row, the order, the summary and the guests.
	check(host, "host-summary,host-row,host-order,guests")
	tvEvents := check(tv, "display-next")
	if ev, _ := find(tvEvents, "display-next"); !strings.Contains(ev.Data, "Dancing Queen") {
		t.Errorf("the TV's up next lacks the new song: %s", ev.Data)
	}
	var queue string
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i, s := range streams {
		// The queue, where a song would land, why the order is what it
		// is, and the singers on the queue with what they have sung.
		want := "queue,forecast,fairness,sung"
		if i == 0 {
			want = "guest-status,mine,queue,forecast,fairness,sung"
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			got := check(s, want)
			q, ok := find(got, "queue")
			if !ok || i < 2 {
				return // guests 0 and 1 see their own songs marked in theirs
			}
			mu.Lock()
			defer mu.Unlock()
			if queue == "" {
				queue = q.Data
			} else if q.Data != queue {
				t.Errorf("%s got a different queue", s.name)
			}
		}()
	}
	wg.Wait()
	if !strings.Contains(queue, "Dancing Queen") {
		t.Errorf("the queue fragment lacks the new song: %s", queue)
	}
}

// TestPersonalFragmentsAreOwn checks that each guest hears their own place,
// wait and banner, not another's.
func TestPersonalFragmentsAreOwn(t *testing.T) {
	base, _ := startServer(t, testConfig(t))
	n := newNight(t, base, 3)
	n.request(n.guests[0], "One")
	n.request(n.guests[1], "Two")
	var streams []*stream
	for i, g := range n.guests {
		streams = append(streams, g.listen(fmt.Sprintf("guest %d", i), "/j/"+n.code, nil))
	}
	n.request(n.guests[2], "Three")
	n.host.startNext(n.dash) // guest 0 sings, guest 1 is next

	for i, s := range streams {
		got := s.collect(5*time.Second, 300*time.Millisecond)
		var status, mine string
		for _, e := range got { // the last of each wins
			switch e.Name {
			case "guest-status":
				status = e.Data
			case "mine":
				mine = e.Data
			}
		}
		switch i {
		case 0:
			if !strings.Contains(status, `data-testid="your-turn"`) || !strings.Contains(status, "<title>You&#39;re on!") {
				t.Errorf("guest 0 (singing) status: %s", status)
			}
		case 1:
			if !strings.Contains(status, `data-testid="up-next"`) || !strings.Contains(mine, "Two") || strings.Contains(mine, "Three") {
				t.Errorf("guest 1 (next) status %s, mine %s", status, mine)
			}
		case 2:
			if strings.Contains(status, "banner") || !strings.Contains(mine, "Three") || !strings.Contains(mine, "2nd in line") {
				t.Errorf("guest 2 (second) status %s, mine %s", status, mine)
			}
		}
	}
}

// TestReconnectGetsCurrentState: a stream that comes back with an old event
// id (or none) gets the whole current state at once; one that is up to date
// gets nothing until something changes.
func TestReconnectGetsCurrentState(t *testing.T) {
	base, _ := startServer(t, testConfig(t))
	n := newNight(t, base, 2)
	ann := n.guests[0]
	doc, _ := ann.open("GET", "/j/"+n.code, nil)
	src, _ := doc.Find("[sse-connect]").Attr("sse-connect")

	// Changes while Ann's phone was away.
	n.request(n.guests[1], "Africa")
	n.request(ann, "Rosanna")

	back := ann.listenURL("reconnect", src, http.Header{"Last-Event-Id": {"1"}})
	got := back.collect(5*time.Second, 300*time.Millisecond)
	if names(got) != "guest-status,mine,held,standby,now,queue,forecast,fairness,sung" {
		t.Fatalf("reconnect heard %q, want the whole state", names(got))
	}
	if q, _ := find(got, "queue"); !strings.Contains(q.Data, "Africa") || !strings.Contains(q.Data, "Rosanna") {
		t.Errorf("reconnect queue: %s", q.Data)
	}
	current := got[0].ID

	fresh := ann.listenURL("up to date", src, http.Header{"Last-Event-Id": {current}})
	if got := fresh.collect(500*time.Millisecond, 0); len(got) != 0 {
		t.Errorf("an up-to-date stream was sent %q", names(got))
	}
	n.request(n.guests[1], "Hold the Line")
	// Another's song moves Ann's place in the queue, where a song of hers
	// would land, and why the order is what it is.
	if got := fresh.collect(5*time.Second, 300*time.Millisecond); names(got) != "queue,forecast,fairness" {
		t.Errorf("after a change the up-to-date stream heard %q, want queue,forecast,fairness", names(got))
	}
}

// TestStalledClientDoesNotBlockOthers opens a host stream that never reads
// and lets the dashboard grow until its writes block, while other listeners
// keep hearing every change.
func TestStalledClientDoesNotBlockOthers(t *testing.T) {
	base, _ := startServer(t, testConfig(t))
	n := newNight(t, base, 30)
	// A queue long enough that each dashboard fragment is large.
	for i, g := range n.guests {
		for j := range 3 {
			n.request(g, fmt.Sprintf("Song %d-%d %s", i, j, strings.Repeat("la ", 30)))
		}
	}
	// The stalled host: sends its request and never reads a byte.
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	u, _ := url.Parse(base + n.dash)
	var cookies []string
	for _, c := range n.host.client.Jar.Cookies(u) {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	fmt.Fprintf(conn, "GET %s/events HTTP/1.1\r\nHost: %s\r\nCookie: %s\r\nLast-Event-ID: 1\r\n\r\n", n.dash, u.Host, strings.Join(cookies, "; "))
	if tcp, ok := conn.(*net.TCPConn); ok {
		tcp.SetReadBuffer(4 << 10)
	}
	status, _ := bufio.NewReader(conn).ReadString('\n') // the status line only
	if !strings.Contains(status, "200") {
		t.Fatalf("stalled stream: %q", status)
	}

	host := n.host.listen("host", n.dash, nil)
	tv := n.host.listen("tv", "/d/"+n.code, nil)
	guest := n.guests[0].listen("guest", "/j/"+n.code, nil)
	// Each change re-sends the whole dashboard (tens of KB) to the stalled
	// host until its socket buffers are full and it falls behind.
	const changes = 60
	for i := range changes {
		n.host.open("POST", fmt.Sprintf("%s/requests/%d/back", n.dash, i%20+1), nil)
	}
	n.host.startNext(n.dash)
	for _, s := range []*stream{host, tv, guest} {
		got := s.collect(10*time.Second, time.Second)
		if len(got) == 0 {
			t.Errorf("%s heard nothing", s.name)
			continue
		}
		if s == tv {
			if _, ok := find(got, "display-now"); !ok {
				t.Errorf("the TV did not hear the turn start: %q", names(got))
			}
		}
	}
}
