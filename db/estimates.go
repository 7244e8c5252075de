package db

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// The wait estimates, in this one place: a song ahead costs a turn and the
// changeover after it, both measured from the night's own turns.

// DefaultTurnLength is the length of a turn assumed until the session has
// measured turns of its own.
const DefaultTurnLength = 4 * time.Minute

// DefaultChangeover is the time between songs assumed until the session has
// measured enough of its own: the next singer finds the mic, the host finds
// the track.
const DefaultChangeover = time.Minute

// Turns outside these bounds are not counted in a session's average: a turn
// ended after seconds was a false start, one of an hour a forgotten button.
const (
	minMeasuredTurn = 30 * time.Second
	maxMeasuredTurn = 20 * time.Minute
)

// priorTurns is how many turns of DefaultTurnLength the night's average
// starts with, so that a few quick turns (a host trying the buttons, two
// skips) move it only part of the way: three 1-minute turns make 2.5 min.
const priorTurns = 3

// The changeover is the median of the gaps between the last turns, once
// there are minChangeovers of them: one long pause does not move a median.
// A gap over maxChangeover was a break, not a changeover. A gap of zero is
// a Start next that ended one turn and started the next in one press: the
// changeover is then inside the turns, and counts as zero here.
const (
	changeoverTurns = 10
	minChangeovers  = 3
	maxChangeover   = 15 * time.Minute
)

// measureTurns sets n's TurnLength and Changeover from the session's turns.
func measureTurns(ctx context.Context, tx *sql.Tx, n *Night) error {
	var (
		sum   sql.NullFloat64
		count int
	)
	err := tx.QueryRowContext(ctx, `SELECT SUM(ended_at - started_at), COUNT(*) FROM requests
		WHERE session_id = ? AND status = 'done' AND started_at IS NOT NULL
		AND ended_at - started_at BETWEEN ? AND ?`,
		n.Session.ID, minMeasuredTurn.Milliseconds(), maxMeasuredTurn.Milliseconds()).Scan(&sum, &count)
	if err != nil {
		return fmt.Errorf("average turn: %w", err)
	}
	total := float64(priorTurns*DefaultTurnLength.Milliseconds()) + sum.Float64
	n.TurnLength = time.Duration(total/float64(priorTurns+count)) * time.Millisecond
	n.MeasuredAvg = count > 0

	// Each turn's start less the end of the turn before it, newest first,
	// when its request was already waiting as that turn ended: otherwise
	// the queue was empty and the gap was an idle stage, not a changeover.
	// Only a turn has a start (Start next sets it, its undo clears it); the
	// statuses let the index skip the waiting songs, so the night's turns
	// cost the same whatever the queue's length.
	gaps, err := sqlitedb.Column[int64](ctx, tx, `SELECT started_at - prev_end FROM (
			SELECT started_at, created_at, id, LAG(ended_at) OVER (ORDER BY started_at, id) AS prev_end
			FROM requests WHERE session_id = ? AND status IN ('singing', 'done', 'skipped') AND started_at IS NOT NULL)
		WHERE created_at <= prev_end AND started_at - prev_end BETWEEN 0 AND ?
		ORDER BY started_at DESC, id DESC LIMIT ?`,
		n.Session.ID, maxChangeover.Milliseconds(), changeoverTurns)
	if err != nil {
		return fmt.Errorf("changeovers: %w", err)
	}
	n.Changeover = DefaultChangeover
	n.MeasuredChangeover = len(gaps) >= minChangeovers
	if n.MeasuredChangeover {
		slices.Sort(gaps)
		n.Changeover = time.Duration(gaps[len(gaps)/2]) * time.Millisecond
	}
	return nil
}

// PerSong is what one song ahead adds to a wait: its turn and the
// changeover after it.
func (n Night) PerSong() time.Duration { return n.TurnLength + n.Changeover }

// Estimate is how long songs songs take to sing, changeovers included.
func (n Night) Estimate(songs int) time.Duration { return time.Duration(songs) * n.PerSong() }

// Place is where a waiting request stands: how many songs are ahead of it
// (the one being sung included) and the estimated wait until it starts.
type Place struct {
	Position int // 1 for the first in the queue
	Ahead    int
	Wait     time.Duration
}

// PlaceOf returns the place of the queue's i-th request (0-based); its
// wait leaves out the songs Start next passes over (placeAfter).
func (n Night) PlaceOf(i int) Place {
	passed := 0
	if len(n.Holds) > 0 {
		guestID := n.rot.queue.at(i).guest
		for j, e := range n.rot.queue.all() {
			if j >= i {
				break
			}
			if passedOver(n.OnHold(e.guest), e.guest, guestID) {
				passed++
			}
		}
	}
	return n.placeAfter(i, passed)
}

// placeAfter is the place of a song with i songs ahead of it in the queue,
// passed of which are songs Start next passes over (passedOver): those are
// in its place (9th) but not in its wait, which counts the songs Start
// next will start before it as the line stands now, the one being sung
// included.
func (n Night) placeAfter(i, passed int) Place {
	ahead := i - passed
	if n.NowSinging != nil {
		ahead++
	}
	return Place{Position: i + 1, Ahead: ahead, Wait: n.Estimate(ahead)}
}

// passedOver reports whether a song ahead of the guest's, by singer (held:
// on hold), is left out of the guest's wait. The rule, for the forecast,
// the guest's own songs and the closing time alike: the song of another
// singer on hold is left out, because Start next passes over it for as
// long as the hold lasts, and when the hold runs out it goes to the back
// of the line, behind the guest's. If its singer comes back first (or the
// hold runs out before the song's turn came, which leaves it in its place)
// it is sung before the guest's and their wait grows by a song then, as it
// does when a newcomer's request lands ahead: a wait is the line as it
// stands, and the live frame shows the next one. The
// guest's own songs on hold are counted: the wait of a song on hold is
// the wait once its singer is back, when their earlier songs come first.
func passedOver(held bool, singer, guestID int64) bool { return held && singer != guestID }

// StartsAfterClosing reports whether a request at place p, estimated from
// now as the guest is shown it, would start after the session's closing
// time; never when the session has none.
func (n Night) StartsAfterClosing(p Place, now time.Time) bool {
	c := n.Session.ClosingAt
	return !c.IsZero() && now.Add(p.Wait).After(c)
}
