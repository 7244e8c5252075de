package live_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/live"
)

// clockSource is a session at version 1 forever, whose look changes by the
// clock at lastCall, as a night's does.
type clockSource struct {
	lastCall time.Time
	loads    chan time.Time
}

func (s *clockSource) Frame(ctx context.Context, id int64) (live.Frame, error) {
	now := time.Now()
	select {
	case s.loads <- now:
	default:
	}
	return clockFrame{now: now, lastCall: s.lastCall}, nil
}

func (s *clockSource) Versions(ctx context.Context, ids []int64) (map[int64]int64, error) {
	return map[int64]int64{1: 1}, nil
}

type clockFrame struct{ now, lastCall time.Time }

func (f clockFrame) Version() int64 { return 1 }
func (f clockFrame) Ended() bool    { return false }
func (f clockFrame) Events(l live.Listener) ([]live.Event, error) {
	html := "open"
	if f.changed() {
		html = "last call"
	}
	return []live.Event{live.NewEvent(1, "state", []byte(html))}, nil
}
func (f clockFrame) changed() bool { return !f.now.Before(f.lastCall) }
func (f clockFrame) ClockChange() (time.Time, bool) {
	if f.changed() {
		return time.Time{}, true
	}
	return f.lastCall, false
}

// TestClockChangesReachOpenPages: with no write at all, a page that is up
// to date hears of the last call at its moment, not at the next poll or
// write; a page loaded before it and connecting after is sent it too.
func TestClockChangesReachOpenPages(t *testing.T) {
	lastCall := time.Now().Add(300 * time.Millisecond)
	src := &clockSource{lastCall: lastCall, loads: make(chan time.Time, 10)}
	_, srv := newServer(t, src, live.Config{PollInterval: time.Hour})

	// A page rendered at version 1 before last call: its stream sends
	// nothing until the clock changes what it shows.
	r, _ := open(t, srv.URL+"?v=1")
	ev := next(t, r)
	if got := time.Now(); ev.Data != "last call" || got.Before(lastCall) {
		t.Fatalf("first event %q at %v, want %q at or after %v", ev.Data, got, "last call", lastCall)
	}
	if late := time.Since(lastCall); late > 3*time.Second {
		t.Errorf("last call arrived %v late", late)
	}

	// A page rendered before last call whose stream opens after it (a
	// phone waking up): its version is current, yet the clock changed the
	// page, so it is sent what it shows now.
	r2, _ := open(t, srv.URL+"?v=1")
	if ev := next(t, r2); !strings.Contains(ev.Data, "last call") {
		t.Errorf("a stream opened after last call got %q", ev.Data)
	}
}
