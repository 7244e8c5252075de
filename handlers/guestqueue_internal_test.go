package handlers

import (
	"fmt"
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
func nightOf(n int, mine ...int) db.Night {
	night := db.Night{TurnLength: 4 * time.Minute}
	for i := range n {
		r := db.Request{ID: int64(i + 1), GuestID: 1, Singer: "Ana", Title: fmt.Sprint("Song ", i+1)}
		if slices.Contains(mine, i) {
			r.GuestID, r.Singer = 7, "Zed"
		}
		night.Queue = append(night.Queue, r)
	}
	return night
}

// shape writes a guest's queue as positions and gaps: "1 2 3 [57]".
func shape(q views.GuestQueue) string {
	var parts []string
	for _, r := range q.Rows {
		switch {
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
		{"empty queue", nightOf(0), ""},
		{"short queue, no songs of theirs: all of it", nightOf(5), "1 2 3 4 5"},
		{"no songs of theirs: the top, the rest counted", nightOf(60), "1 2 3 [57]"},
		{"first in line", nightOf(60, 0), "1* 2 3 [57]"},
		{"last in line", nightOf(60, 59), "1 2 3 [54] 58 59 60*"},
		{"39th of 60", nightOf(60, 38), "1 2 3 [33] 37 38 39* 40 41 [19]"},
		{"two songs side by side", nightOf(60, 38, 39), "1 2 3 [33] 37 38 39* 40* 41 42 [18]"},
		{"two songs far apart", nightOf(61, 20, 60), "1 2 3 [15] 19 20 21* 22 23 [35] 59 60 61*"},
		{"a gap too short to collapse is shown", nightOf(10, 6), "1 2 3 4 5 6 7* 8 9 10"},
		{"a gap of three is collapsed", nightOf(12, 8), "1 2 3 [3] 7 8 9* 10 11 12"},
		{"ended: nothing to wait for", func() db.Night {
			n := nightOf(60, 38)
			n.Session.EndedAt = time.Now()
			return n
		}(), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := guestQueue(lang.Lang{}, tt.night, 7)
			if got := shape(q); got != tt.want {
				t.Errorf("guest's queue = %q, want %q", got, tt.want)
			}
			if q.Ended {
				return
			}
			// Every song is either shown or counted in a gap, once.
			count := 0
			for i, r := range q.Rows {
				if r.Gap > 0 {
					count += r.Gap
					if i > 0 && q.Rows[i-1].Gap > 0 {
						t.Errorf("two gaps side by side at row %d", i)
					}
					continue
				}
				count++
				if mine := tt.night.Queue[r.Position-1].GuestID == 7; mine != r.Mine {
					t.Errorf("#%d marked mine=%v, want %v", r.Position, r.Mine, mine)
				}
			}
			if got, want := count, len(tt.night.Queue); got != want {
				t.Errorf("rows and gaps add up to %d songs, want %d", got, want)
			}
		})
	}
}
