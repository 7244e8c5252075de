package handlers

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/views"
)

// queueOf makes a night of singers guests with one song each, the host's
// moves among them, and returns its Night and the guests in queue order.
func queueOf(t *testing.T, singers int) (db.Night, []int64) {
	t.Helper()
	ctx := context.Background()
	store, err := db.Open(ctx, "file:"+filepath.Join(t.TempDir(), "karaoke.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	sess, _, err := store.CreateSession(ctx, "Busy night")
	if err != nil {
		t.Fatal(err)
	}
	var guests, requests []int64
	for i := range singers {
		token, err := store.NewDeviceToken(ctx)
		if err != nil {
			t.Fatal(err)
		}
		g, err := store.JoinSession(ctx, sess.ID, token, fmt.Sprintf("Singer %d", i))
		if err != nil {
			t.Fatal(err)
		}
		r, err := store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: g.ID, Title: fmt.Sprint("Song ", i)})
		if err != nil {
			t.Fatal(err)
		}
		guests, requests = append(guests, g.ID), append(requests, r.ID)
	}
	// The host moves a song from far back to the top, and one down.
	if err := store.MoveRequest(ctx, sess.ID, requests[singers-2], db.MoveTop); err != nil {
		t.Fatal(err)
	}
	if err := store.MoveRequest(ctx, sess.ID, requests[1], db.MoveDown); err != nil {
		t.Fatal(err)
	}
	if _, _, err := store.StartNext(ctx, sess.ID, db.NoTurn); err != nil {
		t.Fatal(err)
	}
	n, err := store.Night(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	return n, guests
}

// TestFairnessReadsOnlyWhatItShows: "why this order" shows what it showed
// when it walked the whole queue (the first singers, the guest wherever
// their song is, the names of the singers the host moved), and costs the
// same on a queue of 300 singers as on one of 30.
func TestFairnessReadsOnlyWhatItShows(t *testing.T) {
	short, shortGuests := queueOf(t, 30)
	long, longGuests := queueOf(t, 300)
	lg := lang.Shipped().Match("en", "")
	for _, c := range []struct {
		night  db.Night
		guests []int64
	}{{short, shortGuests}, {long, longGuests}} {
		for _, g := range []int64{c.guests[0], c.guests[3], c.guests[len(c.guests)/2], c.guests[len(c.guests)-1], -1} {
			if got, want := fairness(lg, c.night, g), fairnessWholeQueue(lg, c.night, g); !reflect.DeepEqual(got, want) {
				t.Errorf("%d songs, guest %d:\n got %+v\nwant %+v", len(c.night.Queue()), g, got, want)
			}
		}
	}
	cost := func(n db.Night, g int64) int64 {
		return testing.Benchmark(func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = fairness(lg, n, g)
			}
		}).AllocedBytesPerOp()
	}
	// A name kept per singer would cost some 50 bytes each.
	if s, l := cost(short, shortGuests[3]), cost(long, longGuests[3]); l > s+1000 {
		t.Errorf("fairness for a guest near the front: %d bytes on 30 singers, %d on 300; want about the same", s, l)
	}
}

// fairnessWholeQueue is fairness as it was, walking the whole queue: what
// the panel must still show.
func fairnessWholeQueue(lg lang.Lang, n db.Night, guestID int64) views.Fairness {
	if !n.Session.Open() {
		return views.Fairness{Ended: true}
	}
	round := n.Round()
	f := views.Fairness{Round: lg.Tf("guest.fair.round", map[string]any{"N": lg.Int(round + 1)})}
	names := map[int64]string{}
	// The singers of the next songs and the guest are listed with what
	// they have sung; the rest are counted, so a guest's page does not
	// grow with the queue.
	add := func(r db.Request) {
		if _, ok := names[r.GuestID]; ok {
			return
		}
		names[r.GuestID] = r.Singer
		if len(f.Singers) < fairnessSingers || r.GuestID == guestID {
			f.Singers = append(f.Singers, views.FairSinger{Name: r.Singer, Sung: lg.Int(n.Sung(r.GuestID)), You: r.GuestID == guestID})
		} else {
			f.MoreSingers = true
		}
	}
	if n.NowSinging != nil {
		add(*n.NowSinging)
	}
	for _, r := range n.Queue() {
		add(r)
	}
	overrides := n.Overrides()
	moved := map[int64]db.Override{} // each request's latest move
	for _, o := range overrides {
		if _, ok := moved[o.RequestID]; !ok && o.Kind == db.ActionMove {
			moved[o.RequestID] = o
		}
	}
	for i, r := range n.Queue()[:min(fairnessNext, len(n.Queue()))] {
		f.Next = append(f.Next, lg.Tf("guest.fair.next_line", map[string]any{"Place": lg.Ordinal(i + 1), "Why": whyHere(lg, n, r, round, moved)}))
	}
	zone := n.Session.Zone()
	for _, o := range overrides {
		song := lg.T("guest.fair.a_song")
		if name, ok := names[o.GuestID]; ok {
			song = lg.Tf("guest.fair.their_song", map[string]any{"Name": name})
		}
		f.Overrides = append(f.Overrides, lg.Clock(o.At.In(zone))+" — "+overrideText(lg, o, song))
	}
	return f
}
