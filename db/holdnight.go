package db

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// The holds as the Night shows them (holds.go makes and ends them).

// Hold is a guest's hold on their place, as the night shows it.
type Hold struct {
	Since time.Time
	Until time.Time // when it runs out: Since plus the session's hold minutes
}

// HoldLapse is a guest's hold that ran out: when, and how many of their
// songs went to the back of the line.
type HoldLapse struct {
	At    time.Time
	Moved int
}

// OnHold reports whether the guest is on hold.
func (n Night) OnHold(guestID int64) bool {
	_, ok := n.Holds[guestID]
	return ok
}

// PassedOver returns the songs Start next passes over now: the songs of
// singers on hold that stand ahead of the first song of a singer who is here.
func (n Night) PassedOver() []Request {
	var out []Request
	if len(n.Holds) == 0 {
		return nil
	}
	for _, e := range n.rot.queue.all() {
		if !n.OnHold(e.guest) {
			break
		}
		out = append(out, e.req)
	}
	return out
}

// NextUp returns the song Start next starts now, and false when only songs
// on hold (or none) are waiting.
func (n Night) NextUp() (Request, bool) {
	if skip := len(n.PassedOver()); skip < n.QueueLen() {
		return n.QueueAt(skip), true
	}
	return Request{}, false
}

// HoldEnds returns the moment the first hold runs out; zero for none.
func (n Night) HoldEnds() time.Time {
	var first time.Time
	for _, h := range n.Holds {
		if first.IsZero() || h.Until.Before(first) {
			first = h.Until
		}
	}
	return first
}

// HoldExpired reports whether a hold has run out by now, though the write
// that ends it has not happened yet.
func (n Night) HoldExpired(now time.Time) bool {
	t := n.HoldEnds()
	return !t.IsZero() && !now.Before(t)
}

// loadHolds reads the night's holds and the holds that ran out.
func loadHolds(ctx context.Context, tx *sql.Tx, n *Night) error {
	type row struct {
		guest        int64
		since, lapse sql.NullInt64
		moved        int
	}
	rows, err := sqlitedb.Collect(ctx, tx, func(s sqlitedb.Scanner) (r row, err error) {
		err = s.Scan(&r.guest, &r.since, &r.lapse, &r.moved)
		return r, err
	}, `SELECT id, hold_since, hold_lapsed_at, hold_lapse_moved FROM guests
		WHERE session_id = ? AND removed_at IS NULL AND (hold_since IS NOT NULL OR hold_lapsed_at IS NOT NULL)`, n.Session.ID)
	if err != nil {
		return fmt.Errorf("holds: %w", err)
	}
	n.Holds, n.HoldLapses = map[int64]Hold{}, map[int64]HoldLapse{}
	length := time.Duration(n.Session.HoldMinutes) * time.Minute
	for _, r := range rows {
		if r.since.Valid {
			since := fromMillis(r.since.Int64)
			n.Holds[r.guest] = Hold{Since: since, Until: since.Add(length)}
		}
		if r.lapse.Valid {
			n.HoldLapses[r.guest] = HoldLapse{At: fromMillis(r.lapse.Int64), Moved: r.moved}
		}
	}
	return nil
}

// rotationAt is the Night's rotation as a write made at now reads it: a
// write first ends the holds that have run out (expireHolds), which the
// Night, read before, may not show yet.
func (n Night) rotationAt(now time.Time) rotation {
	var expired []int64
	for guest, h := range n.Holds {
		if !now.Before(h.Until) {
			expired = append(expired, guest)
		}
	}
	if len(expired) == 0 {
		return n.rot
	}
	slices.SortFunc(expired, func(a, b int64) int {
		return cmp.Or(n.Holds[a].Since.Compare(n.Holds[b].Since), cmp.Compare(a, b))
	})
	return n.rot.expire(expired)
}

// expire is expireHolds on a copy of the rotation: for each guest, in the
// order given, their songs Start next passes over now go to the back of
// the line, in their order, in the last round waiting; then they are no
// longer on hold.
func (rot rotation) expire(guests []int64) rotation {
	out := rot
	line := slices.Collect(func(yield func(entry) bool) {
		for _, e := range rot.queue.all() {
			if !yield(*e) {
				return
			}
		}
	})
	queue := slices.Clone(line)
	head := slices.IndexFunc(line, func(e entry) bool { return !e.held })
	if head < 0 {
		head = len(line)
	}
	for _, guest := range guests {
		for _, passed := range line[:head] {
			if passed.guest != guest {
				continue
			}
			// As in expireHolds' UPDATE, the last round and position are
			// those of the line with the song still in its place.
			last := slices.MaxFunc(queue, func(a, b entry) int { return a.round - b.round }).round
			s := passed
			s.round, s.position = last, queue[len(queue)-1].position+positionGap
			queue = slices.DeleteFunc(queue, func(q entry) bool { return q.id == passed.id })
			queue = append(queue, s)
			r, _ := out.singers.of(guest)
			r.next = max(r.next, s.round+1)
			out.singers = out.singers.with(guest, r)
		}
		for i := range queue {
			if queue[i].guest == guest {
				queue[i].held = false
			}
		}
	}
	out.queue = newLine(queue)
	out.cur = roundOf(out.queue, out.lastStarted)
	return out
}
