package db_test

import (
	"testing"
)

// TestWaitCountsWhatStartNextStarts: a song's wait (Night.PlaceOf, which
// the guest's "your next song", my requests and the forecast all use)
// counts the songs Start next will start before it. Another singer's song
// on hold is passed over, so it is not counted; a held singer's own songs
// are, since the wait of a song on hold is its wait once they are back.
// Each case records the waits, brings back the singer named (if any), and
// then presses Start next until every recorded song has started.
func TestWaitCountsWhatStartNextStarts(t *testing.T) {
	tests := []struct {
		name  string
		steps []string
		back  string // the singer who comes back before the turns; only their songs are checked then
	}{
		{"a song passed over at the head", []string{"A a1", "B b1", "C c1", "A a2", "hold A", "next", "D d1"}, ""},
		{"a held song whose turn has not come", []string{"A a1", "B b1", "C c1", "D d1", "hold C", "E e1"}, ""},
		{"two songs passed over", []string{"A a1", "A a2", "B b1", "B b2", "C c1", "hold A", "next", "next", "D d1"}, ""},
		{"only songs on hold ahead, nobody singing", []string{"A a1", "B b1", "next", "next", "next", "A a2", "C c1", "hold A", "hold C", "D d1", "E e1"}, ""},
		{"the held singer's own songs, once back", []string{"A a1", "B b1", "C c1", "A a2", "hold A", "next", "A a3"}, "A"},
		{"the held singer's songs behind another hold", []string{"A a1", "B b1", "C c1", "B b2", "hold A", "hold B", "next"}, "B"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newNight(t)
			n.checked(tt.steps...)
			st := n.state()
			ahead := map[string]int{}
			for i, r := range st.Queue() {
				if tt.back == "" && !st.OnHold(r.GuestID) || tt.back != "" && r.GuestID == n.guest(tt.back).ID {
					ahead[r.Title] = st.PlaceOf(i).Ahead
				}
			}
			if tt.back != "" {
				n.runHolds("back " + tt.back)
			}
			// started is how many songs have started before the next one
			// Start next starts, the one being sung counted.
			started := 0
			if st.NowSinging != nil {
				started = 1
			}
			for len(ahead) > 0 {
				n.run("next")
				now := n.state().NowSinging
				if now == nil {
					t.Fatalf("Start next started nothing; still to start %v", ahead)
				}
				if want, ok := ahead[now.Title]; ok {
					if want != started {
						t.Errorf("%s had %d songs ahead in its wait, started after %d", now.Title, want, started)
					}
					delete(ahead, now.Title)
				}
				started++
			}
		})
	}
}
