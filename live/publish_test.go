package live_test

import (
	"testing"

	"github.com/karaoke-night/karaoke/live"
)

// A published event reaches the open streams with no id (the page's
// version stays what the browser names on reconnecting), reaches a stream
// opened after it, and is not sent again when the session moves on.
func TestPublishReachesStreamsOutsideTheVersion(t *testing.T) {
	src := &fakeSource{version: 1}
	b, srv := newServer(t, src, live.Config{})
	first, _ := open(t, srv.URL)
	if ev := next(t, first); ev.Name != "state" {
		t.Fatalf("first event = %+v, want the state", ev)
	}

	b.Publish(1, live.PageDisplay, live.NewUnversionedEvent("progress", []byte("<p>half</p>")))
	ev := next(t, first)
	if got, want := ev.Name+" "+ev.Data, "progress <p>half</p>"; got != want {
		t.Errorf("published event = %q, want %q", got, want)
	}
	if ev.ID != "" {
		t.Errorf("published event id = %q, want none", ev.ID)
	}

	later, _ := open(t, srv.URL)
	got := map[string]string{}
	for range 2 {
		ev := next(t, later)
		got[ev.Name] = ev.Data
	}
	if got["progress"] != "<p>half</p>" {
		t.Errorf("a stream opened later got %v, want the published progress too", got)
	}

	// Another page of the session hears nothing of it, and a new version
	// sends the state alone.
	b.Publish(1, live.PageHost, live.NewUnversionedEvent("progress", []byte("<p>other page</p>")))
	src.set(2, 0)
	b.Notify(1, 2)
	for _, r := range []string{"first", "later"} {
		s := first
		if r == "later" {
			s = later
		}
		if ev := next(t, s); ev.Name != "state" || ev.ID != "2" {
			t.Errorf("%s stream: after the change got %+v, want the state at version 2", r, ev)
		}
	}
}

// A burst of publications is coalesced: a stream gets the latest, never a
// backlog it would fall behind on.
func TestPublishBurstIsCoalesced(t *testing.T) {
	src := &fakeSource{version: 1}
	b, srv := newServer(t, src, live.Config{Buffer: 2})
	r, _ := open(t, srv.URL)
	next(t, r)
	for i := range 1000 {
		b.Publish(1, live.PageDisplay, live.NewUnversionedEvent("progress", []byte{byte('0' + i%10)}))
	}
	b.Publish(1, live.PageDisplay, live.NewUnversionedEvent("progress", []byte("done")))
	for {
		if ev := next(t, r); ev.Data == "done" {
			break
		}
	}
	if b.Streams() != 1 {
		t.Errorf("%d streams open, want the one, never dropped for falling behind", b.Streams())
	}
}
