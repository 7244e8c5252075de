package db_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
)

// turn is one turn of a test night: sung for length, then ended by the
// Start next of the following turn (gap 0), or stopped and the next started
// gap later.
type turn struct{ length, gap time.Duration }

// playTurns has singers T0, T1… request a song each, then sings turns, and
// leaves the turn after the last one singing with two songs waiting.
func playTurns(n *night, turns []turn) {
	n.t.Helper()
	for i := range len(turns) + 3 {
		n.run(fmt.Sprintf("T%d t%d", i, i))
	}
	if len(turns) == 0 {
		return
	}
	n.run("next")
	for i, tr := range turns {
		n.clock.Advance(tr.length - time.Second) // the next step is a second on
		if tr.gap > 0 {
			n.run(fmt.Sprintf("skip t%d", i))
			n.clock.Advance(tr.gap - time.Second)
		}
		n.run("next")
	}
}

func TestWaitEstimates(t *testing.T) {
	min := time.Minute
	tests := []struct {
		name           string
		turns          []turn
		perSong        time.Duration
		turnsMeasured  bool
		changeMeasured bool
	}{
		{"4 min a song and 1 between before any turn", nil, 5 * min, false, false},
		{"false starts are not measured", []turn{{10 * time.Second, 0}}, 5 * min, false, false},
		// (3×4 + 3 + 5.5) / 5 = 4.1 min; one changeover is too few to use.
		{"the night's turns, weighed with three of the default",
			[]turn{{3 * min, 0}, {5*min + 30*time.Second, 0}}, 4*min + 6*time.Second + min, true, false},
		// (3×4 + 3×1) / 6 = 2.5 min; Start next ended each turn as the next
		// began, so the changeover is inside the turns.
		{"a few quick turns", []turn{{min, 0}, {min, 0}, {min, 0}}, 150 * time.Second, true, true},
		// Stopped turns are not measured; the gaps 1, 2, 2.5, 3 and 12 min
		// have the median 2.5.
		{"the median changeover",
			[]turn{{4 * min, 2 * min}, {4 * min, 3 * min}, {4 * min, 12 * min}, {4 * min, 150 * time.Second}, {4 * min, min}},
			4*min + 150*time.Second, false, true},
		{"a break is not a changeover",
			[]turn{{4 * min, 20 * min}, {4 * min, 16 * min}, {4 * min, 30 * min}, {4 * min, 0}},
			5 * min, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newNight(t)
			playTurns(n, tt.turns)
			state := n.state()
			if got := state.PerSong(); got != tt.perSong {
				t.Errorf("per song = %v (turn %v, changeover %v), want %v", got, state.TurnLength, state.Changeover, tt.perSong)
			}
			if state.MeasuredAvg != tt.turnsMeasured || state.MeasuredChangeover != tt.changeMeasured {
				t.Errorf("measured turns %v, changeovers %v; want %v, %v", state.MeasuredAvg, state.MeasuredChangeover, tt.turnsMeasured, tt.changeMeasured)
			}
			// Every place waits its songs ahead, the one being sung included.
			ahead := 0
			if state.NowSinging != nil {
				ahead = 1
			}
			for i := range state.Queue() {
				if got, want := state.PlaceOf(i).Wait, time.Duration(ahead+i)*tt.perSong; got != want {
					t.Errorf("wait of request %d = %v, want %v", i, got, want)
				}
			}
			if got := state.Estimate(50); got <= 100*min {
				t.Errorf("50 songs = %v: no more than 2 min a song", got)
			}
		})
	}
}

// TestAnEmptyQueueIsNotAChangeover: the time a stage stood empty, waiting
// for a request, is not time between songs.
func TestAnEmptyQueueIsNotAChangeover(t *testing.T) {
	n := newNight(t)
	for i := range 4 {
		n.run(fmt.Sprintf("T%d t%d", i, i), "next")
		n.clock.Advance(4 * time.Minute)
		n.run("next") // finishes the turn: the queue is empty
		n.clock.Advance(5 * time.Minute)
	}
	state := n.state()
	if state.MeasuredChangeover || state.Changeover != db.DefaultChangeover {
		t.Errorf("changeover %v (measured %v), want the default %v", state.Changeover, state.MeasuredChangeover, db.DefaultChangeover)
	}
}
