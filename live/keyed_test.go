package live_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/karaoke-night/karaoke/live"
)

// rowsSource is a session whose state is a list of rows, each sent under a
// key of its own, and their order.
type rowsSource struct {
	mu      sync.Mutex
	version int64
	rows    []string
}

func (s *rowsSource) Frame(context.Context, int64) (live.Frame, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return rowsFrame{s.version, s.rows}, nil
}

func (s *rowsSource) Versions(context.Context, []int64) (map[int64]int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return map[int64]int64{1: s.version}, nil
}

func (s *rowsSource) set(version int64, rows ...string) {
	s.mu.Lock()
	s.version, s.rows = version, rows
	s.mu.Unlock()
}

type rowsFrame struct {
	version int64
	rows    []string
}

func (f rowsFrame) Version() int64 { return f.version }
func (f rowsFrame) Ended() bool    { return false }
func (f rowsFrame) Events(live.Listener) ([]live.Event, error) {
	var out []live.Event
	for _, r := range f.rows {
		out = append(out, live.NewKeyedEvent(f.version, "row-"+r, "row", []byte(r)))
	}
	return append(out, live.NewEvent(f.version, "order", []byte(strings.Join(f.rows, " ")))), nil
}

// TestKeyedRowThatReturnsIsSentAgain: a row that leaves the list (the page
// drops it) and comes back unchanged (a song put back by an undo) is sent
// again, or the page would have nothing to place.
func TestKeyedRowThatReturnsIsSentAgain(t *testing.T) {
	src := &rowsSource{version: 1, rows: []string{"a", "b"}}
	b, srv := newServer(t, src, live.Config{})
	r, _ := open(t, srv.URL)
	// read returns the rows sent up to the next order.
	read := func() []string {
		var rows []string
		for {
			ev := next(t, r)
			if ev.Name == "order" {
				return rows
			}
			rows = append(rows, ev.Data)
		}
	}
	if got := read(); strings.Join(got, " ") != "a b" {
		t.Fatalf("first rows sent = %q", got)
	}
	src.set(2, "a")
	b.Notify(1, 2)
	if got := read(); len(got) != 0 {
		t.Fatalf("rows sent when b left = %q, want none", got)
	}
	src.set(3, "a", "b")
	b.Notify(1, 3)
	if got := read(); strings.Join(got, " ") != "b" {
		t.Errorf("rows sent when b came back = %q, want b", got)
	}
}
