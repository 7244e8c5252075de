package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/internal/sse"
)

// wireBytes is the size of events as the stream wrote them: the id, the
// event name and each line of data, with their field names and newlines.
func wireBytes(events []sse.Event) int {
	n := 0
	for _, e := range events {
		n += len("id: \nevent: \n\n") + len(e.ID) + len(e.Name)
		for _, line := range strings.Split(e.Data, "\n") {
			n += len("data: \n") + len(line)
		}
	}
	return n
}

// TestDashboardBytesPerQueueChange measures what the host's stream sends
// for one change to a queue of 10 and of 60 songs: a guest's request, a
// move to the top, and the next turn. Each must cost what changed (a row,
// the order, the summary), not the whole queue, so the figure at 60 songs
// stays near the one at 10. The guest list, sent whole when a guest's
// count of songs changes, and the rows, counted on their own, are left
// out of the comparison and logged. The figures are in BENCHMARKS.md.
func TestDashboardBytesPerQueueChange(t *testing.T) {
	base, _ := startServer(t, testConfig(t))
	got := map[int]map[string]int{}
	for _, songs := range []int{10, 60} {
		n := newNight(t, base, 20)
		n.host.open("POST", n.dash+"/settings", url.Values{"singer_cap": {"5"}})
		for i := range songs {
			n.request(n.guests[i%len(n.guests)], fmt.Sprintf("Song number %d", i))
		}
		host := n.host.listen(fmt.Sprintf("host at %d songs", songs), n.dash, nil)
		doc, _ := n.host.open("GET", n.dash, nil)
		top := formIn(t, n.host.openRow(doc.Find(`[data-testid="queue-item"]`).Last()), `[data-testid="row-menu"] [formaction$="/top"]`)
		last := top.action
		figures := map[string]int{}
		for _, change := range []struct {
			name string
			do   func()
		}{
			{"a guest's request", func() { n.request(n.guests[19], "One more song") }},
			{"a move to the top", func() { n.host.open("POST", last, top.values) }},
			{"the next turn", func() { n.host.open("POST", n.dash+"/next", nil) }},
		} {
			change.do()
			events := host.collect(5*time.Second, 300*time.Millisecond)
			if order, ok := find(events, "host-order"); change.name == "a move to the top" &&
				(!ok || !strings.Contains(last, "/requests/"+strings.Fields(order.Data)[0]+"/")) {
				t.Errorf("after %s (%s) the order reads %q", change.name, last, order.Data)
			}
			guests := 0
			if ev, ok := find(events, "guests"); ok {
				guests = wireBytes([]sse.Event{ev})
			}
			// A host action changes the one-time keys of every row of the
			// singer it acted on (queueRowKey), so their rows are sent
			// again: at most the singer cap (5 here), never the queue.
			var rows []sse.Event
			for _, e := range events {
				if e.Name == "host-row" {
					rows = append(rows, e)
				}
			}
			if len(rows) > 5 {
				t.Errorf("%d songs, %s: %d rows sent, more than one singer's songs", songs, change.name, len(rows))
			}
			// The guest list is sent whole when a guest's count of songs
			// changes: it grows with the guests (20 here), not the queue.
			figures[change.name] = wireBytes(events) - guests - wireBytes(rows)
			t.Logf("%d songs, %s: %d bytes in %q (the guest list %d of them)", songs, change.name,
				wireBytes(events), names(events), guests)
		}
		got[songs] = figures
	}
	for change, at60 := range got[60] {
		// Proportional to what changed: a long queue may cost a little
		// more (longer lists of ids), never a re-sent queue.
		if at10 := got[10][change]; at60 > 2*at10+2000 || at60 > 4000 {
			t.Errorf("%s: %d bytes of queue at 60 songs, %d at 10: the stream re-sends the queue", change, at60, at10)
		}
	}
}

// TestDashboardStreamResyncs: a host stream that comes back from an old
// version gets the whole queue again, row by row, then the order naming
// every row, so the page can rebuild what it missed.
func TestDashboardStreamResyncs(t *testing.T) {
	base, _ := startServer(t, testConfig(t))
	n := newNight(t, base, 3)
	doc, _ := n.host.open("GET", n.dash, nil)
	src, _ := doc.Find("[sse-connect]").Attr("sse-connect")
	for i, g := range n.guests {
		n.request(g, fmt.Sprintf("Song %d", i))
	}
	got := n.host.listenURL("reconnect", src, http.Header{"Last-Event-Id": {"1"}}).collect(5*time.Second, 300*time.Millisecond)
	if want := "host-live,host-summary,host-row,host-row,host-row,host-order,guests,host-pending,host-log,host-songbook"; names(got) != want {
		t.Fatalf("a reconnecting dashboard heard %q, want %q", names(got), want)
	}
	order, _ := find(got, "host-order")
	for i, id := range strings.Fields(order.Data) {
		if row := got[2+i]; !strings.Contains(row.Data, `data-id="`+id+`"`) || !strings.Contains(row.Data, fmt.Sprintf("Song %d", i)) {
			t.Errorf("row %d of the resync is not request %s: %s", i+1, id, row.Data)
		}
	}
}
