package handlers

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/views"
)

// nightOf is an open night whose queue of n songs holds the guest 7's songs
// at the indexes mine; everyone else's are guest 1's.
func nightOf(t *testing.T, n int, mine ...int) db.Night {
	guests := make([]int64, n)
	for i := range guests {
		guests[i] = 1
		if slices.Contains(mine, i) {
			guests[i] = 7
		}
	}
	return queueNight(t, guests...)
}

// shape writes a guest's queue as positions and gaps: "1 2 3 [57]", a gap
// holding two of the guest's songs "[57 2*]".
func shape(q views.GuestQueue) string {
	var parts []string
	for _, r := range q.Rows {
		switch {
		case r.Yours > 0:
			parts = append(parts, fmt.Sprintf("[%d %d*]", r.Gap, r.Yours))
		case r.Gap > 0:
			parts = append(parts, fmt.Sprintf("[%d]", r.Gap))
		case r.Mine:
			parts = append(parts, fmt.Sprintf("%d*", r.Position))
		default:
			parts = append(parts, fmt.Sprint(r.Position))
		}
	}
	return strings.Join(parts, " ")
}

func TestGuestQueueShowsTheGuestsNeighbourhood(t *testing.T) {
	tests := []struct {
		name  string
		night db.Night
		want  string
	}{
		{"empty queue", nightOf(t, 0), ""},
		{"short queue, no songs of theirs: all of it", nightOf(t, 5), "1 2 3 4 5"},
		{"no songs of theirs: the top, the rest counted", nightOf(t, 60), "1 2 3 [57]"},
		{"first in line", nightOf(t, 60, 0), "1* 2 3 [57]"},
		{"last in line", nightOf(t, 60, 59), "1 2 3 [54] 58 59 60*"},
		{"39th of 60", nightOf(t, 60, 38), "1 2 3 [33] 37 38 39* 40 41 [19]"},
		// Neighbours are shown around the guest's next song only: their
		// later songs are in their own list with place and wait, and the
		// gap that holds them counts them.
		{"two songs side by side", nightOf(t, 60, 38, 39), "1 2 3 [33] 37 38 39* 40* 41 [19]"},
		{"two songs far apart", nightOf(t, 61, 20, 60), "1 2 3 [15] 19 20 21* 22 23 [38 1*]"},
		{"next in the head, a later song counted", nightOf(t, 60, 1, 30), "1 2* 3 4 [56 1*]"},
		{"a later song shown in the head is marked", nightOf(t, 60, 0, 2, 40), "1* 2 3* [57 1*]"},
		{"ten songs in a queue of 1,000: as short as one song", nightOf(t, 1000, 38, 138, 238, 338, 438, 538, 638, 738, 838, 938),
			"1 2 3 [33] 37 38 39* 40 41 [959 9*]"},
		{"a gap too short to collapse is shown", nightOf(t, 10, 6), "1 2 3 4 5 6 7* 8 9 10"},
		{"a gap of three is collapsed", nightOf(t, 12, 8), "1 2 3 [3] 7 8 9* 10 11 12"},
		{"ended: nothing to wait for", func() db.Night {
			n := nightOf(t, 60, 38)
			n.Session.EndedAt = time.Now()
			return n
		}(), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := guestQueue(lang.Lang{}, tt.night, tt.night.SongsOf(7))
			if got := shape(q); got != tt.want {
				t.Errorf("guest's queue = %q, want %q", got, tt.want)
			}
			if q.Ended {
				return
			}
			// Every song is either shown or counted in a gap, once, and
			// so is every song of the guest's.
			count, yours := 0, 0
			for i, r := range q.Rows {
				if r.Mine {
					yours++
				}
				if r.Gap > 0 {
					count, yours = count+r.Gap, yours+r.Yours
					if i > 0 && q.Rows[i-1].Gap > 0 {
						t.Errorf("two gaps side by side at row %d", i)
					}
					continue
				}
				count++
				if mine := tt.night.Queue()[r.Position-1].GuestID == 7; mine != r.Mine {
					t.Errorf("#%d marked mine=%v, want %v", r.Position, r.Mine, mine)
				}
			}
			if got, want := count, len(tt.night.Queue()); got != want {
				t.Errorf("rows and gaps add up to %d songs, want %d", got, want)
			}
			if got, want := yours, len(tt.night.SongsOf(7)); got != want {
				t.Errorf("rows and gaps hold %d of the guest's songs, want %d", got, want)
			}
		})
	}
}

// queueWindow is queueRuns said the plain way, a mark for every song of
// the queue: what queueRuns must agree with.
func queueWindow(n int, mine []int) []bool {
	shown := make([]bool, n)
	for i := range min(n, guestQueueHead) {
		shown[i] = true
	}
	for _, m := range mine {
		for i := max(0, m-guestQueueAround); i <= min(n-1, m+guestQueueAround); i++ {
			shown[i] = true
		}
	}
	for i := 0; i < n; {
		if shown[i] {
			i++
			continue
		}
		end := i
		for end < n && !shown[end] {
			end++
		}
		if end-i < guestQueueMinGap {
			for j := i; j < end; j++ {
				shown[j] = true
			}
		}
		i = end
	}
	return shown
}

// TestQueueRunsAreTheWindow: for every queue up to 40 songs and random
// songs of the guest's, the runs show what the window marks shown and
// collapse the rest, with no two gaps or two runs of songs side by side.
func TestQueueRunsAreTheWindow(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 2))
	for n := range 41 {
		for range 50 {
			var mine []int
			for i := range n {
				if rng.IntN(8) == 0 {
					mine = append(mine, i)
				}
			}
			want := queueWindow(n, mine)
			got := make([]bool, 0, n)
			runs := queueRuns(n, mine)
			for k, r := range runs {
				if k > 0 && (r.gap > 0) == (runs[k-1].gap > 0) {
					t.Fatalf("n=%d mine=%v: runs %d and %d side by side are alike: %+v", n, mine, k-1, k, runs)
				}
				if r.gap > 0 {
					got = append(got, make([]bool, r.gap)...)
					continue
				}
				if r.from != len(got) {
					t.Fatalf("n=%d mine=%v: run %+v starts at %d", n, mine, r, len(got))
				}
				for range r.to - r.from {
					got = append(got, true)
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("n=%d mine=%v: runs %+v, want window %v", n, mine, runs, want)
			}
		}
	}
}
