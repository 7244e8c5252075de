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

// TestEveryListenerHearsAChange opens the dashboard, the TV and many guest
// pages, makes one change, and checks that each hears of it once, with
// only the fragments that changed for it: the guest who requested gets
// their status, songs and what every guest gets, the queue (the same bytes
// for all who have no song in it), the forecast, "why this order" and the
// songs sung tonight.
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
		// The queue, the forecast, "why this order", the songs sung.
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
	// Another's song moves Ann's queue, forecast and "why this order".
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
