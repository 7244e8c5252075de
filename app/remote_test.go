package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/internal/tursotest"
	"github.com/karaoke-night/karaoke/views"
)

// The Proof of issue 19: two real karaoke processes ("machines") in remote
// mode on one real libSQL server, every rule holding across them.

// liveWithin is how soon a change made on one machine must reach the
// pages streaming from another.
const liveWithin = time.Second

// TestRemoteNightAcrossMachines runs a night with the host on machine A
// and the guests on machine B: each side's changes reach the other's live
// pages within a second.
func TestRemoteNightAcrossMachines(t *testing.T) {
	_, ms := remoteMachines(t, 2)
	a, b := ms[0], ms[1]
	n := newNight(t, a.base, 0) // the host on A
	ann, bob := newPhone(t, b.base), newPhone(t, b.base)
	ann.open("POST", "/j/"+n.code+"/join", url.Values{"name": {"Ann"}})
	bob.open("POST", "/j/"+n.code+"/join", url.Values{"name": {"Bob"}})
	annStream := ann.listen("Ann on B", "/j/"+n.code, nil)
	tvStream := newPhone(t, b.base).listen("TV on B", "/d/"+n.code, nil)
	hostStream := n.host.listen("host on A", n.dash, nil)

	start := time.Now()
	bob.open("POST", "/j/"+n.code+"/requests", url.Values{"title": {"Africa"}}) // through B
	if !hostStream.waitFor(views.EventHostRow, "Africa", liveWithin) {
		t.Fatalf("the host's dashboard on A did not hear Bob's request on B within %v", liveWithin)
	}
	t.Logf("A heard B's request after %v", time.Since(start).Round(time.Millisecond))
	ann.open("POST", "/j/"+n.code+"/requests", url.Values{"title": {"Toxic"}})

	start = time.Now()
	n.host.startNext(n.dash) // through A
	if !tvStream.waitFor(views.EventDisplayNow, "Bob", liveWithin) {
		t.Fatalf("the TV on B did not hear the host's Start next on A within %v", liveWithin)
	}
	t.Logf("B heard A's Start next after %v", time.Since(start).Round(time.Millisecond))

	carol := newPhone(t, a.base) // a guest on A, heard by Ann on B
	carol.open("POST", "/j/"+n.code+"/join", url.Values{"name": {"Carol"}})
	start = time.Now()
	carol.open("POST", "/j/"+n.code+"/requests", url.Values{"title": {"Zombie"}})
	if !annStream.waitFor(views.EventGuestQueue, "Zombie", liveWithin) {
		t.Fatalf("Ann's page on B did not hear Carol's request on A within %v", liveWithin)
	}
	t.Logf("B heard A's request after %v", time.Since(start).Round(time.Millisecond))

	n.host.startNext(n.dash)
	page, _ := ann.open("GET", "/j/"+n.code, nil)
	if got := strings.Join(texts(page, `[data-testid="now-singing"]`), " "); !strings.Contains(got, "Ann") {
		t.Errorf("Ann's page on B shows %q singing, want Ann after the second Start next on A", got)
	}
}

// TestRemoteCapRace sends 40 requests at once from one phone, half through
// each machine: exactly the singer cap is accepted.
func TestRemoteCapRace(t *testing.T) {
	_, ms := remoteMachines(t, 2, "LIMIT_DEVICE_WRITES=1000/1m", "LIMIT_ADDRESS_WRITES=10000/1m")
	a, b := ms[0], ms[1]
	n := newNight(t, a.base, 1)
	const singerCap = 3
	n.host.open("POST", n.dash+"/settings", url.Values{"singer_cap": {fmt.Sprint(singerCap)}})
	guest := n.guests[0]
	var wg sync.WaitGroup
	var mu sync.Mutex
	accepted := 0
	for i := range 40 {
		on := guest.on(a)
		if i%2 == 1 {
			on = guest.on(b)
		}
		wg.Go(func() {
			status := on.post("/j/"+n.code+"/requests", url.Values{"title": {fmt.Sprintf("Song %02d", i)}})
			mu.Lock()
			defer mu.Unlock()
			if status == http.StatusSeeOther {
				accepted++
			} else if status >= 500 || status == 0 {
				t.Errorf("a request answered %d", status)
			}
		})
	}
	wg.Wait()
	if accepted != singerCap {
		t.Errorf("%d of 40 racing requests accepted, want the cap, %d", accepted, singerCap)
	}
	page, _ := guest.on(b).open("GET", "/j/"+n.code, nil)
	if got := page.Find(`[data-testid="my-requests"] li`).Length(); got != singerCap {
		t.Errorf("the guest has %d songs waiting, want %d", got, singerCap)
	}
}

// TestRemoteStartNextOnBoth presses Start next on both machines at once,
// as the same dashboard sends it: one singer starts.
func TestRemoteStartNextOnBoth(t *testing.T) {
	_, ms := remoteMachines(t, 2)
	a, b := ms[0], ms[1]
	n := newNight(t, a.base, 2)
	n.request(n.guests[0], "First song")
	n.request(n.guests[1], "Second song")
	page, _ := n.host.open("GET", n.dash, nil)
	ends, _ := page.Find(`[data-testid="next-singer"] input[name="ends"]`).Attr("value")
	var wg sync.WaitGroup
	for _, m := range []*machine{a, b} {
		wg.Go(func() { n.host.on(m).post(n.dash+"/next", url.Values{"ends": {ends}}) })
	}
	wg.Wait()
	guest, _ := n.guests[1].on(b).open("GET", "/j/"+n.code, nil)
	if got := strings.Join(texts(guest, `[data-testid="now-singing"]`), " "); !strings.Contains(got, "First song") {
		t.Errorf("now singing %q, want First song: both presses started a singer", got)
	}
	if got := texts(guest, `[data-testid="queue-item"]`); len(got) != 1 || !strings.Contains(got[0], "Second song") {
		t.Errorf("the queue is %q, want Second song still waiting", got)
	}
}

// TestRemoteRotationRace has eight guests each send two songs at once,
// through both machines: every request has a place of its own, and no
// guest has two songs in one round of the rotation.
func TestRemoteRotationRace(t *testing.T) {
	srv, ms := remoteMachines(t, 2, "LIMIT_ADDRESS_WRITES=10000/1m")
	n := newNight(t, ms[0].base, 8)
	var wg sync.WaitGroup
	for gi, g := range n.guests {
		for s := range 2 {
			on := g.on(ms[(gi+s)%2])
			wg.Go(func() {
				if got := on.post("/j/"+n.code+"/requests", url.Values{"title": {fmt.Sprintf("Guest %d song %d", gi, s)}}); got != http.StatusSeeOther {
					t.Errorf("guest %d song %d answered %d", gi, s, got)
				}
			})
		}
	}
	wg.Wait()
	q := tursotest.Open(t, srv.URL) // the database itself, not through the app
	var total, places, slots int
	err := q.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT position), COUNT(DISTINCT guest_id || '/' || round) FROM requests WHERE status = 'waiting'`).
		Scan(&total, &places, &slots)
	if err != nil {
		t.Fatal(err)
	}
	if total != 16 || places != total || slots != total {
		t.Errorf("%d requests waiting in %d places and %d (guest, round) slots; want 16 of each", total, places, slots)
	}
}
