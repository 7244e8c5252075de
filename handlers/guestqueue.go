package handlers

import (
	"time"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/views"
)

// A guest's view of the queue is personal: on a night of 60 songs a list of
// the first 20 told a guest at #39 nothing about their turn. So each guest
// sees the top of the queue (who sings soon), a few songs either side of
// their next one (who they follow, who follows them), and the runs between
// collapsed into a count, which keeps the list short on a phone whatever
// the queue's length. Their later songs are not given neighbours of their
// own: "Your songs" above lists each with its place and wait, and the run
// that holds them says how many are theirs, so the list (and the answer to
// every request) is the same size for a guest with one song or twenty.
const (
	// guestQueueHead is how many songs at the top every guest sees.
	guestQueueHead = 3
	// guestQueueAround is how many songs either side of a guest's next are shown.
	guestQueueAround = 2
	// guestQueueMinGap is the shortest run collapsed: a shorter one takes
	// hardly more room shown than as a "… 2 more songs …" line.
	guestQueueMinGap = 3
)

// guestQueue is the queue as a guest whose songs are at the indexes mine
// (n.SongsOf) sees it; once the night has ended it is empty, as there is
// nothing left to wait for.
func guestQueue(lg lang.Lang, n db.Night, mine []int) views.GuestQueue {
	q := views.GuestQueue{Summary: queueSummary(lg, n), Ended: !n.Session.Open()}
	if q.Ended {
		return q
	}
	at := 0 // the songs of mine before the run at hand
	for _, run := range queueRuns(n.QueueLen(), mine[:min(1, len(mine))]) {
		if run.gap > 0 {
			// mine is in queue order: the guest's songs in this gap are
			// the next ones whose index falls before its end.
			end, yours := run.from+run.gap, 0
			for ; at < len(mine) && mine[at] < end; at++ {
				yours++
			}
			q.Rows = append(q.Rows, views.GuestQueueRow{Gap: run.gap, Yours: yours})
			continue
		}
		for i := run.from; i < run.to; i++ {
			row := views.GuestQueueRow{QueueItem: queueItem(lg, n, i)}
			if at < len(mine) && mine[at] == i {
				row.Mine = true
				at++
			}
			q.Rows = append(q.Rows, row)
		}
	}
	return q
}

// queueRun is a run of a guest's view of the queue: the songs shown from
// index from up to to, or a gap of that many songs collapsed, starting at
// index from.
type queueRun struct {
	from, to, gap int
}

// queueRuns says which of a queue of n songs a guest sees, given the
// indexes of the songs shown with neighbours (in order): the head, a
// neighbourhood round each of them, and any run too short to be worth
// collapsing; the rest are gaps. Found from those songs alone, so what it
// costs grows with the songs shown, not with the queue.
func queueRuns(n int, mine []int) []queueRun {
	// The spans shown, in order: the head and each song's neighbourhood.
	spans := []queueRun{{from: 0, to: min(n, guestQueueHead)}}
	for _, m := range mine {
		from, to := max(0, m-guestQueueAround), min(n, m+guestQueueAround+1)
		if last := &spans[len(spans)-1]; from <= last.to {
			last.to = max(last.to, to)
		} else {
			spans = append(spans, queueRun{from: from, to: to})
		}
	}
	var runs []queueRun
	at := 0
	for _, sp := range append(spans, queueRun{from: n, to: n}) {
		switch gap := sp.from - at; {
		case gap >= guestQueueMinGap:
			runs = append(runs, queueRun{from: at, gap: gap})
		case gap > 0:
			// Too short to collapse: shown.
			sp.from = at
		}
		if sp.to > sp.from {
			if len(runs) > 0 && runs[len(runs)-1].gap == 0 && runs[len(runs)-1].to == sp.from {
				runs[len(runs)-1].to = sp.to
			} else {
				runs = append(runs, sp)
			}
		}
		at = max(at, sp.to)
	}
	return runs
}

// myRequests is the guest's waiting songs (at the indexes mine), with their
// places; none once the night has ended, when there is no place to wait for
// or song to withdraw.
func myRequests(lg lang.Lang, n db.Night, mine []int) []views.MyRequest {
	var out []views.MyRequest
	if !n.Session.Open() {
		return nil
	}
	now := time.Now()
	for _, i := range mine {
		p := n.PlaceOf(i)
		item := placedItem(lg, n, i, p)
		out = append(out, views.MyRequest{QueueItem: item, Place: inLine(lg, i+1), WithdrawURL: withdrawPath(n.Session, item.ID),
			AfterClosing: n.StartsAfterClosing(p, now)})
	}
	return out
}
