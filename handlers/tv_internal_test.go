package handlers

import (
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
)

// TestGuessingAPairCodeInItsLife: how many pairing codes one address can
// try, at best, while one TV's code pairs (10 minutes), with the wrong-code
// guard the server ships with, and so its chance of pairing a stranger's
// waiting TV with its own night.
func TestGuessingAPairCodeInItsLife(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	g := newCodeGuard(defaultCodeRate, clock.now)
	tries := guessFor(g, clock, "a", db.PairCodeLife)
	later := guessFor(g, clock, "a", db.PairCodeLife)
	t.Logf("one address tries %d pairing codes in a code's first 10 minutes (%d in the next): a chance of %.1g in a code's life, of 10^6",
		tries, later, float64(tries)/1e6)
	if tries > 60 || later > 10 {
		t.Errorf("one address tried %d codes in 10 minutes, then %d; want at most 60, then 10", tries, later)
	}
}
